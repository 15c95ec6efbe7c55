"""Pipeline as of the period's end: open deals, their value, weighted value, coverage,
velocity and hygiene (stale deals, deals without a next task).

A deal is open as of a day when it was created by the end of that day and not
closed by then (kpis.md). A snapshot has no event inside the period, so a time
breakdown groups open deals by creation date (an ageing view whose rows sum to
the total); coverage groups by expected close date, the months its quota has.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.data import schema as s
from app.data import system_schema as ss
from app.data.queries import utc_bounds
from app.i18n import N_
from app.kpi.definitions.target_periods import whole_period
from app.kpi.measures import Sums, open_as_of, pick
from app.kpi.registry import (COUNT, DOWN, KPIS, MONEY, MONEY_PER_DAY, NUMBER, UP, Kpi, combine,
                              ratio_of)
from app.kpi.rollups import open_sums, rolled_up_open
from app.kpi.subjects import check_by


def win_probability(view):
    """A deal's win probability: its latest model score, else its own probability, else its stage's."""
    t, score = view.t.c, ss.deal_scores.c
    latest = sa.select(score.win_probability).where(score.opportunity_id == t.opportunity_id) \
        .order_by(score.scored_at.desc()).limit(1).scalar_subquery()
    stage = sa.select(s.stages.c.probability).where(s.stages.c.stage == t.stage).scalar_subquery()
    return sa.func.coalesce(latest, t.probability, stage)


def open_measures(ctx, name: str, columns: dict, extra=None, time_col: str = "created_at") -> dict:
    """Aggregate the deals open as of the period's end that also meet `extra`(view).

    `columns` maps names to fn(view) → SQL aggregate. Returns {group: {name: value}},
    memoised per context under `name` (also the KPI id named in breakdown errors).
    """
    def run():
        view = ctx.view("deals", time_col, name)
        conds = [*open_as_of(view, ctx.hi), *(extra(view) if extra else [])]
        select = view.select(*[fn(view).label(key) for key, fn in columns.items()], where=conds)
        return {g: dict(zip(columns, row)) for g, row in ctx.rows(select).items() if row}
    return ctx.memo(("open_measures", name), run)


# Count and value of the deals open at the period's end: one query for three KPIs, kept in
# the rollup as monthly snapshots. Weighted value has its own query: scores change without
# an import, and looking each deal's score up is the slow part.
OPEN = rolled_up_open(Sums("open", "deals", "created_at", {
    "count": lambda v: v.count_rows(),
    "value": lambda v: sa.func.sum(v.revenue),
}, kpi_id="open_deals"))


def _open_stats(ctx) -> dict:
    return open_sums(ctx, OPEN)


def _weighted(ctx) -> dict:
    return pick(open_measures(ctx, "weighted_pipeline",
                              {"v": lambda v: sa.func.sum(v.revenue * win_probability(v))}), "v", 0)


def _coverage(ctx):
    # Quotas have no product, channel… so neither has coverage; say so under this KPI's name.
    check_by("quotas", ctx.query.by, "pipeline_coverage")
    following = ctx.query.following()
    # Grouped by expected close date, so a monthly breakdown pairs each month's
    # pipeline with that month's quota.
    upcoming = open_measures(ctx, "pipeline_coverage", {"value": lambda v: sa.func.sum(v.revenue)},
                             extra=lambda v: [v.t.c.expected_close_date.between(following.start, following.end)],
                             time_col="expected_close_date")
    quota = ctx.derived("quota", following).value("quota")
    # A group with quota but no upcoming pipeline is covered 0 times, not undefined.
    return ratio_of(combine(lambda v, q: v or 0, pick(upcoming, "value", 0), quota), quota)


def _velocity(ctx):
    def velocity(n, win_rate, size, cycle):
        if win_rate is None or size is None or not cycle:
            return None
        # float(): averages come back as Decimal from PostgreSQL.
        return float(n or 0) * float(win_rate) * float(size) / float(cycle)
    return combine(velocity, ctx.value("open_deals"), ctx.value("win_rate"),
                   ctx.value("avg_deal_size"), ctx.value("sales_cycle_days"))


def _stale(ctx):
    days = int(ctx.settings["stale_days"])
    # The window is the last N local days up to P's end, so a DST change does not shift it.
    since = utc_bounds(ctx.query.end - timedelta(days=days - 1), ctx.query.end, ctx.tz)[0]

    def no_recent_activity(view):
        a = s.activities.c
        return [~sa.exists().where(a.opportunity_id == view.t.c.opportunity_id,
                                   a.occurred_at >= since, a.occurred_at < ctx.hi)]
    return pick(open_measures(ctx, "stale_deals", {"n": lambda v: v.count_rows()},
                              extra=no_recent_activity), "n", 0)


def _without_next_task(ctx):
    def no_next_task(view):
        a = s.activities.c
        # A task counts as a next step when it existed by P's end (occurred_at is its
        # creation), falls due after P's end and was not completed by then.
        return [~sa.exists().where(
            a.opportunity_id == view.t.c.opportunity_id, a.type == "task",
            a.occurred_at < ctx.hi, a.due_at >= ctx.hi,
            sa.or_(a.completed_at.is_(None), a.completed_at >= ctx.hi))]
    return pick(open_measures(ctx, "deals_without_next_task", {"n": lambda v: v.count_rows()},
                              extra=no_next_task), "n", 0)


for kpi in (
    Kpi("open_deals", N_("Open deals"), N_("Deals open at the end of the period"), COUNT, UP,
        lambda ctx: pick(_open_stats(ctx), "count", 0), "deals", additive=True),
    Kpi("pipeline_value", N_("Pipeline value"), N_("Sum of the amounts of deals open at the end of the period"),
        MONEY, UP, lambda ctx: pick(_open_stats(ctx), "value", 0), "deals", additive=True),
    Kpi("avg_open_deal", N_("Average open deal"), N_("Pipeline value / open deals"), MONEY, UP,
        lambda ctx: ratio_of(ctx.value("pipeline_value"), ctx.value("open_deals")), "deals"),
    Kpi("weighted_pipeline", N_("Weighted pipeline"),
        N_("Sum of amount × win probability of deals open at the end of the period; the win "
           "probability is the latest model score where a model has scored the deal, else the "
           "deal's own probability, else its stage's probability"),
        MONEY, UP, _weighted, "deals", additive=True),
    Kpi("pipeline_coverage", N_("Pipeline coverage"),
        N_("Value of deals open at the end of the period that are expected to close in the next "
           "period of the same length, over the quota of that next period"),
        NUMBER, UP, _coverage, "quotas"),
    Kpi("sales_velocity", N_("Sales velocity"),
        N_("Open deals × win rate × average deal size / sales cycle days: expected revenue per day"),
        MONEY_PER_DAY, UP, whole_period("sales_velocity", _velocity), "deals"),
    Kpi("stale_deals", N_("Stale deals"),
        N_("Deals open at the end of the period with no activity of any kind on them in the "
           "last N days (N = the stale deal setting)"),
        COUNT, DOWN, _stale, "deals", additive=True),
    Kpi("deals_without_next_task", N_("Deals without a next task"),
        N_("Deals open at the end of the period with no task on them that is due after the "
           "period and was not completed by its end"),
        COUNT, DOWN, _without_next_task, "deals", additive=True),
):
    KPIS.add(kpi)
