"""The Data import page end to end on both databases: files uploaded through the upload callback,
imported by the background callback (diskcache child process, and a real Celery worker on Redis),
progress polled as the browser does, the report, the history, the rejected rows as CSV, broken
uploads, and non-admins forging every admin callback."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.admin import uploads
from app.config import PROJECT_ROOT
from app.data.settings import fetch_data_version
from layouts.pages import admin_imports as page
from tests.dash_client import callback_body, find_key
from tests.integration.admin_helpers import EXPORT, Browser, counts, data_url, events, make_server, runs
from tests.services import redis_client, stop

LOADED = {"territories": 2, "reps": 2, "accounts": 2, "opportunities": 2, "quotas": 3}
NOTHING = {"territories": 0, "reps": 0, "accounts": 0, "opportunities": 0, "quotas": 0}
REJECTED_CSV = (
    "file,line,column,reason,raw\n"
    'opportunities.csv,4,owner_rep_id,owner_rep_id not found in reps: \'R9\',"{""opportunity_id"": ""O3"", '
    '""account_id"": ""A1"", ""owner_rep_id"": ""R9"", ""created_at"": ""2025-01-12T10:00:00Z"", ""stage"": '
    '""Proposal"", ""status"": ""open"", ""amount"": ""300"", ""closed_at"": """"}"\n'
    'opportunities.csv,5,amount,"amount must be a number (use . for decimals), got \'abc\'","{""opportunity_id"": '
    '""O4"", ""account_id"": ""A2"", ""owner_rep_id"": ""R2"", ""created_at"": ""2025-01-13T10:00:00Z"", '
    '""stage"": ""Proposal"", ""status"": ""open"", ""amount"": ""abc"", ""closed_at"": """"}"\n')


@pytest.fixture
def var(tmp_path, monkeypatch):
    folder = tmp_path / "var"
    monkeypatch.setenv("VAR_DIR", str(folder))
    return folder


@pytest.fixture
def server(db_url, var):
    server = make_server(db_url)
    yield server
    server.extensions["engine"].dispose()


def upload(browser: Browser, files: dict[str, bytes | str]):
    """Post the upload callback with these files; returns the response's outputs."""
    resp = browser.post(page.ADMIN_IMPORTS_TOKEN, "data", {
        (page.ADMIN_IMPORTS_UPLOAD, "contents"): [data_url(v) for v in files.values()],
        (page.ADMIN_IMPORTS_UPLOAD, "filename"): list(files)})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"]


def start_values(token, preset="", dry_run=False, encoding="") -> dict:
    return {(page.ADMIN_IMPORTS_START, "n_clicks"): 1, (page.ADMIN_IMPORTS_TOKEN, "data"): token,
            (page.ADMIN_IMPORTS_PRESET, "value"): preset, (page.ADMIN_IMPORTS_ENCODING, "value"): encoding,
            (page.ADMIN_IMPORTS_OPTIONS, "value"): [page.DRY_RUN] if dry_run else []}


def import_files(browser: Browser, files: dict, **options) -> tuple[dict, list]:
    token = upload(browser, files)[page.ADMIN_IMPORTS_TOKEN]["data"]
    data, progress = browser.run_background(page.ADMIN_IMPORTS_OUTCOME, "data", start_values(token, **options))
    return data["response"][page.ADMIN_IMPORTS_OUTCOME]["data"], progress


def check_imported(server, browser: Browser, outcome: dict, progress: list) -> None:
    engine = server.extensions["engine"]
    assert counts(engine) == LOADED
    [run] = runs(engine)
    assert outcome["run_id"] == run["run_id"]
    # 13 rows read in 5 files; 2 deals refused (lines 4 and 5 of opportunities.csv).
    assert (run["actor"], run["status"], run["rows_read"], run["rows_rejected"]) == ("admin", "partial", 13, 2)
    assert [r[:3] for r in outcome["rejections"]] == [["opportunities.csv", 4, "owner_rep_id"],
                                                       ["opportunities.csv", 5, "amount"]]
    # The last progress the job reported: every file done, 11 rows written (13 read − 2 refused).
    assert progress[-1] == {f"{page.ADMIN_IMPORTS_PROGRESS_BAR}.value": 100.0,
                            f"{page.ADMIN_IMPORTS_PROGRESS_BAR}.label": "100.0%",
                            f"{page.ADMIN_IMPORTS_PROGRESS_TEXT}.children": "All 5 files done · 11 rows written"}
    [audit] = events(engine, "import")
    assert (audit["actor"], audit["role"], json.loads(audit["details"])["run_id"]) == ("admin", "admin", run["run_id"])


def test_an_admin_imports_an_upload_as_a_background_job_and_sees_the_report(server, var):
    browser = Browser.open(server, "admin")
    outputs = upload(browser, EXPORT)
    token = outputs[page.ADMIN_IMPORTS_TOKEN]["data"]
    assert outputs[page.ADMIN_IMPORTS_START]["disabled"] is False
    assert uploads.load(token).actor == "admin"            # recorded on the server, from the session
    assert counts(server.extensions["engine"]) == NOTHING  # uploading loads nothing yet

    data, progress = browser.run_background(page.ADMIN_IMPORTS_OUTCOME, "data", start_values(token))
    check_imported(server, browser, data["response"][page.ADMIN_IMPORTS_OUTCOME]["data"], progress)

    outcome = data["response"][page.ADMIN_IMPORTS_OUTCOME]["data"]
    report = json.dumps(browser.post(page.ADMIN_IMPORTS_REPORT, "children",
                                     {(page.ADMIN_IMPORTS_OUTCOME, "data"): outcome}).get_json())
    for text in ("partly loaded", "opportunities.csv", "owner_rep_id not found in reps: 'R9'", "First rejected rows"):
        assert text in report, text
    history = json.dumps(browser.post(page.ADMIN_IMPORTS_HISTORY, "children",
                                      {(page.ADMIN_IMPORTS_OUTCOME, "data"): outcome}).get_json())
    assert "Download rejected rows (CSV)" in history and "territories.csv" in history
    assert str(var) not in history and token not in history     # no server paths shown


def test_a_dry_run_checks_everything_and_writes_nothing(server, var):
    browser = Browser.open(server, "admin")
    outcome, _progress = import_files(browser, EXPORT, dry_run=True)
    engine = server.extensions["engine"]
    assert counts(engine) == NOTHING
    [run] = runs(engine)
    assert (run["dry_run"], run["status"], run["rows_rejected"]) == (True, "partial", 2)
    assert len(outcome["rejections"]) == 2 and fetch_data_version_of(engine) == 0


def fetch_data_version_of(engine) -> int:
    with engine.connect() as conn:
        return fetch_data_version(conn)


def test_rejected_rows_download_as_csv_exactly_and_is_audited_as_an_export(server, var):
    browser = Browser.open(server, "admin")
    outcome, _progress = import_files(browser, EXPORT)
    run_id = outcome["run_id"]
    resp = browser.post(page.ADMIN_IMPORTS_DOWNLOAD, "data", {(page.ADMIN_IMPORTS_REJECTED, "n_clicks"): 1},
                        wildcard={"run": run_id})
    download = resp.get_json()["response"][page.ADMIN_IMPORTS_DOWNLOAD]["data"]
    assert download["filename"] == f"rejected-rows-run-{run_id}.csv"
    assert download["content"] == REJECTED_CSV
    [export] = events(server.extensions["engine"], "export")
    assert export["actor"] == "admin"
    assert json.loads(export["details"]) == {"format": "csv", "what": "rejected_rows", "run_id": run_id, "rows": 2}


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"export/{name}", text)
    return buffer.getvalue()


def test_a_zip_and_a_cp1251_export_import_with_their_options(server, var):
    browser = Browser.open(server, "admin")
    outcome, _progress = import_files(browser, {"crm.zip": zipped(EXPORT)})
    assert counts(server.extensions["engine"]) == LOADED and outcome["rejections"]
    russian = {**EXPORT, "reps.csv": EXPORT["reps.csv"].replace("Anna Nowak", "Анна Новак")}
    encoded = {name: text.encode("cp1251") for name, text in russian.items()}
    refused, _ = import_files(browser, encoded)
    assert "reps.csv is not UTF-8 text" in refused["refused"]
    outcome, _ = import_files(browser, encoded, encoding="cp1251")
    with server.extensions["engine"].connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM reps WHERE rep_id = 'R1'")).scalar() == "Анна Новак"


@pytest.mark.parametrize("files, reason", [
    ({"crm.zip": b"PK\x03\x04 not really a zip"}, "crm.zip is not a readable .zip archive"),
    ({**EXPORT, "reps.csv": "rep_id,name,territory_id\nR1,Anna,T1\n"}, "reps.csv: required column team is missing"),
    ({"notes.csv": "a,b\n1,2\n"}, "the upload holds no file named after a contract table"),
])
def test_an_unusable_upload_says_why_in_one_line_and_loads_nothing(server, var, files, reason):
    browser = Browser.open(server, "admin")
    outcome, _progress = import_files(browser, files)
    assert outcome["refused"].startswith(reason), outcome
    engine = server.extensions["engine"]
    assert counts(engine) == NOTHING and runs(engine)[-1]["status"] == "refused"
    report = json.dumps(browser.post(page.ADMIN_IMPORTS_REPORT, "children",
                                     {(page.ADMIN_IMPORTS_OUTCOME, "data"): outcome}).get_json())
    assert "Nothing was loaded" in report and reason in report
    assert uploads.load(browser_token(var)) is not None        # the upload is kept: nothing is lost


def browser_token(var: Path) -> str:
    return next(p.name for p in (var / "uploads").iterdir())


@pytest.mark.parametrize("files, message", [
    ({"crm.zip": b"PK", "reps.csv": "x"}, "Upload either CSV files, or one .zip archive, or one .xlsx workbook"),
    ({"notes.txt": "hello"}, "Nothing to import"),
    ({"reps.csv": "a", "REPS.csv": "b"}, "Two files have the same name: REPS.csv, reps.csv."),
])
def test_an_upload_that_cannot_be_taken_stores_nothing(server, var, files, message):
    outputs = upload(Browser.open(server, "admin"), files)
    assert outputs[page.ADMIN_IMPORTS_TOKEN]["data"] is None
    assert outputs[page.ADMIN_IMPORTS_START]["disabled"] is True
    assert message in json.dumps(outputs[page.ADMIN_IMPORTS_UPLOADED], ensure_ascii=False)
    assert not (var / "uploads").exists() or not any((var / "uploads").iterdir())


def test_an_upload_over_the_size_limit_is_refused_with_the_limit(db_url, var):
    server = make_server(db_url, upload_limit_mb=1)
    outputs = upload(Browser.open(server, "admin"), {"opportunities.csv": "x" * (1024 * 1024 + 1)})
    text = json.dumps(outputs[page.ADMIN_IMPORTS_UPLOADED])
    assert "The upload is 1 MB; the limit is 1 MB" in text and outputs[page.ADMIN_IMPORTS_TOKEN]["data"] is None
    server.extensions["engine"].dispose()


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_non_admins_forging_the_import_callbacks_get_403_and_nothing_changes(server, var, who):
    admin = Browser.open(server, "admin")
    token = upload(admin, EXPORT)[page.ADMIN_IMPORTS_TOKEN]["data"]
    intruder = Browser.open(server, who)
    engine = server.extensions["engine"]
    denied_before = len(events(engine, "authorization_denied"))
    forged = [
        (page.ADMIN_IMPORTS_TOKEN, "data", {(page.ADMIN_IMPORTS_UPLOAD, "contents"): [data_url("x")],
                                            (page.ADMIN_IMPORTS_UPLOAD, "filename"): ["reps.csv"]}, {}),
        (page.ADMIN_IMPORTS_OUTCOME, "data", start_values(token), {}),
        (page.ADMIN_IMPORTS_CANCELLING, "children", {(page.ADMIN_IMPORTS_CANCEL, "n_clicks"): 1,
                                                     (page.ADMIN_IMPORTS_TOKEN, "data"): token}, {}),
        (page.ADMIN_IMPORTS_HISTORY, "children", {}, {}),
        (page.ADMIN_IMPORTS_DOWNLOAD, "data", {(page.ADMIN_IMPORTS_REJECTED, "n_clicks"): 1}, {"run": 1}),
    ]
    for output_id, prop, values, wildcard in forged:
        resp = intruder.post(output_id, prop, values, wildcard=wildcard)
        assert resp.status_code == 403, (output_id, resp.status_code)
    # Dash's polling request for a background job carries the same body: refused as well.
    key = find_key(server.extensions["dash"], page.ADMIN_IMPORTS_OUTCOME, "data")
    poll = intruder.client.post("/_dash-update-component?cacheKey=x&job=1",
                                json=callback_body(server.extensions["dash"], key, values={}))
    assert poll.status_code == 403
    assert counts(engine) == NOTHING and runs(engine) == []
    assert not uploads.cancel_requested(token)
    assert [p.name for p in (var / "uploads").iterdir()] == [token]
    assert len(events(engine, "authorization_denied")) == denied_before + len(forged) + 1


def test_cancel_stops_the_import_and_keeps_the_files_already_loaded(server, var, monkeypatch):
    from app.admin import imports
    browser = Browser.open(server, "admin")
    token = upload(browser, EXPORT)[page.ADMIN_IMPORTS_TOKEN]["data"]
    resp = browser.post(page.ADMIN_IMPORTS_CANCELLING, "children", {(page.ADMIN_IMPORTS_CANCEL, "n_clicks"): 1,
                                                                     (page.ADMIN_IMPORTS_TOKEN, "data"): token})
    assert "Cancelling" in json.dumps(resp.get_json()) and uploads.cancel_requested(token)
    # A cancel before the job starts is stale: the job clears it. Here the page asks for the cancel
    # while the job runs, once the first file (territories) is in.
    monkeypatch.setattr(imports, "PROGRESS_EVERY_SECONDS", 0)
    seen = []

    def on_progress(state):
        seen.append(state)
        if state.files_done == 1:
            uploads.request_cancel(token)
    outcome = imports.import_upload(token, None, False, None, on_progress=on_progress)
    engine = server.extensions["engine"]
    [run] = runs(engine)
    assert outcome == {"run_id": run["run_id"]} and run["status"] == "cancelled"
    assert counts(engine) == {**NOTHING, "territories": 2}
    assert seen[0].files_total == 5 and seen[-1].files_done == 1


@pytest.fixture
def celery_worker(db_url, var):
    """A real worker (`celery -A app.worker worker`) on its own queue and Redis database."""
    redis_url = os.environ.get("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/13")
    redis_client(redis_url).close()
    queue = f"spd-test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "JOB_QUEUE": queue,
           "VAR_DIR": str(var), "SECRET_KEY": "admin-test-secret-key-0123456789"}
    log = open(var.parent / "worker.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "app.worker", "worker", "--pool", "solo",
                             "--loglevel", "INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield {"redis_url": redis_url, "job_queue": queue, "log": var.parent / "worker.log"}
    finally:
        stop(proc, timeout=20)
        log.close()


def test_the_import_runs_on_a_celery_worker_when_redis_is_configured(db_url, var, celery_worker):
    server = make_server(db_url, redis_url=celery_worker["redis_url"], job_queue=celery_worker["job_queue"])
    try:
        browser = Browser.open(server, "admin")
        token = upload(browser, EXPORT)[page.ADMIN_IMPORTS_TOKEN]["data"]
        try:
            data, progress = browser.run_background(page.ADMIN_IMPORTS_OUTCOME, "data", start_values(token),
                                                    timeout=120)
        except AssertionError:
            raise AssertionError(celery_worker["log"].read_text()[-3000:]) from None
        check_imported(server, browser, data["response"][page.ADMIN_IMPORTS_OUTCOME]["data"], progress)
        assert "succeeded" in celery_worker["log"].read_text()      # it ran in the worker
    finally:
        server.extensions["engine"].dispose()
