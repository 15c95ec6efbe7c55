"""Targets and pay: quota, attainment, reps at quota, commission, estimated pay.

Quotas are monthly per rep; a period that cuts a month takes the share of its
days. Commission and attainment thresholds are per rep, so they are worked out
rep by rep (a handful of rows, not facts) and then summed per breakdown group.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa

from app.i18n import N_
from app.kpi.definitions.target_periods import month_shares, months_by_bucket, months_in, whole_period
from app.kpi.query import FILTER_KEYS, TIME_DIMENSIONS
from app.kpi.registry import KPIS, MONEY, NEUTRAL, PERCENT, UP, Kpi, combine, ratio_of
from app.kpi.subjects import subject_dimensions

# Quotas belong to reps, so there is a quota per rep, team and the reps' home territory,
# region and country, but none per product, category, channel or segment: under those
# filters revenue shrinks and the quota does not, and attainment would mislead.
QUOTA_FILTERS = frozenset(subject_dimensions("quotas")) & frozenset(FILTER_KEYS)
QUOTA_KPIS = ("quota", "quota_attainment", "reps_at_quota_pct", "pipeline_coverage")
QUOTA_NOT_COMPARABLE = N_("Quotas are set per rep, team and territory, not per product, channel or "
                          "segment, so they are not compared with revenue filtered that way.")


def comparable_with_quota(filter_keys) -> bool:
    """Whether revenue under these filter keys can be set against a quota."""
    return set(filter_keys) <= QUOTA_FILTERS


def _quota(ctx):
    """Σ quota × share of the month's days inside the period, per breakdown group.
    Time buckets are periods of their own (whole_period), so a week gets its days' share."""
    def run():
        q = ctx.query
        shares = month_shares(q.start, q.end)
        view = ctx.view("quotas", "month", "quota")
        month = view.t.c.month
        partial = [(month.between(first, last), share) for first, last, share in shares if share < 1]
        share = sa.case(*partial, else_=1.0) if partial else 1.0
        select = view.select(sa.func.sum(view.t.c.amount * share),
                             where=[month.between(shares[0][0], shares[-1][1])])
        return {g: float(row[0] or 0) for g, row in ctx.rows(select).items() if row}
    return ctx.memo(("quota", "quota"), run)


@dataclass(frozen=True)
class RepFigures:
    """One rep in scope for the period: breakdown group, own revenue and (pro-rated) quota."""
    rep_id: str
    group: object
    active: bool
    base_salary: float
    commission_rate: float
    revenue: float
    quota: float


def _reps(ctx, kpi_id: str) -> list[RepFigures]:
    """The reps in scope and filters, each with its group under the query's breakdown."""
    def run():
        per_rep = ctx.derived(kpi_id, replace(ctx.query, by="rep", compare=None))
        revenue, quota = per_rep.value("revenue"), per_rep.value("quota")
        view = ctx.view("reps", None, kpi_id)
        r = view.t.c
        group = view.group if view.group is not None else sa.null()
        select = sa.select(group, r.rep_id, r.active, r.base_salary, r.commission_rate) \
            .select_from(view.frm).where(*view.where)
        return [RepFigures(rep_id, g, active is not False, salary or 0.0, rate or 0.0,
                           revenue.get(rep_id) or 0.0, quota.get(rep_id) or 0.0)
                for g, rep_id, active, salary, rate in ctx.conn.execute(select)]
    return ctx.memo(("quota", "reps"), run)


def _per_group(ctx, reps: list[RepFigures], value) -> dict:
    """Σ value(rep) per breakdown group ({None: total} without a breakdown)."""
    out = {None: 0.0} if ctx.query.by is None else {}
    for rep in reps:
        out[rep.group] = out.get(rep.group, 0.0) + value(rep)
    return out


def _at_quota(ctx):
    reps = [r for r in _reps(ctx, "reps_at_quota_pct") if r.active]
    # Zero-quota reps have no attainment to meet, so they are left out of the share.
    with_quota = _per_group(ctx, reps, lambda r: 1.0 if r.quota > 0 else 0.0)
    at_quota = _per_group(ctx, reps, lambda r: 1.0 if r.quota > 0 and r.revenue >= r.quota else 0.0)
    return ratio_of(at_quota, with_quota)


def commission_of(rep: RepFigures, multiplier: float) -> float:
    """Revenue × rate, with revenue above the rep's quota paid at rate × multiplier.
    A rep without a quota has no threshold to pass, so earns the plain rate."""
    above = max(rep.revenue - rep.quota, 0.0) if rep.quota > 0 else 0.0
    return rep.commission_rate * (rep.revenue - above + multiplier * above)


def _pay(kpi_id: str, salary: bool):
    """compute(ctx) of Σ over reps of commission (+ base salary × months for active reps;
    inactive ones, whose leaving date is unknown, draw none) per breakdown group."""
    def compute(ctx):
        multiplier = float(ctx.settings["commission_multiplier"])
        if ctx.query.by in TIME_DIMENSIONS:
            return _pay_over_time(ctx, kpi_id, multiplier, salary)
        months = months_in(ctx.query.start, ctx.query.end) if salary else 0.0
        return _per_group(ctx, _reps(ctx, kpi_id), lambda r: commission_of(r, multiplier) + (
            r.base_salary * months if r.active else 0.0))
    return compute


def _pay_over_time(ctx, kpi_id: str, multiplier: float, salary: bool) -> dict:
    """Pay per time bucket, adding up to the period's: salary by the bucket's share of the
    months; each rep's commission for the whole period (quota is met over the period, not per
    bucket) by the share of that rep's revenue closed in the bucket."""
    q = ctx.query
    reps = _reps(ctx.derived(kpi_id, replace(q, by=None, compare=None)), kpi_id)
    base = sum(r.base_salary for r in reps if r.active) if salary else 0.0
    out = {label: base * months for label, months in months_by_bucket(q.start, q.end, q.by).items()}
    for rep in reps:
        commission = commission_of(rep, multiplier)
        if not commission:          # no revenue or no rate: nothing to spread
            continue
        # The rep passed the query's filters, so filtering to the rep only narrows.
        filters = tuple(sorted({**dict(q.filters), "rep": (rep.rep_id,)}.items()))
        mine = ctx.derived(kpi_id, replace(q, filters=filters, compare=None)).value("revenue")
        for label, revenue in mine.items():
            out[label] = out.get(label, 0.0) + commission * (revenue or 0) / rep.revenue
    return out


for kpi in (
    Kpi("quota", N_("Quota"),
        N_("Sum of the monthly quotas of reps in scope for the months the period overlaps, "
           "pro-rated by days when the period covers part of a month"),
        MONEY, NEUTRAL, whole_period("quota", _quota), "quotas", additive=True),
    Kpi("quota_attainment", N_("Quota attainment"), N_("Revenue / quota"), PERCENT, UP,
        # A group with quota but no revenue attained 0 %, not an undefined share.
        lambda ctx: ratio_of(combine(lambda r, q: r or 0, ctx.value("revenue"), ctx.value("quota")),
                             ctx.value("quota")), "quotas"),
    Kpi("reps_at_quota_pct", N_("Reps at quota"),
        N_("Share of active reps in scope whose own revenue reached their own quota in the period; "
           "reps with no quota for the period are left out"),
        PERCENT, UP, whole_period("reps_at_quota_pct", _at_quota), "reps"),
    Kpi("commission", N_("Commission"),
        N_("Σ over reps of revenue × commission rate; revenue above the rep's quota earns the rate "
           "× the commission multiplier setting"),
        MONEY, NEUTRAL, _pay("commission", salary=False), "reps", additive=True),
    Kpi("estimated_pay", N_("Estimated pay"),
        N_("Σ over reps of monthly base salary × months in the period (pro-rated by days; active "
           "reps) + commission"),
        MONEY, NEUTRAL, _pay("estimated_pay", salary=True), "reps", additive=True),
):
    KPIS.add(kpi)
