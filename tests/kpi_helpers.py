"""Evaluating KPIs in the hand-worked integration tests."""
from __future__ import annotations

import app.kpi.definitions  # noqa: F401  (registers the KPIs)
from app.kpi.evaluate import evaluate
from app.kpi.query import Scope


def evaluate_on(engine, ids, query, scope=Scope.everything()):
    """The answer for KPIs `ids` over `query` as `scope` sees it, on its own connection."""
    with engine.connect() as conn:
        return evaluate(conn, ids, query, scope)
