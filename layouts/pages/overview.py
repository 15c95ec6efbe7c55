"""Overview: headline KPI tiles, revenue against quota, this month's pacing, revenue by country,
product and channel, top reps. `layout(**query)` is a skeleton; the page router fills its parts
(callbacks/overview.py PARTS)."""
from __future__ import annotations


import dash_bootstrap_components as dbc
from dash import dcc, html

from app.formatting import format_value
from app.i18n import gettext as _
from app.kpi.definitions.quota import QUOTA_NOT_COMPARABLE
from app.kpi.registry import PERCENT
from layouts import ids
from layouts.components import card, graph
from layouts.figures import pacing_figure

# Tile KPIs in display order. Open-pipeline KPIs broken down by month are an ageing view
# (deals by creation month, docs/kpis.md), not a trend, so they get no sparkline; nor does
# revenue growth, whose breakdown by month the KPI layer does not pair month by month yet.
TILE_KPIS = ("revenue", "revenue_growth", "won_deals", "avg_deal_size", "win_rate", "sales_cycle_days",
             "pipeline_value", "quota_attainment", "new_customer_revenue", "repeat_revenue",
             "gross_margin_pct")
NO_SPARKLINE = ("pipeline_value", "revenue_growth")
SPARKLINE_KPIS = tuple(k for k in TILE_KPIS if k not in NO_SPARKLINE)
TREND_KPIS = ("revenue", "quota")
PACING_KPIS = ("revenue", "quota_attainment", "month_projection", "run_rate_projection")
TOP_REPS = 10


def layout(**_query) -> html.Div:
    """The page's skeleton; the page router fills its parts for the query string's filters."""
    return html.Div([
        dcc.Store(id=ids.OVERVIEW_REP_CLICK),
        dcc.Store(id=ids.OVERVIEW_GO),
        html.H1(_("Overview"), className="h4 my-2"),
        html.Div(id=ids.OVERVIEW_TILES, className="mb-2"),
        dbc.Row([
            dbc.Col(card(_("Revenue by month against quota"),
                         graph(ids.OVERVIEW_TREND),
                         footer=_("The 12 months up to the end of the chosen period")), lg=8, className="mb-3"),
            dbc.Col(card(_("This month: plan, fact and projection"),
                         html.Div(id=ids.OVERVIEW_PACING)), lg=4, className="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(card(_("Revenue by country"), graph(ids.OVERVIEW_MAP),
                         footer=_("Click a country to show only its figures")), lg=6, className="mb-3"),
            dbc.Col(card(_("Revenue by product"), graph(ids.OVERVIEW_PRODUCTS),
                         footer=_("Click a product or category to drill down")), lg=6, className="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(card(_("Revenue by channel"), graph(ids.OVERVIEW_CHANNELS),
                         footer=_("Click a bar to show only that channel")), lg=6, className="mb-3"),
            dbc.Col(card(_("Top reps"), html.Div(id=ids.OVERVIEW_REPS),
                         footer=_("Click a rep to show only their figures")), lg=6, className="mb-3"),
        ]),
    ])


def pacing_panel(to_date: dict, month_quota, locale: str, currency: str = "USD", quota: bool = True) -> list:
    """Plan (the whole month's quota), fact and projections to date, and one line on pace:
    quota attainment to date, where the quota is pro-rated to the days gone by. Without
    `quota` (filters quotas are not set for) no plan and no pace, and a line saying why."""
    figure = pacing_figure({**to_date, "quota": month_quota if quota else None}, locale, currency)
    if quota:
        pace = format_value(to_date.get("quota_attainment"), PERCENT, locale)
        line = _("Revenue so far is %(pace)s of the quota for the days gone by.") % {"pace": pace}
    else:
        line = _(QUOTA_NOT_COMPARABLE)
    return [dcc.Graph(figure=figure, config={"displayModeBar": False}, style={"height": "220px"}),
            html.P(line, className="small text-muted mb-0")]


def drill_target(trigger, map_click, products_click, channels_click, rep_click=None) -> tuple[str, str] | None:
    """(filter key, value) for a click on the map, treemap, channel bar or a rep row (the row's
    rep arrives in the OVERVIEW_REP_CLICK store)."""
    if trigger == ids.OVERVIEW_REP_CLICK:
        return ("rep", rep_click) if isinstance(rep_click, str) and rep_click else None
    if isinstance(trigger, dict) and trigger.get("type") == ids.OVERVIEW_REP_ROW:
        return ("rep", trigger["rep"]) if trigger.get("rep") else None
    point = _first_point({ids.OVERVIEW_MAP: map_click, ids.OVERVIEW_PRODUCTS: products_click,
                          ids.OVERVIEW_CHANNELS: channels_click}.get(trigger))
    if point is None:
        return None
    if trigger == ids.OVERVIEW_MAP:
        return ("country", point["location"]) if point.get("location") else None
    custom = point.get("customdata")
    if trigger == ids.OVERVIEW_PRODUCTS and isinstance(custom, list) and len(custom) >= 2 and custom[0]:
        return (custom[0], custom[1]) if custom[0] in ("product", "category") else None
    if trigger == ids.OVERVIEW_CHANNELS and isinstance(custom, str) and custom:
        return "channel", custom
    return None


def _first_point(click) -> dict | None:
    points = (click or {}).get("points") if isinstance(click, dict) else None
    return points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else None
