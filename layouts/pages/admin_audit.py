"""Audit log (admins only): every recorded event, newest first, 50 a page, filtered by event,
actor, outcome and dates; times in the organisation's zone; the filtered log as CSV.
`layout(**query)` is a skeleton; callbacks.admin_audit fills it."""
from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.formatting import format_datetime, format_value
from app.i18n import gettext as _
from layouts.components import empty_state, loading

P = "admin_audit-"
EVENT, ACTOR, OUTCOME, DATES = P + "event", P + "actor", P + "outcome", P + "dates"
TABLE, SUMMARY, PAGES, LOADED = P + "table", P + "summary", P + "pages", P + "loaded"
DOWNLOAD, DOWNLOAD_FILE, MESSAGE = P + "download", P + "download-file", P + "message"


def layout(**_query) -> html.Div:
    col = dict(xs=12, sm=6, lg=3, className="mb-2")
    return html.Div([
        dcc.Store(id=LOADED, data=True), dcc.Download(id=DOWNLOAD_FILE),
        html.H1([html.I(className="bi bi-journal-text me-2"), _("Audit log")], className="h4 my-2"),
        html.Div(dbc.Row([
            dbc.Col(dcc.Dropdown(id=EVENT, options=[], placeholder=_("Any event")), **col),
            dbc.Col(dbc.Input(id=ACTOR, placeholder=_("Actor (exact username)"), debounce=True, maxLength=64), **col),
            dbc.Col(dcc.Dropdown(id=OUTCOME, searchable=False, placeholder=_("Any outcome"),
                                 options=[{"label": _("success"), "value": "success"},
                                          {"label": _("failure"), "value": "failure"}]), **col),
            dbc.Col(dcc.DatePickerRange(id=DATES, display_format="YYYY-MM-DD", clearable=True, minimum_nights=0,
                                        start_date_placeholder_text=_("From"), end_date_placeholder_text=_("To")),
                    **col),
        ], className="g-2 align-items-center"), role="search", **{"aria-label": _("Filters")}),
        html.Div(id=MESSAGE, role="status"),
        html.Div([html.Span(id=SUMMARY, className="small text-muted me-3"),
                  dbc.Button([html.I(className="bi bi-download me-1"), _("Download CSV")], id=DOWNLOAD, n_clicks=0,
                             size="sm", color="secondary", outline=True)],
                 className="d-flex flex-wrap align-items-center justify-content-between my-2"),
        loading(TABLE, html.Div(id=TABLE)),
        dbc.Pagination(id=PAGES, max_value=1, active_page=1, fully_expanded=False, first_last=True,
                       previous_next=True, className="mt-2 flex-wrap"),
    ])


def details_text(details: dict) -> str:
    """An event's details as "key: value" pairs (values from the CRM or typed by users are text)."""
    return " · ".join(f"{k}: {_shown(v)}" for k, v in details.items())


def _shown(value) -> str:
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (dict, list)) else str(value)


def events_table(rows: list[dict], locale: str, tz: str):
    """One page of events; actors and details are data and shown as text. On phones the table
    scrolls sideways rather than squeezing the details into a narrow column."""
    if not rows:
        return empty_state(_("No events match these filters"))
    head = html.Thead(html.Tr([html.Th(_("Time (%(zone)s)") % {"zone": tz}), html.Th(_("Actor")), html.Th(_("Role")),
                               html.Th(_("Event")), html.Th(_("Outcome")), html.Th(_("Address")),
                               html.Th(_("Details"))]))
    body = [html.Tr([html.Td(format_datetime(r["at"], locale, tz, seconds=True), className="text-nowrap"),
                     html.Td(r["actor"] or "—"), html.Td(r["role"] or "—"), html.Td(html.Code(r["event"])),
                     html.Td(outcome_badge(r["outcome"])), html.Td(r["ip"] or "—"),
                     html.Td(details_text(r["details"]), className="small text-break", style={"minWidth": "18rem"})],
                    **{"data-event-id": r["event_id"]}) for r in rows]
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True, className="mb-0 small")


def outcome_badge(outcome: str) -> dbc.Badge:
    known = {"success": _("success"), "failure": _("failure")}
    return dbc.Badge(known.get(outcome, outcome), color="success" if outcome == "success" else "danger")


def summary_text(total: int, page: int, pages: int, locale: str) -> str:
    return _("%(total)s events · page %(page)s of %(pages)s") % {
        "total": format_value(total, "count", locale), "page": format_value(page, "count", locale),
        "pages": format_value(pages, "count", locale)}


def export_note(rows: int, limit: int, locale: str) -> dbc.Alert | None:
    """Said only when the download stopped at the limit."""
    if rows < limit:
        return None
    return dbc.Alert(_("The download holds the newest %(count)s events; narrow the filters for older ones.")
                     % {"count": format_value(limit, "count", locale)}, color="warning", dismissable=True,
                     className="py-2")


def refused(text: str) -> dbc.Alert:
    return dbc.Alert([html.I(className="bi bi-exclamation-triangle me-2"), text], color="danger", className="py-2")
