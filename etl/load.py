"""Write validated rows: bulk copy into a staging table, then upsert with set-based SQL.

Runs inside the caller's transaction, so a file loads whole or not at all.
Keyed tables upsert by key and only touch rows whose values differ; child sets
(lines, stage history) replace a parent's rows only when its set has changed.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.schema import CRM_TABLES
from etl import bulk
from etl.contract import TableSpec


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def fetch_keys(conn: Connection, table: str, column: str) -> pa.Array:
    """Every value of a key column, for reference checks, as an Arrow string array."""
    col = CRM_TABLES[table].c[column]
    if conn.dialect.name == "postgresql":
        keys = _fetch_joined_keys(conn, col)
        if keys is not None:
            return keys
    sql = str(sa.select(col).where(col.is_not(None)).compile(conn))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return pa.array([row[0] for row in cursor.fetchall()], pa.large_string())
    finally:
        cursor.close()


def _fetch_joined_keys(conn: Connection, col: sa.Column) -> pa.Array | None:
    """Millions of keys as one text the server joins with line breaks, split by Arrow:
    no Python object, nor driver round trip, per key. None when a key holds a line break."""
    text = sa.cast(col, sa.Text)
    joined, broken = conn.execute(sa.select(
        sa.func.string_agg(text, sa.literal("\n", sa.Text)),
        sa.func.bool_or(sa.func.strpos(text, sa.literal("\n", sa.Text)) > 0))).one()
    if broken:
        return None
    if joined is None:
        return pa.array([], pa.large_string())
    return pc.split_pattern(pa.array([joined], pa.large_string()), "\n").flatten()


def load_table(conn: Connection, spec: TableSpec, good, progress=None,
               present: list[str] | None = None, rows: int | None = None) -> Counts:
    """Upsert `good` (typed contract columns: one frame, or an iterable of blocks of rows)
    into the spec's table; returns row counts. `rows` bounds the row count in advance
    (it decides whether a first load rebuilds the indexes once at the end).

    `present` names the columns the file had: an existing row keeps its stored value
    of a column the file left out (new rows get NULL or the column's default).
    """
    target = CRM_TABLES[spec.name]
    blocks = [good] if isinstance(good, pd.DataFrame) else good
    rows = len(good) if rows is None else rows
    written = _Tally(blocks)
    if conn.dialect.name == "sqlite":
        # executemany checks foreign keys row by row; a rep listed before their manager
        # would fail. Deferred, they are checked at commit, like PostgreSQL's COPY does.
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    if not fetch_keys_exist(conn, target):
        # First load: nothing to compare with, so skip staging and write straight in.
        with bulk.bulk_mode(conn, target, rows):
            bulk.copy_rows(conn, target, written, progress)
        return Counts(inserted=written.rows)
    staging = bulk.create_staging(conn, target, spec.column_names)
    bulk.copy_rows(conn, staging, written, progress)
    if not written.rows:
        counts = Counts()
    elif spec.parent:
        counts = _replace_child_sets(conn, spec, target, staging)
    else:
        counts = _upsert(conn, spec, target, staging, written.rows, present or spec.column_names)
    # Dropped only on success: after an error PostgreSQL refuses every statement until
    # rollback, and the rollback removes the staging table anyway.
    staging.drop(conn)
    return counts


class _Tally:
    """Passes blocks of rows through, counting them."""

    def __init__(self, blocks):
        self.blocks, self.rows = blocks, 0

    def __iter__(self):
        for block in self.blocks:
            self.rows += len(block)
            yield block


def refresh_statistics(conn: Connection, tables: list[str]) -> None:
    """Let the query planner see the new data. Without statistics after a bulk load,
    PostgreSQL picked nested loops that made some KPIs a hundred times slower."""
    for name in tables:
        quoted = conn.dialect.identifier_preparer.quote(name)
        if conn.dialect.name == "sqlite":
            # A sample is enough for the planner and keeps this quick on large files.
            conn.exec_driver_sql("PRAGMA analysis_limit = 2000")
        conn.exec_driver_sql(f"ANALYZE {quoted}")


def fetch_keys_exist(conn: Connection, table: sa.Table) -> bool:
    """Whether the table holds any row at all."""
    return conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None


def _key_match(spec: TableSpec, target: sa.Table, staging: sa.Table):
    # Optional key columns (e.g. a spend row without territory) match NULL to NULL.
    return sa.and_(*[
        (target.c[k] == staging.c[k]) if spec.col(k).required
        else target.c[k].is_not_distinct_from(staging.c[k]) for k in spec.key])


def _upsert(conn, spec: TableSpec, target, staging, total: int, present: list[str]) -> Counts:
    match = _key_match(spec, target, staging)
    values = [c for c in spec.column_names if c not in spec.key and c in present]
    differs = sa.or_(*[target.c[c].is_distinct_from(staging.c[c]) for c in values])
    absent = ~sa.exists(sa.select(sa.literal(1)).select_from(target).where(match))
    inserted = conn.execute(sa.select(sa.func.count()).select_from(staging).where(absent)).scalar()
    updated = conn.execute(sa.select(sa.func.count()).select_from(
        staging.join(target, match)).where(differs)).scalar() if values else 0
    # Inserts first: an updated row may point at a row new in this file (a new manager).
    if inserted:
        columns = spec.column_names
        conn.execute(target.insert().from_select(
            columns, sa.select(*[staging.c[c] for c in columns]).where(absent)))
    if updated:
        conn.execute(target.update().where(match, differs).values({c: staging.c[c] for c in values}))
    return Counts(inserted, updated, total - inserted - updated)


def _replace_child_sets(conn, spec: TableSpec, target, staging) -> Counts:
    parent = spec.parent
    changed = _changed_parents(conn, spec, target, staging)
    had_rows = sa.exists(sa.select(sa.literal(1)).select_from(target).where(
        target.c[parent] == staging.c[parent]))
    in_changed = staging.c[parent].in_(sa.select(changed.c[parent]))
    count = lambda *where: conn.execute(  # noqa: E731
        sa.select(sa.func.count()).select_from(staging).where(*where)).scalar()
    updated, inserted, total = count(in_changed, had_rows), count(in_changed, ~had_rows), count()
    conn.execute(target.delete().where(target.c[parent].in_(sa.select(changed.c[parent]))))
    columns = spec.column_names
    conn.execute(target.insert().from_select(
        columns, sa.select(*[staging.c[c] for c in columns]).where(in_changed)))
    changed.drop(conn)
    return Counts(inserted, updated, total - inserted - updated)


def _changed_parents(conn, spec: TableSpec, target, staging) -> sa.Table:
    """Parents in the file whose child rows differ from the stored ones, as multisets.

    Each side is grouped by every column with a row count; a parent changed when
    a group is on one side only (EXCEPT treats NULLs as equal). Comparing counts
    catches {a, a, b} → {a, b, b}, which a row-exists test misses.
    """
    parent = spec.parent

    def grouped(table, *where):
        cols = [table.c[c] for c in spec.column_names]
        return sa.select(*cols, sa.func.count().label("n")).where(*where).group_by(*cols)

    ours = grouped(staging)
    stored = grouped(target, target.c[parent].in_(sa.select(staging.c[parent])))
    differ = [sa.select(q.c[parent]) for q in (sa.except_(ours, stored).subquery(),
                                               sa.except_(stored, ours).subquery())]
    changed = bulk.create_temp(conn, "chg_" + spec.name, [sa.Column(parent, sa.String(64))])
    conn.execute(changed.insert().from_select([parent], sa.union(*differ)))
    return changed
