"""Targets (admins): the quotas (monthly revenue target per rep) by year and team, edited in
place, and a quotas file loaded through the import. `layout(**query)` holds no data."""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from babel import numbers as babel_numbers
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme

from app.formatting import format_month, format_value
from app.i18n import N_
from app.i18n import gettext as _
from app.kpi.registry import COUNT, MONEY
from layouts.components import card, empty_state
from layouts.import_reports import rejections_table, status_badge

ADMIN_TARGETS_YEAR = "admin_targets-year"
ADMIN_TARGETS_TEAM = "admin_targets-team"
ADMIN_TARGETS_SUMMARY = "admin_targets-summary"
ADMIN_TARGETS_TABLE = "admin_targets-table"
ADMIN_TARGETS_EDITED = "admin_targets-edited"      # the outcome of the last edit
ADMIN_TARGETS_VERSION = "admin_targets-version"    # dcc.Store: changes after an edit or a load
ADMIN_TARGETS_UPLOAD = "admin_targets-upload"
ADMIN_TARGETS_LOADED = "admin_targets-loaded"      # the report of a loaded file
EDIT_ERRORS = {"not_a_number": N_("the amount is not a number"), "negative": N_("the amount cannot be negative"),
               "too_large": N_("the amount is too large"), "unknown": N_("there is no such quota")}


def layout(**_query) -> html.Div:
    filters = dbc.Row([
        dbc.Col([dbc.Label(_("Year"), html_for=ADMIN_TARGETS_YEAR, className="small mb-0"),
                 dcc.Dropdown(id=ADMIN_TARGETS_YEAR, options=[], placeholder=_("All years"))], md=3),
        dbc.Col([dbc.Label(_("Team"), html_for=ADMIN_TARGETS_TEAM, className="small mb-0"),
                 dcc.Dropdown(id=ADMIN_TARGETS_TEAM, options=[], placeholder=_("All teams"))], md=4),
    ], className="g-2 mb-3")
    table = dash_table.DataTable(id=ADMIN_TARGETS_TABLE, data=[], columns=[], page_size=24, filter_action="native",
                                 editable=False, style_table={"overflowX": "auto"},
                                 style_cell={"fontFamily": "inherit", "fontSize": "0.875rem", "padding": "0.25rem 0.5rem",
                                             "textAlign": "start"},
                                 style_cell_conditional=[{"if": {"column_id": "amount"}, "textAlign": "end"}],
                                 style_header={"fontWeight": "600"},
                                 style_data_conditional=[{"if": {"column_id": "amount"}, "backgroundColor": "#f8f9fa"}])
    upload = dcc.Upload(html.Div([html.I(className="bi bi-cloud-arrow-up me-2"),
                                  _("Drop a quotas CSV here, or click to choose it")], className="text-center text-muted py-3"),
                        id=ADMIN_TARGETS_UPLOAD, multiple=False, className="border border-2 rounded mb-2",
                        style={"borderStyle": "dashed", "cursor": "pointer"})
    return html.Div([
        dcc.Store(id=ADMIN_TARGETS_VERSION, data=0),
        html.H1(_("Targets"), className="h4 my-2"),
        filters,
        dbc.Row(dbc.Col(card(_("Quotas"), [html.Div(id=ADMIN_TARGETS_SUMMARY, className="mb-2"), table,
                                           html.Div(id=ADMIN_TARGETS_EDITED, className="mt-2", **{"aria-live": "polite"})],
                             footer=_("Click an amount to change it; the change is saved and recorded at once.")),
                        className="mb-3")),
        dbc.Row(dbc.Col(card(_("Load quotas from a file"), [
            upload, html.Div(id=ADMIN_TARGETS_LOADED)],
            footer=_("A CSV file with the columns rep_id, month (the first day of the month, YYYY-MM-01) and amount. "
                     "Existing quotas are updated, new ones added; rows that fail are listed and kept in the import "
                     "history.")), className="mb-3")),
    ])


def year_choice(years: list[int], current, today: date):
    """The year to show: the chosen one while it has quotas, else this year, else the newest."""
    if current in years:
        return current
    return today.year if today.year in years else (years[0] if years else None)


def table_columns(locale: str) -> list[dict]:
    amount = Format(group=Group.yes, precision=2, scheme=Scheme.fixed).group_delimiter(
        babel_numbers.get_group_symbol(locale)).decimal_delimiter(babel_numbers.get_decimal_symbol(locale))
    return [{"name": _("Rep"), "id": "rep"}, {"name": _("Team"), "id": "team"},
            {"name": _("Month"), "id": "month_label"},
            {"name": _("Amount"), "id": "amount", "type": "numeric", "editable": True, "format": amount,
             "on_change": {"action": "coerce", "failure": "accept"}}]


def table_rows(rows: list[dict], locale: str) -> list[dict]:
    """Service rows with the month as the reader's locale writes it."""
    return [{**r, "month_label": format_month(date.fromisoformat(r["month"] + "-01"), locale)} for r in rows]


def summary(rows: list[dict], locale: str, currency: str):
    if not rows:
        return empty_state(_("No quotas for this year and team"))
    return html.Div(_("%(count)s quotas, %(total)s in total") % {
        "count": format_value(len(rows), COUNT, locale),
        "total": format_value(sum(r["amount"] for r in rows), MONEY, locale, currency)}, className="small text-muted")


def edit_outcome(changes: list[tuple], locale: str, currency: str):
    """One line per edited cell: (rep name, month label, old, new) or (rep name, month label, error code)."""
    if not changes:
        return None
    lines = []
    for rep, month, *rest in changes:
        if len(rest) == 1:
            lines.append(html.Div([html.I(className="bi bi-x-circle text-danger me-1"), _(
                "%(rep)s, %(month)s: not saved, %(error)s") % {
                "rep": rep, "month": month, "error": _(EDIT_ERRORS.get(rest[0], EDIT_ERRORS["unknown"]))}]))
        else:
            lines.append(html.Div([html.I(className="bi bi-check-circle text-success me-1"), _(
                "%(rep)s, %(month)s: %(old)s → %(new)s") % {
                "rep": rep, "month": month, "old": format_value(rest[0], MONEY, locale, currency),
                "new": format_value(rest[1], MONEY, locale, currency)}]))
    return html.Div(lines, className="small")


def load_report(result: dict | None, locale: str):
    """The outcome of a loaded quotas file (app.admin.targets.import_quotas)."""
    if not result:
        return None
    if result.get("refused"):
        return dbc.Alert([html.Strong(_("Nothing was loaded: ")), result["refused"]], color="danger", className="mb-0")
    count = lambda key: format_value(result[key], COUNT, locale)  # noqa: E731
    line = _("%(read)s rows read: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected") % {
        "read": count("read"), "new": count("inserted"), "updated": count("updated"),
        "unchanged": count("unchanged"), "rejected": count("rejected")}
    parts = [html.Div([status_badge(result["status"]), html.Span(_("Run %(id)s") % {"id": result["run_id"]},
                                                                 className="ms-2 fw-semibold"), html.Span(" · " + line)],
                      className="mb-2")]
    if result.get("rejections"):
        parts.append(rejections_table(result["rejections"], result["rejected"], locale))
    if result.get("warnings"):
        parts.append(html.Ul([html.Li(w) for w in result["warnings"]], className="small mb-0"))
    return html.Div(parts)
