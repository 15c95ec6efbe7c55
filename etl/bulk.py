"""Fast bulk writes of typed rows: COPY on PostgreSQL, executemany on SQLite.

The ORM and per-row statements cost 10–50× more at a million rows, so the one
hot path of the import speaks to the driver directly, inside the caller's transaction.
"""
from __future__ import annotations

import io
import itertools
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy.engine import Connection

from etl import pgcopy

CHUNK = 50_000


def create_temp(conn: Connection, name: str, columns: list[sa.Column]) -> sa.Table:
    table = sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"])
    table.drop(conn, checkfirst=True)
    table.create(conn)
    return table


def create_staging(conn: Connection, target: sa.Table, columns: list[str]) -> sa.Table:
    """A constraint-free temporary copy of `target`'s listed columns."""
    return create_temp(conn, "stg_" + target.name,
                       [sa.Column(c, target.c[c].type) for c in columns])


BULK_THRESHOLD = 10_000


@contextmanager
def bulk_mode(conn: Connection, table: sa.Table, rows: int):
    """For a large first load: drop secondary indexes (and, on PostgreSQL, foreign keys),
    write, then rebuild them once. Building an index or checking a foreign key over a
    whole table in one pass costs a fraction of maintaining it row by row. All inside the
    caller's transaction: a failure restores them with everything else. Foreign keys
    come back validated, so integrity is still enforced by the database."""
    if rows < BULK_THRESHOLD:
        yield
        return
    indexes = list(table.indexes)
    fks = list(table.foreign_key_constraints) if conn.dialect.name == "postgresql" else []
    if conn.dialect.name == "postgresql":
        # Index builds sort in memory when they may: the default 64 MB spills to disk.
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
    for fk in fks:
        conn.execute(sa.schema.DropConstraint(fk))
    for index in indexes:
        conn.execute(sa.schema.DropIndex(index))
    yield
    for index in indexes:
        conn.execute(sa.schema.CreateIndex(index))
    for fk in fks:
        conn.execute(sa.schema.AddConstraint(fk))


def copy_rows(conn: Connection, table: sa.Table, frames, progress=None) -> None:
    """Write typed frames into `table`: one frame, or an iterable of blocks of rows.

    On PostgreSQL the blocks stream into COPY, whose bytes a separate thread sends, so
    the next block is produced (validated) while the server stores this one.
    """
    blocks = iter([frames] if isinstance(frames, pd.DataFrame) else frames)
    first = next((b for b in blocks if len(b)), None)
    if first is None:
        return
    blocks = itertools.chain([first], blocks)
    columns = [c for c in first.columns if c in table.c]
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table, columns, blocks, progress)
        return
    for block in blocks:
        for start in range(0, len(block), CHUNK):
            chunk = block.iloc[start:start + CHUNK]
            _executemany(conn, table, columns, chunk)
            if progress is not None:
                progress.update(len(chunk))


def _executemany(conn: Connection, table: sa.Table, columns: list[str], chunk: pd.DataFrame) -> None:
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
    sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
    arrays = [_sqlite_values(chunk[c], table.c[c].type) for c in columns]
    conn.exec_driver_sql(sql, list(zip(*arrays)))


def _sqlite_values(series: pd.Series, sqltype) -> list:
    """Python values in the exact text form SQLAlchemy's SQLite types store and read back."""
    if isinstance(sqltype, sa.DateTime):
        text = series.dt.strftime("%Y-%m-%d %H:%M:%S.%f")
        return text.astype(object).where(series.notna(), None).tolist()
    if isinstance(sqltype, sa.Date):
        text = series.dt.strftime("%Y-%m-%d")
        return text.astype(object).where(series.notna(), None).tolist()
    if isinstance(sqltype, sa.Boolean):
        return [None if pd.isna(v) else int(v) for v in series.astype(object)]
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64")
        return np.where(np.isnan(values), None, values).tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def _copy_postgres(conn: Connection, table: sa.Table, columns: list[str], blocks, progress) -> None:
    """COPY … FROM STDIN of every block: in PostgreSQL's binary format, which spares the
    server parsing text, or as CSV for a chunk binary cannot carry exactly (see etl.pgcopy).

    psycopg's queued writer sends the bytes from a thread of its own (the driver releases
    the GIL while it waits on the socket), so `write` returns at once and the caller goes
    on to its next block; an error on either side ends the COPY and so the transaction."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    encoded = _encoded(table, columns, blocks, progress)
    item = next(encoded, None)
    while item is not None:
        binary = item[0]
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN (FORMAT {"binary" if binary else "csv"})',
                         writer=QueuedLibpqWriter(cursor)) as copy:
            if binary:
                copy.write(pgcopy.HEADER)
            while item is not None and item[0] == binary:   # a change of format starts a new COPY
                copy.write(item[1])
                item = next(encoded, None)
            if binary:
                copy.write(pgcopy.TRAILER)


def _encoded(table: sa.Table, columns: list[str], blocks, progress):
    """(binary?, bytes) per chunk of rows, produced as the COPY asks for them."""
    for block in blocks:
        for start in range(0, len(block), CHUNK):
            chunk = block.iloc[start:start + CHUNK]
            data = pgcopy.rows(table, columns, chunk)
            yield (True, memoryview(data)) if data is not None else (False, _csv(table, columns, chunk))
            if progress is not None:
                progress.update(len(chunk))


def _csv(table: sa.Table, columns: list[str], chunk: pd.DataFrame) -> bytes:
    """Rows as COPY's CSV, written by Arrow's C++ writer (10× pandas' to_csv)."""
    arrays = []
    for c in columns:
        sqltype, series = table.c[c].type, chunk[c]
        if isinstance(sqltype, sa.Date) and not isinstance(sqltype, sa.DateTime):
            arrays.append(pa.array(series, type=pa.timestamp("us"), from_pandas=True).cast(pa.date32()))
        else:
            arrays.append(pa.array(series, from_pandas=True))
    buffer = io.BytesIO()
    # Unquoted empty fields are NULL in COPY's CSV format; validated text is never "".
    pacsv.write_csv(pa.table(arrays, names=columns), buffer,
                    pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return buffer.getvalue()
