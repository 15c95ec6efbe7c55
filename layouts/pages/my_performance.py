"""My performance: one rep's KPIs, quota progress, rank in team and company, open pipeline,
activity against the team median, lead response and a commission estimate. Reps see their
own; other roles pick a rep in their scope. `layout(**query)` is a skeleton; the page router
fills its parts (callbacks/my_performance.py PARTS)."""
from __future__ import annotations


import dash_bootstrap_components as dbc
from dash import dcc, html

from app.formatting import format_date, format_value
from app.i18n import N_
from app.i18n import gettext as _
from app.kpi.registry import COUNT, MONEY, NUMBER, PERCENT
from app.kpi.urlstate import query_to_filters
from layouts import ids
from layouts.components import card, empty_state

TILE_KPIS = ("revenue", "won_deals", "win_rate", "avg_deal_size", "quota_attainment")
PIPELINE_KPIS = ("open_deals", "pipeline_value", "stale_deals", "deals_without_next_task")
LEAD_KPIS = ("lead_response_minutes", "leads_missed_sla")
ACTIVITY_LABELS = {"activities": N_("Activities"), "calls": N_("Calls"), "meetings": N_("Meetings")}


def layout(**query) -> html.Div:
    """The page for the filters in the query string (`rep` picks the rep, within the scope)."""
    filters = query_to_filters(query)
    part = lambda key: html.Div(id=key)  # noqa: E731
    return html.Div([
        dcc.Store(id=ids.MY_PERFORMANCE_SHOWN),
        html.H1(_("My performance"), className="h4 my-2"),
        dbc.Row(dbc.Col([dbc.Label(_("Rep"), html_for=ids.MY_PERFORMANCE_REP, className="small mb-0"),
                         dcc.Dropdown(id=ids.MY_PERFORMANCE_REP, value=filters.get("rep"), options=[],
                                      placeholder=_("Choose a rep"), clearable=False)], md=6, lg=4),
                id=ids.MY_PERFORMANCE_PICKER, className="mb-2 d-none"),
        part(ids.MY_PERFORMANCE_TILES),
        dbc.Row([
            # Quota and commission are short; stacked, they stand as tall as the rank board.
            dbc.Col([card(_("Quota progress"), part(ids.MY_PERFORMANCE_QUOTA), fill=False),
                     html.Div(card(_("Commission estimate"), part(ids.MY_PERFORMANCE_COMMISSION), fill=False),
                              className="mt-3")], lg=6, className="mb-3"),
            dbc.Col(card(_("Rank"), part(ids.MY_PERFORMANCE_RANK),
                         footer=_("Ranked by revenue in the period")), lg=6, className="mb-3"),
        ]),
        dbc.Row(dbc.Col(card(_("Open pipeline"), [part(ids.MY_PERFORMANCE_PIPELINE), part(ids.MY_PERFORMANCE_DEALS)],
                             footer=_("Deals open at the end of the period")), className="mb-3")),
        dbc.Row([
            dbc.Col(card(_("Activity against the team median"), part(ids.MY_PERFORMANCE_ACTIVITY)),
                    lg=6, className="mb-3"),
            dbc.Col(card(_("Lead response"), part(ids.MY_PERFORMANCE_LEADS)), lg=6, className="mb-3"),
        ]),
    ])


def no_rep() -> html.Div:
    """What every part shows when there is no rep to show (none chosen, or none linked)."""
    return empty_state(_("Choose a rep to see their performance."))


def quota_panel(revenue, quota, locale: str, currency: str = "USD") -> list:
    """Revenue so far as a bar toward the whole period's quota."""
    if not quota:
        return [empty_state(_("No quota for this period"))]
    share = (revenue or 0) / quota
    bar = html.Div(dbc.Progress(value=min(share, 1) * 100, label=format_value(share, PERCENT, locale),
                                color="success" if share >= 1 else "primary", style={"height": "1.5rem"}),
                   title=_("Quota progress"))
    text = _("%(revenue)s of a %(quota)s quota for the whole period") % {
        "revenue": format_value(revenue or 0, MONEY, locale, currency), "quota": format_value(quota, MONEY, locale, currency)}
    return [bar, html.P(text, className="small text-muted mt-2 mb-0")]


def rank_panel(standing: dict | None, locale: str) -> list:
    """Rank in the team and the company, and the team's board (names, or "Rep #n")."""
    if not standing:
        return [empty_state()]
    line = lambda label, part: html.Div([html.Span(label, className="text-muted me-2"), html.Strong(  # noqa: E731
        _("#%(rank)s of %(count)s") % {"rank": part["rank"] or "—", "count": part["of"]}),
        html.Span(" · " + _("by quota attainment: #%(rank)s") % {"rank": part["attainment_rank"] or "—"},
                  className="small text-muted")], className="mb-1")
    rows = [html.Tr([html.Td(e["rank"]), html.Td(e["name"] if e["name"] is not None else
                                                 _("Rep #%(rank)s") % {"rank": e["rank"]})],
                    className="table-primary fw-semibold" if e["me"] else None)
            for e in standing["team"]["board"]]
    board = dbc.Table([html.Thead(html.Tr([html.Th("#"), html.Th(_("Team"))])), html.Tbody(rows)],
                      size="sm", className="mb-0 mt-2") if rows else None
    return [line(_("In the team"), standing["team"]), line(_("In the company"), standing["company"]), board]


def deals_table(rows: list[dict], locale: str, currency: str = "USD"):
    """The rep's open deals; CRM text is passed as plain strings (Dash renders them as text)."""
    if not rows:
        return empty_state(_("No open deals"))
    # Headers on one line: on a phone the table scrolls sideways instead of stacking its last
    # header word by word above an empty band.
    head = html.Thead(html.Tr([html.Th(_("Deal")), html.Th(_("Stage")), html.Th(_("Amount"), className="text-end"),
                               html.Th(_("Expected close")), html.Th(_("Days since last activity"),
                                                                     className="text-end")], className="text-nowrap"))
    body = [html.Tr([html.Td(str(r["name"]), style={"minWidth": "10rem"}), html.Td(str(r["stage"])),
                     html.Td(format_value(r["amount"], MONEY, locale, currency), className="text-end"),
                     html.Td(format_date(r["expected_close_date"], locale) if r["expected_close_date"] else "—",
                             className="text-nowrap"),
                     html.Td(format_value(r["days_idle"], COUNT, locale) if r["days_idle"] is not None
                             else _("none yet"), className="text-end")]) for r in rows]
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True, className="mb-0 mt-2")


def activity_panel(own: dict, medians: dict | None, locale: str):
    """The rep's activities, calls and meetings next to the team's medians."""
    if medians is None:
        return empty_state()
    head = html.Thead(html.Tr([html.Th(""), html.Th(_("You"), className="text-end"),
                               html.Th(_("Team median"), className="text-end")]))
    body = [html.Tr([html.Td(_(label)), html.Td(format_value(own.get(k), COUNT, locale), className="text-end"),
                     html.Td(format_value(medians.get(k), NUMBER, locale), className="text-end")])
            for k, label in ACTIVITY_LABELS.items()]
    note = html.P(_("Median of the %(count)s active reps in the team") % {"count": medians["team_size"]},
                  className="small text-muted mb-0")
    return [dbc.Table([head, html.Tbody(body)], size="sm", className="mb-1"), note]


def commission_panel(earned, estimate, weighted, locale: str, currency: str = "USD") -> list:
    """Commission so far and the estimate if the open deals close as forecast, with the assumption."""
    money = lambda v: format_value(v, MONEY, locale, currency)  # noqa: E731
    return [
        html.Div([html.Span(_("Earned so far"), className="text-muted me-2"), html.Strong(money(earned))]),
        html.P([_("If these open deals close as forecast, you earn %(amount)s") % {"amount": money(estimate)},
                html.I(className="bi bi-info-circle ms-2", id=ids.MY_PERFORMANCE_COMMISSION_HELP,
                       tabIndex="0", **{"aria-label": _("How this is estimated")})], className="fs-5 mt-2 mb-1"),
        html.P(_("Weighted open pipeline expected to close in the period: %(amount)s") % {"amount": money(weighted)},
               className="small text-muted mb-0"),
        dbc.Tooltip(_("An estimate, not a payslip. It assumes that revenue so far stays won and that every open deal "
                      "expected to close by the end of the period (or already overdue) closes at its amount × its win "
                      "probability; revenue above the whole period's quota earns the commission rate × the commission "
                      "multiplier."), target=ids.MY_PERFORMANCE_COMMISSION_HELP),
    ]
