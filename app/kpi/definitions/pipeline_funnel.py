"""Pipeline tables: the funnel of deals created in the period, and why deals were lost.

Both are tables, so they ignore the query's breakdown; scope and filters still apply.
"""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from app.data import schema as s
from app.i18n import N_
from app.kpi.measures import count_if
from app.kpi.registry import COUNT, KPIS, NEUTRAL, TABLE, Kpi

FUNNEL_COLUMNS = ("step", "count", "value", "conversion")
LOSS_COLUMNS = ("reason", "count", "value")
_UNSPECIFIED = sa.literal_column("'unspecified'")   # inlined: it is a GROUP BY expression
_FUNNEL_CATEGORIES = ("open", "won")                  # lost stages are an exit, not a step


def _flat(ctx, kpi_id: str):
    """The same period, scope and filters without a breakdown (tables ignore `by`)."""
    return ctx.derived(kpi_id, replace(ctx.query, by=None, compare=None))


def _steps(conn) -> list[tuple[str, int]]:
    """(stage, position) of the funnel steps: open stages in order, then won stages."""
    st = s.stages.c
    is_open = sa.case((st.category == "open", 0), else_=1)
    return conn.execute(sa.select(st.stage, st.position).where(st.category.in_(_FUNNEL_CATEGORIES))
                        .order_by(is_open, st.position)).all()


def _reached(ctx):
    """Per deal created in the period, the furthest funnel position it reached: the highest
    position among the stages in its history and its current stage (lost stages excluded)."""
    st, h, o = s.stages.c, s.stage_history.c, s.opportunities.c
    created = [o.created_at >= ctx.lo, o.created_at < ctx.hi, st.category.in_(_FUNNEL_CATEGORIES)]
    history = sa.select(h.opportunity_id.label("oid"), st.position.label("pos")) \
        .select_from(s.stage_history.join(s.stages, s.stages.c.stage == h.stage)
                     .join(s.opportunities, o.opportunity_id == h.opportunity_id)).where(*created)
    current = sa.select(o.opportunity_id, st.position) \
        .select_from(s.opportunities.join(s.stages, s.stages.c.stage == o.stage)).where(*created)
    positions = sa.union_all(history, current).subquery("positions")
    return sa.select(positions.c.oid, sa.func.max(positions.c.pos).label("pos")) \
        .group_by(positions.c.oid).subquery("reached")


def _lead_rows(ctx) -> list[dict]:
    """Leads created in the period, and of those the ones qualified and converted."""
    view = ctx.view("leads", "created_at", "funnel")
    t = view.t.c
    # A converted lead passed qualification even when qualified_at was never recorded.
    select = sa.select(sa.func.count(), count_if(sa.or_(t.qualified_at.is_not(None), t.converted_at.is_not(None))),
                       count_if(t.converted_at.is_not(None))) \
        .select_from(view.frm).where(*view.where, ctx.between(view.t.c.created_at))
    counts = ctx.conn.execute(select).one()
    return [{"step": step, "count": int(n or 0), "value": None}
            for step, n in zip((N_("Leads created"), N_("Leads qualified"), N_("Leads converted")), counts)]


def _deal_rows(ctx) -> list[dict]:
    """Per funnel step, deals created in the period that reached it or a later step, and their value."""
    steps = _steps(ctx.conn)
    if not steps:
        return []
    view = ctx.view("deals", "created_at", "funnel")
    reached = _reached(ctx)
    oid = view.t.c.opportunity_id
    columns = []
    for _, position in steps:
        hit = reached.c.pos >= position
        # Distinct deals: under a product filter the view has a row per matching line.
        columns += [sa.func.count(sa.distinct(sa.case((hit, oid), else_=None))),
                    sa.func.sum(sa.case((hit, view.revenue), else_=0))]
    select = sa.select(*columns).select_from(view.frm.outerjoin(reached, reached.c.oid == oid)) \
        .where(*view.where, ctx.between(view.t.c.created_at))
    row = ctx.conn.execute(select).one()
    return [{"step": stage, "count": int(row[2 * i] or 0), "value": float(row[2 * i + 1] or 0)}
            for i, (stage, _) in enumerate(steps)]


def _funnel(ctx):
    flat = _flat(ctx, "funnel")
    rows = _lead_rows(flat) + _deal_rows(flat)
    previous = None
    for row in rows:
        row["conversion"] = row["count"] / previous if previous else None
        previous = row["count"]
    return {None: rows}


def _loss_reasons(ctx):
    flat = _flat(ctx, "loss_reasons")
    view = flat.view("deals", "closed_at", "loss_reasons")
    t = view.t.c
    reason = sa.func.coalesce(t.loss_reason, _UNSPECIFIED)
    deals = sa.func.count(sa.distinct(t.opportunity_id))
    select = sa.select(reason, deals, sa.func.sum(view.revenue)).select_from(view.frm) \
        .where(*view.where, t.status == "lost", flat.between(t.closed_at)) \
        .group_by(reason).order_by(deals.desc(), reason)
    return {None: [{"reason": r, "count": int(n), "value": float(v or 0)}
                   for r, n, v in flat.conn.execute(select)]}


for kpi in (
    Kpi("funnel", N_("Funnel"),
        N_("Leads created in the period, then those qualified and converted; then, for deals created "
           "in the period, per stage in order (open stages, then won), the deals that reached it: a "
           "deal reached a stage when the furthest stage in its history (or its current stage) is at "
           "that position or later. Conversion is each step's count over the previous step's"),
        COUNT, NEUTRAL, _funnel, "deals", kind=TABLE, columns=FUNNEL_COLUMNS),
    Kpi("loss_reasons", N_("Loss reasons"),
        N_("Lost deals closed in the period by loss reason (unspecified when none was given): count and value"),
        COUNT, NEUTRAL, _loss_reasons, "deals", kind=TABLE, columns=LOSS_COLUMNS),
):
    KPIS.add(kpi)
