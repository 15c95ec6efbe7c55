"""Overview: each part reads the page's filters, asks the KPI layer in the viewer's scope
(app.kpi.service) and renders with the pure builders in layouts/. The parts are rendered
with the page (callbacks/parts.py); the drill-down is a callback."""
from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from app.auth.pages import page_named
from app.i18n import current_locale
from app.kpi import service
from app.kpi.definitions.quota import QUOTA_KPIS, QUOTA_NOT_COMPARABLE, comparable_with_quota
from app.kpi.tiles import tile_values, withheld
from app.kpi.urlstate import (drilldown_filters, filters_to_search, kpi_query, month_to_date_query, parse_filters,
                              trend_query, with_filter)
from callbacks.policy import allow
from callbacks.clientside import follow, gate_row_clicks
from layouts import figures, ids
from layouts.components import rep_table, tile_grid
from layouts.pages import overview as page

ROLES = page_named("overview").roles


def _quota_applies(filters: dict) -> bool:
    """Whether quotas exist for the filters (rep, team, territory …), so quota figures show."""
    return comparable_with_quota(drilldown_filters(filters))


def _ask(kpi_ids: list[str], search: str, **question) -> tuple[dict, dict]:
    """The KPI answer for the page's filters (`by`, `compare` as given) and the settings."""
    settings = service.settings()
    query = kpi_query(parse_filters(search), service.org_today(settings), **question)
    return service.ask(kpi_ids, query), settings


@allow(ROLES)
def update_overview_tiles(search):
    filters, settings = parse_filters(search), service.settings()
    today = service.org_today(settings)
    now, trend = service.ask_many([(list(page.TILE_KPIS), kpi_query(filters, today)),
                                   (list(page.SPARKLINE_KPIS), trend_query(filters, today))])
    tiles = tile_values(page.TILE_KPIS, now, trend, no_trend=page.NO_SPARKLINE)
    if not _quota_applies(filters):
        tiles = withheld(tiles, QUOTA_KPIS, QUOTA_NOT_COMPARABLE)
    return tile_grid(tiles, current_locale(), settings["currency"])


@allow(ROLES)
def update_overview_trend(search):
    filters, settings = parse_filters(search), service.settings()
    answer = service.ask(list(page.TREND_KPIS), trend_query(filters, service.org_today(settings)))
    return figures.revenue_quota_figure(answer["rows"], current_locale(), settings["currency"],
                                        quota=_quota_applies(filters))


@allow(ROLES)
def update_overview_pacing(search):
    """This month to date against its quota: the whole month's quota is the plan."""
    filters, settings = parse_filters(search), service.settings()
    today = service.org_today(settings)
    to_date, month = service.ask_many([(list(page.PACING_KPIS), month_to_date_query(filters, today)),
                                       (["quota"], month_to_date_query(filters, today, whole=True))])
    return page.pacing_panel(to_date["values"], month["values"]["quota"], current_locale(), settings["currency"],
                             quota=_quota_applies(filters))


@allow(ROLES)
def update_overview_map(search):
    answer, settings = _ask(["revenue"], search, by="country", compare=False)
    return figures.revenue_map_figure(answer["rows"], current_locale(), settings["currency"])


@allow(ROLES)
def update_overview_products(search):
    answer, settings = _ask(["revenue"], search, by="product", compare=False)
    products = service.filter_options()["product"]
    return figures.revenue_treemap_figure(answer["rows"], products, current_locale(), settings["currency"])


@allow(ROLES)
def update_overview_channels(search):
    answer, settings = _ask(["revenue"], search, by="channel", compare=False)
    return figures.revenue_channel_figure(answer["rows"], current_locale(), settings["currency"])


@allow(ROLES)
def update_overview_reps(search):
    answer, settings = _ask(["rep_leaderboard"], search, compare=False)
    anonymous = settings["leaderboard_anonymous"] and service.viewer_role() == "rep"
    return rep_table(answer["values"]["rep_leaderboard"], current_locale(), settings["currency"],
                     anonymous=anonymous, limit=page.TOP_REPS, quota=_quota_applies(parse_filters(search)))


@allow(ROLES)
def update_overview_drilldown(map_click, products_click, channels_click, rep_click, search):
    """A click on a chart element or a rep row sets that filter in the URL."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update
    target = page.drill_target(ctx.triggered_id, map_click, products_click, channels_click, rep_click)
    if target is None:
        return no_update
    return filters_to_search(with_filter(parse_filters(search), *target))


PARTS = {(ids.OVERVIEW_TILES, "children"): update_overview_tiles,
         (ids.OVERVIEW_TREND, "figure"): update_overview_trend,
         (ids.OVERVIEW_PACING, "children"): update_overview_pacing,
         (ids.OVERVIEW_MAP, "figure"): update_overview_map,
         (ids.OVERVIEW_PRODUCTS, "figure"): update_overview_products,
         (ids.OVERVIEW_CHANNELS, "figure"): update_overview_channels,
         (ids.OVERVIEW_REPS, "children"): update_overview_reps}


def register(app) -> None:
    # Dash fires a pattern-matching input whenever its rows are drawn; a browser-side gate
    # passes on only real clicks, so drawing the table costs no server round trip.
    gate_row_clicks(app, ids.OVERVIEW_REP_ROW, ids.OVERVIEW_REP_CLICK)
    app.callback(Output(ids.OVERVIEW_GO, "data"),
                 Input(ids.OVERVIEW_MAP, "clickData"), Input(ids.OVERVIEW_PRODUCTS, "clickData"),
                 Input(ids.OVERVIEW_CHANNELS, "clickData"), Input(ids.OVERVIEW_REP_CLICK, "data"),
                 State(ids.URL, "search"), prevent_initial_call=True)(update_overview_drilldown)
    follow(app, ids.OVERVIEW_GO)
