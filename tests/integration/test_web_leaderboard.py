"""The Leaderboard through /_dash-update-component, on both databases: each role's board is the
KPI layer's rep_leaderboard for the viewer's scope, ranked and moved as worked out here; a rep
sees the company's ranks, names and the ranking figure only, whatever filters they forge; the
anonymous setting hides names from reps only; only managers and up open a rep's page."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from app.data.settings import save_setting
from app.kpi.evaluate import evaluate
from app.kpi.query import KpiQuery, Scope
from app.kpi.urlstate import period_of
from layouts import ids
from tests.dash_client import find_key, post_callback
from tests.integration.web_fixture import web  # noqa: F401  (fixture)

PERIOD = "?period=last_12_months&compare=none"
SEARCH = "?period=last_12_months&compare=prev"


def today():
    return datetime.now(timezone.utc).date()     # the demo's organisation time zone is UTC


def ask(web, who, search, metric="revenue", status=200):
    key = find_key(web.dash, ids.LEADERBOARD_BOARD, "children")
    resp = post_callback(web.client(who), web.dash, key, values={(ids.LEADERBOARD_FILTERS, "data"): search,
                                                                 (ids.LEADERBOARD_METRIC, "value"): metric})
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert "sideUpdate" not in body, who                 # the friendly error was not shown
    return body["response"]


def text_of(node) -> str:
    """The visible text of a rendered component (JSON), children joined."""
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, list):
        return "".join(text_of(n) for n in node)
    if isinstance(node, dict):
        return text_of(node.get("props", {}).get("children", ""))
    return ""


def table(response) -> tuple[list[str], list[dict]]:
    """(header texts, rows as {"cells": [texts], "props": the row's props}) of the board."""
    tbl = response[ids.LEADERBOARD_BOARD]["children"]["props"]["children"]
    head = [text_of(th) for th in tbl[0]["props"]["children"]["props"]["children"]]
    rows = [{"cells": [text_of(td) for td in tr["props"]["children"]], "props": tr["props"]}
            for tr in tbl[1]["props"]["children"]]
    return head, rows


def ranked_by(response) -> str:
    """The header text of the column the board is ranked by (marked aria-sort)."""
    tbl = response[ids.LEADERBOARD_BOARD]["children"]["props"]["children"]
    marked = [th for th in tbl[0]["props"]["children"]["props"]["children"] if th["props"].get("aria-sort")]
    assert len(marked) == 1
    return text_of(marked[0])


def company_board(web, start=None, end=None, filters=None, scope=None) -> list[dict]:
    if start is None:
        start, end = period_of({"period": "last_12_months"}, today())
    with web.engine.connect() as conn:
        answer = evaluate(conn, ["rep_leaderboard"], KpiQuery.build(start, end, filters), scope or Scope.everything())
    return answer["values"]["rep_leaderboard"]


def by_hand_ranks(rows, key) -> dict[str, int]:
    """Competition ranks worked out here: 1 + the number of reps with strictly more."""
    values = sorted((r[key] for r in rows if r[key] is not None), reverse=True)
    return {r["rep"]: values.index(r[key]) + 1 for r in rows if r[key] is not None}


def money(value) -> str:
    return f"${value:,.2f}"


def test_an_executive_sees_every_rep_ranked_by_revenue_with_every_figure(web):
    head, rows = table(ask(web, "executive", PERIOD))
    board = company_board(web)
    ranks = by_hand_ranks(board, "revenue")
    assert head == ["#", "Rep", "Revenue", "Won deals", "Win rate", "Average deal size", "Quota attainment",
                    "Pipeline value", "Activities"]
    assert len(rows) == len(board) > 20
    first = max(board, key=lambda r: r["revenue"])
    assert rows[0]["cells"][:3] == ["1", first["name"], money(first["revenue"])]
    shown = {r["cells"][1]: int(r["cells"][0]) for r in rows}
    assert shown == {r["name"]: ranks[r["rep"]] for r in board}
    # Every row opens that rep's page; the rows are in rank order.
    assert [r["props"]["id"]["rep"] for r in rows][0] == first["rep"]
    assert [int(r["cells"][0]) for r in rows] == sorted(int(r["cells"][0]) for r in rows)


def test_ranking_by_another_figure_and_movement_since_the_previous_period(web):
    start, end = period_of({"period": "last_12_months"}, today())
    previous = KpiQuery.build(start, end, compare="prev").shifted("prev")
    now_board, before_board = company_board(web), company_board(web, previous.start, previous.end)
    now, before = by_hand_ranks(now_board, "won_deals"), by_hand_ranks(before_board, "won_deals")
    response = ask(web, "executive", SEARCH, metric="won_deals")
    head, rows = table(response)
    assert head[:3] == ["#", "", "Rep"] and ranked_by(response) == "Won deals"                   # the movement column has an icon header only
    names = {r["rep"]: r["name"] for r in now_board}
    for rep, rank in now.items():
        row = next(r for r in rows if r["cells"][2] == names[rep])
        assert row["cells"][0] == str(rank)
        moved = before.get(rep)
        expected = "—" if moved is None else "=" if moved == rank else str(abs(moved - rank))
        assert row["cells"][1] == expected, names[rep]
    assert any(c not in ("—", "=") for c in (r["cells"][1] for r in rows))     # somebody moved


def test_a_manager_sees_their_team_and_can_open_a_reps_page(web):
    _head, rows = table(ask(web, "manager", PERIOD))
    names = {r["cells"][1] for r in rows}
    assert web.rep_name("rep") in names and web.rep_name("other_rep") not in names
    mine = [r for r in rows if r["props"].get("data-me") == "true"]
    assert [r["cells"][1] for r in mine] == [web.rep_name("manager")]
    assert "table-primary" in mine[0]["props"]["className"]
    # Another team's filters narrow to nothing, never widen.
    forged = ask(web, "manager", f"{PERIOD}&team={web.team('other_rep').replace(' ', '+')}")
    assert "No data for these filters" in json.dumps(forged)
    key = find_key(web.dash, ids.LEADERBOARD_GO, "data")     # the browser copies it to the URL
    resp = post_callback(web.client("manager"), web.dash, key,
                         values={(ids.LEADERBOARD_REP_CLICK, "data"): web.user("rep")["rep_id"],
                                 (ids.URL, "search"): "?period=ytd&channel=online"})
    assert resp.get_json()["response"][ids.LEADERBOARD_GO]["data"] == \
        f"/my-performance?period=ytd&rep={web.user('rep')['rep_id']}&channel=online"


def test_a_rep_sees_the_companys_ranks_names_and_the_ranking_figure_only(web):
    response = ask(web, "rep", PERIOD)
    head, rows = table(response)
    board = company_board(web)
    assert head == ["#", "Rep", "Revenue"]
    assert len(rows) == len(board)
    assert {r["cells"][1] for r in rows} == {r["name"] for r in board}       # names (not anonymous)
    other = next(r for r in board if r["rep"] == web.user("other_rep")["rep_id"])
    row = next(r for r in rows if r["cells"][1] == other["name"])
    assert row["cells"] == [str(by_hand_ranks(board, "revenue")[other["rep"]]), other["name"], money(other["revenue"])]
    text = json.dumps(response)
    # No other rep's id (nothing to open), deals, or figures other than revenue.
    assert other["rep"] not in text and "OPP-" not in text and ids.LEADERBOARD_REP not in text
    assert "Win rate" not in text and money(other["pipeline_value"]) not in text
    assert [r["cells"][1] for r in rows if r["props"].get("data-me") == "true"] == [web.rep_name("rep")]
    options = {o["value"] for o in response[ids.LEADERBOARD_METRIC]["options"]}
    assert options == {"revenue", "quota_attainment"}


def test_a_rep_forging_filters_or_a_figure_gets_the_same_company_board(web):
    plain = ask(web, "rep", PERIOD)
    other = web.user("other_rep")["rep_id"]
    for forged in (f"{PERIOD}&rep={other}", f"{PERIOD}&team={web.team('other_rep').replace(' ', '+')}",
                   f"{PERIOD}&territory=T-USA-CA", f"{PERIOD}&channel=online&product=P-001"):
        assert ask(web, "rep", forged) == plain, forged
    # A figure reps may not rank by falls back to revenue; attainment they may.
    assert ask(web, "rep", PERIOD, metric="pipeline_value") == plain
    attainment = ask(web, "rep", PERIOD, metric="quota_attainment")
    assert table(attainment)[0] == ["#", "Rep", "Quota attainment"] and ranked_by(attainment) == "Quota attainment"
    # And they cannot open anyone's page.
    key = find_key(web.dash, ids.LEADERBOARD_GO, "data")
    assert post_callback(web.client("rep"), web.dash, key, values={(ids.LEADERBOARD_REP_CLICK, "data"): other,
                                                                   (ids.URL, "search"): PERIOD}).status_code == 403


def test_an_anonymous_board_hides_names_from_reps_only(web):
    names = {r["name"] for r in company_board(web)} - {web.rep_name("rep")}
    with web.engine.begin() as conn:
        save_setting(conn, "leaderboard_anonymous", "true", actor="test")
    try:
        response = ask(web, "rep", PERIOD)
        _head, rows = table(response)
        text = json.dumps(response, ensure_ascii=False)
        assert not any(n in text for n in names)
        assert web.rep_name("rep") in text
        labels = [r["cells"][1] for r in rows if r["props"].get("data-me") != "true"]
        assert labels and all(label.startswith("Rep #") for label in labels)
        assert len(set(labels)) == len(labels)                # one label per row, even on equal ranks
        manager = json.dumps(ask(web, "manager", PERIOD), ensure_ascii=False)
        assert web.rep_name("rep") in manager and "Rep #" not in manager
    finally:
        with web.engine.begin() as conn:
            save_setting(conn, "leaderboard_anonymous", "false", actor="test")


def test_attainment_is_not_shown_under_filters_quotas_are_not_set_for(web):
    response = ask(web, "executive", f"{PERIOD}&channel=online", metric="quota_attainment")
    head, rows = table(response)
    assert ranked_by(response) == "Revenue"                               # instead of attainment
    column = head.index("Quota attainment")
    assert {r["cells"][column] for r in rows} == {"—"}
    assert "quota_attainment" not in {o["value"] for o in response[ids.LEADERBOARD_METRIC]["options"]}
    # A team filter is one quotas are set for: attainment shows.
    team = ask(web, "executive", f"{PERIOD}&team={web.team('rep').replace(' ', '+')}", metric="quota_attainment")
    head, rows = table(team)
    assert any(r["cells"][head.index("Quota attainment")] != "—" for r in rows)
