"""The Redis cache: shared between app instances (workers), keyed by scope and data version."""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401  (fills the registry)

from app.data.settings import bump_data_version
from app.kpi import cache as cache_module
from app.kpi.cache import RedisCache, evaluate_cached
from app.kpi.query import KpiQuery, Scope
from tests.builders import Builder
from tests.services import REDIS_URL, throwaway_prefix

Q1 = KpiQuery.build(date(2025, 1, 1), date(2025, 3, 31))


@pytest.fixture
def redis_cache():
    with throwaway_prefix() as prefix:
        yield lambda: RedisCache(REDIS_URL, prefix=prefix)     # one instance per "worker"


def test_two_workers_share_answers_but_not_across_scopes_or_versions(engine, redis_cache, monkeypatch):
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.deal("O1", "A1", "R1", "won", 100, "2025-01-01 00:00", closed_at="2025-01-10 00:00")
        b.deal("O2", "A2", "R2", "won", 300, "2025-01-01 00:00", closed_at="2025-02-10 00:00")
    computed = []
    real = cache_module.evaluate
    monkeypatch.setattr(cache_module, "evaluate", lambda *a, **k: computed.append(a[3].key) or real(*a, **k))
    worker_a, worker_b = redis_cache(), redis_cache()
    rep1 = Scope.reps({"R1"}, "rep:R1")
    with engine.connect() as conn:
        assert evaluate_cached(conn, worker_a, ["revenue"], Q1, Scope.everything())["values"] == {"revenue": 400.0}
        # Worker B gets worker A's answer from Redis without computing it again…
        assert evaluate_cached(conn, worker_b, ["revenue"], Q1, Scope.everything())["values"] == {"revenue": 400.0}
        # …but a rep with the same question never receives the unrestricted answer.
        assert evaluate_cached(conn, worker_b, ["revenue"], Q1, rep1)["values"] == {"revenue": 100.0}
    assert computed == ["all", "rep:R1"]
    with engine.begin() as conn:
        bump_data_version(conn)                 # an import or a settings change
    with engine.connect() as conn:
        evaluate_cached(conn, worker_b, ["revenue"], Q1, Scope.everything())
    assert computed == ["all", "rep:R1", "all"]
