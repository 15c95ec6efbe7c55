"""Data import (admins): upload an export, import it as a background job with a progress bar,
see the run's report and the history of runs. `layout(**query)` holds no data; callbacks fill
the history, and the report comes from layouts/import_reports.py."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.admin.imports import ENCODINGS, preset_choices
from app.admin.uploads import UploadRefused
from app.formatting import format_value
from app.i18n import gettext as _
from app.i18n import ngettext
from app.kpi.registry import COUNT, NUMBER, PERCENT
from layouts.components import card, loading

ADMIN_IMPORTS_UPLOAD = "admin_imports-upload"
ADMIN_IMPORTS_FOLDER = "admin_imports-folder"
ADMIN_IMPORTS_UPLOADED = "admin_imports-uploaded"          # what was received, or why not
ADMIN_IMPORTS_TOKEN = "admin_imports-token"                # the upload's token (dcc.Store)
ADMIN_IMPORTS_PRESET = "admin_imports-preset"
ADMIN_IMPORTS_ENCODING = "admin_imports-encoding"
ADMIN_IMPORTS_OPTIONS = "admin_imports-options"            # the dry-run switch
ADMIN_IMPORTS_START = "admin_imports-start"
ADMIN_IMPORTS_CANCEL = "admin_imports-cancel"
ADMIN_IMPORTS_CANCELLING = "admin_imports-cancelling"
ADMIN_IMPORTS_PROGRESS = "admin_imports-progress"          # the area shown while a job runs
ADMIN_IMPORTS_PROGRESS_BAR = "admin_imports-progress-bar"
ADMIN_IMPORTS_PROGRESS_TEXT = "admin_imports-progress-text"
ADMIN_IMPORTS_OUTCOME = "admin_imports-outcome"            # the job's outcome (dcc.Store)
ADMIN_IMPORTS_REPORT = "admin_imports-report"
ADMIN_IMPORTS_HISTORY = "admin_imports-history"
ADMIN_IMPORTS_REJECTED = "admin_imports-rejected"          # pattern-matching: {"type": …, "run": run_id}
ADMIN_IMPORTS_DOWNLOAD = "admin_imports-download"
DRY_RUN = "dry_run"
HIDDEN = "mt-3 d-none"
SHOWN = "mt-3"
ENCODING_LABELS = {"utf-8": "UTF-8", "cp1251": "Windows-1251", "cp1252": "Windows-1252"}


def layout(**_query) -> html.Div:
    presets = [{"label": _("None: files in the import format"), "value": ""}] + [
        {"label": label, "value": name} for name, label in preset_choices()]
    encodings = [{"label": _("Automatic (the preset's, else UTF-8)"), "value": ""}] + [
        {"label": ENCODING_LABELS[e], "value": e} for e in ENCODINGS]
    drop = html.Div([html.I(className="bi bi-cloud-arrow-up fs-3 d-block mb-1"),
                     _("Drop CSV files, a folder, a .zip or an .xlsx workbook here, or click to choose files")],
                    className="text-center text-muted py-3")
    return html.Div([
        dcc.Store(id=ADMIN_IMPORTS_TOKEN), dcc.Store(id=ADMIN_IMPORTS_OUTCOME), dcc.Download(id=ADMIN_IMPORTS_DOWNLOAD),
        html.H1(_("Data import"), className="h4 my-2"),
        dbc.Row(dbc.Col(card(_("Import an export"), [
            dcc.Upload(drop, id=ADMIN_IMPORTS_UPLOAD, multiple=True, className="border border-2 rounded mb-2",
                       style={"borderStyle": "dashed", "cursor": "pointer"}),
            dcc.Upload(dbc.Button([html.I(className="bi bi-folder2-open me-2"), _("Choose a folder")],
                                  color="secondary", outline=True, size="sm"),
                       id=ADMIN_IMPORTS_FOLDER, multiple=True, enable_folder_selection=True, className="mb-2"),
            html.Div(id=ADMIN_IMPORTS_UPLOADED, className="mb-3", **{"aria-live": "polite"}),
            dbc.Row([
                dbc.Col([dbc.Label(_("Mapping preset"), html_for=ADMIN_IMPORTS_PRESET, className="small mb-0"),
                         dcc.Dropdown(id=ADMIN_IMPORTS_PRESET, options=presets, value="", clearable=False)], md=4),
                dbc.Col([dbc.Label(_("Text encoding"), html_for=ADMIN_IMPORTS_ENCODING, className="small mb-0"),
                         dcc.Dropdown(id=ADMIN_IMPORTS_ENCODING, options=encodings, value="", clearable=False)], md=4),
                dbc.Col(dbc.Checklist(id=ADMIN_IMPORTS_OPTIONS, switch=True, value=[], options=[
                    {"label": _("Dry run: check everything, write nothing"), "value": DRY_RUN}]),
                        md=4, className="d-flex align-items-end"),
            ], className="g-2 mb-3"),
            html.Div([
                dbc.Button([html.I(className="bi bi-play-fill me-1"), _("Import")], id=ADMIN_IMPORTS_START,
                           color="primary", disabled=True, className="me-2"),
                dbc.Button(_("Cancel"), id=ADMIN_IMPORTS_CANCEL, color="secondary", outline=True, disabled=True),
                html.Span(id=ADMIN_IMPORTS_CANCELLING, className="small text-muted ms-2"),
            ]),
            html.Div([dbc.Progress(id=ADMIN_IMPORTS_PROGRESS_BAR, value=0, striped=True, animated=True,
                                   style={"height": "1.5rem"}),
                      html.Div(id=ADMIN_IMPORTS_PROGRESS_TEXT, className="small text-muted mt-1")],
                     id=ADMIN_IMPORTS_PROGRESS, className=HIDDEN, **{"aria-live": "polite"}),
            html.Div(id=ADMIN_IMPORTS_REPORT, className="mt-3"),
        ], footer=_("Files are named after their table (reps.csv, opportunities.csv …); see the import "
                    "format in the documentation. Bigger exports: python -m app import PATH")), className="mb-3")),
        dbc.Row(dbc.Col(card(_("Import history"), loading(ADMIN_IMPORTS_HISTORY, html.Div(id=ADMIN_IMPORTS_HISTORY))),
                        className="mb-3")),
    ])


def upload_received(files: list[str], ignored: list[str], kind: str, size: int, locale: str) -> dbc.Alert:
    """What was received and is ready to import."""
    what = {"zip": _("a .zip archive"), "xlsx": _("an .xlsx workbook")}.get(kind) or ngettext(
        "%(count)s CSV file", "%(count)s CSV files", len(files), count=format_value(len(files), COUNT, locale))
    parts = [html.Strong(_("Ready to import: %(what)s, %(size)s") % {"what": what, "size": file_size(size, locale)}),
        html.Div(", ".join(files), className="small")]
    if ignored:
        parts.append(html.Div(_("Not imported (not CSV, .zip or .xlsx): %(names)s") % {"names": ", ".join(ignored)},
                              className="small text-muted"))
    return dbc.Alert(parts, color="info", className="mb-0 py-2")


def file_size(size: int, locale: str) -> str:
    if size < 1_048_576:
        return _("%(size)s KB") % {"size": format_value(max(size / 1024, 0.01), NUMBER, locale)}
    return _("%(size)s MB") % {"size": format_value(size / 1_048_576, NUMBER, locale)}


def upload_refused(error: UploadRefused, locale: str) -> dbc.Alert:
    """Why an upload was not taken, in one line; nothing was stored."""
    names = ", ".join(error.details.get("names", []))
    text = {
        "nothing": _("Nothing to import: choose CSV files, a .zip or an .xlsx workbook (got: %(names)s).")
        % {"names": names or "—"},
        "mixed": _("Upload either CSV files, or one .zip archive, or one .xlsx workbook, not a mix."),
        "duplicate": _("Two files have the same name: %(names)s.") % {"names": names},
        "bad_name": _("This file name cannot be used: %(names)s.") % {"names": names},
        "too_big": _("The upload is %(size)s; the limit is %(limit)s. Import bigger exports with "
                     "python -m app import PATH.") % {"size": file_size(error.details.get("size", 0), locale),
                                                        "limit": file_size(error.details.get("limit", 0), locale)},
        "unreadable": _("The file could not be read; upload it again."),
        "not_csv": _("Upload a CSV file (got: %(names)s).") % {"names": names},
    }.get(error.code, _("The upload could not be used."))
    return dbc.Alert([html.I(className="bi bi-exclamation-triangle me-2"), text], color="warning", className="mb-0 py-2")


def progress_parts(state, locale: str) -> list:
    """[bar value (0..100), bar label, text] for an etl.progress.ImportProgress."""
    share = state.share
    text = _("File %(done)s of %(total)s: %(file)s · %(rows)s rows written") % {
        "done": format_value(min(state.files_done + 1, state.files_total), COUNT, locale),
        "total": format_value(state.files_total, COUNT, locale), "file": state.file_name or "—",
        "rows": format_value(state.rows_written, COUNT, locale)}
    if state.files_done >= state.files_total:
        text = _("All %(total)s files done · %(rows)s rows written") % {
            "total": format_value(state.files_total, COUNT, locale), "rows": format_value(state.rows_written, COUNT, locale)}
    return [round(share * 100, 1), format_value(share, PERCENT, locale), text]


def cancelling(requested: bool) -> str:
    return _("Cancelling after the current step…") if requested else ""
