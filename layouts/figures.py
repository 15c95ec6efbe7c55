"""Figure builders: rows from the KPI layer → plotly Figures, with a clear empty state.

Pure: no data access and no KPI arithmetic; numbers shown in labels and hovers are
formatted for the viewer's locale by app.formatting. Maps use the GeoJSON the app
serves itself (assets/geo), so nothing is fetched from a CDN.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pycountry
from babel import Locale

from app.formatting import format_value
from app.i18n import font_family
from app.i18n import gettext as _
from app.kpi.registry import MONEY

GEOJSON_URL = "/assets/geo/countries.geojson"
# The look of every figure: plotly_white's layout, without its per-trace-type defaults (which
# double each figure's JSON). It is the process default, because naming a template in
# update_layout copies and re-validates it for every figure: 50 ms each, most of a page's
# server time (bench/page_speed.py).
TEMPLATE = "sales_dashboard"
pio.templates[TEMPLATE] = go.layout.Template(layout=pio.templates["plotly_white"].layout)
pio.templates.default = TEMPLATE
_MARGIN = dict(l=8, r=8, t=8, b=8)
_BASE = "#e9ecef"


def country_name(alpha3: str, locale: str) -> str:
    """The country's name in the viewer's language (Babel's CLDR names), else the code."""
    country = pycountry.countries.get(alpha_3=alpha3 or "")
    if not country:
        return alpha3
    try:
        return Locale.parse(locale).territories.get(country.alpha_2, country.name)
    except (ValueError, TypeError):
        return country.name


def has_data(values) -> bool:
    return any(v not in (None, 0) for v in values)


def empty_figure(message: str | None = None) -> go.Figure:
    """A blank figure saying there is nothing to show (no empty axes)."""
    fig = go.Figure()
    fig.update_layout(margin=_MARGIN, xaxis_visible=False, yaxis_visible=False,
                      annotations=[dict(text=message or _("No data for these filters"), showarrow=False,
                                        x=0.5, y=0.5, xref="paper", yref="paper", font_size=14)])
    return fig


def _style(fig: go.Figure, locale: str, **layout) -> go.Figure:
    """The common look; the font stack covers the locale's script (Persian, Chinese)."""
    style = {"margin": _MARGIN, "font_family": font_family(locale)}
    fig.update_layout(**{**style, **layout})
    return fig


def sparkline_figure(series, unit: str, locale: str, currency: str = "USD") -> go.Figure:
    """A tiny line of (label, value) pairs; an empty, axis-less figure without data."""
    if not has_data(v for _, v in series):
        return _style(go.Figure(), locale, height=40, xaxis_visible=False, yaxis_visible=False)
    labels, values = zip(*series)
    text = [format_value(v, unit, locale, currency) for v in values]
    fig = go.Figure(go.Scatter(x=list(labels), y=list(values), mode="lines", line_width=2,
                               customdata=text, hovertemplate="%{x}: %{customdata}<extra></extra>"))
    return _style(fig, locale, height=40, showlegend=False, xaxis_visible=False, yaxis_visible=False,
                  margin=dict(l=0, r=0, t=0, b=0))


def revenue_quota_figure(rows: list[dict], locale: str, currency: str = "USD") -> go.Figure:
    """Bars of revenue by month with the quota as a line; rows {"month", "revenue", "quota"}."""
    if not has_data(r.get("revenue") for r in rows) and not has_data(r.get("quota") for r in rows):
        return empty_figure()
    months = [r["month"] for r in rows]
    money = lambda key: [format_value(r.get(key), MONEY, locale, currency) for r in rows]  # noqa: E731
    fig = go.Figure([
        go.Bar(x=months, y=[r.get("revenue") for r in rows], name=_("Revenue"), customdata=money("revenue"),
               hovertemplate="%{x}: %{customdata}<extra></extra>"),
        go.Scatter(x=months, y=[r.get("quota") for r in rows], name=_("Quota"), mode="lines+markers",
                   customdata=money("quota"), hovertemplate="%{x}: %{customdata}<extra></extra>"),
    ])
    return _style(fig, locale, height=320, legend=dict(orientation="h", y=1.1), xaxis_type="category")


def pacing_figure(values: dict, locale: str, currency: str = "USD") -> go.Figure:
    """This month: plan (quota), fact (revenue to date) and the two projections, as bars."""
    keys = ("quota", "revenue", "month_projection", "run_rate_projection")
    if not has_data(values.get(k) for k in keys):
        return empty_figure()
    names = [_("Plan (quota)"), _("Fact (to date)"), _("Projection"), _("Run rate")]
    text = [format_value(values.get(k), MONEY, locale, currency) for k in keys]
    fig = go.Figure(go.Bar(y=names, x=[values.get(k) for k in keys], orientation="h", text=text,
                           textposition="auto", hoverinfo="skip",
                           marker_color=["#adb5bd", "#0d6efd", "#6610f2", "#6f42c1"]))
    return _style(fig, locale, height=220, yaxis_autorange="reversed", xaxis_visible=False)


def revenue_map_figure(rows: list[dict], locale: str, currency: str = "USD",
                       geojson: str | dict = GEOJSON_URL) -> go.Figure:
    """Revenue by country (rows {"country": ISO alpha-3, "revenue"}) over grey land; the land
    comes from the TopoJSON the app serves at the graph's topojsonURL (assets/geo)."""
    rows = [r for r in rows if r.get("country") and r.get("revenue")]
    if not rows:
        return empty_figure()
    text = [[country_name(r["country"], locale), format_value(r["revenue"], MONEY, locale, currency)]
            for r in rows]
    fig = go.Figure(go.Choropleth(geojson=geojson, featureidkey="id", locations=[r["country"] for r in rows],
                                  z=[r["revenue"] for r in rows], colorscale="Blues", showscale=False,
                                  customdata=text, marker_line_color="white",
                                  hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>"))
    fig.update_geos(showland=True, landcolor=_BASE, showcountries=True, countrycolor="white",
                    showcoastlines=False, showocean=False, showlakes=False, showrivers=False, showframe=False,
                    projection_type="natural earth", projection_rotation_lon=0, center_lon=0,
                    lataxis_range=[-57, 85], bgcolor="rgba(0,0,0,0)")
    return _style(fig, locale, height=320, clickmode="event")


def revenue_treemap_figure(rows: list[dict], products: list[dict], locale: str,
                           currency: str = "USD") -> go.Figure:
    """Revenue by product (rows {"product", "revenue"}) grouped by category; `products` are the
    filter options {"value", "label", "category"}. customdata = (filter key, filter value)."""
    known = {p["value"]: p for p in products}
    rows = [r for r in rows if r.get("revenue")]
    if not rows:
        return empty_figure()
    categories = sorted({known.get(r["product"], {}).get("category") or _("Other") for r in rows})
    ids = [f"category:{c}" for c in categories]
    labels, parents, values = list(categories), [""] * len(categories), [0] * len(categories)
    custom = [("category", c) for c in categories]
    for r in rows:
        product = known.get(r["product"], {})
        ids.append(f"product:{r['product']}")
        labels.append(product.get("label") or _("Unassigned"))
        parents.append(f"category:{product.get('category') or _('Other')}")
        values.append(r["revenue"])
        custom.append(("product", r["product"]) if product else ("", ""))
    text = [format_value(v, MONEY, locale, currency) if v else "" for v in values]
    fig = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, values=values,
                               branchvalues="remainder", customdata=[[*c, t] for c, t in zip(custom, text)],
                               texttemplate="%{label}<br>%{customdata[2]}",
                               hovertemplate="%{label}: %{customdata[2]}<extra></extra>"))
    return _style(fig, locale, height=320)


def revenue_channel_figure(rows: list[dict], locale: str, currency: str = "USD") -> go.Figure:
    """Revenue by sales channel (rows {"channel", "revenue"}); customdata = channel."""
    rows = [r for r in rows if r.get("revenue")]
    if not rows:
        return empty_figure()
    channels = [r["channel"] for r in rows]
    text = [format_value(r["revenue"], MONEY, locale, currency) for r in rows]
    fig = go.Figure(go.Bar(x=channels, y=[r["revenue"] for r in rows], customdata=channels, text=text,
                           textposition="auto", hovertemplate="%{x}: %{text}<extra></extra>"))
    return _style(fig, locale, height=320, xaxis_type="category", yaxis_visible=False)
