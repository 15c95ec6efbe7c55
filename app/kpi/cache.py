"""Cache of KPI answers keyed by question, scope and data version.

The data version is bumped by every import and settings change, so entries
never need invalidating: a new version simply misses. In-process by default;
Redis (shared by every worker) when REDIS_URL is set.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from app.data.settings import fetch_data_version
from app.kpi.evaluate import evaluate
from app.kpi.query import KpiQuery, Scope

TTL_SECONDS = 24 * 3600


class MemoryCache:
    """A small thread-safe LRU."""

    def __init__(self, max_entries: int = 2048):
        self._data: OrderedDict[str, str] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._max:
                self._data.popitem(last=False)


class RedisCache:
    def __init__(self, url: str, prefix: str = "spd:kpi:"):
        import redis
        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def get(self, key: str) -> str | None:
        value = self._redis.get(self._prefix + key)
        return value.decode() if value is not None else None

    def set(self, key: str, value: str) -> None:
        self._redis.set(self._prefix + key, value, ex=TTL_SECONDS)


def make_cache(redis_url: str | None, prefix: str = "spd:"):
    """Redis under `<prefix>kpi:` when a URL is given, else in process."""
    return RedisCache(redis_url, prefix=prefix + "kpi:") if redis_url else MemoryCache()


def cache_key(ids, query: KpiQuery, scope: Scope, version: int) -> str:
    """The scope key is part of the key: two viewers never share an answer."""
    raw = json.dumps([list(ids), query.start.isoformat(), query.end.isoformat(), query.filters,
                      query.by, query.compare, scope.key, sorted(scope.rep_ids or []), version],
                     default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _through(cache, key: str, compute):
    """The JSON stored under `key`, else compute() stored there (no cache: just compute)."""
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        return json.loads(hit)
    result = compute()
    if cache is not None:
        cache.set(key, json.dumps(result))
    return result


def cached(conn, cache, name: str, scope: Scope, compute):
    """`compute()` (JSON-able), cached under `name` for this scope and data version: for
    reference data a page asks for on every view (the filter bar's values)."""
    raw = json.dumps([name, scope.key, sorted(scope.rep_ids or []), fetch_data_version(conn)])
    return _through(cache, "ref:" + hashlib.sha256(raw.encode()).hexdigest(), compute)


def evaluate_cached(conn, cache, ids, query: KpiQuery, scope: Scope) -> dict:
    key = cache_key(ids, query, scope, fetch_data_version(conn))
    return _through(cache, key, lambda: evaluate(conn, ids, query, scope))
