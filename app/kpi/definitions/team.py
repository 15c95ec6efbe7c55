"""Team and development: the rep leaderboard, revenue per rep, activities, trainings.

The leaderboard reads each column as its own KPI broken down by rep, so a rep's
revenue here is the revenue KPI's number for that rep, never a second formula.
"""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from app.i18n import N_
from app.kpi.measures import Sums, aggregate, count_if, pick
from app.kpi.query import TIME_DIMENSIONS
from app.kpi.registry import COUNT, KPIS, MONEY, NUMBER, TABLE, UP, Kpi, ratio_of
from app.kpi.rollups import rolled_up, sums

LEADERBOARD_KPIS = ("revenue", "won_deals", "win_rate", "avg_deal_size", "quota_attainment",
                    "pipeline_value", "activities")
CERTIFICATION = "certification"


def _number(value, unit):
    """Plain JSON numbers inside table rows (PostgreSQL returns Decimal for some sums)."""
    if value is None:
        return None
    return int(value) if unit == COUNT else float(value)


def _rank(rows, key):
    """Competition rank (1, 2, 2, 4) by `key` descending; rows without a value are unranked."""
    values = [r[key] for r in rows if r[key] is not None]
    return [None if r[key] is None else 1 + sum(v > r[key] for v in values) for r in rows]


# Activities in the period, kept per day and rep in a rollup.
ACTIVITIES = rolled_up(Sums("activities", "activities", "occurred_at", {"count": lambda v: sa.func.count()},
                            kpi_id="activities"))


def _leaderboard(ctx):
    """One row per rep in scope (and passing the filters): active reps, and inactive ones that
    still have numbers in P. KPIs not registered yet are reported as None."""
    by_rep = ctx.derived("rep_leaderboard", replace(ctx.query, by="rep", compare=None))
    values = {k: by_rep.value(k) if k in ctx.registry else {} for k in LEADERBOARD_KPIS}
    view = by_rep.view("reps", None, "rep_leaderboard")
    reps = ctx.conn.execute(sa.select(view.t.c.rep_id, view.t.c.name, view.t.c.active)
                            .select_from(view.frm).where(*view.where).order_by(view.t.c.rep_id)).all()
    rows = []
    for rep_id, name, active in reps:
        row = {"rep": rep_id, "name": name}
        for k in LEADERBOARD_KPIS:
            kpi = ctx.registry.get(k)
            row[k] = _number(values[k].get(rep_id, kpi.empty if kpi else None), kpi.unit if kpi else None)
        if active or any(row[k] for k in LEADERBOARD_KPIS):
            rows.append(row)
    for row, rank, attainment_rank in zip(rows, _rank(rows, "revenue"), _rank(rows, "quota_attainment")):
        row["rank"], row["attainment_rank"] = rank, attainment_rank
    return {None: sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["rep"]))}


def _active_reps(ctx) -> dict:
    """Active reps in scope per group. Reps carry no time: by a time dimension every bucket
    is divided by the period's active reps."""
    timeless = ctx.query.by in TIME_DIMENSIONS
    rctx = ctx.derived("avg_revenue_per_rep", replace(ctx.query, by=None, compare=None)) \
        if timeless else ctx
    counts = pick(aggregate(rctx, "reps", None, {"active_reps": lambda v: count_if(v.t.c.active.is_(True))},
                            kpi_id="avg_revenue_per_rep", in_period=False), "active_reps", 0)
    if timeless:
        return {g: counts.get(None, 0) for g in ctx.value("revenue")}
    return counts


def _trainings(ctx) -> dict:
    return aggregate(ctx, "trainings", "completed_at", {
        "trainings": lambda v: sa.func.count(),
        "certifications": lambda v: count_if(v.t.c.kind == CERTIFICATION),
        "training_score": lambda v: sa.func.avg(sa.cast(v.t.c.score, sa.Float)),
    }, kpi_id="trainings_completed")


for kpi in (
    Kpi("activities", N_("Activities"), N_("Activities of any type in the period"), COUNT, UP,
        lambda ctx: pick(sums(ctx, ACTIVITIES), "count", 0), "activities", additive=True),
    Kpi("rep_leaderboard", N_("Rep leaderboard"),
        N_("Per rep: revenue, deals, win rate, deal size, attainment, pipeline, activities; "
           "ranked by revenue and by attainment"), MONEY, UP, _leaderboard, "reps", kind=TABLE,
        columns=("rep", "name") + LEADERBOARD_KPIS + ("rank", "attainment_rank")),
    Kpi("avg_revenue_per_rep", N_("Revenue per rep"), N_("Revenue / active reps in scope"), MONEY, UP,
        lambda ctx: ratio_of(ctx.value("revenue"), _active_reps(ctx)), "reps"),
    Kpi("trainings_completed", N_("Trainings completed"),
        N_("Trainings of any kind (courses, certifications, coaching) completed in the period"),
        COUNT, UP, lambda ctx: pick(_trainings(ctx), "trainings", 0), "trainings", additive=True),
    Kpi("certifications_completed", N_("Certifications completed"),
        N_("Certifications completed in the period (also counted in trainings completed)"),
        COUNT, UP, lambda ctx: pick(_trainings(ctx), "certifications", 0), "trainings", additive=True),
    Kpi("training_score", N_("Training score"), N_("Mean score (0–100) of trainings completed in the period"),
        NUMBER, UP, lambda ctx: pick(_trainings(ctx), "training_score"), "trainings"),
):
    KPIS.add(kpi)
