"""Overview and shell callbacks through /_dash-update-component, checked against the KPI layer's
own answers for the viewer's scope, on both databases."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from dash._utils import to_json

from app.auth.policy import scope_for
from app.data.system_schema import import_runs
from app.kpi.evaluate import evaluate
from app.kpi.tiles import tile_values
from app.kpi.urlstate import kpi_query, parse_filters, trend_query
from callbacks import overview as overview_callbacks
from layouts import ids
from layouts.components import tile_grid
from layouts.pages import overview as page
from tests.dash_client import find_key, open_page, page_part, post_callback
from tests.integration.web_fixture import web  # noqa: F401  (fixture)

EMPTY = "No data for these filters"
SEARCH = "?period=last_12_months&compare=prev"


def today():
    return datetime.now(timezone.utc).date()     # the demo's organisation time zone is UTC


def ask(web, who, key_id, prop, search, **kwargs):
    """A part of the Overview as the page router renders it for `who`, or another callback's output."""
    if (key_id, prop) in overview_callbacks.PARTS:
        return page_part(open_page(web.client(who), web.dash, "/", search), key_id, prop)
    key = find_key(web.dash, key_id, prop)
    values = kwargs.pop("values", {})
    resp = post_callback(web.client(who), web.dash, key, values=values, **kwargs)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"].get(key_id, {}).get(prop)


def expected_tiles(web, who, search):
    """What the tiles must show: the pure builders fed with the KPI layer's answer for the
    viewer's own scope (scope_for, not the request)."""
    filters = parse_filters(search)
    with web.engine.connect() as conn:
        scope = scope_for(conn, web.user(who))
        now = evaluate(conn, list(page.TILE_KPIS), kpi_query(filters, today()), scope)
        trend = evaluate(conn, list(page.SPARKLINE_KPIS), trend_query(filters, today()), scope)
    tiles = tile_values(page.TILE_KPIS, now, trend, no_trend=page.NO_SPARKLINE)
    return json.loads(to_json(tile_grid(tiles, "en", "USD"))), now["values"]


def test_tiles_are_the_kpi_layers_numbers_for_the_viewers_scope(web):
    for who in ("executive", "manager"):
        shown = ask(web, who, ids.OVERVIEW_TILES, "children", SEARCH)
        expected, values = expected_tiles(web, who, SEARCH)
        assert shown == expected, who
        assert values["revenue"] > 0, who
    # The manager's revenue is their team's, less than the company's.
    assert expected_tiles(web, "manager", SEARCH)[1]["revenue"] < expected_tiles(web, "executive", SEARCH)[1]["revenue"]


def test_a_manager_forging_another_teams_filters_gets_nothing_of_it(web):
    other_rep, other_team = web.user("other_rep")["rep_id"], web.team("other_manager")
    for forged in (f"{SEARCH}&team={other_team.replace(' ', '+')}", f"{SEARCH}&rep={other_rep}"):
        shown = ask(web, "manager", ids.OVERVIEW_TILES, "children", forged)
        expected, values = expected_tiles(web, "manager", forged)
        assert shown == expected and values["revenue"] == 0 and values["won_deals"] == 0
        assert expected_tiles(web, "executive", forged)[1]["revenue"] > 0     # the data exists
        for key_id in (ids.OVERVIEW_TREND, ids.OVERVIEW_MAP, ids.OVERVIEW_PRODUCTS, ids.OVERVIEW_CHANNELS):
            figure = ask(web, "manager", key_id, "figure", forged)
            assert figure["data"] == [] and figure["layout"]["annotations"][0]["text"] == EMPTY, key_id
            assert ask(web, "executive", key_id, "figure", forged)["data"], key_id
        assert EMPTY in json.dumps(ask(web, "manager", ids.OVERVIEW_REPS, "children", forged))
        assert web.rep_name("other_rep") in json.dumps(ask(web, "executive", ids.OVERVIEW_REPS, "children", forged))


def test_top_reps_of_a_manager_are_their_reports_only(web):
    text = json.dumps(ask(web, "manager", ids.OVERVIEW_REPS, "children", SEARCH))
    assert web.rep_name("rep") in text and web.rep_name("other_rep") not in text


def test_charts_match_the_kpi_layer(web):
    filters = parse_filters(SEARCH)
    with web.engine.connect() as conn:
        scope = scope_for(conn, web.user("executive"))
        by_country = evaluate(conn, ["revenue"], kpi_query(filters, today(), by="country", compare=False), scope)
        by_month = evaluate(conn, ["revenue", "quota"], trend_query(filters, today()), scope)
    shown = ask(web, "executive", ids.OVERVIEW_MAP, "figure", SEARCH)["data"][0]
    assert dict(zip(shown["locations"], shown["z"])) == {r["country"]: r["revenue"] for r in by_country["rows"]
                                                          if r["revenue"]}
    bars, line = ask(web, "executive", ids.OVERVIEW_TREND, "figure", SEARCH)["data"]
    assert bars["y"] == [r["revenue"] for r in by_month["rows"]] and line["y"] == [r["quota"] for r in by_month["rows"]]


def test_a_click_drills_down_by_setting_the_filter_in_the_url(web):
    drill = find_key(web.dash, ids.OVERVIEW_GO, "data")     # the browser copies it to the URL
    resp = post_callback(web.client("executive"), web.dash, drill, changed="overview-channels.clickData",
                         values={(ids.OVERVIEW_CHANNELS, "clickData"): {"points": [{"customdata": "online"}]},
                                 (ids.URL, "search"): "?period=ytd"})
    assert resp.get_json()["response"][ids.OVERVIEW_GO]["data"] == "?period=ytd&channel=online"


def test_filter_bar_options_follow_the_scope(web):
    key = find_key(web.dash, ids.FILTER["rep"], "options")
    values = {(ids.URL, "search"): "?rep=" + web.user("other_rep")["rep_id"]}
    for who, allowed in (("executive", {"rep", "other_rep"}), ("manager", {"rep"})):
        resp = post_callback(web.client(who), web.dash, key, values=values, changed=f"{ids.URL}.search")
        options = [o["label"] for o in resp.get_json()["response"][ids.FILTER["rep"]]["options"]]
        assert web.rep_name("rep") in options
        assert (web.rep_name("other_rep") in options) == ("other_rep" in allowed), who


def test_freshness_badge_warns_when_the_last_import_failed(web):
    state = lambda: ask(web, "executive", ids.FRESHNESS, "children", "",  # noqa: E731
                        values={(ids.PAGES_LOCATION, "pathname"): "/"})["props"]["data-state"]
    assert state() == "ok"
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with web.engine.begin() as conn:
        run_id = conn.execute(import_runs.insert().values(
            started_at=now, finished_at=now + timedelta(seconds=1), actor="test", source="x",
            status="failed", dry_run=False)).inserted_primary_key[0]
    try:
        assert state() == "failed"
    finally:
        with web.engine.begin() as conn:
            conn.execute(import_runs.delete().where(import_runs.c.run_id == run_id))


def test_choosing_a_language_stores_it_for_the_user(web):
    key = find_key(web.dash, ids.LOCALE_SAVED, "data")
    client = web.client("manager")
    resp = post_callback(client, web.dash, key, wildcard={"locale": "pl"})
    assert resp.get_json()["response"][ids.LOCALE_SAVED]["data"] == "pl"
    assert web.user("manager")["locale"] == "pl"
    assert post_callback(client, web.dash, key, wildcard={"locale": "xx"}).get_json()["response"] == {}
    assert web.user("manager")["locale"] == "pl"
    post_callback(client, web.dash, key, wildcard={"locale": "en"})


def test_a_failing_part_says_so_in_plain_words_and_the_rest_of_the_page_shows(web, monkeypatch):
    from app.kpi import service

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT secret FROM somewhere", {}, Exception("boom"))
    monkeypatch.setattr(service, "ask", broken)         # every part but the tiles asks through it
    resp = open_page(web.client("executive"), web.dash, "/", SEARCH)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "SELECT" not in body and "Traceback" not in body
    failed = "Something went wrong while loading this part; it has been logged."
    assert page_part(resp, ids.OVERVIEW_MAP, "figure")["layout"]["annotations"][0]["text"] == failed
    assert failed in json.dumps(page_part(resp, ids.OVERVIEW_REPS, "children"))
    assert "data-kpi" in json.dumps(page_part(resp, ids.OVERVIEW_TILES, "children"))     # shown all the same
    # A callback that fails (the drill-down here) opens the page's error alert instead.
    monkeypatch.setattr(overview_callbacks.page, "drill_target", broken)
    resp = post_callback(web.client("executive"), web.dash, find_key(web.dash, ids.OVERVIEW_GO, "data"),
                         changed="overview-channels.clickData",
                         values={(ids.OVERVIEW_CHANNELS, "clickData"): {"points": [{"customdata": "online"}]}})
    assert resp.status_code == 200 and "SELECT" not in resp.get_data(as_text=True)
    assert resp.get_json()["sideUpdate"][ids.ERROR]["is_open"] is True


def test_the_filter_bar_shows_where_filters_apply(web):
    """Hidden on the root for a rep (they are sent on) and on unknown paths; the period only on
    My performance and on every page a rep sees; everything on analysis pages."""
    key = find_key(web.dash, ids.FILTER_BAR, "className")
    expected = {
        ("rep", "/"): "d-none", ("rep", "/my-performance"): "period", ("rep", "/leaderboard"): "period",
        ("manager", "/"): "all", ("manager", "/my-performance"): "period", ("manager", "/leaderboard"): "all",
        ("executive", "/nowhere"): "d-none",
    }
    for (who, path), mode in expected.items():
        resp = post_callback(web.client(who), web.dash, key, values={(ids.PAGES_LOCATION, "pathname"): path})
        shown = resp.get_json()["response"][ids.FILTER_BAR]["className"]
        assert {"d-none": shown == "d-none", "period": "filters-period-only" in shown,
                "all": "border-bottom" in shown and "filters-period-only" not in shown}[mode], (who, path, shown)


def test_the_rep_picked_on_my_performance_stays_there(web):
    """Links from My performance leave its rep behind (it is the page's subject); the other
    filters travel, and from other pages the rep filter travels too. No crumbs on My performance."""
    key = find_key(web.dash, ids.NAV, "children")
    search = "?period=ytd&rep=" + web.user("rep")["rep_id"] + "&channel=online"

    def hrefs(path):
        values = {(ids.PAGES_LOCATION, "pathname"): path, (ids.PAGES_LOCATION, "search"): search}
        links = post_callback(web.client("manager"), web.dash, key, values=values).get_json()["response"]
        return {link["props"]["children"]["props"]["href"] for link in links[ids.NAV]["children"]}
    assert hrefs("/my-performance") == {"/?period=ytd&channel=online", "/my-performance?period=ytd&channel=online",
                                        "/leaderboard?period=ytd&channel=online"}
    assert "/?" + search.lstrip("?") in hrefs("/")
    crumbs = find_key(web.dash, ids.BREADCRUMBS, "children")
    ask_crumbs = lambda path: post_callback(web.client("manager"), web.dash, crumbs, values={  # noqa: E731
        (ids.PAGES_LOCATION, "pathname"): path, (ids.PAGES_LOCATION, "search"): search}).get_json()["response"][ids.BREADCRUMBS]["children"]
    assert ask_crumbs("/my-performance") == []
    assert "Channel: Online" in json.dumps(ask_crumbs("/"))


def test_attainment_under_a_channel_filter_is_withheld_with_a_reason(web):
    tiles = json.dumps(ask(web, "executive", ids.OVERVIEW_TILES, "children", SEARCH + "&channel=online"))
    assert "Quotas are set per rep, team and territory" in tiles
    expected, values = expected_tiles(web, "executive", SEARCH + "&channel=online")
    assert values["quota_attainment"] is not None                  # the KPI layer still answers
    trend = ask(web, "executive", ids.OVERVIEW_TREND, "figure", SEARCH + "&channel=online")
    assert [t["type"] for t in trend["data"]] == ["bar"]
    assert trend["layout"]["annotations"][0]["text"] == "Quota not shown for these filters"
    pacing = json.dumps(ask(web, "executive", ids.OVERVIEW_PACING, "children", SEARCH + "&channel=online"))
    assert "Plan (quota)" not in pacing and "Quotas are set per rep" in pacing
    # A region filter is one quotas are set for.
    region = json.dumps(ask(web, "executive", ids.OVERVIEW_TILES, "children", SEARCH + "&region=Poland"))
    assert "Quotas are set per rep" not in region
    assert [t["type"] for t in ask(web, "executive", ids.OVERVIEW_TREND, "figure", SEARCH + "&region=Poland")["data"]] \
        == ["bar", "scatter"]
