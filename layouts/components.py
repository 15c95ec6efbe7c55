"""Reusable pieces of pages: cards, KPI tiles, tables, breadcrumbs, empty and error states.

Pure functions of their arguments; visible text goes through gettext at render time
and numbers through app.formatting for the viewer's locale.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.formatting import format_compact, format_delta, format_value
from app.i18n import N_, current_locale
from app.i18n import gettext as _
from app.kpi.registry import COUNT, MONEY, PERCENT
from app.kpi.tiles import BAD, GOOD, TileValue
from app.kpi.urlstate import query_to_search
from layouts import ids
from layouts.figures import sparkline_figure

TONE_CLASS = {GOOD: "text-success", BAD: "text-danger"}
TONE_ICON = {GOOD: "bi-arrow-up-right", BAD: "bi-arrow-down-right"}
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "topojsonURL": "/assets/geo/"}
# Plotly's own locale files shipped in assets/vendor/plotly-locales, for its mode bar's words
# (chart text comes from Babel, layouts/figures.py). Plotly's Polish file translates none of
# them; its Persian one names Gregorian months with Solar Hijri ones (January "Farvardin").
PLOTLY_LOCALES = {"ru": "ru", "zh": "zh-CN"}
# Tile columns: a full-width grid (four a row on wide screens), one row of up to six on
# wide screens, and a grid inside a card of half the page (two a row everywhere).
WIDE_TILES = {"xs": 6, "md": 4, "xl": 3}
ONE_ROW_TILES = {"xs": 6, "md": 4, "xl": True}
NARROW_TILES = {"xs": 6}


def card(title: str, body, footer=None, fill: bool = True) -> dbc.Card:
    """A titled card; `fill` stretches it to its row's height (off for cards stacked in a column)."""
    parts = [dbc.CardHeader(title, className="fw-semibold"), dbc.CardBody(body)]
    return dbc.Card(parts + ([dbc.CardFooter(footer, className="small text-muted")] if footer else []),
                    className="h-100 shadow-sm" if fill else "shadow-sm")


def loading(component_id: str, child) -> dcc.Loading:
    """A spinner over a slow part while its callback runs."""
    return dcc.Loading(child, id=f"{component_id}-loading", type="circle", delay_show=200)


def graph_config(locale: str | None = None) -> dict:
    """Plotly's options for a page graph in the viewer's language."""
    plotly_locale = PLOTLY_LOCALES.get(locale or current_locale())
    return {**GRAPH_CONFIG, "locale": plotly_locale} if plotly_locale else dict(GRAPH_CONFIG)


def graph(component_id: str, height: int = 320) -> dcc.Graph:
    return dcc.Graph(id=component_id, config=graph_config(), style={"height": f"{height}px"})


def empty_state(message: str | None = None) -> html.Div:
    return html.Div([html.I(className="bi bi-inbox me-2"), message or _("No data for these filters")],
                    className="text-muted text-center py-4")


PART_FAILED = N_("Something went wrong while loading this part; it has been logged.")


def error_alert(message: str | None = None) -> dbc.Alert:
    return dbc.Alert(message or _(PART_FAILED), color="warning", className="mb-0")


def kpi_tile(tile: TileValue, locale: str, currency: str = "USD") -> dbc.Card:
    """One KPI: value, change against the comparison period coloured by `better`, sparkline.
    A tile with a note (a value that would mislead under the filters) shows "—" and the note."""
    label = html.Div(_(tile.label), className="small text-muted text-truncate", title=_(tile.label))
    if tile.note:
        note = _(tile.note)
        label = html.Div([html.Span(_(tile.label), className="text-truncate"),
                          html.I(className="bi bi-info-circle ms-1", title=note, tabIndex="0", role="img",
                                 **{"aria-label": note})], className="small text-muted d-flex")
    children = [label,
                html.Div(format_compact(tile.value, tile.unit, locale, currency), className="fs-4 fw-semibold",
                         title=_(tile.note) if tile.note else format_value(tile.value, tile.unit, locale, currency),
                         **{"data-kpi": tile.id})]
    if tile.tone is not None:
        delta = format_delta(tile.delta, tile.unit, locale) if tile.delta is not None else "—"
        icon = html.I(className=f"bi {TONE_ICON.get(tile.tone, 'bi-dash')} me-1")
        children.append(html.Div([icon, delta, html.Span(" " + _("vs comparison"), className="text-muted")],
                                 className=f"small {TONE_CLASS.get(tile.tone, 'text-secondary')}",
                                 **{"data-tone": tile.tone}))
    if tile.trend:
        children.append(dcc.Graph(figure=sparkline_figure(tile.trend, tile.unit, locale, currency),
                                  config={"displayModeBar": False, "staticPlot": False},
                                  style={"height": "40px"}, className="mt-1"))
    return dbc.Card(dbc.CardBody(children, className="p-2"), className="h-100 shadow-sm")


def tile_grid(tiles: list[TileValue], locale: str, currency: str = "USD", cols: dict | None = None) -> dbc.Row:
    """Tiles in a grid; `cols` are Bootstrap column widths per breakpoint (WIDE_TILES unless
    the grid sits in a narrow card: NARROW_TILES)."""
    return dbc.Row([dbc.Col(kpi_tile(t, locale, currency), **(cols or WIDE_TILES), className="mb-3")
                    for t in tiles], className="g-2")


def rep_table(rows: list[dict], locale: str, currency: str = "USD", anonymous: bool = False,
              limit: int = 10, quota: bool = True):
    """Top reps from the rep_leaderboard KPI; a click on a named row drills down to that rep.
    Anonymous boards show ranks only, and their rows do not drill down. Without `quota` (the
    filters are ones quotas are not set for) attainment shows "—"."""
    rows = [r if quota else {**r, "quota_attainment": None} for r in rows if r.get("rank") is not None][:limit]
    if not rows:
        return empty_state()
    head = html.Thead(html.Tr([html.Th("#"), html.Th(_("Rep")), html.Th(_("Revenue"), className="text-end"),
                               html.Th(_("Won deals"), className="text-end"),
                               html.Th(_("Win rate"), className="text-end"),
                               html.Th(_("Quota attainment"), className="text-end")]))
    body = []
    for r in rows:
        cells = [html.Td(r["rank"]), html.Td(_("Rep #%(rank)s") % {"rank": r["rank"]} if anonymous else r["name"]),
                 html.Td(format_value(r.get("revenue"), MONEY, locale, currency), className="text-end"),
                 html.Td(format_value(r.get("won_deals"), COUNT, locale), className="text-end"),
                 html.Td(format_value(r.get("win_rate"), PERCENT, locale), className="text-end"),
                 html.Td(format_value(r.get("quota_attainment"), PERCENT, locale), className="text-end")]
        if anonymous:
            body.append(html.Tr(cells))
        else:
            body.append(html.Tr(cells, id={"type": ids.OVERVIEW_REP_ROW, "rep": r["rep"]}, n_clicks=0,
                                role="button", title=_("Show only this rep"), style={"cursor": "pointer"}))
    return dbc.Table([head, html.Tbody(body)], hover=True, responsive=True, size="sm", className="mb-0")


def breadcrumbs(items: list[tuple[str, str, str]]):
    """Active drill-down filters as (key, key label, value label), each with a remove button."""
    if not items:
        return []
    crumbs = [html.Span(_("Showing:"), className="text-muted me-2 small")]
    for key, key_label, value_label in items:
        remove = html.Button("×", id={"type": ids.CRUMB_REMOVE, "key": key}, n_clicks=0,
                             className="ms-2 border-0 bg-transparent text-white p-0", title=_("Remove this filter"),
                             **{"aria-label": _("Remove this filter")})
        crumbs.append(dbc.Badge([f"{key_label}: {value_label}", remove], color="primary", pill=True,
                                className="me-2 mb-1 d-inline-flex align-items-center"))
    return crumbs


def home_redirect(path: str, query: dict) -> dcc.Location:
    """Sends the browser to `path` with the valid filters of `query` (a full load, so the
    address bar and the navbar follow)."""
    search = query_to_search(query)
    return dcc.Location(id=ids.HOME_REDIRECT, href=path + search, refresh=True)


def forbidden_page(page_name: str, allowed: list[tuple[str, str]]) -> html.Div:
    """The 403 page shown inside the shell; `allowed` lists (name, href) the viewer may open."""
    links = [dbc.ListGroupItem(name, href=href) for name, href in allowed]
    return html.Div([
        html.H1([html.I(className="bi bi-shield-lock me-2"), _("Access denied")], className="h3"),
        html.P(_("Your role does not give access to the page “%(page)s” (error 403).") % {"page": page_name},
               id=ids.FORBIDDEN),
        html.P(_("Pages you can open:") if links else
               _("There is no page for your role yet; ask an administrator."), className="text-muted"),
        dbc.ListGroup(links, className="mb-3") if links else None,
    ], className="py-5 mx-auto", style={"maxWidth": "40rem"})
