"""One import run: read → map (preset) → validate → load, file by file, and log it all.

Each file loads in its own transaction: a crash or Ctrl-C mid-file leaves the
database as it was before that file. The run itself is recorded first and
finished last, so a failed run is visible in the history too.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Engine

from app.data.engine import writing
from app.data.rollups import invalidate_rollups, stale_rollups
from app.data.settings import bump_data_version, fetch_data_version, fetch_settings
from etl import contract, load, runlog
from etl.keys import REFERENCED
from etl.parse import ParseOptions
from etl.plan import ImportPlan, plan_import
from etl.progress import ImportCancelled, ImportProgress, ProgressTracker, progress_bar
from etl.read import UnusableInput
from etl.validate import KnownKeys, present_columns, validate_blocks


@dataclass
class FileReport:
    table: str
    file_name: str
    sha256: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    status: str = "loaded"
    message: str | None = None
    seconds: float = 0.0        # read + validate + load of this file


@dataclass
class RunReport:
    run_id: int
    dry_run: bool
    status: str = "running"
    message: str | None = None
    files: list[FileReport] = field(default_factory=list)
    rejections: list[tuple] = field(default_factory=list)   # (file, line, column, reason), first few
    warnings: list[str] = field(default_factory=list)
    duration: float = 0.0
    data_version: int | None = None
    snapshot_rows: int = 0
    rollup_rows: dict | None = None     # {rollup: rows} of the rollups rebuilt at the end

    @property
    def changed(self) -> int:
        return sum(f.inserted + f.updated for f in self.files)


FIRST_REJECTIONS = 20


def run_import(engine: Engine, path, *, preset: str | None = None, dry_run: bool = False,
               actor: str = "cli", encoding: str | None = None, show_progress: bool = False,
               today: date | None = None,
               progress: Callable[[ImportProgress], None] | None = None) -> RunReport:
    """Import an export. Raises read.UnusableInput (before touching data) when it cannot be used.

    `progress` is called with an ImportProgress as files and rows go by; it may raise
    ImportCancelled to stop the run (status "cancelled"). Either exception leaves with the
    `run_id` of the run recorded in the history.
    """
    started = time.monotonic()
    with engine.connect() as conn:
        config = fetch_settings(conn)
    try:
        plan = plan_import(engine, path, preset, encoding)
    except UnusableInput as exc:
        exc.run_id = _record_refusal(engine, actor, path, preset, dry_run, str(exc), time.monotonic() - started)
        raise
    with engine.begin() as conn:
        run_id = runlog.start_run(conn, actor, str(path), preset, dry_run)
    report = RunReport(run_id, dry_run, warnings=list(plan.warnings))
    options = ParseOptions(plan.decimal, plan.thousands, plan.date_order, config["org_timezone"])
    day = today or datetime.now(ZoneInfo(config["org_timezone"])).date()
    tracker = ProgressTracker(progress, sum(len(parts) for parts in plan.tables.values()))
    try:
        _load_all(engine, plan, options, report, day, show_progress, tracker)
    except BaseException as exc:
        report.status = "cancelled" if isinstance(exc, ImportCancelled) else "failed"
        report.message = ("interrupted" if isinstance(exc, KeyboardInterrupt) else
                          "cancelled" if isinstance(exc, ImportCancelled) else _one_line(exc))
        _finish(engine, report, started)
        if isinstance(exc, ImportCancelled):
            exc.run_id = run_id
        raise
    if not dry_run and report.changed:
        with engine.begin() as conn:
            load.refresh_statistics(conn, sorted({f.table for f in report.files
                                                  if f.inserted + f.updated}))
    if not dry_run:
        _refresh_rollups(engine, config["org_timezone"], report)
    rejected = sum(f.rejected for f in report.files)
    report.status = "partial" if rejected else "succeeded"
    _finish(engine, report, started)
    return report


def _refresh_rollups(engine, zone: str, report: RunReport) -> None:
    """Rebuild the rollups this run made stale (or that were never built): until then KPIs
    are computed from the CRM tables, correct but slower."""
    from app.kpi.rollup_refresh import refresh_rollups
    with writing(engine) as conn:      # reads the state, then writes: see app.data.engine.writing
        stale = stale_rollups(conn, zone)
        if stale:
            report.rollup_rows = refresh_rollups(conn, stale)["rows"]


def _record_refusal(engine, actor, path, preset, dry_run, message, duration) -> int:
    """A refused input changes no data, but the history shows the attempt and why."""
    with engine.begin() as conn:
        run_id = runlog.start_run(conn, actor, str(path), preset, dry_run)
        runlog.finish_run(conn, run_id, "refused", message, duration, 0, 0, fetch_data_version(conn))
    return run_id


def _load_all(engine, plan: ImportPlan, options, report: RunReport, day, show_progress, tracker) -> None:
    try:
        with engine.connect() as conn:
            known = KnownKeys(lambda table, column: load.fetch_keys(conn, table, column))
            # A dry run loads every file into one transaction rolled back at the end, so a
            # later file finds the rows its foreign keys point to, as in a real run.
            outer = conn.begin() if report.dry_run else None
            try:
                for table in contract.LOAD_ORDER:
                    for source in plan.tables.get(table, []):
                        _load_file(conn, source, table, options, known, report, day, show_progress, tracker)
            finally:
                if outer is not None:
                    outer.rollback()
    finally:
        if report.dry_run and report.files:
            with engine.begin() as conn:
                for file in report.files:
                    runlog.record_file(conn, report.run_id, file)


def _load_file(conn, source, table, options, known, report, day, show_progress, tracker) -> None:
    spec = contract.spec(table)
    began = time.monotonic()
    tracker.start_file(table, source.name)
    own = f"{table}.{spec.key[0]}" if spec.key else None
    with ThreadPoolExecutor(1) as pool:
        # Arrow parses the file in C++ threads while the database gathers the keys this
        # file's references need (and this table's, before the file adds rows): read up
        # front, for once the load starts the connection is busy.
        reading = pool.submit(source.frames)
        for target in {c.ref for c in spec.columns if c.ref} | ({own} & REFERENCED):
            known.get(target)
        frame, raw = reading.result()
    file = FileReport(table, source.name, source.sha256, read=len(frame) + len(source.ragged(raw)))
    # Blocks are checked while earlier ones load, so progress counts every row of the file
    # (a rejected row is done when it has been checked, an accepted one when written).
    tracker.file_checked(file.read, len(frame))
    if conn.in_transaction() and not report.dry_run:
        conn.rollback()   # reference lookups autobegan a read transaction; end it
    with progress_bar(len(frame), f"{table:<22}", show_progress, tracker) as bar:
        checked = _Checked(validate_blocks(spec, frame, options, known), bar)
        tx = conn.begin_nested() if report.dry_run else conn.begin()
        try:
            counts = load.load_table(conn, spec, checked.good(), bar, present_columns(spec, frame),
                                     rows=len(frame))
            rejected = pd.concat([*checked.rejected, source.ragged(raw)]).sort_index()
            file.rejected = len(rejected)
            _with(file, counts)
            if not report.dry_run:
                runlog.record_rejections(conn, report.run_id, table, source.name, rejected, raw)
                runlog.record_file(conn, report.run_id, file)
                if file.inserted + file.updated:
                    invalidate_rollups(conn, table)     # stale from this commit until the refresh
                if table == "opportunities":
                    report.snapshot_rows = runlog.snapshot_open_pipeline(conn, report.run_id, day)
        except BaseException:
            tx.rollback()
            raise
        tx.commit()   # a dry run's savepoint: kept until _load_all rolls the whole run back
    if own in REFERENCED:
        for block in checked.accepted:
            known.add(own, block[spec.key[0]])
    file.seconds = time.monotonic() - began
    report.files.append(file)
    _remember(report, source.name, rejected)
    tracker.end_file()


class _Checked:
    """Validated blocks on their way to the loader; keeps their rejections and accepted rows'
    keys. Blocks are checked as the loader asks for them, so checking overlaps writing."""

    def __init__(self, blocks, bar):
        self.blocks, self.bar = blocks, bar
        self.rejected: list[pd.DataFrame] = []
        self.accepted: list[pd.DataFrame] = []

    def good(self):
        for block in self.blocks:
            self.rejected.append(block.rejected)
            self.accepted.append(block.good)
            self.bar.skip(len(block.rejected))
            yield block.good


def _with(file: FileReport, counts: load.Counts) -> FileReport:
    file.inserted, file.updated, file.unchanged = counts.inserted, counts.updated, counts.unchanged
    file.status = "partial" if file.rejected else "loaded"
    return file


def _remember(report: RunReport, file_name: str, rejected: pd.DataFrame) -> None:
    room = FIRST_REJECTIONS - len(report.rejections)
    for line, row in rejected.head(max(room, 0)).iterrows():
        report.rejections.append((file_name, int(line), row["column"], row["reason"]))


def _finish(engine, report: RunReport, started: float) -> None:
    report.duration = time.monotonic() - started
    with engine.begin() as conn:
        if not report.dry_run and report.changed:
            report.data_version = bump_data_version(conn)
        else:
            report.data_version = fetch_data_version(conn)
        runlog.finish_run(conn, report.run_id, report.status, report.message, report.duration,
                          sum(f.read for f in report.files), sum(f.rejected for f in report.files),
                          report.data_version)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:500]
