"""Calendar helpers for KPIs defined over whole periods (quotas, pay, projections).

Quotas and salaries are monthly, so a period that cuts a month takes the share
of its days. KPIs defined over the whole period (a share of reps, a ratio
with a per-period threshold) are broken down by time by evaluating each bucket
as a period of its own (whole_period).
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import date, timedelta

from app.kpi.query import TIME_DIMENSIONS, QueryError

WEEKDAY = "weekday"


def month_end(d: date) -> date:
    return d.replace(day=monthrange(d.year, d.month)[1])


def month_shares(start: date, end: date) -> list[tuple[date, date, float]]:
    """(first day, last day, share of its days inside [start, end]) for each month overlapping it."""
    shares = []
    first = start.replace(day=1)
    while first <= end:
        last = month_end(first)
        days = (min(end, last) - max(start, first)).days + 1
        shares.append((first, last, days / last.day))
        first = last + timedelta(days=1)
    return shares


def months_in(start: date, end: date) -> float:
    """Length of [start, end] in months, partial months pro-rated by days."""
    return sum(share for _, _, share in month_shares(start, end))


def months_by_bucket(start: date, end: date, by: str) -> dict:
    """{bucket label: months of [start, end] in it}, each day worth 1/days of its month, so
    the buckets add up to months_in(start, end). Labels as app.kpi.sqltime.Bucket spells them."""
    out: dict = {}
    d = start
    while d <= end:
        label = d.isoweekday() if by == WEEKDAY else _bucket(d, by)[2]
        out[label] = out.get(label, 0.0) + 1 / month_end(d).day
        d += timedelta(days=1)
    return out


def _bucket(d: date, by: str) -> tuple[date, date, str]:
    """The bucket holding `d`: (first day, last day, label as app.kpi.sqltime.Bucket spells it)."""
    if by == "day":
        return d, d, d.isoformat()
    if by == "week":
        monday = d - timedelta(days=d.weekday())
        return monday, monday + timedelta(days=6), monday.isoformat()
    if by == "month":
        return d.replace(day=1), month_end(d), f"{d:%Y-%m}"
    if by == "quarter":
        q = (d.month - 1) // 3
        first = date(d.year, 3 * q + 1, 1)
        return first, month_end(date(d.year, 3 * q + 3, 1)), f"{d.year}-Q{q + 1}"
    return date(d.year, 1, 1), date(d.year, 12, 31), str(d.year)


def time_segments(start: date, end: date, by: str) -> list[tuple[str, date, date]]:
    """[start, end] cut at `by` boundaries: (bucket label, segment start, segment end)."""
    segments, d = [], start
    while d <= end:
        _, last, label = _bucket(d, by)
        segments.append((label, d, min(last, end)))
        d = last + timedelta(days=1)
    return segments


def whole_period(kpi_id: str, compute):
    """Wrap compute(ctx) so a time breakdown evaluates each bucket as its own period.

    Non-time breakdowns and no breakdown pass straight through; weekdays are not
    periods, so such a breakdown is refused with a message naming the KPI.
    """
    def wrapped(ctx):
        by = ctx.query.by
        if by not in TIME_DIMENSIONS:
            return compute(ctx)
        if by == WEEKDAY:
            raise QueryError(f"{kpi_id} is defined over whole periods and cannot be broken down by weekday")
        out = {}
        for label, start, end in time_segments(ctx.query.start, ctx.query.end, by):
            sub = ctx.derived(kpi_id, replace(ctx.query, start=start, end=end, by=None, compare=None))
            out[label] = compute(sub).get(None)
        return out
    return wrapped
