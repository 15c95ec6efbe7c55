"""What customers cost and are worth: marketing spend, CAC, historical CLV, cohort retention."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from app.data import schema as s
from app.i18n import N_
from app.kpi.definitions.customers import first_won
from app.kpi.definitions.target_periods import month_shares, whole_period
from app.kpi.measures import aggregate, pick
from app.kpi.registry import (DOWN, KPIS, MONEY, NEUTRAL, NUMBER, TABLE, UP, Kpi, combine,
                              ratio_of)
from app.kpi.sqltime import Bucket
from app.kpi.subjects import SUBJECTS

COHORT_MONTHS = 12


def _spend(ctx):
    """Spend rows of the months overlapping P, each pro-rated by its days inside P (spend,
    like quota, is monthly). None when nothing is visible: spend has no rep, so a restricted
    scope sees none, and a filter spend cannot honour (rep, segment…) leaves it undefined."""
    q = ctx.query
    if any(key not in SUBJECTS["spend"].dims for key, _ in q.filters):
        return {None: None} if q.by is None else {}

    def amount(view):
        month, value = view.t.c.month, view.t.c.amount
        return sa.func.sum(sa.case(*[(sa.and_(month >= first, month <= last), value * share)
                                     for first, last, share in month_shares(q.start, q.end)],
                                   else_=None))
    def months(view):
        return [view.t.c.month >= q.start.replace(day=1), view.t.c.month <= q.end]
    # One `where` per context: aggregate's memo keys on its identity.
    return pick(aggregate(ctx, "spend", "month", {"spend": amount}, kpi_id="marketing_spend",
                          where=ctx.memo("spend_months", lambda: months), in_period=False), "spend")


def _year_start(end: date) -> date:
    """First day of the 12 months ending on `end` (29 February falls back to the 28th)."""
    try:
        before = end.replace(year=end.year - 1)
    except ValueError:
        before = end.replace(year=end.year - 1, day=28)
    return before + timedelta(days=1)


def _clv(ctx):
    """Historical CLV over the 12 months ending at P's end (window W):
    (revenue(W) × gross_margin_pct(W) / active_customers at P's end) / churn_rate(W).

    Deals and customers share every dimension but `channel` (sales channel versus
    acquisition channel), so by or under a channel CLV is undefined."""
    q = ctx.query
    if q.by == "channel" or q.filter("channel"):
        return {None: None} if q.by is None else {}
    year = ctx.derived("clv", replace(q, start=_year_start(q.end), compare=None))
    margin = combine(lambda r, m: None if r is None or m is None else r * m,
                     year.value("revenue"), year.value("gross_margin_pct"))
    per_customer = ratio_of(margin, ctx.value("active_customers"))
    return ratio_of(per_customer, year.value("churn_rate"))


def _month_index(label: str) -> int:
    year, month = label.split("-")
    return int(year) * 12 + int(month) - 1


def _cohorts(ctx):
    """Accounts by month of first won deal (the 12 calendar months ending with P's end month)
    × months since: how many of them had a won deal in that month, up to P's end."""
    q = ctx.query
    first_month = q.end.replace(day=1)
    for _ in range(COHORT_MONTHS - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    wctx = ctx.derived("cohort_retention", replace(q, start=first_month, by=None, compare=None))
    view = wctx.view("customers", None, "cohort_retention")
    first, deal = first_won(), s.opportunities.alias("cohort_deal")
    # The deals only tell whether an account (in scope) bought in a month: counts are of accounts.
    frm = view.frm.join(first, first.c.account_id == view.t.c.account_id).join(deal, sa.and_(
        deal.c.account_id == view.t.c.account_id, deal.c.status == "won",
        deal.c.closed_at >= first.c.first_won, deal.c.closed_at < wctx.hi))
    cohort = Bucket("month", wctx.local_date(first.c.first_won))
    month = Bucket("month", wctx.local_date(deal.c.closed_at))
    select = sa.select(cohort, month, sa.func.count(sa.distinct(view.t.c.account_id))) \
        .select_from(frm).where(*view.where, wctx.between(first.c.first_won)).group_by(cohort, month)
    active: dict[str, dict[int, int]] = {}
    for c, m, n in wctx.conn.execute(select):
        active.setdefault(c, {})[_month_index(m) - _month_index(c)] = int(n)
    last = _month_index(f"{q.end:%Y-%m}")
    rows = []
    for c in sorted(active):
        accounts = active[c][0]     # every account buys in its cohort month: that is its size
        rows += [{"cohort": c, "month_index": i, "accounts": accounts, "active": active[c].get(i, 0),
                  "share": active[c].get(i, 0) / accounts} for i in range(last - _month_index(c) + 1)]
    return {None: rows}


for kpi in (
    Kpi("marketing_spend", N_("Marketing spend"),
        N_("Marketing spend of the period (monthly figures pro-rated by days)"), MONEY, NEUTRAL,
        _spend, "spend", additive=True),
    Kpi("cac", N_("Customer acquisition cost"), N_("Marketing spend / new customers"), MONEY, DOWN,
        lambda ctx: ratio_of(ctx.value("marketing_spend"), ctx.value("new_customers")), "customers"),
    Kpi("clv", N_("Customer lifetime value"),
        N_("Yearly gross margin per active customer / yearly churn rate, over the 12 months to "
           "the period's end"), MONEY, UP, whole_period("clv", _clv), "customers"),
    Kpi("clv_to_cac", N_("CLV to CAC"), N_("Customer lifetime value / acquisition cost"), NUMBER, UP,
        lambda ctx: ratio_of(ctx.value("clv"), ctx.value("cac")), "customers"),
    Kpi("cohort_retention", N_("Cohort retention"),
        N_("Accounts by month of first purchase × months since: share buying in that month"),
        NUMBER, UP, _cohorts, "customers", kind=TABLE,
        columns=("cohort", "month_index", "accounts", "active", "share")),
):
    KPIS.add(kpi)
