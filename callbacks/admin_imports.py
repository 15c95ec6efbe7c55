"""Data import callbacks (admins only). The import itself is a Dash background callback: it runs
in a job (a child process, or a Celery worker with REDIS_URL) outside any request, so it gets
only the upload's token; app.admin.imports reads the actor and language from the upload's
server-side record. Its polling requests carry the same callback body, so the callback policy
checks them like any other request."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from app.admin import imports
from app.admin.uploads import UploadRefused
from app.auth.pages import page_named
from app.i18n import current_locale
from app.kpi import service
from callbacks.policy import allow
from layouts import import_reports
from layouts.pages import admin_imports as page

ROLES = page_named("admin_imports").roles


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


@allow(ROLES)
def update_admin_imports_upload(contents, folder_contents, names, folder_names):
    """Store the dropped or chosen files (the service records who uploaded them)."""
    if ctx.triggered_id == page.ADMIN_IMPORTS_FOLDER:
        contents, names = folder_contents, folder_names
    try:
        upload = imports.receive_upload(_as_list(contents), _as_list(names))
    except UploadRefused as error:
        return None, page.upload_refused(error, current_locale()), True
    return upload.token, page.upload_received(upload.files, upload.ignored, upload.kind, upload.size,
                                              current_locale()), False


@allow(ROLES)
def update_admin_imports_run(set_progress, n_clicks, token, preset, options, encoding):
    """The background job: import the upload, reporting progress; returns the outcome."""
    if not n_clicks:
        raise PreventUpdate
    return imports.import_upload(token, preset or None, page.DRY_RUN in (options or []), encoding or None,
                                 on_progress=lambda state: set_progress(page.progress_parts(state, current_locale())))


@allow(ROLES)
def update_admin_imports_cancel(n_clicks, token):
    if not n_clicks:
        return no_update
    return page.cancelling(imports.request_cancel(token))


@allow(ROLES)
def update_admin_imports_report(outcome):
    return import_reports.report_panel(imports.run_report(outcome), current_locale()), ""


@allow(ROLES)
def update_admin_imports_history(_outcome):
    return import_reports.history_table(imports.history(), current_locale(), service.settings()["org_timezone"],
                                        page.ADMIN_IMPORTS_REJECTED)


@allow(ROLES)
def update_admin_imports_download(_clicks):
    """A run's rejected rows as CSV (audited as an export by the service)."""
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0].get("value"):
        return no_update
    found = imports.rejected_rows_csv(ctx.triggered_id.get("run"))
    return no_update if found is None else dcc.send_string(found[1], found[0], type="text/csv")


def register(app) -> None:
    app.callback(Output(page.ADMIN_IMPORTS_TOKEN, "data"), Output(page.ADMIN_IMPORTS_UPLOADED, "children"),
                 Output(page.ADMIN_IMPORTS_START, "disabled"),
                 Input(page.ADMIN_IMPORTS_UPLOAD, "contents"), Input(page.ADMIN_IMPORTS_FOLDER, "contents"),
                 State(page.ADMIN_IMPORTS_UPLOAD, "filename"), State(page.ADMIN_IMPORTS_FOLDER, "filename"),
                 prevent_initial_call=True)(update_admin_imports_upload)
    app.callback(Output(page.ADMIN_IMPORTS_OUTCOME, "data"), Input(page.ADMIN_IMPORTS_START, "n_clicks"),
                 State(page.ADMIN_IMPORTS_TOKEN, "data"), State(page.ADMIN_IMPORTS_PRESET, "value"),
                 State(page.ADMIN_IMPORTS_OPTIONS, "value"), State(page.ADMIN_IMPORTS_ENCODING, "value"),
                 background=True, prevent_initial_call=True, interval=500,
                 running=[(Output(page.ADMIN_IMPORTS_START, "disabled"), True, False),
                          (Output(page.ADMIN_IMPORTS_CANCEL, "disabled"), False, True),
                          (Output(page.ADMIN_IMPORTS_PROGRESS, "className"), page.SHOWN, page.HIDDEN)],
                 progress=[Output(page.ADMIN_IMPORTS_PROGRESS_BAR, "value"),
                           Output(page.ADMIN_IMPORTS_PROGRESS_BAR, "label"),
                           Output(page.ADMIN_IMPORTS_PROGRESS_TEXT, "children")],
                 progress_default=[0, "", ""])(update_admin_imports_run)
    app.callback(Output(page.ADMIN_IMPORTS_CANCELLING, "children"), Input(page.ADMIN_IMPORTS_CANCEL, "n_clicks"),
                 State(page.ADMIN_IMPORTS_TOKEN, "data"), prevent_initial_call=True)(update_admin_imports_cancel)
    app.callback(Output(page.ADMIN_IMPORTS_REPORT, "children"),
                 Output(page.ADMIN_IMPORTS_CANCELLING, "children", allow_duplicate=True),
                 Input(page.ADMIN_IMPORTS_OUTCOME, "data"), prevent_initial_call=True)(update_admin_imports_report)
    app.callback(Output(page.ADMIN_IMPORTS_HISTORY, "children"),
                 Input(page.ADMIN_IMPORTS_OUTCOME, "data"))(update_admin_imports_history)
    app.callback(Output(page.ADMIN_IMPORTS_DOWNLOAD, "data"),
                 Input({"type": page.ADMIN_IMPORTS_REJECTED, "run": ALL}, "n_clicks"),
                 prevent_initial_call=True)(update_admin_imports_download)
