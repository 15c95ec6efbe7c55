"""The Targets page on both databases: quotas by year and team, an inline edit (validated, audited
old → new, data version bumped), a quotas file through the import, and non-admins forging it all."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.data.settings import fetch_data_version
from etl.runner import run_import
from layouts.pages import admin_targets as page
from tests.integration.admin_helpers import EXPORT, Browser, data_url, events, make_server, runs


@pytest.fixture
def server(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in EXPORT.items():
        (folder / name).write_text(text)
    server = make_server(db_url)
    run_import(server.extensions["engine"], folder, actor="test")
    yield server
    server.extensions["engine"].dispose()


def quotas(server) -> dict[tuple[str, str], float]:
    with server.extensions["engine"].connect() as conn:
        rows = conn.execute(sa.text("SELECT rep_id, month, amount FROM quotas")).all()
    return {(r, str(m)[:7]): float(a) for r, m, a in rows}


def version(server) -> int:
    with server.extensions["engine"].connect() as conn:
        return fetch_data_version(conn)


def table(browser: Browser, year, team) -> list[dict]:
    resp = browser.post(page.ADMIN_TARGETS_TABLE, "data", {(page.ADMIN_TARGETS_YEAR, "value"): year,
                                                           (page.ADMIN_TARGETS_TEAM, "value"): team})
    return resp.get_json()["response"][page.ADMIN_TARGETS_TABLE]["data"]


def edit(browser: Browser, rows: list[dict], row_id: str, amount):
    changed = [{**r, "amount": amount} if r["id"] == row_id else r for r in rows]
    return browser.post(page.ADMIN_TARGETS_EDITED, "children", {
        (page.ADMIN_TARGETS_TABLE, "data_timestamp"): 1, (page.ADMIN_TARGETS_TABLE, "data"): changed,
        (page.ADMIN_TARGETS_TABLE, "data_previous"): rows})


BEFORE = {("R1", "2025-01"): 5000.0, ("R1", "2025-02"): 6000.0, ("R2", "2025-01"): 7000.0}


def test_quotas_by_year_and_team(server):
    browser = Browser.open(server, "admin")
    resp = browser.post(page.ADMIN_TARGETS_YEAR, "options", {(page.ADMIN_TARGETS_VERSION, "data"): 0})
    outputs = resp.get_json()["response"]
    assert outputs[page.ADMIN_TARGETS_YEAR] == {"options": [{"label": "2025", "value": 2025}], "value": 2025}
    assert [o["value"] for o in outputs[page.ADMIN_TARGETS_TEAM]["options"]] == ["Poland", "USA"]
    poland = table(browser, 2025, "Poland")
    assert [(r["rep"], r["month"], r["month_label"], r["amount"]) for r in poland] == [
        ("Anna Nowak", "2025-01", "Jan 2025", 5000.0), ("Anna Nowak", "2025-02", "Feb 2025", 6000.0)]
    assert [r["id"] for r in table(browser, 2025, None)] == ["R1|2025-01", "R1|2025-02", "R2|2025-01"]
    assert table(browser, 2024, None) == []
    summary = browser.post(page.ADMIN_TARGETS_SUMMARY, "children", {(page.ADMIN_TARGETS_YEAR, "value"): 2025})
    assert "3 quotas, $18,000.00 in total" in summary.get_data(as_text=True)   # 5000 + 6000 + 7000


def test_an_edit_is_validated_audited_and_refreshes_the_kpis(server):
    browser = Browser.open(server, "admin")
    rows, before = table(browser, 2025, None), version(server)
    resp = edit(browser, rows, "R1|2025-01", 5500.5)
    text = resp.get_data(as_text=True)
    assert "Anna Nowak, Jan 2025: $5,000.00 \\u2192 $5,500.50" in text
    assert quotas(server) == {**BEFORE, ("R1", "2025-01"): 5500.5}
    assert version(server) == before + 1
    [event] = events(server.extensions["engine"], "quota_changed")
    assert event["actor"] == "admin" and json.loads(event["details"]) == {
        "rep_id": "R1", "month": "2025-01-01", "old": 5000.0, "new": 5500.5}


@pytest.mark.parametrize("amount, message", [(-5, "cannot be negative"), ("abc", "is not a number"),
                                             ("", "is not a number"), (1e14, "is too large")])
def test_a_bad_amount_is_refused_with_a_reason_and_changes_nothing(server, amount, message):
    browser = Browser.open(server, "admin")
    rows, before = table(browser, 2025, None), version(server)
    text = edit(browser, rows, "R2|2025-01", amount).get_data(as_text=True)
    assert f"Bob Smith, Jan 2025: not saved, the amount {message}" in text
    assert quotas(server) == BEFORE and version(server) == before
    assert events(server.extensions["engine"], "quota_changed") == []


def test_an_edit_of_a_quota_that_does_not_exist_changes_nothing(server):
    browser = Browser.open(server, "admin")
    forged = [{"id": "R2|2025-02", "rep_id": "R2", "rep": "Bob Smith", "team": "USA", "month": "2025-02",
               "month_label": "Feb 2025", "amount": 1.0}]
    text = edit(browser, forged, "R2|2025-02", 2.0).get_data(as_text=True)
    assert "Bob Smith, Feb 2025: not saved, there is no such quota" in text
    assert quotas(server) == BEFORE


def test_a_quotas_file_goes_through_the_import_with_rejected_rows_reported(server):
    browser = Browser.open(server, "admin")
    csv = ("rep_id,month,amount\nR1,2025-01-01,5000\nR1,2025-03-01,6500\nR2,2025-01-01,7100\n"
           "R9,2025-01-01,100\nR2,2025-02-15,100\n")
    resp = browser.post(page.ADMIN_TARGETS_LOADED, "children", {
        (page.ADMIN_TARGETS_UPLOAD, "contents"): data_url(csv), (page.ADMIN_TARGETS_UPLOAD, "filename"): "Targets 2025.csv"})
    text = resp.get_data(as_text=True)
    # 5 rows: R1 January unchanged, R1 March new, R2 January updated; R9 is no rep, 2025-02-15 no first day.
    assert "5 rows read: 1 new, 1 updated, 1 unchanged, 2 rejected" in text
    assert "reps: 'R9'" in text and "Targets 2025.csv" in text and "month must be the first day of a month" in text
    assert quotas(server) == {**BEFORE, ("R1", "2025-03"): 6500.0, ("R2", "2025-01"): 7100.0}
    assert runs(server.extensions["engine"])[-1]["actor"] == "admin"


def test_a_file_that_is_no_quotas_file_is_refused_in_one_line(server):
    browser = Browser.open(server, "admin")
    resp = browser.post(page.ADMIN_TARGETS_LOADED, "children", {
        (page.ADMIN_TARGETS_UPLOAD, "contents"): data_url(EXPORT["reps.csv"]),
        (page.ADMIN_TARGETS_UPLOAD, "filename"): "reps.csv"})
    assert "Nothing was loaded" in resp.get_data(as_text=True)
    assert "quotas.csv: required column month is missing" in resp.get_data(as_text=True)
    resp = browser.post(page.ADMIN_TARGETS_LOADED, "children", {
        (page.ADMIN_TARGETS_UPLOAD, "contents"): data_url(b"PK\x03\x04"), (page.ADMIN_TARGETS_UPLOAD, "filename"): "q.zip"})
    assert "Upload a CSV file (got: q.zip)" in resp.get_data(as_text=True)
    assert quotas(server) == BEFORE


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_non_admins_forging_the_targets_callbacks_get_403_and_nothing_changes(server, who):
    rows = table(Browser.open(server, "admin"), 2025, None)
    intruder, before = Browser.open(server, who), version(server)
    forged = [
        (page.ADMIN_TARGETS_EDITED, "children", {(page.ADMIN_TARGETS_TABLE, "data_timestamp"): 1,
                                                 (page.ADMIN_TARGETS_TABLE, "data"): [{**rows[0], "amount": 1}],
                                                 (page.ADMIN_TARGETS_TABLE, "data_previous"): rows[:1]}),
        (page.ADMIN_TARGETS_LOADED, "children", {(page.ADMIN_TARGETS_UPLOAD, "contents"): data_url("rep_id,month,amount\n"
                                                                                                   "R1,2025-01-01,1\n"),
                                                 (page.ADMIN_TARGETS_UPLOAD, "filename"): "q.csv"}),
        (page.ADMIN_TARGETS_TABLE, "data", {(page.ADMIN_TARGETS_YEAR, "value"): 2025}),
        (page.ADMIN_TARGETS_YEAR, "options", {}),
    ]
    for output_id, prop, values in forged:
        resp = intruder.post(output_id, prop, values)
        assert resp.status_code == 403 and "Anna Nowak" not in resp.get_data(as_text=True), output_id
    assert quotas(server) == BEFORE and version(server) == before and len(runs(server.extensions["engine"])) == 1
