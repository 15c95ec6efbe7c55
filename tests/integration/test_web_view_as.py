"""View as, on both databases: an admin sees pages, navbar, callbacks and rows exactly as the
viewed user, audit events keep naming the admin, Stop works from any page, and view-as ends on
logout, when the admin stops being one and when the viewed user is deactivated. Nobody else can
start or stop it."""
from __future__ import annotations

import json
import re

from app.auth import users as domain
from app.auth.pages import pages_for
from layouts import ids
from layouts.pages import admin_users as page
from tests.dash_client import find_key, login, open_page, page_part, post_callback, server_callbacks
from tests.integration.admin_client import call, events, outputs, text_of, users_action
from tests.integration.test_web_security import forged_pages, forged_values, shown_parts
from tests.integration.web_fixture import LOGINS, PASSWORD, web  # noqa: F401  (fixture)

SEARCH = "?period=last_12_months"


def start(web, client, who: str):
    return users_action(web, client, page.VIEW_AS, selected=LOGINS.get(who, who))


def banner(web, client) -> str:
    """The banner's text, spaces normalised."""
    shown = outputs(call(web, client, ids.VIEW_AS, "children", {(ids.PAGES_LOCATION, "pathname"): "/"}))
    return " ".join(text_of(shown[ids.VIEW_AS]["children"]).split())


def nav_hrefs(web, client) -> list[str]:
    links = outputs(call(web, client, ids.NAV, "children", {(ids.PAGES_LOCATION, "pathname"): "/", (ids.PAGES_LOCATION, "search"): ""}))
    return re.findall(r'"href": "([^"#]+)"', json.dumps(links))


def rendered(web, client, path: str) -> str:
    router = find_key(web.dash, "_pages_content", "children")
    resp = post_callback(client, web.dash, router, values={("_pages_location", "pathname"): path,
                                                           ("_pages_location", "search"): ""})
    return json.dumps(outputs(resp))


def csrf(client) -> str:
    with client.session_transaction() as session:
        return session.setdefault("csrf", "test-csrf-token-0123456789")


def stop(client, token: str | None = "from-session"):
    data = {"csrf_token": csrf(client) if token == "from-session" else token} if token is not None else {}
    return client.post("/view-as/stop", data=data)


def test_viewing_as_a_rep_gives_the_reps_pages_navbar_and_rows(web):
    admin = web.client("admin")
    resp = start(web, admin, "rep")
    shown = outputs(resp)
    assert shown[page.GOTO]["data"] == pages_for("rep")[0].path
    assert text_of(shown[page.MESSAGE]["children"]) == f"Viewing as {LOGINS['rep']}."
    assert banner(web, admin) == f"Viewing as {web.user('rep')['display_name']} (Sales rep) — pages, menus and " \
                                 "data are exactly what this user sees. Stop viewing as"
    assert nav_hrefs(web, admin) == [p.path for p in pages_for("rep")]
    assert ids.FORBIDDEN in rendered(web, admin, "/admin/users")          # admin pages are 403 now
    home = rendered(web, admin, "/")                                          # a rep's / is their home page
    assert '"href": "/my-performance"' in home and ids.OVERVIEW_TILES not in home
    assert users_action(web, admin, page.CREATE, new_username="while.viewing", new_role="executive",
                        new_password="long enough pass 1").status_code == 403
    # Rows: the rep's own only, whatever a forged request names.
    other_rep = web.user("other_rep")["rep_id"]
    filters = outputs(call(web, admin, ids.FILTER["rep"], "options", {(ids.URL, "search"): f"{SEARCH}&rep={other_rep}"}))
    assert filters[ids.FILTER["rep"]]["options"] == [{"label": web.rep_name("rep"), "value": web.user("rep")["rep_id"]}]
    rank = json.dumps(page_part(open_page(admin, web.dash, "/my-performance", f"{SEARCH}&rep={other_rep}"),
                                ids.MY_PERFORMANCE_RANK, "children"))
    assert web.rep_name("rep") in rank and web.rep_name("other_rep") not in rank
    assert stop(admin).status_code == 302


def test_every_forged_callback_while_viewing_as_a_rep_holds_only_the_reps_data(web):
    admin = web.client("admin")
    start(web, admin, "rep")
    values, wildcard = forged_values(web.user("other_rep")["rep_id"], web.team("other_rep"), "T-USA-CA")
    answered = 0
    for key in server_callbacks(web.dash):
        resp = post_callback(admin, web.dash, key, values=values, wildcard=wildcard)
        assert resp.status_code in (200, 403), (key, resp.status_code)
        if "leaderboard-board" in key:
            # The shared leaderboard names every rep to a rep (ranks only: what it may hold is
            # checked in test_web_leaderboard.py); other callbacks never name another rep.
            continue
        assert web.rep_name("other_rep") not in resp.get_data(as_text=True), key
        answered += resp.status_code == 200
    assert answered >= 4                           # the shell, the router, the board: with the rep's rows
    for path, resp in forged_pages(web, admin, values[(ids.URL, "search")]):
        assert resp.status_code == 200 and web.rep_name("other_rep") not in shown_parts(web, resp), path
    assert stop(admin).status_code == 302


def test_audit_events_while_viewing_name_the_admin_and_the_viewed_user(web):
    admin = web.client("admin")
    start(web, admin, "rep")
    began = events(web, "view_as_start", actor="admin")[-1]
    assert (began["role"], began["details"]["username"], began["details"]["target_role"]) == \
        ("admin", LOGINS["rep"], "rep")
    assert began["details"]["display_name"] == web.user("rep")["display_name"]
    rendered(web, admin, "/admin/settings")                                 # refused: audited
    denied = events(web, "authorization_denied", actor="admin")[-1]
    assert (denied["role"], denied["details"]["view_as"], denied["details"]["view_as_role"],
            denied["details"]["resource"]) == ("admin", LOGINS["rep"], "rep", "page:/admin/settings")
    assert events(web, "authorization_denied", actor=LOGINS["rep"]) == []   # never in the rep's name
    assert stop(admin).headers["Location"].endswith("/admin/users")
    ended = events(web, "view_as_stop", actor="admin")[-1]
    assert (ended["details"]["username"], ended["details"]["reason"]) == (LOGINS["rep"], "stopped")
    assert banner(web, admin) == "" and ids.FORBIDDEN not in rendered(web, admin, "/admin/users")
    assert nav_hrefs(web, admin) == [p.path for p in pages_for("admin")]


def test_stop_needs_the_forms_token(web):
    admin = web.client("admin")
    start(web, admin, "manager")
    assert stop(admin, None).status_code == 400 and stop(admin, "forged").status_code == 400
    assert "Viewing as" in banner(web, admin)                              # still viewing
    assert stop(admin).status_code == 302 and banner(web, admin) == ""


def test_view_as_is_refused_for_admins_inactive_and_unknown_users(web):
    admin = web.client("admin")
    with web.engine.begin() as conn:
        domain.create_user(conn, "gone.exec", "executive", "long enough pass 1", actor="test")
        domain.deactivate(conn, "gone.exec", actor="test")
    for target, reason in [("admin", "admin is an administrator; view as works for executives, managers and reps"),
                           ("gone.exec", "gone.exec is deactivated; only active users can be viewed as"),
                           ("ghost", "no user named 'ghost'")]:
        shown = outputs(start(web, admin, target))
        assert text_of(shown[page.MESSAGE]["children"]) == reason and page.GOTO not in shown
        assert banner(web, admin) == ""


def test_nobody_else_can_start_or_stop_view_as(web):
    for who in ("executive", "manager", "rep"):
        client = web.client(who)
        before = len(events(web, "authorization_denied", actor=LOGINS[who]))
        assert start(web, client, "other_rep").status_code == 403
        assert banner(web, client) == ""
        assert nav_hrefs(web, client) == [p.path for p in pages_for(web.user(who)["role"])]
        assert stop(client).status_code == 403
        denied = events(web, "authorization_denied", actor=LOGINS[who])
        assert len(denied) == before + 2 and denied[-1]["details"]["resource"] == "route:/view-as/stop"
    assert not any(e["actor"] != "admin" for e in events(web, "view_as_start"))


def test_logout_ends_view_as(web):
    admin = web.client("admin")
    start(web, admin, "rep")
    admin.post("/logout")
    assert events(web, "view_as_stop", actor="admin")[-1]["details"]["reason"] == "logout"
    assert login(admin, LOGINS["admin"], PASSWORD).status_code == 302
    assert banner(web, admin) == "" and nav_hrefs(web, admin) == [p.path for p in pages_for("admin")]


def test_view_as_ends_when_the_viewed_user_is_deactivated(web):
    admin = web.client("admin")
    with web.engine.begin() as conn:
        domain.create_user(conn, "short.lived", "executive", "long enough pass 1", actor="test")
    start(web, admin, "short.lived")
    assert nav_hrefs(web, admin) == [p.path for p in pages_for("executive")]
    with web.engine.begin() as conn:
        domain.deactivate(conn, "short.lived", actor="test")
    assert nav_hrefs(web, admin) == [p.path for p in pages_for("admin")]    # back to the admin's own view
    ended = events(web, "view_as_stop", actor="admin")[-1]
    assert ended["details"]["username"] == "short.lived" and "deactivated" in ended["details"]["reason"]
    assert banner(web, admin) == ""


def test_view_as_ends_when_the_admin_stops_being_one(web):
    with web.engine.begin() as conn:
        domain.create_user(conn, "temp.admin", "admin", "long enough pass 1", actor="test")
    client = web.server.test_client()
    assert login(client, "temp.admin", "long enough pass 1").status_code == 302
    start(web, client, "rep")
    assert nav_hrefs(web, client) == [p.path for p in pages_for("rep")]
    with web.engine.begin() as conn:
        domain.set_role(conn, "temp.admin", "executive", actor="admin")
    assert nav_hrefs(web, client) == [p.path for p in pages_for("executive")]   # their own, new role
    ended = events(web, "view_as_stop", actor="temp.admin")[-1]
    assert "only a signed-in administrator" in ended["details"]["reason"]
    with web.engine.begin() as conn:                  # an admin again: the old view-as does not come back
        domain.set_role(conn, "temp.admin", "admin", actor="admin")
    assert nav_hrefs(web, client) == [p.path for p in pages_for("admin")]


def test_api_tokens_never_view_as(web):
    admin = web.client("admin")
    token = next(w for w in text_of(outputs(users_action(web, admin, page.TOKEN_CREATE, selected="admin",
                                                         token_name="own"))[page.SECRET]["children"]).split()
                 if w.startswith("spd_"))
    start(web, admin, "rep")
    bearer = {"Authorization": f"Bearer {token}"}
    answer = web.server.test_client().get(f"/api/v1/kpis?ids=revenue&from=2000-01-01&to=2100-01-01&by=rep",
                                          headers=bearer).get_json()
    assert len({row["rep"] for row in answer["rows"]}) > 1             # the admin's whole company
    stop(admin)


def test_the_banner_and_the_user_menu_show_when_the_freshness_badge_fails(web, monkeypatch):
    from app.kpi import service
    admin = web.client("admin")
    start(web, admin, "rep")

    def broken():
        raise RuntimeError("import_runs unreadable")
    monkeypatch.setattr(service, "freshness", broken)
    try:
        shown = outputs(call(web, admin, ids.VIEW_AS, "children", {(ids.PAGES_LOCATION, "pathname"): "/"}))
        assert "Viewing as" in text_of(shown[ids.VIEW_AS]["children"])
        assert web.user("rep")["display_name"] in json.dumps(shown[ids.USER_MENU]["children"])
        assert shown[ids.FRESHNESS]["children"] is None
    finally:
        monkeypatch.undo()
        assert stop(admin).status_code == 302
