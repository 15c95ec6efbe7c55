"""Leaderboard: the reps ranked for the period by revenue or another figure of the
rep_leaderboard KPI, with their movement since the comparison period and the viewer's own row
highlighted. Managers, executives and admins see their scope with every figure and open a
rep's My performance with a click; reps see the company's ranks and names (or "Rep #n") and
the ranking figure only. `layout(**query)` is a skeleton; callbacks fill it."""
from __future__ import annotations


import dash_bootstrap_components as dbc
from dash import dcc, html

from app.formatting import format_date, format_value
from app.i18n import N_, translate_kpi
from app.i18n import gettext as _
from app.kpi.leaderboard import DEFAULT_METRIC, METRICS
from app.kpi.registry import KPIS
from app.kpi.urlstate import filters_to_search, parse_filters, query_to_search, with_filter
from layouts import ids
from layouts.components import card, empty_state, loading

MY_PERFORMANCE = "/my-performance"
RESTRICTED_NOTE = N_("Everyone in the company, ranked for the period; the other filters do not apply here.")
OPEN_NOTE = N_("Click a rep to open their performance page.")


def layout(**query) -> html.Div:
    """The page for the filters in the query string (kept in a Store the callbacks read). The
    ranking figure is the page's own choice, kept for the browser session."""
    search = query_to_search(query)
    return html.Div([
        dcc.Store(id=ids.LEADERBOARD_FILTERS, data=search),
        dcc.Store(id=ids.LEADERBOARD_REP_CLICK),
        dcc.Store(id=ids.LEADERBOARD_GO),
        html.H1(_("Leaderboard"), className="h4 my-2"),
        dbc.Row([
            dbc.Col([dbc.Label(_("Rank by"), html_for=ids.LEADERBOARD_METRIC, className="small mb-0"),
                     dcc.Dropdown(id=ids.LEADERBOARD_METRIC, value=DEFAULT_METRIC, options=metric_options(METRICS),
                                  clearable=False, searchable=False, persistence=True,
                                  persistence_type="session")], xs=12, md=5, lg=3),
            dbc.Col(html.Div(id=ids.LEADERBOARD_PERIOD, className="small text-muted"), xs=12, md=7, lg=9,
                    className="align-self-end"),
        ], className="g-2 mb-3"),
        card(_("Reps"), loading(ids.LEADERBOARD_BOARD, html.Div(id=ids.LEADERBOARD_BOARD))),
    ])


def metric_options(metrics) -> list[dict]:
    return [{"label": translate_kpi(m).label, "value": m} for m in metrics]


def period_line(start, end, compared: tuple | None, restricted: bool, locale: str) -> list:
    """The period shown, the one movement is measured against, and what the board covers."""
    span = lambda a, b: f"{format_date(a, locale)} – {format_date(b, locale)}"  # noqa: E731
    text = _("Period: %(period)s") % {"period": span(start, end)}
    if compared:
        text += " · " + _("places moved against %(period)s") % {"period": span(*compared)}
    return [html.Span(text), html.Br(), html.Span(_(RESTRICTED_NOTE if restricted else OPEN_NOTE))]


def rep_href(search: str, rep_id: str) -> str:
    """My performance for one rep, with the page's filters."""
    return MY_PERFORMANCE + filters_to_search(with_filter(parse_filters(search), "rep", rep_id))


def movement_cell(movement, compared: bool):
    """▲ 2 (up two places, green), ▼ 1 (red), = (same place); "—" without an earlier rank."""
    if not compared:
        return None
    if movement is None:
        return html.Td("—", className="text-muted", title=_("No rank in the comparison period"))
    if movement == 0:
        return html.Td("=", className="text-muted", title=_("Same place as in the comparison period"))
    up = movement > 0
    title = (_("Up %(count)s places since the comparison period") if up
             else _("Down %(count)s places since the comparison period")) % {"count": abs(movement)}
    return html.Td([html.I(className=f"bi {'bi-caret-up-fill' if up else 'bi-caret-down-fill'} me-1"),
                    str(abs(movement))], className="text-nowrap " + ("text-success" if up else "text-danger"),
                   title=title)


def board_table(board: dict, locale: str, currency: str = "USD", clickable: bool = False):
    """The board as a table (board: app.kpi.leaderboard.board); the ranking figure's column is
    marked, the viewer's row highlighted. `clickable` rows open that rep's My performance
    (never rows without a rep id, such as other reps' on a rep's board)."""
    if not board["rows"]:
        return empty_state()
    metric, compared = board["metric"], board["compared"]
    head = [html.Th("#"), html.Th(html.I(className="bi bi-arrow-down-up", title=_("Movement"))) if compared
            else None, html.Th(_("Rep"))]
    head += [html.Th([translate_kpi(c).label] + ([html.I(className="bi bi-sort-down ms-1")] if c == metric else []),
                     className="text-end" + (" table-active" if c == metric else ""),
                     **({"aria-sort": "descending"} if c == metric else {})) for c in board["columns"]]
    body = [_row(r, board, locale, currency, clickable) for r in board["rows"]]
    # A rep's board has three or four columns: kept narrow, they read as rows, not as gaps.
    narrow = {"style": {"maxWidth": "40rem"}} if len(board["columns"]) == 1 else {}
    return dbc.Table([html.Thead(html.Tr([h for h in head if h is not None])), html.Tbody(body)],
                     hover=True, responsive=True, size="sm", className="mb-0 align-middle", **narrow)


def _row(r: dict, board: dict, locale: str, currency: str, clickable: bool) -> html.Tr:
    name = r["name"] if r["name"] is not None else _("Rep #%(rank)s") % {"rank": r["position"]}
    cells = [html.Td(r["rank"] if r["rank"] is not None else "—"), movement_cell(r["movement"], board["compared"]),
             html.Td(name)]
    cells += [html.Td(format_value(r.get(c), KPIS[c].unit, locale, currency),
                      className="text-end" + (" fw-semibold" if c == board["metric"] else ""))
              for c in board["columns"]]
    link = {}
    if clickable and r["rep"]:
        link = dict(id={"type": ids.LEADERBOARD_REP, "rep": r["rep"]}, n_clicks=0, role="button",
                    title=_("Open this rep's performance"), style={"cursor": "pointer"})
    return html.Tr([c for c in cells if c is not None], className="table-primary fw-semibold" if r["me"] else None,
                   **({"data-me": "true"} if r["me"] else {}), **link)
