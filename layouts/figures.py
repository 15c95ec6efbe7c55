"""Figure builders: rows from the KPI layer → plotly Figures, with a clear empty state.

Pure: no data access and no KPI arithmetic. Every number and month a chart shows (tick
labels, bar labels, hovers) is text formatted for the viewer's locale by app.formatting,
because Plotly formats numbers and dates itself only with Western digits and its own
month names: Persian charts get Persian digits this way. `layout.separators` follows the
locale for anything Plotly still formats. Maps use the GeoJSON the app serves itself
(assets/geo), so nothing is fetched from a CDN.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go
import plotly.io as pio
import pycountry
from babel import Locale

from app import vocabulary
from app.formatting import format_axis_money, format_compact, format_month, format_value, number_separators
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
_MARGIN = dict(l=8, r=8, t=30, b=8)      # room at the top for Plotly's mode bar
_TIGHT = dict(l=8, r=8, t=8, b=8)         # graphs without a mode bar
_BASE = "#e9ecef"
SPARKLINE_COLOUR = pio.templates[TEMPLATE].layout.colorway[0]     # the first line of every chart


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
    style = {"margin": _MARGIN, "font_family": font_family(locale), "separators": number_separators(locale)}
    fig.update_layout(**{**style, **layout})
    return fig


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and about `count` round steps (1, 2, 2.5 or 5 × 10ⁿ) up to the first at or above `top`."""
    if not top or top <= 0 or not math.isfinite(top):
        return [0.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if raw <= m * magnitude)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def month_ticks(months: list[str], locale: str) -> list[str]:
    """Short month labels that fit a phone: the month, and its year under the first month and
    under each January (Dec / 2025, Jan / 2026, Feb, Mar …)."""
    return [format_month(m, locale, "MMM") + (f"<br>{format_month(m, locale, 'y')}" if i == 0 or
                                               str(m)[5:7] == "01" else "") for i, m in enumerate(months)]


def money_axis(values, locale: str, currency: str = "USD", count: int = 4) -> dict:
    """A value axis of money from 0, its ticks labelled short in the locale ($200K, ۲۰۰ هزار $)."""
    ticks = nice_ticks(max((v for v in values if v is not None), default=0), count)
    return {"tickmode": "array", "tickvals": ticks, "range": [0, ticks[-1] * 1.04],
            "ticktext": [format_axis_money(v, locale, currency) for v in ticks]}


def sparkline_figure(series, unit: str, locale: str, currency: str = "USD") -> dict:
    """A tiny line of (label, value) pairs; an empty, axis-less figure without data.

    Plotly's JSON written directly: a page draws a dozen of these, and building each as a
    validated go.Figure took 9 ms, most of the tiles' server time (bench/page_speed.py)."""
    layout = {"height": 40, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False,
              "xaxis": {"visible": False}, "yaxis": {"visible": False}, "font": {"family": font_family(locale)},
              "separators": number_separators(locale), "paper_bgcolor": "white", "plot_bgcolor": "white",
              "hoverlabel": {"align": "left"}}        # as the template gives the other charts
    if not has_data(v for _, v in series):
        return {"data": [], "layout": layout}
    labels, values = zip(*series)
    text = [[format_month(m, locale), format_value(v, unit, locale, currency)] for m, v in series]
    return {"data": [{"type": "scatter", "x": [str(x) for x in labels], "y": list(values), "mode": "lines",
                      "line": {"width": 2, "color": SPARKLINE_COLOUR}, "customdata": text,
                      "hovertemplate": "%{customdata[0]}: %{customdata[1]}<extra></extra>"}],
            "layout": layout}


def revenue_quota_figure(rows: list[dict], locale: str, currency: str = "USD", quota: bool = True) -> go.Figure:
    """Bars of revenue by month with the quota as a line; rows {"month", "revenue", "quota"}.
    Without `quota` (filters quotas are not set for) the line is left out and a note says why."""
    if not has_data(r.get("revenue") for r in rows) and not (quota and has_data(r.get("quota") for r in rows)):
        return empty_figure()
    months = [r["month"] for r in rows]
    labels = [format_month(m, locale) for m in months]
    money = lambda key: [[lbl, format_value(r.get(key), MONEY, locale, currency)]  # noqa: E731
                         for lbl, r in zip(labels, rows)]
    hover = "%{customdata[0]}: %{customdata[1]}<extra></extra>"
    traces = [go.Bar(x=months, y=[r.get("revenue") for r in rows], name=_("Revenue"), customdata=money("revenue"),
                     hovertemplate=hover)]
    if quota:
        traces.append(go.Scatter(x=months, y=[r.get("quota") for r in rows], name=_("Quota"), mode="lines+markers",
                                 customdata=money("quota"), hovertemplate=hover))
    shown = [r.get("revenue") for r in rows] + ([r.get("quota") for r in rows] if quota else [])
    fig = go.Figure(traces)
    _style(fig, locale, height=320, legend=dict(orientation="h", y=1.1), showlegend=True,
           xaxis=dict(type="category", tickmode="array", tickvals=months, ticktext=month_ticks(months, locale),
                      tickangle=0),
           yaxis=money_axis(shown, locale, currency))
    if not quota:
        fig.add_annotation(text=_("Quota not shown for these filters"), showarrow=False, xref="paper",
                           yref="paper", x=1, y=1.1, xanchor="right", font_size=11, font_color="#6c757d")
    return fig


def pacing_figure(values: dict, locale: str, currency: str = "USD") -> go.Figure:
    """This month: plan (quota), fact (revenue to date) and the two projections, as bars with
    short money labels (the full amounts on hover). No quota, no plan bar."""
    keys = [k for k in ("quota", "revenue", "month_projection", "run_rate_projection")
            if k != "quota" or values.get("quota") is not None]
    if not has_data(values.get(k) for k in keys):
        return empty_figure()
    names = {"quota": _("Plan (quota)"), "revenue": _("Fact (to date)"), "month_projection": _("Projection"),
             "run_rate_projection": _("Run rate")}
    colours = {"quota": "#adb5bd", "revenue": "#0d6efd", "month_projection": "#6610f2",
               "run_rate_projection": "#6f42c1"}
    fig = go.Figure(go.Bar(y=[names[k] for k in keys], x=[values.get(k) for k in keys], orientation="h",
                           text=[format_compact(values.get(k), MONEY, locale, currency) for k in keys],
                           customdata=[format_value(values.get(k), MONEY, locale, currency) for k in keys],
                           textposition="auto", hovertemplate="%{y}: %{customdata}<extra></extra>",
                           marker_color=[colours[k] for k in keys]))
    return _style(fig, locale, height=220, yaxis=dict(autorange="reversed", ticksuffix=" "), xaxis_visible=False,
                  margin=_TIGHT)


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
    """Revenue by sales channel (rows {"channel", "revenue"}) as horizontal bars, largest on
    top, so channel names read level; short money labels and ticks. customdata = channel."""
    rows = sorted((r for r in rows if r.get("revenue")), key=lambda r: r["revenue"], reverse=True)
    if not rows:
        return empty_figure()
    channels = [r["channel"] for r in rows]
    values = [r["revenue"] for r in rows]
    full = [format_value(v, MONEY, locale, currency) for v in values]
    fig = go.Figure(go.Bar(y=[vocabulary.label("channel", c) for c in channels], x=values, orientation="h",
                           customdata=channels, hovertext=full,
                           text=[format_compact(v, MONEY, locale, currency) for v in values],
                           textposition="auto", insidetextanchor="end", cliponaxis=False,
                           hovertemplate="%{y}: %{hovertext}<extra></extra>"))
    return _style(fig, locale, height=320, yaxis=dict(type="category", autorange="reversed", ticksuffix=" "),
                  xaxis=money_axis(values, locale, currency), bargap=0.35)
