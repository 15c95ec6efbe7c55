"""An import run as the admin pages show it: the report after a job, and the history of runs.

Pure functions of the service's dicts (app.admin.imports); file names, messages and rows
come from users' files and are rendered as text only.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.formatting import format_datetime, format_value
from app.i18n import N_
from app.i18n import gettext as _
from app.kpi.registry import COUNT, NUMBER
from layouts.components import empty_state

STATUS = {"running": (N_("running"), "info"), "succeeded": (N_("succeeded"), "success"),
          "partial": (N_("partly loaded"), "warning"), "failed": (N_("failed"), "danger"),
          "refused": (N_("refused"), "danger"), "cancelled": (N_("cancelled"), "secondary")}
COUNTS = (("rows_read", N_("Read")), ("inserted", N_("New")), ("updated", N_("Updated")),
          ("unchanged", N_("Unchanged")), ("rejected", N_("Rejected")))
PROBLEMS = {
    "expired": N_("This upload is no longer on the server (uploads are kept for a day); upload the files again."),
    "not_allowed": N_("Only an active administrator's upload can be imported."),
    "bad_option": N_("Choose a preset and an encoding from the lists."),
    "failed": N_("The import stopped because of an error on our side; it has been logged. The history shows "
                 "what was loaded before it stopped."),
}


def status_badge(status: str) -> dbc.Badge:
    label, colour = STATUS.get(status, (status, "secondary"))
    return html.Span(dbc.Badge(_(label), color=colour, className="text-wrap"), **{"data-status": status})


def seconds(value, locale: str) -> str:
    return "—" if value is None else _("%(seconds)s s") % {"seconds": format_value(value, NUMBER, locale)}


def report_panel(report: dict | None, locale: str):
    """After a job: its problem, or the run with its files, first rejections and warnings."""
    if not report:
        return None
    if report.get("problem"):
        return dbc.Alert(_(PROBLEMS.get(report["problem"], PROBLEMS["failed"])), color="danger", className="mb-0")
    run = report.get("run")
    if run is None:
        return dbc.Alert(_(PROBLEMS["failed"]), color="danger", className="mb-0")
    parts = [html.Div([status_badge(run["status"]), html.Strong(_("Run %(id)s") % {"id": run["run_id"]}, className="ms-2"),
                       html.Span(" · " + (_("dry run: nothing was written") if run["dry_run"] else _("import")),
                                 className="text-muted"),
                       html.Span(" · " + seconds(run["duration_seconds"], locale), className="text-muted")],
                      className="mb-2")]
    if report.get("refused") or run["status"] == "refused":
        parts.append(dbc.Alert([html.Strong(_("Nothing was loaded: ")), report.get("refused") or run["message"] or ""],
                               color="danger", className="py-2"))
    elif run["status"] == "cancelled":
        parts.append(dbc.Alert(_("Cancelled. Files loaded before the cancel stay loaded; the file being loaded "
                                 "was rolled back."), color="secondary", className="py-2"))
    elif run["status"] == "failed":
        parts.append(dbc.Alert(_(PROBLEMS["failed"]), color="danger", className="py-2"))
    if report.get("files"):
        parts.append(files_table(report["files"], locale))
    if report.get("rejections"):
        parts.append(rejections_table(report["rejections"], run["rows_rejected"], locale))
    if report.get("warnings"):
        parts.append(html.Div([html.Div(_("Warnings"), className="fw-semibold small"),
                               html.Ul([html.Li(w) for w in report["warnings"]], className="small mb-0")]))
    return html.Div(parts, **{"data-run": run["run_id"]})


def files_table(files: list[dict], locale: str) -> dbc.Table:
    """Per file: table, file and row counts, with a total line."""
    count = lambda v: format_value(v, COUNT, locale)  # noqa: E731
    head = html.Thead(html.Tr([html.Th(_("Table")), html.Th(_("File"))] +
                              [html.Th(_(label), className="text-end") for _key, label in COUNTS]))
    rows = [html.Tr([html.Td(f["table_name"]), html.Td(f["file_name"])] +
                    [html.Td(count(f[key]), className="text-end") for key, _label in COUNTS]) for f in files]
    total = html.Tr([html.Th(_("Total")), html.Th("")] +
                    [html.Th(count(sum(f[key] for f in files)), className="text-end") for key, _label in COUNTS])
    return dbc.Table([head, html.Tbody(rows + [total])], size="sm", responsive=True, className="mb-2")


def rejections_table(rejections: list[list], total: int, locale: str) -> html.Div:
    """The first rejected rows: file, line, column, reason."""
    head = html.Thead(html.Tr([html.Th(_("File")), html.Th(_("Line"), className="text-end"),
                               html.Th(_("Column")), html.Th(_("Reason"))]))
    rows = [html.Tr([html.Td(str(f)), html.Td(format_value(line, COUNT, locale), className="text-end"),
                     html.Td(str(col) if col else "—"), html.Td(str(reason))]) for f, line, col, reason in rejections]
    title = _("First rejected rows (%(shown)s of %(total)s)") % {
        "shown": format_value(len(rejections), COUNT, locale), "total": format_value(max(total, len(rejections)), COUNT, locale)}
    return html.Div([html.Div(title, className="fw-semibold small"),
                     dbc.Table([head, html.Tbody(rows)], size="sm", responsive=True, className="mb-2")])


def history_table(runs: list[dict], locale: str, tz: str, download_id: str):
    """Runs newest first: when, who, status, counts, duration, their files; a download button for
    the rejected rows of each run that stored some (dry runs store none)."""
    if not runs:
        return empty_state(_("No imports yet"))
    head = html.Thead(html.Tr([html.Th("#"), html.Th(_("Started")), html.Th(_("By")), html.Th(_("Status")),
                               html.Th(_("Files")), html.Th(_("Read"), className="text-end"),
                               html.Th(_("Rejected"), className="text-end"), html.Th(_("Duration"), className="text-end"),
                               html.Th("")]))
    return dbc.Table([head, html.Tbody([_history_row(r, locale, tz, download_id) for r in runs])],
                     size="sm", hover=True, responsive=True, className="mb-0")


def _file_label(file: dict) -> str:
    """The file's name, and the table it went to when the name does not say it (a preset's file)."""
    name, table = file["file_name"], file["table_name"]
    return name if name.lower() in (f"{table}.csv", table) else f"{name} → {table}"


def _history_row(run: dict, locale: str, tz: str, download_id: str) -> html.Tr:
    count = lambda v: format_value(v, COUNT, locale)  # noqa: E731
    files = [html.Div(_file_label(f) + " · " + _(
        "%(read)s read, %(new)s new, %(updated)s updated, %(rejected)s rejected") % {
        "read": count(f["rows_read"]), "new": count(f["inserted"]), "updated": count(f["updated"]),
        "rejected": count(f["rejected"])}) for f in run["files"]]
    if not files:
        files = [html.Div(run["source"] or (_("Upload") if run["from_upload"] else "—"))]
    if run["message"] and run["status"] in ("refused", "failed"):
        files.append(html.Div(run["message"], className="text-danger"))
    status = [status_badge(run["status"])] + ([dbc.Badge(_("dry run"), color="light", text_color="dark",
                                                         className="ms-1")] if run["dry_run"] else [])
    download = None
    if run["rows_rejected"] and not run["dry_run"]:
        download = dbc.Button([html.I(className="bi bi-download me-1"), _("Download rejected rows (CSV)")],
                              id={"type": download_id, "run": run["run_id"]}, n_clicks=0, size="sm",
                              color="secondary", outline=True)
    return html.Tr([html.Td(run["run_id"]), html.Td(format_datetime(run["started_at"], locale, tz)),
                    html.Td(run["actor"]), html.Td(status), html.Td(files, className="small"),
                    html.Td(count(run["rows_read"]), className="text-end"),
                    html.Td(count(run["rows_rejected"]), className="text-end"),
                    html.Td(seconds(run["duration_seconds"], locale), className="text-end"), html.Td(download)],
                   **{"data-run": run["run_id"]})
