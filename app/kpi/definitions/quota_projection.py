"""Projections for the month containing the period's end: pipeline-weighted and run rate.

Both read month-to-date revenue (the month's first day up to P's end) through
one derived context, so the revenue query runs once for the two of them. By
time, revenue falls in the buckets it closed in and expected deals in those of
their expected close dates, so the buckets add up to the month's projection.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa

from app.i18n import N_
from app.kpi.definitions.pipeline import open_measures, win_probability
from app.kpi.definitions.target_periods import month_end
from app.kpi.measures import pick
from app.kpi.registry import KPIS, MONEY, UP, Kpi, combine


def _month_to_date(ctx):
    """Revenue from the first day of P's end month to P's end, per group."""
    def derive():
        start = ctx.query.end.replace(day=1)
        return ctx.derived("revenue", replace(ctx.query, start=start, compare=None))
    return ctx.memo(("projection", "month_to_date"), derive).value("revenue")


def _month_projection(ctx):
    end = ctx.query.end
    rest = (end + timedelta(days=1), month_end(end))

    def closing_later_this_month(view):
        return [view.t.c.expected_close_date.between(*rest)]
    weighted = open_measures(ctx, "month_projection",
                             {"v": lambda v: sa.func.sum(v.revenue * win_probability(v))},
                             extra=closing_later_this_month, time_col="expected_close_date")
    return combine(lambda done, expected: (done or 0) + (expected or 0),
                   _month_to_date(ctx), pick(weighted, "v", 0))


def _run_rate(ctx):
    end = ctx.query.end
    elapsed, days = end.day, month_end(end).day
    return {g: (revenue or 0) / elapsed * days for g, revenue in _month_to_date(ctx).items()}


for kpi in (
    Kpi("month_projection", N_("Month projection"),
        N_("For the month containing the period's end: revenue month-to-date plus Σ amount × win "
           "probability (model score, else the deal's own, else its stage's) of deals open at the "
           "period's end that are expected to close later that month"),
        MONEY, UP, _month_projection, "deals", additive=True),
    Kpi("run_rate_projection", N_("Run-rate projection"),
        N_("For the month containing the period's end: revenue month-to-date / days elapsed × days in the month"),
        MONEY, UP, _run_rate, "deals", additive=True),
):
    KPIS.add(kpi)
