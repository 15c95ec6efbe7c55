"""Read queries over the import history: runs, their files, their rejected rows."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.system_schema import import_files, import_runs, rejected_rows


def fetch_import_runs(conn: Connection, limit: int = 50) -> list[dict]:
    """The newest `limit` runs, newest first, as dicts of import_runs columns."""
    query = sa.select(import_runs).order_by(import_runs.c.run_id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def fetch_import_run(conn: Connection, run_id: int) -> dict | None:
    row = conn.execute(sa.select(import_runs).where(import_runs.c.run_id == run_id)).mappings().first()
    return dict(row) if row else None


def fetch_import_files(conn: Connection, run_ids: list[int]) -> dict[int, list[dict]]:
    """{run_id: [import_files rows in load order]} for the given runs (runs without files are absent)."""
    if not run_ids:
        return {}
    query = (sa.select(import_files).where(import_files.c.run_id.in_(run_ids))
             .order_by(import_files.c.run_id, import_files.c.file_id))
    out: dict[int, list[dict]] = {}
    for row in conn.execute(query).mappings():
        out.setdefault(row["run_id"], []).append(dict(row))
    return out


def fetch_rejected_rows(conn: Connection, run_id: int) -> list[dict]:
    """Every rejected row of a run in the order it was found: file_name, line, column_name,
    reason, raw (the row as read: a JSON object of header → text)."""
    r = rejected_rows.c
    query = (sa.select(r.file_name, r.line, r.column_name, r.reason, r.raw)
             .where(r.run_id == run_id).order_by(r.rejection_id))
    return [dict(row) for row in conn.execute(query).mappings()]
