"""My performance: each part resolves the rep to show (app.kpi.service.performance_rep: a
rep always gets themselves; others a rep in their scope), asks the KPI layer in the viewer's
scope narrowed to that rep, and renders with the pure builders in layouts/. The parts are
rendered with the page (callbacks/parts.py); picking a rep is a browser-side callback."""
from __future__ import annotations

from dash import Input, Output, State

from app.auth.pages import page_named
from app.auth.roles import Role
from app.i18n import current_locale
from app.kpi import performance, service
from app.kpi.query import KpiQuery
from app.kpi.tiles import tile_values
from app.kpi.urlstate import DEFAULT_COMPARE, parse_filters, period_of, whole_period_of
from callbacks.policy import allow
from layouts import ids
from layouts.components import NARROW_TILES, ONE_ROW_TILES, WIDE_TILES, tile_grid
from layouts.pages import my_performance as page

ROLES = page_named("my_performance").roles


def _question(search):
    """(rep profile or None, filters, settings, today) for the page's filters."""
    filters, settings = parse_filters(search), service.settings()
    return service.performance_rep(filters.get("rep")), filters, settings, service.org_today(settings)


def _rep_query(filters, today, rep_id, compare=True, whole=False) -> KpiQuery:
    """The period (to date, or whole) for one rep only; other drill-down filters do not apply here."""
    start, end = (whole_period_of if whole else period_of)(filters, today)
    chosen = filters.get("compare", DEFAULT_COMPARE)
    return KpiQuery.build(start, end, {"rep": rep_id}, None, chosen if compare and chosen != "none" else None)


@allow(ROLES)
def update_my_performance_picker(search):
    """The rep dropdown: the reps in the viewer's scope (a manager's reports); hidden for reps."""
    rep = service.performance_rep(parse_filters(search).get("rep"))
    if service.viewer_role() == Role.REP:
        return [], None, "mb-2 d-none", None
    shown = rep and rep["rep_id"]
    return service.filter_options()["rep"], shown, "mb-2", shown


# Picking another rep than the one shown puts them in the URL (bookmarkable), and the page
# re-renders from it. In the browser: the picker's own value, set with the page, is no pick.
PICKED_JS = """function (picked, shown, search) {
    if (!picked || picked === shown) { return dash_clientside.no_update; }
    const params = new URLSearchParams(search || "");
    params.set("rep", picked);
    return "?" + params.toString();
}"""


def _tile_panel(search, kpis, cols):
    """Tiles of `kpis` for the page's rep, each with its delta, in columns `cols`."""
    rep, filters, settings, today = _question(search)
    if rep is None:
        return page.no_rep()
    answer = service.ask(list(kpis), _rep_query(filters, today, rep["rep_id"]))
    return tile_grid(tile_values(kpis, answer), current_locale(), settings["currency"], cols)


@allow(ROLES)
def update_my_performance_tiles(search):
    return _tile_panel(search, page.TILE_KPIS, ONE_ROW_TILES)


@allow(ROLES)
def update_my_performance_quota(search):
    rep, filters, settings, today = _question(search)
    if rep is None:
        return page.no_rep()
    to_date, whole = service.ask_many([(["revenue"], _rep_query(filters, today, rep["rep_id"], compare=False)),
                                       (["quota"], _rep_query(filters, today, rep["rep_id"], False, True))])
    return page.quota_panel(to_date["values"]["revenue"], whole["values"]["quota"], current_locale(),
                            settings["currency"])


@allow(ROLES)
def update_my_performance_rank(search):
    rep, filters, _settings, today = _question(search)
    if rep is None:
        return page.no_rep()
    standing = service.rep_standing(rep["rep_id"], _rep_query(filters, today, rep["rep_id"], compare=False))
    return page.rank_panel(standing, current_locale())


@allow(ROLES)
def update_my_performance_pipeline(search):
    rep, filters, settings, today = _question(search)
    if rep is None:
        return page.no_rep(), None
    query = _rep_query(filters, today, rep["rep_id"])
    answer = service.ask(list(page.PIPELINE_KPIS), query)
    deals = performance.deal_rows(service.open_deals(rep["rep_id"], query.end), today)
    locale = current_locale()
    return (tile_grid(tile_values(page.PIPELINE_KPIS, answer), locale, settings["currency"], WIDE_TILES),
            page.deals_table(deals, locale, settings["currency"]))


@allow(ROLES)
def update_my_performance_activity(search):
    rep, filters, _settings, today = _question(search)
    if rep is None:
        return page.no_rep()
    query = _rep_query(filters, today, rep["rep_id"], compare=False)
    own = service.ask(list(performance.ACTIVITY_KPIS), query)["values"]
    return page.activity_panel(own, service.team_activity_median(rep["rep_id"], query), current_locale())


@allow(ROLES)
def update_my_performance_leads(search):
    return _tile_panel(search, page.LEAD_KPIS, NARROW_TILES)


@allow(ROLES)
def update_my_performance_commission(search):
    """Commission so far (the KPI) and if the weighted open pipeline closing in the period is won."""
    rep, filters, settings, today = _question(search)
    if rep is None:
        return page.no_rep()
    now, whole = service.ask_many([
        (["commission", "revenue", "weighted_pipeline"], _rep_query(filters, today, rep["rep_id"], compare=False)),
        (["quota"], _rep_query(filters, today, rep["rep_id"], False, True))])
    horizon = whole_period_of(filters, today)[1]
    weighted = performance.closing_weighted(service.open_deals(rep["rep_id"], today), horizon)
    estimate = performance.commission_estimate(now["values"]["revenue"], whole["values"]["quota"],
                                               rep["commission_rate"], float(settings["commission_multiplier"]),
                                               weighted)
    return page.commission_panel(now["values"]["commission"], estimate, weighted, current_locale(),
                                 settings["currency"])


PARTS = {((ids.MY_PERFORMANCE_REP, "options"), (ids.MY_PERFORMANCE_REP, "value"),
          (ids.MY_PERFORMANCE_PICKER, "className"), (ids.MY_PERFORMANCE_SHOWN, "data")): update_my_performance_picker,
         (ids.MY_PERFORMANCE_TILES, "children"): update_my_performance_tiles,
         (ids.MY_PERFORMANCE_QUOTA, "children"): update_my_performance_quota,
         (ids.MY_PERFORMANCE_RANK, "children"): update_my_performance_rank,
         ((ids.MY_PERFORMANCE_PIPELINE, "children"), (ids.MY_PERFORMANCE_DEALS, "children")):
             update_my_performance_pipeline,
         (ids.MY_PERFORMANCE_ACTIVITY, "children"): update_my_performance_activity,
         (ids.MY_PERFORMANCE_LEADS, "children"): update_my_performance_leads,
         (ids.MY_PERFORMANCE_COMMISSION, "children"): update_my_performance_commission}


def register(app) -> None:
    app.clientside_callback(PICKED_JS, Output(ids.URL, "search", allow_duplicate=True),
                            Input(ids.MY_PERFORMANCE_REP, "value"), State(ids.MY_PERFORMANCE_SHOWN, "data"),
                            State(ids.URL, "search"), prevent_initial_call=True)
