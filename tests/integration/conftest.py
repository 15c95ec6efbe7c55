"""Fixtures shared by several integration modules."""
from __future__ import annotations

from datetime import date

import pytest

from etl import demo
from etl.runner import run_import
from tests.conftest import create_database

DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture(scope="session")
def demo_engines(tmp_path_factory):
    """The same small demo export loaded into a SQLite and a PostgreSQL database (rollups
    built by the import). Tests must leave them as they found them."""
    from app.data import migrate
    from app.data.engine import make_engine
    folder = tmp_path_factory.mktemp("demo")
    demo.write_csvs(demo.generate(demo.resolve_size("small"), seed=7, today=DEMO_TODAY), folder)
    engines, drops = {}, []
    for backend in ("sqlite", "postgresql"):
        url, drop = create_database(backend, tmp_path_factory.mktemp(backend))
        engine = make_engine(url)
        migrate.upgrade(engine)
        report = run_import(engine, folder, actor="test", today=DEMO_TODAY)
        assert report.status == "succeeded", report.rejections[:5]   # the demo passes its own validation
        engines[backend], drops = engine, drops + [(engine, drop)]
    yield engines
    for engine, drop in drops:
        engine.dispose()
        drop()
