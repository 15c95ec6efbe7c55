"""Answer additive measures from the rollups where the question allows it.

The rollups hold the `Sums` registered here (app/kpi/definitions: sales, pipeline, team):

- `rollup_deals_daily`: per local day of closing, owner and account territory. It answers
  any period of whole days filtered or broken down by rep, team, territory, region or
  country, or broken down by any time bucket.
- `rollup_deals_monthly`: per local month of closing, owner, account territory, channel and
  account segment. It answers the whole months of a period under those filters and
  breakdowns (and month, quarter or year); the days before and after them come from the
  deals themselves. It also keeps the deals open at the start of each month.
- `rollup_deal_products_monthly`: per local month of closing, product, owner and account
  territory, summed at the grain of deal lines as product questions are. It answers the
  whole months of revenue by product, or of one product's figures, under rep, team and
  territory filters. Deals are counted once per product, so questions that lump several
  products together (by category, a category or several products as filter) are not its.
- `rollup_activities_daily`: activities per local day and rep (activities have no other
  dimensions than their rep's).

A rollup is read only while `rollup_state` says it matches the CRM tables and was cut in
the organisation's current time zone. Industry and lead source filters and breakdowns,
product questions beyond the above, and anything else, are answered from the fact tables. Every path applies
the viewer's scope to the rollup's rep column as to the facts' rep, and uses the same
`Sums`, so the answer is the one the fact table gives.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.data.queries import utc_bounds
from app.data.rollups import ACTIVITIES_DAILY, DEAL_PRODUCTS_MONTHLY, DEALS_DAILY, DEALS_MONTHLY, fetch_rollup_states
from app.kpi.measures import Sums, fact_sums, open_as_of
from app.kpi.query import TIME_DIMENSIONS
from app.kpi.subjects import SUBJECTS
from app.kpi.views import needs_lines


@dataclass(eq=False)
class Rollup:
    name: str                   # its subject (subjects.py) and rollup_state name
    fact: str                   # the subject it sums
    time_col: str               # its local day, or the first day of its month
    buckets: frozenset          # time breakdowns it can answer
    keys: dict                  # its key columns → the fact's dimensions
    sums: list = field(default_factory=list)    # sums over facts in a period
    open: list = field(default_factory=list)    # sums over deals open at each month's start
    lines: bool = False                         # summed per deal line (product questions only)

    @property
    def dimensions(self) -> frozenset:
        return frozenset(SUBJECTS[self.name].dims)

    @property
    def daily(self) -> bool:
        return self.time_col == "day"


DAILY = Rollup(DEALS_DAILY, "deals", "day", frozenset(TIME_DIMENSIONS),
               {"rep_id": "rep", "territory_id": "territory"})
MONTHLY = Rollup(DEALS_MONTHLY, "deals", "month", frozenset({"month", "quarter", "year"}),
                 {"rep_id": "rep", "territory_id": "territory", "channel": "channel", "segment": "segment"})
PRODUCTS = Rollup(DEAL_PRODUCTS_MONTHLY, "deals", "month", frozenset({"month", "quarter", "year"}),
                  {"product_id": "product", "rep_id": "rep", "territory_id": "territory"}, lines=True)
ACTIVITIES = Rollup(ACTIVITIES_DAILY, "activities", "day", frozenset(TIME_DIMENSIONS), {"rep_id": "rep"})
ROLLUPS = (DAILY, MONTHLY, PRODUCTS, ACTIVITIES)      # the order they are tried in
ROWS = "rows"


def rolled_up(sums: Sums) -> Sums:
    """Keep `sums` in every rollup of its subject: each needs columns `<name>_<column>` and
    `<name>_rows` (the fact rows summed)."""
    kept = [r for r in ROLLUPS if r.fact == sums.subject]
    if not kept:
        raise ValueError(f"no rollup keeps {sums.subject}")
    for rollup in kept:
        rollup.sums.append(sums)
    return sums


def rolled_up_open(sums: Sums) -> Sums:
    """Keep `sums` of the deals open at the start of each month in the monthly rollup. Only
    plain sums and counts of deal rows: snapshots add and subtract them."""
    if sums.subject != "deals" or sums.where is not None or sums.prepare is not None:
        raise ValueError("open-deal snapshots keep plain sums over deals")
    MONTHLY.open.append(sums)
    return sums


def column_name(sums: Sums, name: str) -> str:
    return f"{sums.name}_{name}"


def rollup_columns(rollup: Rollup) -> list[str]:
    """The measure columns of `rollup` the registered sums need, in registration order."""
    return [column_name(s, n) for s in rollup.sums + rollup.open for n in (ROWS, *s.columns)]


def sums(ctx, measures: Sums) -> dict:
    """`measures` over the deals whose time column falls in the period: {group: {name: value}}
    (numbers as int or float). Memoised per question, so KPIs sharing the sums read them once."""
    def run():
        q = ctx.query
        for rollup in ROLLUPS:
            if measures not in rollup.sums or not _usable(ctx, rollup):
                continue
            if rollup.daily:
                return _add([_read(ctx, rollup, measures, q.start, q.end)])
            months = whole_months(q.start, q.end)
            if months is None:
                continue
            parts = [_read(ctx, rollup, measures, *months)]
            for start, end in _edges(q.start, q.end, months):
                edge = ctx.derived(measures.kpi_id, replace(q, start=start, end=end, compare=None))
                parts.append(fact_sums(edge, measures))
            return _add(parts)
        return _add([fact_sums(ctx, measures)])
    return ctx.memo(("sums", measures.name), run)


def open_sums(ctx, measures: Sums) -> dict:
    """`measures` over the deals open at the end of the period: {group: {name: value}}.

    From the monthly rollup: the snapshot at the month start nearest the period's end, put
    right with the deals of the days in between (from the deals themselves). Breakdowns by
    time sort open deals by creation (pipeline.py), which snapshots do not keep: those come
    from the deals alone.
    """
    def run():
        state = _usable(ctx, MONTHLY, buckets=frozenset()) if measures in MONTHLY.open else None
        if not state:
            return _add([fact_sums(ctx, measures, lambda v: open_as_of(v, ctx.hi))])
        month = _nearest_snapshot(ctx, state)
        at = utc_bounds(month, month, ctx.tz)[0]
        (a, b), sign = sorted((at, ctx.hi)), 1 if at <= ctx.hi else -1

        def opened(view):       # created between the two moments, open at the later one
            return [*open_as_of(view, b), view.t.c.created_at >= a]

        def closed(view):       # open at the earlier moment, closed before the later one
            return [*open_as_of(view, a), view.t.c.closed_at < b]
        changes = [fact_sums(ctx, measures, opened, ROWS), _negated(fact_sums(ctx, measures, closed, ROWS))]
        if sign < 0:
            changes = [_negated(part) for part in changes]
        return _without_empty(ctx, _add([_snapshot(ctx, measures, month), *changes]))
    return ctx.memo(("open sums", measures.name), run)


def _nearest_snapshot(ctx, state: dict) -> date:
    """The month start nearest the period's end (the local day after it) that has a snapshot:
    later than the last one, nothing changes any more."""
    after = ctx.query.end + timedelta(days=1)
    before, next_one = after.replace(day=1), month_end(after) + timedelta(days=1)
    month = before if after - before <= next_one - after else next_one
    until = state["snapshots_until"]
    return month if until is None else min(month, _as_date(until))


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """(first day of the first, first day of the last) whole month inside [start, end], or None."""
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last = end if end == month_end(end) else end.replace(day=1) - timedelta(days=1)
    return (first, last.replace(day=1)) if first <= last else None


def _edges(start: date, end: date, months: tuple[date, date]) -> list[tuple[date, date]]:
    """The days of [start, end] before and after its whole months."""
    first, last = months
    edges = [(start, first - timedelta(days=1))] if start < first else []
    return edges + ([(month_end(last) + timedelta(days=1), end)] if month_end(last) < end else [])


def _usable(ctx, rollup: Rollup, buckets: frozenset | None = None) -> dict | None:
    """The rollup's state when it may answer the question (valid in the organisation's time
    zone; filters and breakdown among its dimensions or `buckets`), else None."""
    q = ctx.query
    buckets = rollup.buckets if buckets is None else buckets
    if rollup.fact == "deals" and rollup.lines != (needs_lines(q) and _one_product_per_group(q)):
        return None
    if any(key not in rollup.dimensions for key, _ in q.filters):
        return None
    if q.by is not None and q.by not in rollup.dimensions and q.by not in buckets:
        return None
    state = ctx.shared("rollup_states", lambda: {s["name"]: s for s in fetch_rollup_states(ctx.conn)})
    mine = state.get(rollup.name)
    return mine if mine and mine["org_timezone"] == ctx.tz else None


def _one_product_per_group(q) -> bool:
    """Each answer's group holds one product: broken down by product, or one product asked
    for. A deal with lines in two products counts once in the deals' answer for both
    together, but once per product in the product rollup, whose rows would then add to two."""
    products = q.filter("product")
    return q.by == "product" or (q.by != "category" and products is not None and len(products) == 1)


def _read(ctx, rollup: Rollup, measures: Sums, first: date, last: date) -> dict:
    """Sums of the rollup's rows from `first` to `last`, in scope and filters, per group."""
    view = ctx.view(rollup.name, rollup.time_col, measures.kpi_id)
    t = view.t.c
    cols = [sa.func.sum(t[column_name(measures, name)]).label(name) for name in measures.columns]
    select = view.select(*cols, where=[t[rollup.time_col].between(first, last)])
    if view.group is not None:      # a group exists where the deals have rows for it
        select = select.having(sa.func.sum(t[column_name(measures, ROWS)]) > 0)
    return {g: dict(zip(measures.columns, row)) for g, row in ctx.rows(select).items() if row}


def _snapshot(ctx, measures: Sums, month: date) -> dict:
    """The open-deal snapshot at the start of `month`, in scope and filters, per group."""
    view = ctx.view(MONTHLY.name, None, measures.kpi_id)
    t = view.t.c
    names = (*measures.columns, ROWS)
    cols = [sa.func.sum(t[column_name(measures, name)]).label(name) for name in names]
    select = view.select(*cols, where=[t.month == month])
    return {g: dict(zip(names, row)) for g, row in ctx.rows(select).items() if row}


def _negated(part: dict) -> dict:
    return {g: {name: None if v is None else -v for name, v in row.items()} for g, row in part.items()}


def _without_empty(ctx, result: dict) -> dict:
    """Groups whose open deals netted out to none are left out, as the deals leave them out;
    without a breakdown, such a total has no sums (as SUM over no rows)."""
    out = {}
    for group, row in result.items():
        if row.pop(ROWS, None):
            out[group] = row
        elif ctx.query.by is None:
            out[group] = dict.fromkeys(row)
    return out


def _add(parts: list[dict]) -> dict:
    """Group by group, name by name: the sum of the parts (None where no part has a value)."""
    out: dict = {}
    for part in parts:
        for group, row in part.items():
            total = out.setdefault(group, {})
            for name, value in row.items():
                value = float(value) if isinstance(value, Decimal) else value
                before = total.get(name)
                total[name] = value if before is None else before if value is None else before + value
    return out


def month_end(d: date) -> date:
    # Not target_periods.month_end: the definitions import this module.
    return d.replace(day=monthrange(d.year, d.month)[1])


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
