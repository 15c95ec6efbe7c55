"""The admin pages' pure builders and the view-as banner, without a server."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.admin.audit import CSV_HEADER, to_csv
from app.admin.settings import currency_choices, time_zone_choices
from app.data.settings import SETTINGS, parse_value
from layouts.pages import admin_audit, admin_settings, admin_users
from layouts.view_as import view_as_banner


def nodes(tree) -> list:
    return [tree] + list(tree._traverse())


def text(tree) -> str:
    """Every string in the tree, in document order."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, (list, tuple)):
        return " ".join(text(c) for c in tree)
    return text(getattr(tree, "children", None) or "")


def test_the_banner_names_the_viewed_user_and_posts_stop_with_the_csrf_token():
    assert view_as_banner(None, "t") is None
    banner = view_as_banner({"username": "anna", "display_name": "Anna <b>K</b>", "role": "rep"}, "tok-123")
    assert "Viewing as Anna <b>K</b> (Sales rep)" in text(banner)      # a plain string: Dash shows it as text
    form = next(n for n in nodes(banner) if isinstance(n, html.Form))
    assert (form.action, form.method) == ("/view-as/stop", "POST")
    hidden = next(n for n in nodes(form) if isinstance(n, dbc.Input))
    assert (hidden.type, hidden.name, hidden.value) == ("hidden", "csrf_token", "tok-123")
    assert "Viewing as bob (Executive)" in text(view_as_banner({"username": "bob", "display_name": None,
                                                                "role": "executive"}, "t"))


def test_the_settings_form_has_one_control_of_the_right_kind_per_setting():
    tree = admin_settings.layout()
    controls = {n.id: n for n in nodes(tree) if getattr(n, "id", None) in admin_settings.VALUE.values()}
    assert set(controls) == {admin_settings.VALUE[k] for k in SETTINGS}
    kinds = {k: type(controls[admin_settings.VALUE[k]]).__name__ for k in SETTINGS}
    assert kinds == {"org_timezone": "Dropdown", "currency": "Dropdown", "call_threshold_seconds": "Input",
                     "stale_days": "Input", "response_sla_minutes": "Input", "commission_multiplier": "Input",
                     "leaderboard_anonymous": "Switch", "freshness_warning_hours": "Input"}
    assert controls[admin_settings.VALUE["stale_days"]].step == 1
    assert controls[admin_settings.VALUE["commission_multiplier"]].step == "any"
    for setting in SETTINGS.values():                       # every description is on the page
        assert setting.description in text(tree)


def test_every_offered_zone_and_currency_is_one_the_setting_accepts():
    zones = time_zone_choices()
    assert "Europe/Warsaw" in zones and "UTC" in zones and not any(z.startswith("posix/") for z in zones)
    assert all(parse_value("org_timezone", z) == z for z in zones)
    codes = [code for code, _name in currency_choices("pl")]
    assert ("PLN", "złoty polski") in currency_choices("pl") and len(codes) > 150
    assert all(parse_value("currency", c) == c for c in codes)


def test_settings_messages():
    assert admin_settings.changed_note(None, "en", "UTC") == "never changed"
    note = admin_settings.changed_note({"updated_at": datetime(2025, 1, 5, 9, 30), "updated_by": "anna"}, "en",
                                       "Europe/Warsaw")
    assert note == "changed Jan 5, 2025, 10:30\u202fAM by anna"
    saved = admin_settings.saved_message([("stale_days", 3, 5), ("leaderboard_anonymous", False, True)])
    assert [li.children for li in nodes(saved) if isinstance(li, html.Li)] == [
        "Stale deal, days: 3 → 5", "Anonymous leaderboard for reps: off → on"]
    assert "Nothing changed." in text(admin_settings.saved_message([]))


def test_the_users_table_shows_names_as_text_and_rows_choose_the_login():
    user = {"username": "=evil", "display_name": "<script>x</script>", "role": "manager", "rep_id": "R1",
            "rep_name": "Anna", "active": False, "last_login_at": None, "created_at": datetime(2025, 1, 5, 9)}
    table = admin_users.users_table([user], "en", "UTC")
    row = next(n for n in nodes(table) if isinstance(n, html.Tr) and isinstance(getattr(n, "id", None), dict))
    assert row.id == {"type": admin_users.ROW, "user": "=evil"} and row.className == "text-muted"
    words = text(table)
    for shown in ("<script>x</script>", "=evil", "Manager", "Anna", "R1", "never", "deactivated",
                  "Jan 5, 2025, 9:00\u202fAM"):
        assert shown in words
    assert "No logins yet" in text(admin_users.users_table([], "en", "UTC"))


def test_tokens_show_no_secret_and_only_live_ones_can_be_revoked():
    tokens = [{"token_id": 1, "name": "BI", "created_at": datetime(2025, 1, 5), "last_used_at": None, "revoked_at": None},
              {"token_id": 2, "name": "Old", "created_at": datetime(2025, 1, 5), "last_used_at": datetime(2025, 1, 6),
               "revoked_at": datetime(2025, 2, 1)}]
    table = admin_users.tokens_table(tokens, "en", "UTC")
    buttons = [n.id for n in nodes(table) if isinstance(n, dbc.Button)]
    assert buttons == [{"type": admin_users.TOKEN_REVOKE, "token": 1}]
    assert "revoked Feb 1, 2025, 12:00\u202fAM" in text(table)
    secret = admin_users.secret_panel("token", "spd_abc")
    clip = next(n for n in nodes(secret) if isinstance(n, dcc.Clipboard))
    code = next(n for n in nodes(secret) if isinstance(n, html.Code))
    assert (clip.target_id, code.id, code.children) == (admin_users.SECRET_VALUE, admin_users.SECRET_VALUE, "spd_abc")
    assert "shown only once" in text(secret)


def test_audit_rows_and_details_as_text():
    row = {"event_id": 7, "at": datetime(2024, 3, 1, 23, 30, 5), "actor": "anna", "role": "admin", "ip": "10.0.0.1",
           "event": "setting_changed", "outcome": "success",
           "details": {"key": "stale_days", "old": 3, "new": None, "filters": {"b": 1, "a": [1]}}}
    table = admin_audit.events_table([row], "pl", "Europe/Warsaw")
    words = text(table)
    assert "2 mar 2024, 00:30:05" in words and "Time (Europe/Warsaw)" in words
    assert 'key: stale_days · old: 3 · new: — · filters: {"a": [1], "b": 1}' in words
    assert "No events match these filters" in text(admin_audit.events_table([], "en", "UTC"))
    assert admin_audit.summary_text(1234, 2, 25, "en") == "1,234 events · page 2 of 25"
    assert admin_audit.export_note(10, 100, "en") is None and admin_audit.export_note(100, 100, "en") is not None


def test_the_audit_csv_keeps_formulas_from_running():
    rows = [{"event_id": 1, "at": datetime(2024, 3, 1, 23, 30), "actor": "=HYPERLINK(\"x\")", "role": None,
             "ip": "-1", "event": "login_failed", "outcome": "failure", "details": {}},
            {"event_id": 2, "at": datetime(2024, 3, 1, 8, 0), "actor": "anna", "role": "admin", "ip": "127.0.0.1",
             "event": "export", "outcome": "success", "details": {"rows": 5, "note": "@x"}}]
    parsed = list(csv.reader(io.StringIO(to_csv(rows, "Asia/Tokyo"))))
    assert parsed[0] == CSV_HEADER
    assert parsed[1] == ["1", "2024-03-01T23:30:00+00:00", "2024-03-02T08:30:00+09:00", "'=HYPERLINK(\"x\")", "",
                         "'-1", "login_failed", "failure", ""]
    assert json.loads(parsed[2][8]) == {"note": "@x", "rows": 5}
