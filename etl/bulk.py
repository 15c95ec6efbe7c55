"""Fast bulk writes of a typed frame: COPY on PostgreSQL, executemany on SQLite.

The ORM and per-row statements cost 10–50× more at a million rows, so the one
hot path of the import speaks to the driver directly, inside the caller's transaction.
"""
from __future__ import annotations

import io

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
    if isinstance(series.dtype, pd.Int64Dtype):
        return series.astype(object).where(series.notna(), None).tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def _copy_postgres(conn: Connection, table: sa.Table, columns: list[str], chunk: pd.DataFrame) -> None:
    out = chunk[columns].copy()
    for c in columns:
        if isinstance(table.c[c].type, sa.Date) and not isinstance(table.c[c].type, sa.DateTime):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    buffer = io.StringIO()
    # Unquoted empty fields are NULL in COPY's CSV format; validated text is never "".
    out.to_csv(buffer, index=False, header=False, date_format="%Y-%m-%d %H:%M:%S.%f")
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN (FORMAT csv)') as copy:
        copy.write(buffer.getvalue())
