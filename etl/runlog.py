"""Records of import runs: the run, its files, its rejected rows, the pipeline snapshot."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.clock import utcnow
from app.data.schema import opportunities
from app.data.system_schema import import_files, import_runs, pipeline_snapshots, rejected_rows


def start_run(conn: Connection, actor: str, source: str, preset: str | None, dry_run: bool) -> int:
    result = conn.execute(import_runs.insert().values(
        started_at=utcnow(), actor=actor, source=source[:1024], preset=preset, dry_run=dry_run,
        status="running"))
    return result.inserted_primary_key[0]


def finish_run(conn: Connection, run_id: int, status: str, message: str | None, duration: float,
               rows_read: int, rows_rejected: int, version: int | None) -> None:
    conn.execute(import_runs.update().where(import_runs.c.run_id == run_id).values(
        finished_at=utcnow(), status=status, message=message, duration_seconds=duration,
        rows_read=rows_read, rows_rejected=rows_rejected, data_version=version))


def record_file(conn: Connection, run_id: int, report) -> None:
    conn.execute(import_files.insert().values(
        run_id=run_id, table_name=report.table, file_name=report.file_name[:1024],
        sha256=report.sha256, status=report.status, rows_read=report.read,
        inserted=report.inserted, updated=report.updated, unchanged=report.unchanged,
        rejected=report.rejected, message=report.message))


def record_rejections(conn: Connection, run_id: int, table: str, file_name: str,
                      rejected: pd.DataFrame, raw: pd.DataFrame) -> None:
    """Store each rejected row with its reason and the raw text as read, so nothing is lost."""
    if rejected.empty:
        return
    lines = [int(i) for i in rejected.index]
    as_read = raw.reindex(lines).fillna("").astype(str).to_dict(orient="records")
    texts = [json.dumps(row, ensure_ascii=False) for row in as_read]
    if "raw" in rejected:   # rows that never became a frame row (wrong field count)
        texts = [own if isinstance(own, str) else text for own, text in zip(rejected["raw"], texts)]
    conn.execute(rejected_rows.insert(), [
        {"run_id": run_id, "table_name": table, "file_name": file_name[:1024], "line": line,
         "column_name": column if isinstance(column, str) else None, "reason": reason, "raw": text}
        for line, column, reason, text in zip(lines, rejected["column"], rejected["reason"], texts)])


def snapshot_open_pipeline(conn: Connection, run_id: int, day: date) -> int:
    """Store today's open pipeline (one snapshot per day; a later import that day replaces it)."""
    conn.execute(pipeline_snapshots.delete().where(pipeline_snapshots.c.snapshot_date == day))
    o = opportunities.c
    columns = ["snapshot_date", "opportunity_id", "run_id", "owner_rep_id", "stage", "amount",
               "expected_close_date", "forecast_category"]
    query = sa.select(sa.literal(day, sa.Date), o.opportunity_id, sa.literal(run_id, sa.Integer),
                      o.owner_rep_id, o.stage, o.amount, o.expected_close_date,
                      o.forecast_category).where(o.status == "open")
    # SQLAlchemy keeps an INSERT's rowcount only when asked (psycopg would report -1).
    insert = pipeline_snapshots.insert().from_select(columns, query)
    return conn.execute(insert.execution_options(preserve_rowcount=True)).rowcount
