"""Building blocks for KPI definitions: aggregate a view in SQL, per breakdown group.

All of them return {group or None: value}. Medians use window functions, which
SQLite and PostgreSQL both have, so no dialect needs a different definition.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa

from app.kpi.subjects import GROUP


def aggregate(ctx, subject: str, time_col: str | None, columns: dict, where=None, kpi_id: str = "",
              in_period: bool = True) -> dict:
    """One SQL query computing several aggregates over a subject.

    `columns` maps names to fn(view) → SQL aggregate; `where` is fn(view) → conditions.
    Returns {group: {name: value}}. Memoised per context, so KPIs sharing a query
    (revenue, won deals, cycle time…) run it once.
    """
    key = ("aggregate", subject, time_col, tuple(columns), where, in_period)

    def run():
        view = ctx.view(subject, time_col, kpi_id)
        conds = list(where(view) if where else [])
        if in_period and time_col:
            conds.append(ctx.between(view.t.c[time_col]))
        select = view.select(*[fn(view).label(name) for name, fn in columns.items()], where=conds)
        return {g: dict(zip(columns, row)) for g, row in ctx.rows(select).items() if row}
    return ctx.memo(key, run)


@dataclass(frozen=True, eq=False)
class Sums:
    """Named sums and counts over one subject's rows whose `time_col` falls in the period.

    Only sums and counts, so the answers for the parts of a period add up to the answer for
    the whole: app/kpi/rollups.py keeps them per month and adds the days at the edges of a
    period from the fact table. `columns` maps names to fn(view) → SQL SUM or COUNT;
    `where` is fn(view) → conditions; `prepare` fn(view) adds the joins the columns need.
    """
    name: str
    subject: str
    time_col: str
    columns: dict = field(repr=False)
    where: Callable | None = field(default=None, repr=False)
    prepare: Callable | None = field(default=None, repr=False)
    kpi_id: str = ""

    def conditions(self, view) -> list:
        if self.prepare:
            self.prepare(view)
        return list(self.where(view)) if self.where else []

    def aggregates(self, view) -> list:
        return [fn(view).label(name) for name, fn in self.columns.items()]


def fact_sums(ctx, sums: Sums, when=None, rows: str | None = None) -> dict:
    """`sums` over the fact table itself: {group: {name: value}}. The rows counted are those
    with `time_col` in the context's period, or those meeting `when`(view) → conditions;
    `rows` names an extra column counting them."""
    view = ctx.view(sums.subject, sums.time_col, sums.kpi_id)
    conds = sums.conditions(view) + (when(view) if when else [ctx.between(view.t.c[sums.time_col])])
    names = list(sums.columns) + ([rows] if rows else [])
    counted = [sa.func.count().label(rows)] if rows else []
    select = view.select(*sums.aggregates(view), *counted, where=conds)
    return {g: dict(zip(names, row)) for g, row in ctx.rows(select).items() if row}


def open_as_of(view, hi) -> list:
    """Conditions: the view's deal was open at the UTC instant `hi` (a period's exclusive end):
    created before it and not closed by then (kpis.md)."""
    t = view.t.c
    return [t.created_at < hi, sa.or_(t.closed_at.is_(None), t.closed_at >= hi)]


def pick(stats: dict, name: str, zero=None) -> dict:
    """One aggregate out of `aggregate`'s result; None aggregates (empty sums) become `zero`."""
    return {g: (zero if row.get(name) is None else row[name]) for g, row in stats.items()}


def count_if(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def sum_if(condition, value):
    return sa.func.sum(sa.case((condition, value), else_=0))


def median(ctx, subject: str, time_col: str | None, value, where=None, kpi_id: str = "",
           in_period: bool = True) -> dict:
    """Median of `value` (fn(view) → SQL expression) over the subject's rows in the period."""
    view = ctx.view(subject, time_col, kpi_id)
    expr = value(view)
    conds = list(where(view) if where else []) + [expr.is_not(None)]
    if in_period and time_col:
        conds.append(ctx.between(view.t.c[time_col]))
    group = view.group.label(GROUP) if view.group is not None else sa.literal(0).label(GROUP)
    rows = sa.select(group, expr.label("v")).select_from(view.frm).where(*view.where, *conds).subquery()
    ranked = sa.select(
        rows.c[GROUP], rows.c.v,
        sa.func.row_number().over(partition_by=rows.c[GROUP], order_by=rows.c.v).label("rn"),
        sa.func.count().over(partition_by=rows.c[GROUP]).label("n")).subquery()
    middle = sa.select(ranked.c[GROUP], sa.func.avg(ranked.c.v)).where(
        # `//`: SQLAlchemy's `/` is true division, which for an even count would keep only one row.
        ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])).group_by(ranked.c[GROUP])
    result = {g: float(v) for g, v in ctx.conn.execute(middle).all()}
    if ctx.query.by is None:
        return {None: result.get(0)}
    return {(g if isinstance(g, (str, int)) or g is None else str(g)): v for g, v in result.items()}
