"""Rollup mechanics that need no database: the tables have a column for every rolled-up sum,
and periods split into whole months and the days around them."""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.rollup_refresh import TABLES
from app.kpi.rollups import ROLLUPS, _edges, rollup_columns, whole_months


@pytest.mark.parametrize("rollup", ROLLUPS, ids=lambda r: r.name)
def test_every_rolled_up_sum_has_its_column_and_nothing_else(rollup):
    # A sum added to a definition needs a column (and a migration); a column no sum fills is dead.
    table = TABLES[rollup]
    assert set(table.c.keys()) == {rollup.time_col, *rollup.keys} | set(rollup_columns(rollup))
    assert rollup.sums, "a rollup without sums"


@pytest.mark.parametrize("start, end, months, edges", [
    # Whole months only.
    ("2025-01-01", "2025-03-31", ("2025-01-01", "2025-03-01"), []),
    # Days either side; February 2024 has 29 days.
    ("2024-01-20", "2024-03-10", ("2024-02-01", "2024-02-01"),
     [("2024-01-20", "2024-01-31"), ("2024-03-01", "2024-03-10")]),
    # Ends on the last day of a month, starts inside one.
    ("2025-11-26", "2026-10-31", ("2025-12-01", "2026-10-01"), [("2025-11-26", "2025-11-30")]),
    # Inside one month: no whole month at all.
    ("2025-02-02", "2025-02-27", None, None),
    # A month and a day: the day is an edge.
    ("2025-01-31", "2025-02-28", ("2025-02-01", "2025-02-01"), [("2025-01-31", "2025-01-31")]),
])
def test_a_period_splits_into_whole_months_and_edge_days(start, end, months, edges):
    start, end = date.fromisoformat(start), date.fromisoformat(end)
    got = whole_months(start, end)
    if months is None:
        assert got is None
        return
    assert got == tuple(date.fromisoformat(m) for m in months)
    assert _edges(start, end, got) == [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in edges]


@pytest.mark.parametrize("module", ["app.kpi.rollups", "app.kpi.rollup_refresh", "etl.runner"])
def test_rollup_modules_import_on_their_own(module):
    # The definitions import app.kpi.rollups, so it must not import them back.
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
