"""The audit log page through /_dash-update-component, on both databases: newest first, 50 a
page, filtered by event, actor, outcome and dates in the organisation's zone; times shown in that
zone; the CSV download is formula-safe and audited as an export; other roles get 403."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from app.data.settings import save_setting
from app.data.system_schema import audit_log
from layouts.pages import admin_audit as page
from tests.integration.admin_client import call, events, outputs, text_of
from tests.integration.web_fixture import LOGINS, web  # noqa: F401  (fixture)

START = datetime(2024, 3, 1, 12, 0, 0)      # naive UTC, as stored


@pytest.fixture(scope="module")
def probes(web):
    """120 'probe' events one hour apart from START (outcome failure every third), by two actors,
    plus one with a formula for an actor; returns their ids oldest first."""
    rows = [dict(at=START + timedelta(hours=n), actor="probe.a" if n % 2 else "probe.b", role="rep", ip="10.0.0.1",
                 event="probe", outcome="failure" if n % 3 == 0 else "success", details=f'{{"n": {n}}}')
            for n in range(120)]
    rows.append(dict(at=START - timedelta(days=30), actor="=HYPERLINK(\"http://x\")", role=None, ip="10.0.0.2",
                     event="login_failed", outcome="failure", details=None))
    with web.engine.begin() as conn:
        conn.execute(audit_log.insert(), rows)


def show(web, client, page_no=1, changed=None, **filters):
    values = {(page.EVENT, "value"): filters.get("event"), (page.ACTOR, "value"): filters.get("actor"),
              (page.OUTCOME, "value"): filters.get("outcome"), (page.DATES, "start_date"): filters.get("start"),
              (page.DATES, "end_date"): filters.get("end"), (page.PAGES, "active_page"): page_no}
    return outputs(call(web, client, page.TABLE, "children", values, changed=changed or f"{page.PAGES}.active_page"))


def numbers(shown) -> list[int]:
    """The n of each probe row shown, from its details."""
    rows = shown[page.TABLE]["children"]["props"]["children"][1]["props"]["children"]
    return [int(text_of(r["props"]["children"][-1]).split("n: ")[1]) for r in rows]


def test_events_newest_first_fifty_a_page(web, probes):
    client = web.client("admin")
    first = show(web, client, event="probe")
    assert numbers(first) == list(range(119, 69, -1))
    assert text_of(first[page.SUMMARY]["children"]) == "120 events · page 1 of 3"
    assert (first[page.PAGES]["max_value"], first[page.PAGES]["active_page"]) == (3, 1)
    third = show(web, client, 3, event="probe")
    assert numbers(third) == list(range(19, -1, -1))
    assert show(web, client, 9, event="probe")[page.PAGES]["active_page"] == 3        # clamped to the last page
    # A filter change goes back to page 1, whatever page was open.
    back = show(web, client, 3, changed=f"{page.OUTCOME}.value", event="probe", outcome="failure")
    assert back[page.PAGES]["active_page"] == 1 and numbers(back)[:3] == [117, 114, 111]


def test_filters_by_actor_outcome_and_dates_in_the_organisation_zone(web, probes):
    client = web.client("admin")
    mine = show(web, client, event="probe", actor="probe.a", outcome="failure")
    assert numbers(mine) == list(range(117, 0, -6))              # odd n (probe.a) and n % 3 == 0
    # START + 12 h … START + 35 h is 2 March in UTC: 24 events, hours 12 to 35.
    day = show(web, client, event="probe", start="2024-03-02", end="2024-03-02")
    assert numbers(day) == list(range(35, 11, -1))
    with web.engine.begin() as conn:
        save_setting(conn, "org_timezone", "Asia/Tokyo", actor="test")      # UTC+9
    try:
        # 2 March in Tokyo is 1 March 15:00 UTC … 2 March 15:00 UTC: n = 3 … 26.
        tokyo = show(web, client, event="probe", start="2024-03-02", end="2024-03-02")
        assert numbers(tokyo) == list(range(26, 2, -1))
        newest = tokyo[page.TABLE]["children"]["props"]["children"][1]["props"]["children"][0]
        # n = 26 is 2 March 14:00 UTC, 23:00 in Tokyo.
        assert text_of(newest["props"]["children"][0]) == "Mar 2, 2024, 11:00:00\u202fPM"   # CLDR: a narrow space
        assert "Time (Asia/Tokyo)" in text_of(tokyo[page.TABLE]["children"]["props"]["children"][0])
    finally:
        with web.engine.begin() as conn:
            save_setting(conn, "org_timezone", "UTC", actor="test")


def test_bad_filters_say_why(web, probes):
    client = web.client("admin")
    shown = show(web, client, event="probe", start="2024-03-05", end="2024-03-01")
    assert text_of(shown[page.MESSAGE]["children"]) == "the start date is after the end date"
    shown = show(web, client, outcome="maybe")
    assert text_of(shown[page.MESSAGE]["children"]) == "unknown outcome 'maybe'"
    shown = show(web, client, start="yesterday")
    assert text_of(shown[page.MESSAGE]["children"]) == "'yesterday' is not a date (use YYYY-MM-DD)"


def test_event_choices_are_the_recorded_events(web, probes):
    shown = outputs(call(web, web.client("admin"), page.EVENT, "options", {(page.LOADED, "data"): True}))
    values = [o["value"] for o in shown[page.EVENT]["options"]]
    assert values == sorted(values) and {"probe", "login", "login_failed", "user_created"} <= set(values)


def test_the_csv_download_is_filtered_formula_safe_and_audited(web, probes):
    client = web.client("admin")
    values = {(page.DOWNLOAD, "n_clicks"): 1, (page.EVENT, "value"): None, (page.ACTOR, "value"): None,
              (page.OUTCOME, "value"): "failure", (page.DATES, "start_date"): "2024-01-01",
              (page.DATES, "end_date"): "2024-03-01"}
    shown = outputs(call(web, client, page.DOWNLOAD_FILE, "data", values))
    download = shown[page.DOWNLOAD_FILE]["data"]
    assert download["filename"].startswith("audit-log-") and download["filename"].endswith(".csv")
    rows = list(csv.reader(io.StringIO(download["content"])))
    assert rows[0] == ["event_id", "time_utc", "time_local", "actor", "role", "ip", "event", "outcome", "details"]
    # 1 March (UTC): probes n = 0…11 that failed (n = 0, 3, 6, 9) and the old login_failed, newest first.
    assert [r[6] for r in rows[1:]] == ["probe"] * 4 + ["login_failed"]
    assert [r[8] for r in rows[1:5]] == ['{"n": 9}', '{"n": 6}', '{"n": 3}', '{"n": 0}']
    assert rows[1][1] == "2024-03-01T21:00:00+00:00" and rows[1][2] == "2024-03-01T21:00:00+00:00"
    assert rows[5][3] == "'=HYPERLINK(\"http://x\")"                  # shown as text, never run
    export = events(web, "export", actor="admin")[-1]
    assert (export["details"]["kind"], export["details"]["rows"], export["details"]["filters"]) == \
        ("audit_log", 5, {"outcome": "failure", "start": "2024-01-01", "end": "2024-03-01"})


def test_other_roles_get_403(web, probes):
    for who in ("executive", "manager", "rep"):
        client = web.client(who)
        assert call(web, client, page.TABLE, "children", {(page.PAGES, "active_page"): 1}).status_code == 403
        assert call(web, client, page.DOWNLOAD_FILE, "data", {(page.DOWNLOAD, "n_clicks"): 1}).status_code == 403
        assert call(web, client, page.EVENT, "options", {(page.LOADED, "data"): True}).status_code == 403
    assert not any(e["details"].get("kind") == "audit_log" and e["actor"] != "admin" for e in events(web, "export"))
    assert {e["actor"] for e in events(web, "authorization_denied")} >= set(LOGINS[w] for w in ("executive", "rep"))
