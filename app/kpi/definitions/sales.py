"""Sales outcome: revenue, deals, win rate, cycle, new vs repeat, margin, channels."""
from __future__ import annotations

import sqlalchemy as sa

from app.data import schema as s
from app.i18n import N_
from app.kpi.measures import Sums, count_if, median, pick, sum_if
from app.kpi.registry import (COUNT, DAYS, KPIS, MONEY, NEUTRAL, PERCENT, TABLE, UP, DOWN, Kpi,
                              combine, ratio_of)
from app.kpi.rollups import rolled_up, sums

_WON = "won"


def _closed(view):
    return [view.t.c.status.in_(["won", "lost"])]


def _won(view):
    return view.t.c.status == _WON


def _count_deals(view, condition):
    if view.line_grain:   # a deal with several matching lines still counts once
        return sa.func.count(sa.distinct(sa.case((condition, view.t.c.opportunity_id), else_=None)))
    return count_if(condition)


def _cycle_days(view):
    from app.kpi.sqltime import DaysBetween
    return DaysBetween(view.t.c.closed_at, view.t.c.created_at)


# Won and lost deals closed in the period: one query for several KPIs. The cycle is kept as
# a sum and a count of the rows it averages (not an AVG), so months and days add up.
CLOSED = rolled_up(Sums("closed", "deals", "closed_at", {
    "revenue": lambda v: sum_if(_won(v), v.revenue),
    "won": lambda v: _count_deals(v, _won(v)),
    "lost": lambda v: _count_deals(v, v.t.c.status == "lost"),
    "cycle_sum": lambda v: sum_if(_won(v), _cycle_days(v)),
    "cycle_n": lambda v: count_if(_won(v)),
}, where=_closed))


def _is_first_won(view):
    """No earlier won deal of the same account (ties broken by id, so exactly one is first).
    A correlated NOT EXISTS on the account index: a per-account minimum over all deals
    joined back is quadratic on SQLite at a million deals. Its own query, so questions
    about revenue alone do not pay for it."""
    earlier = s.opportunities.alias("earlier_won")
    t = view.t.c
    return [t.status == _WON, ~sa.exists(sa.select(sa.literal(1)).select_from(earlier).where(
        earlier.c.account_id == t.account_id, earlier.c.status == _WON,
        sa.or_(earlier.c.closed_at < t.closed_at,
               sa.and_(earlier.c.closed_at == t.closed_at,
                       earlier.c.opportunity_id < t.opportunity_id))))]


# Revenue of won deals that are their account's first won deal ever.
FIRST_WON = rolled_up(Sums("first_won", "deals", "closed_at", {"revenue": lambda v: sa.func.sum(v.revenue)},
                           where=_is_first_won, kpi_id="new_customer_revenue"))


def _with_lines(view) -> None:
    """Margin is measured on lines: at product grain the view's matching lines, else every
    line of the deal (deals without lines have no cost, so they are left out)."""
    if not view.line_grain:
        view.line = view.join("mline", s.opportunity_lines,
                              lambda ln: ln.c.opportunity_id == view.t.c.opportunity_id)
        view.product = view.join("mprod", s.products, lambda p: p.c.product_id == view.line.c.product_id)


def _line_revenue(view):
    ln = view.line.c
    return ln.quantity * ln.unit_price * (1 - sa.func.coalesce(ln.discount, 0))


def _line_cost(view):
    ln = view.line.c
    return ln.quantity * sa.func.coalesce(ln.unit_cost, view.product.c.unit_cost, 0)


# Σ line margin and Σ line revenue over the lines of won deals closed in the period.
MARGIN = rolled_up(Sums("margin", "deals", "closed_at", {
    "margin": lambda v: sa.func.sum(_line_revenue(v) - _line_cost(v)),
    "revenue": lambda v: sa.func.sum(_line_revenue(v)),
}, where=lambda v: [_won(v), v.line.c.opportunity_id.is_not(None)], prepare=_with_lines,
    kpi_id="gross_margin_pct"))


def _revenue(ctx):
    return pick(sums(ctx, CLOSED), "revenue", 0)


def _growth(comparison):
    def compute(ctx):
        earlier = ctx.derived("revenue", ctx.query.shifted(comparison)).value("revenue")
        return combine(lambda now, before: None if not before else ((now or 0) - before) / before,
                       ctx.value("revenue"), earlier)
    return compute


def _sales_cycle(ctx):
    closed = sums(ctx, CLOSED)
    return ratio_of(pick(closed, "cycle_sum"), pick(closed, "cycle_n"))


def _sales_cycle_median(ctx):
    return median(ctx, "deals", "closed_at", _cycle_days,
                  where=lambda v: [v.t.c.status == _WON], kpi_id="sales_cycle_median_days")


def _first_won(ctx):
    return pick(sums(ctx, FIRST_WON), "revenue", 0)


def _margin(ctx):
    stats = sums(ctx, MARGIN)
    return ratio_of(pick(stats, "margin"), pick(stats, "revenue"))


def _by_channel(ctx):
    view = ctx.view("deals", "closed_at", "revenue_by_channel")
    channel = sa.func.coalesce(view.t.c.channel, sa.literal_column("'unassigned'"))
    select = sa.select(channel, sa.func.sum(view.revenue), view.count_rows()).select_from(view.frm) \
        .where(*view.where, view.t.c.status == _WON, ctx.between(view.t.c.closed_at)) \
        .group_by(channel).order_by(sa.func.sum(view.revenue).desc())
    return {None: [{"channel": c, "revenue": float(r or 0), "won_deals": n}
                   for c, r, n in ctx.conn.execute(select)]}


for kpi in (
    Kpi("revenue", N_("Revenue"), N_("Sum of won deal amounts closed in the period"),
        MONEY, UP, _revenue, "deals", additive=True),
    Kpi("won_deals", N_("Won deals"), N_("Deals won in the period"), COUNT, UP,
        lambda ctx: pick(sums(ctx, CLOSED), "won", 0), "deals", additive=True),
    Kpi("lost_deals", N_("Lost deals"), N_("Deals lost in the period"), COUNT, DOWN,
        lambda ctx: pick(sums(ctx, CLOSED), "lost", 0), "deals", additive=True),
    Kpi("avg_deal_size", N_("Average deal size"), N_("Revenue / won deals"), MONEY, UP,
        lambda ctx: ratio_of(ctx.value("revenue"), ctx.value("won_deals")), "deals"),
    Kpi("win_rate", N_("Win rate"), N_("Won deals / (won + lost deals) closed in the period"),
        PERCENT, UP, lambda ctx: ratio_of(ctx.value("won_deals"), combine(
            lambda w, l: (w or 0) + (l or 0), ctx.value("won_deals"), ctx.value("lost_deals"))),
        "deals"),
    Kpi("revenue_growth", N_("Revenue growth"), N_("Revenue against the previous period"),
        PERCENT, UP, _growth("prev"), "deals"),
    Kpi("revenue_growth_yoy", N_("Revenue growth (year on year)"),
        N_("Revenue against the same period a year earlier"), PERCENT, UP, _growth("yoy"), "deals"),
    Kpi("sales_cycle_days", N_("Sales cycle"), N_("Mean days from creation to win, deals won in the period"),
        DAYS, DOWN, _sales_cycle, "deals"),
    Kpi("sales_cycle_median_days", N_("Sales cycle (median)"),
        N_("Median days from creation to win, deals won in the period"), DAYS, DOWN,
        _sales_cycle_median, "deals"),
    Kpi("new_customer_revenue", N_("New customer revenue"),
        N_("Revenue of deals that are the account's first won deal"), MONEY, UP, _first_won,
        "deals", additive=True),
    Kpi("repeat_revenue", N_("Repeat revenue"), N_("Revenue from accounts that had bought before"),
        MONEY, UP, lambda ctx: combine(lambda r, n: (r or 0) - (n or 0), ctx.value("revenue"),
                                       ctx.value("new_customer_revenue")), "deals", additive=True),
    Kpi("gross_margin_pct", N_("Gross margin"), N_("Line revenue minus cost, over line revenue, won deals"),
        PERCENT, UP, _margin, "deals"),
    Kpi("revenue_by_channel", N_("Revenue by channel"), N_("Revenue and won deals per sales channel"),
        MONEY, NEUTRAL, _by_channel, "deals", kind=TABLE, columns=("channel", "revenue", "won_deals")),
):
    KPIS.add(kpi)
