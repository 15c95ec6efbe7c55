"""Answer a KPI question in the public JSON shape (CLI, API, exports all use this).

Without a breakdown: {"from", "to", "values": {id: value}} (+ "compare": {id: value}).
With `by`: {"from", "to", "by", "rows": [{by: group, id: value, …}]}, each row
with its own "compare" when asked; table KPIs (funnel, …) are under "values".
"""
from __future__ import annotations

import math

from app.data.settings import fetch_settings
from app.kpi.context import Ctx
from app.kpi.buckets import align, period_buckets
from app.kpi.query import TIME_DIMENSIONS, KpiQuery, QueryError, Scope
from app.kpi.registry import COUNT, KPIS, TABLE


def check_ids(ids, registry=KPIS) -> list[str]:
    ids = [i.strip() for i in ids if i.strip()]
    if not ids:
        raise QueryError("name at least one KPI id")
    unknown = registry.unknown(ids)
    if unknown:
        raise QueryError(f"unknown KPI id {unknown[0]!r}; valid ids: {', '.join(sorted(registry))}")
    return list(dict.fromkeys(ids))


def evaluate(conn, ids, query: KpiQuery, scope: Scope, registry=KPIS, settings=None) -> dict:
    ids = check_ids(ids, registry)
    settings = settings or fetch_settings(conn)
    ctx = Ctx(conn, query, scope, settings, registry)
    current = _compute(ctx, ids)
    previous = None
    if query.compare:
        previous = _compute(ctx.derived("compare", query.shifted(query.compare)), ids)
    out = {"from": query.start.isoformat(), "to": query.end.isoformat()}
    if query.by is None:
        out["values"] = {i: current[i].get(None, registry[i].empty) for i in ids}
        if previous is not None:
            out["compare"] = {i: previous[i].get(None, registry[i].empty) for i in ids}
        return out
    scalar = [i for i in ids if registry[i].kind != TABLE]
    out["by"] = query.by
    out["rows"] = _rows(query, scalar, current, previous, registry)
    tables = [i for i in ids if registry[i].kind == TABLE]
    if tables:
        out["values"] = {i: current[i].get(None) for i in tables}
    return out


def _compute(ctx: Ctx, ids) -> dict:
    return {i: {g: _clean(v, ctx.registry[i].unit) for g, v in ctx.value(i).items()} for i in ids}


def _rows(query: KpiQuery, ids, current, previous, registry) -> list[dict]:
    """One row per group. Time breakdowns list every bucket of the period, empty ones too,
    and compare each with the bucket in the same position of the comparison period."""
    by = query.by
    found = {g for i in ids for g in current[i]} - {None}
    if by in TIME_DIMENSIONS:
        buckets = period_buckets(by, query.start, query.end)
        earlier = query.shifted(query.compare) if query.compare else query
        partner = align(by, buckets, period_buckets(by, earlier.start, earlier.end))
        # As-of KPIs (open deals, overdue tasks) also bucket rows created before the period.
        groups = sorted(set(buckets) | found)
    else:
        groups = sorted(found, key=lambda g: (str(type(g)), g))
        partner = {g: g for g in groups}
    rows = []
    for g in groups:
        row = {by: g, **{i: current[i].get(g, registry[i].empty) for i in ids}}
        if previous is not None:
            row["compare"] = {i: previous[i].get(partner.get(g), registry[i].empty) for i in ids}
        rows.append(row)
    return rows


def _clean(value, unit: str):
    """Plain JSON numbers, the same on every database: counts as int, the rest as float
    (SQLite sums whole amounts to int, PostgreSQL to Decimal); NaN → None."""
    if isinstance(value, (list, bool, str)) or value is None:
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if math.isnan(number) or math.isinf(number):
        return None
    return int(number) if unit == COUNT and number.is_integer() else number
