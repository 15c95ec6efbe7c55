"""Transactions that read before they write must queue behind another writer, not fail.

On SQLite a deferred transaction whose snapshot went stale cannot be upgraded to a write
("database is locked" at once, no busy wait): two logins at the same moment, one of them
failed. `writing()` takes the write lock first, so the second writer waits its turn.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.data.engine import make_engine, writing


@pytest.fixture
def counter(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE hits (n INTEGER)")
    yield engine
    engine.dispose()


def _write_from_another_connection(engine, errors):
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO hits VALUES (2)"))
    except Exception as exc:   # noqa: BLE001 - reported to the test thread
        errors.append(exc)


def test_a_deferred_read_then_write_fails_when_another_writer_committed_in_between(counter):
    """The failure writing() exists for, shown on a plain transaction."""
    with pytest.raises(sa.exc.OperationalError, match="locked"):
        with counter.begin() as conn:
            conn.execute(sa.text("SELECT COUNT(*) FROM hits")).scalar()
            _write_from_another_connection(counter, errors := [])
            assert not errors
            conn.execute(sa.text("INSERT INTO hits VALUES (1)"))


def test_writing_makes_the_other_writer_wait_and_both_rows_land(counter):
    errors: list[Exception] = []
    other = threading.Thread(target=_write_from_another_connection, args=(counter, errors))
    with writing(counter) as conn:
        seen = conn.execute(sa.text("SELECT COUNT(*) FROM hits")).scalar()
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive(), "the other writer should wait for the lock"
        conn.execute(sa.text("INSERT INTO hits VALUES (1)"))
    other.join(timeout=30)
    assert not errors
    with counter.connect() as conn:
        assert seen == 0
        assert sorted(conn.execute(sa.text("SELECT n FROM hits")).scalars()) == [1, 2]


def test_writing_commits_and_rolls_back_on_both_databases(engine):
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE hits (n INTEGER)")
    with writing(engine) as conn:
        conn.execute(sa.text("INSERT INTO hits VALUES (1)"))
    with pytest.raises(ZeroDivisionError):
        with writing(engine) as conn:
            conn.execute(sa.text("INSERT INTO hits VALUES (2)"))
            1 / 0
    with engine.connect() as conn:
        assert list(conn.execute(sa.text("SELECT n FROM hits")).scalars()) == [1]
