"""My performance callbacks through /_dash-update-component, on both databases: the numbers are
the KPI layer's for the viewer's scope narrowed to the shown rep, a forged rep id never widens
it, a manager picks only among their reports, and an anonymous board hides names from reps."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from statistics import median

from dash._utils import to_json

from app.auth.policy import scope_for
from app.data.queries import fetch_team_rep_ids
from app.data.settings import save_setting
from app.kpi.evaluate import evaluate
from app.kpi.query import KpiQuery, Scope
from app.kpi.tiles import tile_values
from app.kpi.urlstate import period_of
from callbacks import my_performance as my_performance_callbacks
from callbacks.parts import outputs_of
from layouts import ids
from layouts.components import ONE_ROW_TILES, PART_FAILED, tile_grid
from layouts.pages import my_performance as page
from tests.dash_client import open_page, page_part
from tests.integration.web_fixture import web  # noqa: F401  (fixture)

SEARCH = "?period=last_12_months&compare=prev"
OUTPUTS = (ids.MY_PERFORMANCE_TILES, ids.MY_PERFORMANCE_QUOTA, ids.MY_PERFORMANCE_RANK,
           ids.MY_PERFORMANCE_PIPELINE, ids.MY_PERFORMANCE_DEALS, ids.MY_PERFORMANCE_ACTIVITY,
           ids.MY_PERFORMANCE_LEADS, ids.MY_PERFORMANCE_COMMISSION)


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def today():
    return datetime.now(timezone.utc).date()     # the demo's organisation time zone is UTC


def ask(web, who, key_id, search, prop="children"):
    """The outputs of the page part holding (key_id, prop), as the page router renders the page
    for `who`: {component id: {prop: value}}."""
    outputs = next(outputs_of(key) for key in my_performance_callbacks.PARTS if (key_id, prop) in outputs_of(key))
    resp = open_page(web.client(who), web.dash, "/my-performance", search)
    assert PART_FAILED not in resp.get_data(as_text=True), (who, key_id)     # no part failed
    shown = {}
    for cid, name in outputs:
        shown.setdefault(cid, {})[name] = page_part(resp, cid, name)
    return shown


def rep_query(web, who, compare="prev"):
    start, end = period_of({"period": "last_12_months"}, today())
    return KpiQuery.build(start, end, {"rep": web.user(who)["rep_id"]}, None, compare)


def expected_tiles(web, who, viewer):
    """The tiles for `who`'s rep as `viewer` sees them: the KPI layer in the viewer's own scope."""
    with web.engine.connect() as conn:
        answer = evaluate(conn, list(page.TILE_KPIS), rep_query(web, who), scope_for(conn, web.user(viewer)))
    return (json.loads(to_json(tile_grid(tile_values(page.TILE_KPIS, answer), "en", "USD", ONE_ROW_TILES))),
            answer["values"])


def team_names(web, who) -> set[str]:
    from app.data.schema import reps
    with web.engine.connect() as conn:
        team = fetch_team_rep_ids(conn, web.team(who))
        return {n for (n,) in conn.execute(reps.select().with_only_columns(reps.c.name)
                                           .where(reps.c.rep_id.in_(team)))}


def test_every_part_renders_for_every_role(web):
    for who in ("admin", "executive", "manager", "rep"):
        for search in ("?period=this_month", f"{SEARCH}&rep={web.user('rep')['rep_id']}"):
            for key_id in OUTPUTS:
                ask(web, who, key_id, search)


def test_a_rep_sees_their_own_numbers_from_the_kpi_layer(web):
    shown = ask(web, "rep", ids.MY_PERFORMANCE_TILES, SEARCH)[ids.MY_PERFORMANCE_TILES]["children"]
    expected, values = expected_tiles(web, "rep", "rep")
    assert shown == expected and values["revenue"] > 0
    with web.engine.connect() as conn:      # the rep filter narrows nothing inside a rep's own scope
        scope = scope_for(conn, web.user("rep"))
        whole = evaluate(conn, list(page.TILE_KPIS), KpiQuery.build(*period_of({"period": "last_12_months"}, today()),
                                                                    compare="prev"), scope)
    assert whole["values"] == values


def test_a_rep_forging_another_reps_id_gets_only_their_own(web):
    other = web.user("other_rep")["rep_id"]
    forged = f"{SEARCH}&rep={other}"
    own_tiles = ask(web, "rep", ids.MY_PERFORMANCE_TILES, SEARCH)
    assert ask(web, "rep", ids.MY_PERFORMANCE_TILES, forged) == own_tiles
    assert expected_tiles(web, "other_rep", "executive")[1]["revenue"] > 0       # the data exists
    for key_id in OUTPUTS:
        shown = ask(web, "rep", key_id, forged)
        assert shown == ask(web, "rep", key_id, SEARCH), key_id
        assert web.rep_name("other_rep") not in dumps(shown), key_id
    picker = ask(web, "rep", ids.MY_PERFORMANCE_REP, forged, "options")
    assert picker[ids.MY_PERFORMANCE_REP] == {"options": [], "value": None}
    assert picker[ids.MY_PERFORMANCE_SHOWN]["data"] is None
    assert "d-none" in picker[ids.MY_PERFORMANCE_PICKER]["className"]


def test_a_managers_dropdown_lists_exactly_their_reports(web):
    with web.engine.connect() as conn:
        reports = scope_for(conn, web.user("manager")).rep_ids
    picker = ask(web, "manager", ids.MY_PERFORMANCE_REP, SEARCH, "options")[ids.MY_PERFORMANCE_REP]
    assert {o["value"] for o in picker["options"]} == set(reports)
    assert web.user("other_rep")["rep_id"] not in reports and len(reports) > 2
    assert picker["value"] == web.user("manager")["rep_id"]          # no choice yet: their own
    # Picking one of their reports shows that rep, as the KPI layer gives it in the manager's scope.
    chosen = ask(web, "manager", ids.MY_PERFORMANCE_TILES, f"{SEARCH}&rep={web.user('rep')['rep_id']}")
    assert chosen[ids.MY_PERFORMANCE_TILES]["children"] == expected_tiles(web, "rep", "manager")[0]
    # Another team's rep is not theirs to pick: they get their own page.
    forged = ask(web, "manager", ids.MY_PERFORMANCE_TILES, f"{SEARCH}&rep={web.user('other_rep')['rep_id']}")
    assert forged == ask(web, "manager", ids.MY_PERFORMANCE_TILES, SEARCH)
    executive = ask(web, "executive", ids.MY_PERFORMANCE_REP, SEARCH, "options")[ids.MY_PERFORMANCE_REP]
    assert web.user("other_rep")["rep_id"] in {o["value"] for o in executive["options"]}


def test_the_picker_says_which_rep_the_page_shows(web):
    """The browser writes a picked rep to the URL only when it differs from the rep shown, so
    the picker's own value, set with the page, causes no second load (tests/browser)."""
    own = web.user("manager")["rep_id"]
    for search, shown in ((SEARCH, own), (f"{SEARCH}&rep={web.user('rep')['rep_id']}", web.user("rep")["rep_id"]),
                          (f"{SEARCH}&rep={web.user('other_rep')['rep_id']}", own)):
        answer = ask(web, "manager", ids.MY_PERFORMANCE_REP, search, "options")
        assert answer[ids.MY_PERFORMANCE_REP]["value"] == answer[ids.MY_PERFORMANCE_SHOWN]["data"] == shown


def test_an_admin_without_a_rep_is_asked_to_choose(web):
    text = dumps(ask(web, "admin", ids.MY_PERFORMANCE_TILES, SEARCH))
    assert "Choose a rep to see their performance." in text
    chosen = ask(web, "admin", ids.MY_PERFORMANCE_TILES, f"{SEARCH}&rep={web.user('rep')['rep_id']}")
    assert chosen[ids.MY_PERFORMANCE_TILES]["children"] == expected_tiles(web, "rep", "admin")[0]


def test_rank_shows_team_names_unless_the_board_is_anonymous(web):
    others = team_names(web, "rep") - {web.rep_name("rep")}
    assert others
    named = dumps(ask(web, "rep", ids.MY_PERFORMANCE_RANK, SEARCH))
    assert web.rep_name("rep") in named and all(n in named for n in others)
    with web.engine.begin() as conn:
        save_setting(conn, "leaderboard_anonymous", "true", actor="test")
    try:
        hidden = dumps(ask(web, "rep", ids.MY_PERFORMANCE_RANK, SEARCH))
        assert web.rep_name("rep") in hidden and "Rep #" in hidden
        assert not any(n in hidden for n in others)
        # A manager looking at the same rep still sees names (anonymity is for reps).
        manager = dumps(ask(web, "manager", ids.MY_PERFORMANCE_RANK, f"{SEARCH}&rep={web.user('rep')['rep_id']}"))
        assert all(n in manager for n in others)
    finally:
        with web.engine.begin() as conn:
            save_setting(conn, "leaderboard_anonymous", "false", actor="test")


def test_rank_and_activity_median_match_the_kpi_layer(web):
    start, end = period_of({"period": "last_12_months"}, today())
    rep_id = web.user("rep")["rep_id"]
    with web.engine.connect() as conn:
        board = evaluate(conn, ["rep_leaderboard"], KpiQuery.build(start, end), Scope.everything())
        team = fetch_team_rep_ids(conn, web.team("rep"))
        by_rep = evaluate(conn, ["activities", "calls", "meetings"], KpiQuery.build(start, end, by="rep"),
                          Scope.reps(team, "t"))
    mine = next(r for r in board["values"]["rep_leaderboard"] if r["rep"] == rep_id)
    text = dumps(ask(web, "rep", ids.MY_PERFORMANCE_RANK, SEARCH))
    assert f"#{mine['rank']} of {sum(r['rank'] is not None for r in board['values']['rep_leaderboard'])}" in text
    rows = {r["rep"]: r for r in by_rep["rows"]}
    calls = median(float(rows.get(t, {}).get("calls") or 0) for t in team)
    activity = dumps(ask(web, "rep", ids.MY_PERFORMANCE_ACTIVITY, SEARCH))
    from app.formatting import format_value
    assert format_value(calls, "number", "en") in activity


def test_open_deals_table_lists_the_reps_open_deals(web):
    with web.engine.connect() as conn:
        answer = evaluate(conn, ["open_deals"], rep_query(web, "rep", None), scope_for(conn, web.user("rep")))
    deals = ask(web, "rep", ids.MY_PERFORMANCE_DEALS, SEARCH)[ids.MY_PERFORMANCE_DEALS]["children"]
    if answer["values"]["open_deals"]:
        body = deals["props"]["children"][1]["props"]["children"]
        assert len(body) == min(answer["values"]["open_deals"], 100)
    commission = dumps(ask(web, "rep", ids.MY_PERFORMANCE_COMMISSION, SEARCH))
    assert "If these open deals close as forecast, you earn" in commission
