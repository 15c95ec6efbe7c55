"""Fast bulk writes of a typed frame: COPY on PostgreSQL, executemany on SQLite.

The ORM and per-row statements cost 10–50× more at a million rows, so the one
hot path of the import speaks to the driver directly, inside the caller's transaction.
"""
from __future__ import annotations

import io
from contextlib import contextmanager

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

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


def copy_rows(conn: Connection, table: sa.Table, frame: pd.DataFrame, progress=None) -> None:
    columns = [c for c in frame.columns if c in table.c]
    writer = _copy_postgres if conn.dialect.name == "postgresql" else _executemany
    for start in range(0, len(frame), CHUNK):
        chunk = frame.iloc[start:start + CHUNK]
        writer(conn, table, columns, chunk)
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


def _copy_postgres(conn: Connection, table: sa.Table, columns: list[str], chunk: pd.DataFrame) -> None:
    """COPY … FROM STDIN in CSV, written by Arrow's C++ CSV writer (10× pandas' to_csv)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

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
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN (FORMAT csv)') as copy:
        copy.write(buffer.getvalue())
