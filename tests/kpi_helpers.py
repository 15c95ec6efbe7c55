"""Evaluating KPIs in the hand-worked integration tests."""
from __future__ import annotations

import pytest

import app.kpi.definitions  # noqa: F401  (registers the KPIs)
from app.kpi.evaluate import evaluate
from app.kpi.query import Scope


def evaluate_on(engine, ids, query, scope=Scope.everything()):
    """The answer for KPIs `ids` over `query` as `scope` sees it, on its own connection."""
    with engine.connect() as conn:
        return evaluate(conn, ids, query, scope)


def same(a, b):
    """Equal up to float rounding (sums run in a different order on each database, and
    rollups add in yet another order)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-6)
    return a == b


def reads_a_rollup(statement: str) -> bool:
    """Whether an SQL statement reads one of the rollup tables (not only their state)."""
    from app.kpi.rollup_refresh import TABLES
    return any(table.name in statement for table in TABLES.values())
