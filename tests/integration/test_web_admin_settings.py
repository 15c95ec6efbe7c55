"""The settings page through /_dash-update-component, on both databases: the form shows the
stored values, a valid change is stored (data version bumped, audited old → new), any bad value
saves nothing and says why next to its field, and other roles get 403."""
from __future__ import annotations

from app.data.settings import SETTINGS, fetch_data_version, fetch_settings, save_setting
from layouts.pages import admin_settings as page
from tests.integration.admin_client import call, events, outputs, text_of
from tests.integration.web_fixture import LOGINS, web  # noqa: F401  (fixture)

KEYS = list(SETTINGS)
FORM = {"org_timezone": "UTC", "currency": "USD", "call_threshold_seconds": 60, "stale_days": 3,
        "response_sla_minutes": 15, "commission_multiplier": 1.5, "leaderboard_anonymous": False,
        "freshness_warning_hours": 48}


def submit(web, client, form: dict | None, save: bool = True):
    values = {(page.VALUE[k], "value"): v for k, v in (form or {}).items()}
    values[(page.SAVE, "n_clicks")] = 1 if save else 0
    return call(web, client, page.MESSAGE, "children", values, changed=f"{page.SAVE}.n_clicks" if save else None)


def stored(web) -> tuple[dict, int]:
    with web.engine.connect() as conn:
        return fetch_settings(conn), fetch_data_version(conn)


def test_the_form_shows_the_stored_values_and_who_changed_them(web):
    with web.engine.begin() as conn:
        save_setting(conn, "stale_days", 4, actor="someone")
    shown = outputs(submit(web, web.client("admin"), None, save=False))
    assert [shown[page.VALUE[k]]["value"] for k in KEYS] == [{**FORM, "stale_days": 4}[k] for k in KEYS]
    assert shown[page.CHANGED["stale_days"]]["children"].startswith("changed ")
    assert shown[page.CHANGED["stale_days"]]["children"].endswith(" by someone")
    assert shown[page.CHANGED["currency"]]["children"] == "never changed"
    with web.engine.begin() as conn:
        save_setting(conn, "stale_days", 3, actor="someone")


def test_a_valid_change_is_stored_bumps_the_data_version_and_is_audited(web):
    client = web.client("admin")
    _, version = stored(web)
    form = {**FORM, "stale_days": 5, "currency": "pln", "leaderboard_anonymous": True, "commission_multiplier": 2}
    shown = outputs(submit(web, client, form))
    values, new_version = stored(web)
    assert (values["stale_days"], values["currency"], values["leaderboard_anonymous"],
            values["commission_multiplier"]) == (5, "PLN", True, 2.0)
    assert new_version == version + 4                        # one bump per changed setting
    assert shown[page.VALUE["currency"]]["value"] == "PLN"   # the form shows what is stored
    assert " ".join(text_of(shown[page.MESSAGE]["children"]).split()) == (
        "Saved: Currency: USD → PLN Stale deal, days: 3 → 5 Commission multiplier: 1.5 → 2.0 "
        "Anonymous leaderboard for reps: off → on")
    changed = [(e["details"]["key"], e["details"]["old"], e["details"]["new"], e["role"], e["ip"])
               for e in events(web, "setting_changed", actor="admin")[-4:]]
    assert changed == [("currency", "USD", "PLN", "admin", "127.0.0.1"), ("stale_days", 3, 5, "admin", "127.0.0.1"),
                       ("commission_multiplier", 1.5, 2.0, "admin", "127.0.0.1"),
                       ("leaderboard_anonymous", False, True, "admin", "127.0.0.1")]
    again = outputs(submit(web, client, {**form, "currency": "PLN"}))            # nothing left to change
    assert text_of(again[page.MESSAGE]["children"]) == "Nothing changed." and stored(web)[1] == new_version
    outputs(submit(web, client, FORM))                                           # back to the defaults
    assert stored(web)[0] == FORM


def test_any_bad_value_saves_nothing_and_says_why_next_to_it(web):
    client = web.client("admin")
    before = stored(web)
    form = {**FORM, "stale_days": 10, "org_timezone": "Mars/Olympus", "currency": "XYZ", "call_threshold_seconds": -5,
            "response_sla_minutes": 2.5, "commission_multiplier": "lots", "freshness_warning_hours": None}
    shown = outputs(submit(web, client, form))
    assert stored(web) == before                               # not even the valid stale_days
    errors = {k: shown[page.ERROR[k]]["children"] for k in KEYS}
    assert errors == {
        "org_timezone": "unknown time zone 'Mars/Olympus' (use e.g. Europe/Warsaw)",
        "currency": "unknown currency 'XYZ' (use an ISO 4217 code such as PLN)",
        "call_threshold_seconds": "call_threshold_seconds cannot be negative",
        "stale_days": None,
        "response_sla_minutes": "response_sla_minutes must be a whole number, got '2.5'",
        "commission_multiplier": "commission_multiplier must be a number, got 'lots'",
        "leaderboard_anonymous": None,
        "freshness_warning_hours": "freshness_warning_hours needs a value",
    }
    assert page.VALUE["stale_days"] not in shown                 # the form keeps what was typed
    assert text_of(shown[page.MESSAGE]["children"]) == "Nothing was saved: correct the values marked below."
    forged = outputs(submit(web, client, {"leaderboard_anonymous": "maybe"}))
    assert forged[page.ERROR["leaderboard_anonymous"]]["children"] == \
        "leaderboard_anonymous must be true or false, got 'maybe'"
    assert stored(web) == before


def test_a_time_zone_change_is_a_zone_the_server_knows(web):
    client = web.client("admin")
    outputs(submit(web, client, {**FORM, "org_timezone": "Europe/Warsaw"}))
    assert stored(web)[0]["org_timezone"] == "Europe/Warsaw"
    outputs(submit(web, client, FORM))
    assert stored(web)[0]["org_timezone"] == "UTC"


def test_other_roles_get_403_and_change_nothing(web):
    before = stored(web)
    for who in ("executive", "manager", "rep"):
        client = web.client(who)
        count = len(events(web, "authorization_denied", actor=LOGINS[who]))
        assert submit(web, client, {**FORM, "stale_days": 99}).status_code == 403
        assert submit(web, client, None, save=False).status_code == 403
        assert len(events(web, "authorization_denied", actor=LOGINS[who])) == count + 2
    assert stored(web) == before
