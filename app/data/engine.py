"""Engine construction: one place that knows the dialect quirks we rely on."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url


def normalise_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` spellings; we drive psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine. SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Take transaction control from pysqlite, which would not wrap DDL (temp
    # tables of an import) in the transaction; SQLAlchemy's documented recipe.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    if _is_file_database(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    # WAL keeps the database consistent with NORMAL sync; FULL costs imports dearly.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # A deferred transaction that reads and then writes cannot wait for another writer:
    # SQLite fails it at once with "database is locked" (its snapshot is stale). Such
    # transactions ask for the write lock up front (see writing()), and then do wait.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {_BEGIN_MODES[mode]}")


_BEGIN_MODES = {"DEFERRED": "DEFERRED", "IMMEDIATE": "IMMEDIATE"}


def writing(engine: Engine):
    """`engine.begin()` for a transaction that reads before it writes (login, settings, user
    changes): on SQLite it takes the write lock first, so concurrent writers queue (busy
    timeout) instead of failing; on PostgreSQL it is a plain transaction."""
    return engine.execution_options(sqlite_begin="IMMEDIATE").begin()


def _is_file_database(dbapi_connection) -> bool:
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    return any(row[1] == "main" and row[2] for row in rows)


def is_sqlite(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "sqlite"
