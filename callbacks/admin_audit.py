"""Audit log callbacks: the event choices, one page of the filtered log (a filter change goes
back to page 1), and the CSV download of the filtered log."""
from __future__ import annotations

from dash import Input, Output, State, ctx, dcc, no_update

from app.admin import audit as admin_audit
from app.auth.pages import page_named
from app.errors import Explained
from app.i18n import current_locale
from callbacks.policy import allow
from layouts.pages import admin_audit as page

ROLES = page_named("admin_audit").roles
CONTROLS = ("event", "actor", "outcome", "start", "end")


@allow(ROLES)
def update_admin_audit_events(_loaded):
    return [{"label": e, "value": e} for e in admin_audit.event_types()]


@allow(ROLES)
def update_admin_audit_table(event, actor, outcome, start, end, active_page):
    """The page of events for the filters; [table, summary, page count, page, message]."""
    wanted = active_page if ctx.triggered_id == page.PAGES else 1
    try:
        found = admin_audit.page_of(wanted, **dict(zip(CONTROLS, (event, actor, outcome, start, end))))
    except Explained as refusal:
        return None, None, 1, 1, page.refused(refusal.text())
    locale = current_locale()
    return (page.events_table(found["rows"], locale, found["timezone"]),
            page.summary_text(found["total"], found["page"], found["pages"], locale),
            found["pages"], found["page"], None)


@allow(ROLES)
def update_admin_audit_download(clicks, event, actor, outcome, start, end):
    """The filtered log as a CSV file (audited as an export)."""
    if not clicks:
        return no_update, no_update
    try:
        name, text, rows = admin_audit.export_csv(**dict(zip(CONTROLS, (event, actor, outcome, start, end))))
    except Explained as refusal:
        return no_update, page.refused(refusal.text())
    return dcc.send_string(text, name, type="text/csv"), page.export_note(rows, admin_audit.EXPORT_LIMIT,
                                                                          current_locale())


def register(app) -> None:
    filters = [(page.EVENT, "value"), (page.ACTOR, "value"), (page.OUTCOME, "value"), (page.DATES, "start_date"),
               (page.DATES, "end_date")]
    app.callback(Output(page.EVENT, "options"), Input(page.LOADED, "data"))(update_admin_audit_events)
    app.callback(Output(page.TABLE, "children"), Output(page.SUMMARY, "children"), Output(page.PAGES, "max_value"),
                 Output(page.PAGES, "active_page"), Output(page.MESSAGE, "children"),
                 [Input(i, p) for i, p in filters] + [Input(page.PAGES, "active_page")])(update_admin_audit_table)
    app.callback(Output(page.DOWNLOAD_FILE, "data"), Output(page.MESSAGE, "children", allow_duplicate=True),
                 Input(page.DOWNLOAD, "n_clicks"), [State(i, p) for i, p in filters],
                 prevent_initial_call=True)(update_admin_audit_download)
