"""Customers: the customer base (active, new, churned), churn, win-back, support tickets.

An account is a customer from its first won deal; customers belong to the
account owner (subjects.py). Stocks and rates whose population depends on the
period (active customers, churn, win-back) break down over time by evaluating
each bucket as its own period (target_periods.whole_period).
"""
from __future__ import annotations

import sqlalchemy as sa

from app.data import schema as s
from app.i18n import N_
from app.kpi.definitions.target_periods import whole_period
from app.kpi.measures import aggregate, count_if, median, pick
from app.kpi.query import TIME_DIMENSIONS
from app.kpi.registry import COUNT, DOWN, HOURS, KPIS, MONEY, NUMBER, PERCENT, UP, Kpi, combine, ratio_of
from app.kpi.sqltime import Bucket, DaysBetween

_WON = "won"
CHURN_LOOKBACK_DAYS = 365     # "the 12 months before they churned"


def _won_deal_in(account_col, since, before):
    """EXISTS a won deal of the account closed in [since, before).

    Unscoped on purpose: it only decides which accounts (in scope) count."""
    o = s.opportunities.alias()
    return sa.exists(sa.select(sa.literal(1)).select_from(o).where(
        o.c.account_id == account_col, o.c.status == _WON, o.c.closed_at >= since, o.c.closed_at < before))


def first_won():
    """Subquery (account_id, first_won): when each account's first won deal closed."""
    o = s.opportunities
    return sa.select(o.c.account_id, sa.func.min(o.c.closed_at).label("first_won")) \
        .where(o.c.status == _WON).group_by(o.c.account_id).subquery("first_won")


def retimed(ctx, view, col):
    """Make a time breakdown of `view` bucket by `col`, a joined table's timestamp, for KPIs
    whose event time is not a column of their subject (first purchase, churn)."""
    if ctx.query.by in TIME_DIMENSIONS:
        view.group = Bucket(ctx.query.by, ctx.local_date(col))
    return view


def _base(ctx) -> dict:
    """The customer base at both ends of P, churn and win-back: one query.

    "Customer as of instant t" = first won deal before t and not churned before t;
    joining each account's first won deal once is far faster than an EXISTS per
    account and instant."""
    def run():
        lo, hi = ctx.lo, ctx.hi
        view = ctx.view("customers", None, "active_customers")
        first = first_won()
        view.frm = view.frm.outerjoin(first, first.c.account_id == view.t.c.account_id)
        churned, won = view.t.c.churned_at, first.c.first_won

        def active(at):
            return sa.and_(won < at, sa.or_(churned.is_(None), churned >= at))
        columns = {
            "active_end": count_if(active(hi)),
            "active_start": count_if(active(lo)),
            # Active at the start already excludes churn before it.
            "churned_of_start": count_if(sa.and_(active(lo), churned < hi)),
            "churned_before": count_if(churned < lo),
            "won_back": count_if(sa.and_(churned < lo, _won_deal_in(view.t.c.account_id, lo, hi))),
        }
        rows = ctx.rows(view.select(*[c.label(k) for k, c in columns.items()]))
        return {g: dict(zip(columns, r)) for g, r in rows.items() if r}
    return ctx.memo("customer_base", run)


def _new_customers(ctx):
    view = ctx.view("customers", "created_at", "new_customers")
    first = first_won()
    view.frm = view.frm.join(first, first.c.account_id == view.t.c.account_id)
    retimed(ctx, view, first.c.first_won)
    rows = ctx.rows(view.select(sa.func.count(), where=[ctx.between(first.c.first_won)]))
    return {g: r[0] for g, r in rows.items() if r}


def _churned_revenue(ctx):
    """Won deal revenue of accounts churned in P, deals closed in the lookback before the churn.

    Built on the deals view (scoped to deal owners, line revenue under a product
    filter, like `revenue`); time breakdowns bucket by the churn date."""
    view = ctx.view("deals", "closed_at", "churned_revenue")
    acct = s.accounts.alias("churned_acct")
    view.frm = view.frm.join(acct, sa.and_(acct.c.account_id == view.t.c.account_id,
                                           ctx.between(acct.c.churned_at)))
    retimed(ctx, view, acct.c.churned_at)
    deal = view.t.c
    rows = ctx.rows(view.select(sa.func.sum(view.revenue), where=[
        deal.status == _WON, deal.closed_at < acct.c.churned_at,
        DaysBetween(acct.c.churned_at, deal.closed_at) <= CHURN_LOOKBACK_DAYS]))
    return {g: (r[0] or 0) for g, r in rows.items() if r}


def _won_after_churn(view):
    """Won deals of accounts that had churned before the deal closed."""
    a = s.accounts.alias()
    return [view.t.c.status == _WON, sa.exists(sa.select(sa.literal(1)).select_from(a).where(
        a.c.account_id == view.t.c.account_id, a.c.churned_at < view.t.c.closed_at))]


def _ticket_stats(ctx) -> dict:
    return aggregate(ctx, "tickets", "opened_at", {
        "tickets_opened": lambda v: sa.func.count(),
        "tickets_resolved": lambda v: count_if(v.t.c.resolved_at.is_not(None)),
    }, kpi_id="ticket_resolution_rate")


def _csat(ctx):
    return pick(aggregate(ctx, "tickets", "resolved_at", {
        "csat": lambda v: sa.func.avg(sa.cast(v.t.c.csat, sa.Float))}, kpi_id="csat"), "csat")


def _first_response_hours(view):
    return DaysBetween(view.t.c.first_response_at, view.t.c.opened_at) * 24


def _churn_rate(ctx):
    base = _base(ctx)
    return ratio_of(pick(base, "churned_of_start", 0), pick(base, "active_start", 0))


for kpi in (
    Kpi("active_customers", N_("Active customers"),
        N_("Accounts with a won deal by the end of the period and not churned by then"),
        # Not additive: a stock, so by month it is taken at each month's end and does not sum.
        COUNT, UP, whole_period("active_customers", lambda ctx: pick(_base(ctx), "active_end", 0)),
        "customers"),
    Kpi("new_customers", N_("New customers"), N_("Accounts whose first won deal closed in the period"),
        COUNT, UP, _new_customers, "customers", additive=True),
    Kpi("churned_customers", N_("Churned customers"), N_("Accounts that churned in the period"),
        COUNT, DOWN, lambda ctx: pick(aggregate(ctx, "customers", "churned_at", {
            "churned": lambda v: sa.func.count()}, kpi_id="churned_customers"), "churned", 0),
        "customers", additive=True),
    Kpi("churn_rate", N_("Churn rate"),
        N_("Share of the customers active at the start of the period that churned in it"),
        PERCENT, DOWN, whole_period("churn_rate", _churn_rate), "customers"),
    Kpi("retention_rate", N_("Retention rate"), N_("1 − churn rate"), PERCENT, UP,
        lambda ctx: combine(lambda c: None if c is None else 1 - c, ctx.value("churn_rate")),
        "customers"),
    Kpi("churned_revenue", N_("Churned revenue"),
        N_("Revenue of the accounts churned in the period over the 365 days before they churned"),
        MONEY, DOWN, _churned_revenue, "deals", additive=True),
    Kpi("winback_rate", N_("Win-back rate"),
        N_("Of the accounts churned before the period, the share with a won deal in it"),
        PERCENT, UP, whole_period("winback_rate", lambda ctx: ratio_of(
            pick(_base(ctx), "won_back", 0), pick(_base(ctx), "churned_before", 0))), "customers"),
    Kpi("winback_revenue", N_("Win-back revenue"),
        N_("Revenue in the period from accounts that had churned before the deal closed"),
        MONEY, UP, lambda ctx: pick(aggregate(ctx, "deals", "closed_at", {
            "winback_revenue": lambda v: sa.func.sum(v.revenue)}, where=_won_after_churn,
            kpi_id="winback_revenue"), "winback_revenue", 0), "deals", additive=True),
    Kpi("csat", N_("Customer satisfaction"), N_("Mean CSAT (1–5) of tickets resolved in the period"),
        NUMBER, UP, _csat, "tickets"),
    Kpi("ticket_first_response_hours", N_("Ticket first response"),
        N_("Median hours from a ticket's opening to its first response, tickets opened in the period"),
        HOURS, DOWN, lambda ctx: median(ctx, "tickets", "opened_at", _first_response_hours,
                                        kpi_id="ticket_first_response_hours"), "tickets"),
    Kpi("ticket_resolution_rate", N_("Ticket resolution rate"),
        N_("Share of tickets opened in the period that are resolved"), PERCENT, UP,
        lambda ctx: ratio_of(pick(_ticket_stats(ctx), "tickets_resolved", 0),
                             pick(_ticket_stats(ctx), "tickets_opened", 0)), "tickets"),
):
    KPIS.add(kpi)
