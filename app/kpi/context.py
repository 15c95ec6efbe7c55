"""Everything one KPI evaluation needs: connection, question, scope, settings, memo."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa

from app.data.queries import utc_bounds
from app.kpi.query import KpiQuery, Scope
from app.kpi.sqltime import LocalDate, zone_offsets
from app.kpi.views import View, build_view


class Ctx:
    """Evaluation context. KPIs read other KPIs through `value`, so each is defined once.

    Contexts derived from one another share their results per question: the revenue of the
    previous period, asked for by growth and by the comparison, is computed once.
    """

    def __init__(self, conn, query: KpiQuery, scope: Scope, settings: dict, registry,
                 store: dict | None = None):
        self.conn, self.query, self.scope, self.settings = conn, query, scope, settings
        self.registry = registry
        self.tz = settings["org_timezone"]
        self.lo, self.hi = utc_bounds(query.start, query.end, self.tz)
        self._store = {} if store is None else store
        # A comparison is evaluate()'s business: the same period with or without one is one question.
        self._memo: dict = self._store.setdefault(("query", replace(query, compare=None)), {})
        self._asking: list[str] = []    # the KPIs being computed, innermost last

    # -- time ---------------------------------------------------------------
    def between(self, col):
        """`col` falls in the period (local dates, inclusive) — sargable UTC bounds."""
        if isinstance(col.type, sa.Date) and not isinstance(col.type, sa.DateTime):
            return sa.and_(col >= self.query.start, col <= self.query.end)
        return sa.and_(col >= self.lo, col < self.hi)

    def local_date(self, col, span: tuple[datetime, datetime] | None = None):
        lo, hi = span or (self.lo - timedelta(days=400), self.hi + timedelta(days=400))
        return LocalDate(col, self.tz, _offsets(self.tz, lo.date(), hi.date()))

    # -- composition ----------------------------------------------------------
    def view(self, subject: str, time_col: str | None = None, kpi_id: str = "") -> View:
        # Errors name the KPI the user asked for, not the fact table behind it.
        asked = self._asking[0] if self._asking else kpi_id
        return build_view(self, subject, time_col, asked or kpi_id)

    def value(self, kpi_id: str) -> dict:
        """Another KPI's result in this context: {group or None: value}."""
        def compute():
            self._asking.append(kpi_id)
            try:
                return self.registry[kpi_id].compute(self)
            finally:
                self._asking.pop()
        return self.memo(("kpi", kpi_id), compute)

    def memo(self, key, fn):
        """fn() once per question and key (for every context of this evaluation)."""
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def shared(self, key, fn):
        """fn() once per evaluation, whatever the question (e.g. the rollups' state)."""
        memo = self._store.setdefault(("shared",), {})
        if key not in memo:
            memo[key] = fn()
        return memo[key]

    def rows(self, select) -> dict:
        """Run a grouped select of (grp, v1, v2, …) or (v1, …) → {group or None: row tuple}."""
        result = self.conn.execute(select).all()
        if self.query.by is None:
            return {None: tuple(result[0]) if result else ()}
        return {_label(row[0]): tuple(row[1:]) for row in result}

    def derived(self, other: str, query: KpiQuery) -> "Ctx":
        """A context for another period (comparisons, coverage)."""
        return Ctx(self.conn, query, self.scope, self.settings, self.registry, self._store)


@lru_cache(maxsize=64)
def _offsets(zone: str, lo, hi):
    return zone_offsets(zone, datetime.combine(lo, datetime.min.time()),
                        datetime.combine(hi, datetime.min.time()))


def _label(value):
    return value if value is None or isinstance(value, (str, int)) else str(value)
