"""The web app at the HTTP level, as each role, on both databases: the gate, the callback policy,
forged callback requests, the page table and the navbar."""
from __future__ import annotations

import json
import re

import sqlalchemy as sa
from dash import Input, Output

from app import create_app
from app.auth.pages import ADMINISTRATION, PAGES, pages_for
from app.auth.roles import Role
from app.config import Config
from app.dash_app import callback_modules
from app.data.system_schema import audit_log
from callbacks.parts import outputs_of
from callbacks.policy import roles_for
from layouts import ids
from tests.dash_client import callback_body, find_key, login, open_page, page_part, post_callback, server_callbacks
from tests.integration.web_fixture import LOGINS, PASSWORD, web  # noqa: F401  (fixture)

PUBLIC = {"/login", "/healthz"}


def concrete(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"x", rule.rule)


def forged_values(rep_id: str, team: str, territory: str) -> tuple[dict, dict]:
    """Inputs naming someone else's rep, team and territory, for every callback of the app."""
    search = f"?period=last_12_months&rep={rep_id}&team={team.replace(' ', '+')}&territory={territory}"
    values = {(ids.URL, "search"): search, (ids.URL, "pathname"): "/",
              (ids.LEADERBOARD_FILTERS, "data"): search, (ids.LEADERBOARD_METRIC, "value"): "pipeline_value",
              ("_pages_location", "pathname"): "/", ("_pages_location", "search"): search,
              (ids.FILTER_PERIOD, "value"): "last_12_months", (ids.FILTER_COMPARE, "value"): "prev",
              (ids.FILTER["rep"], "value"): rep_id, (ids.FILTER["team"], "value"): team,
              (ids.FILTER["territory"], "value"): territory,
              (ids.OVERVIEW_CHANNELS, "clickData"): {"points": [{"customdata": "online"}]},
              (ids.OVERVIEW_REP_CLICK, "data"): rep_id, (ids.LEADERBOARD_REP_CLICK, "data"): rep_id}
    return values, {"rep": rep_id, "locale": "en", "key": "rep", "page": "overview"}


def forged_pages(web, client, search: str) -> list:
    """(path, the page router's answer) for every page of the page table, opened with `search`."""
    return [(p.path, open_page(client, web.dash, p.path, search)) for p in PAGES]


def shown_parts(web, resp) -> str:
    """What a page router's answer shows in the parts it filled in (the page's callbacks
    module's PARTS), as text: not the query string the page keeps, which echoes the request."""
    return json.dumps([page_part(resp, cid, prop, required=False) for module in callback_modules()
                       for outputs in getattr(module, "PARTS", {})
                       for cid, prop in outputs_of(outputs)])


def denials(web, username: str) -> int:
    with web.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(
            audit_log.c.event == "authorization_denied", audit_log.c.actor == username)).scalar()


def hrefs_in(component) -> list[str]:
    """The hrefs of a serialised component tree, in document order."""
    if isinstance(component, list):
        return [h for c in component for h in hrefs_in(c)]
    if not isinstance(component, dict):
        return []
    props = component.get("props", {})
    return ([props["href"]] if props.get("href") else []) + hrefs_in(props.get("children"))


def response_of(resp) -> dict:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"]


def test_anonymous_requests_to_every_route_are_refused(web):
    client = web.server.test_client()
    rules = list(web.server.url_map.iter_rules())
    assert {"/_dash-layout", "/_dash-dependencies", "/_dash-update-component"} <= {r.rule for r in rules}
    for rule in rules:
        path = concrete(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(path, method=method, json={} if method == "POST" else None)
            if path in PUBLIC or path.startswith("/static/"):
                continue
            if path.startswith(("/_dash-", "/api/")):
                assert resp.status_code == 401, (method, path, resp.status_code)
            else:
                assert resp.status_code == 302 and "/login?next=" in resp.headers["Location"], (method, path)


def test_every_callback_declares_a_policy(web):
    callbacks = server_callbacks(web.dash)
    assert len(callbacks) >= 15
    missing = [key for key, entry in callbacks.items() if roles_for(entry) is None]
    assert missing == []


def test_a_callback_without_a_policy_is_refused_and_audited(web, module_db_url):
    server = create_app(Config(database_url=module_db_url, secret_key="web-test-secret-key-0123456789",
                               testing=True))
    app = server.extensions["dash"]
    app.callback(Output(ids.ERROR, "children"), Input(ids.URL, "hash"))(lambda value: "leaked")
    client = server.test_client()
    assert login(client, LOGINS["admin"], PASSWORD).status_code == 302
    before = denials(web, LOGINS["admin"])
    resp = post_callback(client, app, f"{ids.ERROR}.children", values={(ids.URL, "hash"): "#x"})
    assert resp.status_code == 403 and "leaked" not in resp.get_data(as_text=True)
    assert denials(web, LOGINS["admin"]) == before + 1
    server.extensions["engine"].dispose()


def test_callback_requests_must_be_json_and_name_a_known_callback(web):
    client = web.client("executive")
    body = json.dumps(callback_body(web.dash, find_key(web.dash, ids.NAV, "children")))
    assert client.post("/_dash-update-component", data=body, content_type="text/plain").status_code == 415
    assert client.post("/_dash-update-component", json={"output": "nope.children"}).status_code == 400
    assert client.post("/_dash-update-component", json=[1, 2]).status_code == 400


def test_a_rep_forging_any_callback_gets_403_or_only_what_they_may_see(web):
    client = web.client("rep")
    other = web.user("other_rep")
    values, wildcard = forged_values(other["rep_id"], web.team("other_rep"), "T-USA-CA")
    before = denials(web, LOGINS["rep"])
    refused = []
    board = find_key(web.dash, ids.LEADERBOARD_BOARD, "children")
    for key in server_callbacks(web.dash):
        resp = post_callback(client, web.dash, key, values=values, wildcard=wildcard)
        text = resp.get_data(as_text=True)
        assert resp.status_code in (200, 403), (key, resp.status_code)
        if key == board:
            # The company board names every rep (the page shows names), but the forged filters
            # and figure change nothing: the same ranks, names and revenue as without them.
            plain = {**values, (ids.LEADERBOARD_FILTERS, "data"): "?period=last_12_months",
                     (ids.LEADERBOARD_METRIC, "value"): "revenue"}
            assert response_of(resp) == response_of(post_callback(client, web.dash, key, values=plain))
            assert other["rep_id"] not in text and "Win rate" not in text
            continue
        assert web.rep_name("other_rep") not in text, key
        if resp.status_code == 403:
            refused.append(key)
        elif key.startswith(".._pages_content"):
            # The site root sends a rep to their own page: no Overview, no 403.
            routed = json.dumps(response_of(resp))
            assert ids.HOME_REDIRECT in routed and "/my-performance?" in routed and ids.OVERVIEW_TILES not in routed
        elif key.startswith("..") and f"{ids.FILTER['rep']}.options" in key:
            options = response_of(resp)
            assert options[ids.FILTER["rep"]]["options"] == [{"label": web.rep_name("rep"),
                                                              "value": web.user("rep")["rep_id"]}]
            assert [o["value"] for o in options[ids.FILTER["team"]]["options"]] == [web.team("rep")]
    refused_outputs = {k.split(".")[0] for k in refused}
    assert {ids.OVERVIEW_GO, ids.LEADERBOARD_GO} <= refused_outputs     # the drill-down, opening a rep
    assert denials(web, LOGINS["rep"]) == before + len(refused)
    # Pages are rendered whole (their parts filled in): any page, any forged query string, the
    # rep's own rows only. Pages a rep may not open are the 403 page (audited); the root sends
    # them to their own page.
    opened = {}
    for path, resp in forged_pages(web, client, values[(ids.URL, "search")]):
        assert resp.status_code == 200, path
        opened[path] = resp.get_data(as_text=True)
        text = shown_parts(web, resp)
        assert web.rep_name("other_rep") not in text and other["rep_id"] not in text, path
    assert ids.MY_PERFORMANCE_TILES in opened["/my-performance"] and web.rep_name("rep") in opened["/my-performance"]
    assert ids.HOME_REDIRECT in opened["/"] and ids.OVERVIEW_TILES not in opened["/"]
    assert ids.FORBIDDEN in opened["/admin/users"] and ids.OVERVIEW_TILES not in json.dumps(opened)


def test_a_rep_opening_the_site_root_lands_on_my_performance(web):
    router = find_key(web.dash, "_pages_content", "children")
    values = {("_pages_location", "pathname"): "/", ("_pages_location", "search"): "?period=ytd&junk=1"}
    rep_page = response_of(post_callback(web.client("rep"), web.dash, router, values=values))
    redirect = rep_page["_pages_content"]["children"]
    assert (redirect["type"], redirect["props"]["id"]) == ("Location", ids.HOME_REDIRECT)
    assert (redirect["props"]["href"], redirect["props"]["refresh"]) == ("/my-performance?period=ytd", True)
    assert ids.OVERVIEW_TILES not in json.dumps(rep_page) and ids.FORBIDDEN not in json.dumps(rep_page)
    manager_page = json.dumps(response_of(post_callback(web.client("manager"), web.dash, router, values=values)))
    assert ids.OVERVIEW_TILES in manager_page and ids.FORBIDDEN not in manager_page
    # Over HTTP (a bookmark, the login's default next page) the root redirects a rep too.
    resp = web.client("rep").get("/?period=ytd")
    assert resp.status_code == 302 and resp.headers["Location"] == "/my-performance?period=ytd"
    assert web.client("rep").get("/").headers["Location"] == "/my-performance"
    assert web.client("manager").get("/").status_code == 200
    assert web.client().get("/").status_code == 302 and "/login" in web.client().get("/").headers["Location"]


def test_the_navbar_and_the_page_table_agree_for_every_role(web):
    key = find_key(web.dash, ids.NAV, "children")
    for who in ("admin", "executive", "manager", "rep"):
        values = {(ids.PAGES_LOCATION, "pathname"): "/", (ids.PAGES_LOCATION, "search"): "?period=ytd&junk=1"}
        links = response_of(post_callback(web.client(who), web.dash, key, values=values))[ids.NAV]["children"]
        hrefs = [href for link in links for href in hrefs_in(link)]
        role = Role(web.user(who)["role"])
        assert hrefs == [p.path + "?period=ytd" for p in pages_for(role)]
        menus = [link for link in links if link["type"] == "DropdownMenu"]
        assert [hrefs_in(m) for m in menus] == ([[p.path + "?period=ytd" for p in pages_for(role)
                                                  if p.kind == ADMINISTRATION]] if role == Role.ADMIN else [])
        assert [p.key for p in pages_for(role)] == [p.key for p in PAGES if role in p.roles]
