"""Building blocks for KPI definitions: aggregate a view in SQL, per breakdown group.

All of them return {group or None: value}. Medians use window functions, which
SQLite and PostgreSQL both have, so no dialect needs a different definition.
"""
from __future__ import annotations

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
