"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, each in its own database.

PostgreSQL comes from TEST_POSTGRES_URL (default: the local server's `test`
database, used only to create and drop per-test databases). When it cannot be
reached the PostgreSQL half is skipped locally, but fails under CI=true: a CI
run must never pass without it.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from app.data import migrate
from app.data.engine import make_engine

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def _postgres_admin():
    engine = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        engine.connect().close()
    except sa.exc.OperationalError as exc:
        engine.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and unreachable: {exc.orig}")
        pytest.skip("PostgreSQL not reachable (set TEST_POSTGRES_URL)")
    return engine


def create_database(backend: str, tmp_path) -> tuple[str, callable]:
    """A fresh, empty database of `backend`; returns its URL and a function that drops it."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}", lambda: None
    admin = _postgres_admin()
    name = f"spd_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    return url, drop


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """URL of an empty, migrated database, on each backend in turn."""
    url, drop = create_database(request.param, tmp_path)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    drop()


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS, scope="module")
def module_db_url(request, tmp_path_factory):
    """Like db_url, shared by a module's tests (for data that is expensive to load)."""
    url, drop = create_database(request.param, tmp_path_factory.mktemp(request.param))
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    drop()
