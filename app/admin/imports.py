"""The Data import page: uploads and history on behalf of the logged-in admin, and the job.

Request side (a Flask request, an admin per the callback policy, checked again here):
receive_upload, request_cancel, history, run_report, rejected_rows_csv.
Job side (a background callback, outside any request): import_upload, given only an
upload token; actor, address and language come from the upload's server-side record.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import time

from flask import current_app, request

from app import jobs
from app.admin import uploads
from app.admin.uploads import UploadRefused
from app.auth.pages import role_of
from app.auth.roles import Role
from app.data import users as user_store
from app.data.audit import record_event
from app.data.imports import fetch_import_files, fetch_import_run, fetch_import_runs, fetch_rejected_rows
from app.i18n import current_locale, job_locale
from app.kpi import service
from app.kpi.export import safe_cell
from etl.mapping import available_presets, load_preset
from etl.progress import ImportCancelled, ImportProgress
from etl.read import UnusableInput
from etl.runner import run_import

ENCODINGS = ("utf-8", "cp1251", "cp1252")
HISTORY_RUNS = 30
PROGRESS_EVERY_SECONDS = 0.5
REJECTED_HEADER = ("file", "line", "column", "reason", "raw")
log = logging.getLogger(__name__)


def _engine():
    return current_app.extensions["engine"]


def require_admin() -> dict:
    """The viewer's user record; PermissionError for anyone but an active admin."""
    row = service.viewer()
    if role_of(row) != Role.ADMIN:
        raise PermissionError("admins only")
    return row


def preset_choices() -> list[tuple[str, str]]:
    """(name, label) of each mapping preset shipped in etl/presets."""
    return [(name, load_preset(name).label) for name in available_presets()]


def upload_limit_bytes() -> int:
    return current_app.extensions["config"].upload_limit_mb * 1024 * 1024


def receive_upload(contents: list[str], names: list[str]) -> uploads.Upload:
    """Store the files of one upload (dcc.Upload data URLs and file names) for the job.
    Raises UploadRefused: nothing usable, a mix of kinds, too big, unreadable."""
    admin = require_admin()
    if not contents or not names or len(contents) != len(names):
        raise UploadRefused("nothing", names=[])
    kind, keep, ignored = uploads.sort_files(names)
    chosen = [(uploads.safe_name(n), c) for n, c in zip(names, contents) if uploads.safe_name(n) in keep]
    size = sum(uploads.encoded_size(c) for _, c in chosen)
    if size > upload_limit_bytes():
        raise UploadRefused("too_big", size=size, limit=upload_limit_bytes())
    files = {name: uploads.decode(data) for name, data in chosen}
    return uploads.store(files, kind, ignored, admin["username"], current_locale(), request.remote_addr)


def request_cancel(token) -> bool:
    require_admin()
    return uploads.request_cancel(token)


# ---- the job -------------------------------------------------------------------------------------

class _Progress:
    """The import's progress hook: passes the state on at most every PROGRESS_EVERY_SECONDS
    and stops the import when the upload's cancel flag is set."""

    def __init__(self, token: str, on_progress):
        self.token, self.on_progress = token, on_progress
        self.last, self.state = 0.0, None

    def __call__(self, state: ImportProgress) -> None:
        self.state = state
        if uploads.cancel_requested(self.token):
            raise ImportCancelled("cancelled from the import page")
        now = time.monotonic()
        if self.on_progress and now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            self.on_progress(state)

    def finish(self) -> None:
        if self.on_progress and self.state is not None:
            self.on_progress(self.state)


def import_upload(token, preset: str | None, dry_run: bool, encoding: str | None, on_progress=None) -> dict:
    """Import an upload (runs in the background job). Returns what the page shows next:
    {"run_id", "warnings", "rejections"} after a run (also refused or cancelled ones, then
    with "refused": reason), or {"problem": "expired" | "not_allowed" | "bad_option" | "failed"}."""
    upload = uploads.load(token)
    if upload is None:
        return {"problem": "expired"}
    if preset not in (None, *available_presets()) or encoding not in (None, *ENCODINGS):
        return {"problem": "bad_option"}
    with job_locale(upload.locale), jobs.job_engine() as engine:
        with engine.connect() as conn:
            actor = user_store.fetch_user(conn, upload.actor)
        if role_of(actor) != Role.ADMIN:     # demoted or deactivated since the upload
            return {"problem": "not_allowed"}
        uploads.clear_cancel(token)
        outcome = _run(engine, upload, preset, dry_run, encoding, _Progress(token, on_progress))
        with engine.begin() as conn:
            record_event(conn, "import", actor=upload.actor, role=Role.ADMIN.value, ip=upload.ip,
                         outcome="success" if "run_id" in outcome and "refused" not in outcome else "failure",
                         run_id=outcome.get("run_id"), dry_run=dry_run, preset=preset, files=upload.files)
    return outcome


def _run(engine, upload: uploads.Upload, preset, dry_run, encoding, progress: _Progress) -> dict:
    try:
        report = run_import(engine, upload.path, preset=preset, dry_run=dry_run, actor=upload.actor,
                            encoding=encoding, progress=progress)
    except UnusableInput as exc:
        return {"run_id": exc.run_id, "refused": tidy(str(exc))}
    except ImportCancelled as exc:
        return {"run_id": exc.run_id}
    except Exception:
        log.exception("the import of upload %s failed", upload.token)
        return {"problem": "failed"}
    progress.finish()
    return {"run_id": report.run_id, "warnings": [str(w) for w in report.warnings[:50]],
            "rejections": [[file, int(line), column if isinstance(column, str) else None, str(reason)]
                           for file, line, column, reason in report.rejections]}


# ---- history and reports -------------------------------------------------------------------------

def history(limit: int = HISTORY_RUNS) -> list[dict]:
    """The newest runs (import_runs rows), each with "files" (its import_files rows)."""
    require_admin()
    with _engine().connect() as conn:
        runs = fetch_import_runs(conn, limit)
        files = fetch_import_files(conn, [r["run_id"] for r in runs])
    return [_tidy_run({**run, "files": files.get(run["run_id"], [])}) for run in runs]


def tidy(text: str | None) -> str | None:
    """A message or source without the server's upload folder (an upload's files are named
    by their own names; the folder holding them means nothing to a reader)."""
    if not text:
        return text
    folder = re.escape(str(uploads.root())) + r"/[A-Za-z0-9_-]+/" + uploads.FILES
    # The import's messages are English (as on the command line); so is the folder's stand-in.
    return re.sub(folder, "the upload", re.sub(folder + "/", "", text)).strip() or None


def _tidy_run(run: dict) -> dict:
    """from_upload: whether the run imported a browser upload (its source is then blank or the
    uploaded archive's name)."""
    source = run.get("source") or ""
    return {**run, "from_upload": source.startswith(str(uploads.root())), "source": tidy(source),
            "message": tidy(run.get("message"))}


def run_report(outcome: dict | None) -> dict | None:
    """What to show after a job: its outcome (import_upload's dict) with the run and its files
    read back from the history; None before any job."""
    require_admin()
    if not isinstance(outcome, dict) or not outcome:
        return None
    run_id = outcome.get("run_id")
    run = files = None
    if isinstance(run_id, int):
        with _engine().connect() as conn:
            run = fetch_import_run(conn, run_id)
            files = fetch_import_files(conn, [run_id]).get(run_id, [])
        run = run and _tidy_run(run)
    return {"run": run, "files": files or [], "problem": outcome.get("problem"),
            "refused": outcome.get("refused"), "warnings": _texts(outcome.get("warnings")),
            "rejections": [r for r in outcome.get("rejections") or [] if isinstance(r, list) and len(r) == 4]}


def _texts(values) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def rejected_rows_csv(run_id) -> tuple[str, str] | None:
    """(file name, CSV text) of a run's rejected rows, audited as an export; None without any."""
    admin = require_admin()
    if not isinstance(run_id, int):
        return None
    with _engine().begin() as conn:
        rows = fetch_rejected_rows(conn, run_id)
        if not rows:
            return None
        record_event(conn, "export", actor=admin["username"], role=admin["role"], ip=request.remote_addr,
                     format="csv", what="rejected_rows", run_id=run_id, rows=len(rows))
    return f"rejected-rows-run-{run_id}.csv", rejected_csv(rows)


def rejected_csv(rows: list[dict]) -> str:
    """fetch_rejected_rows rows as CSV: file, line, column, reason, raw (the row as read, JSON).
    Text cells that a spreadsheet would run as a formula are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REJECTED_HEADER)
    for r in rows:
        writer.writerow([safe_cell(r["file_name"]), r["line"], safe_cell(r["column_name"] or ""),
                         safe_cell(r["reason"]), safe_cell(r["raw"])])
    return buffer.getvalue()
