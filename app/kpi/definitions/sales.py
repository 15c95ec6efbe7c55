"""Sales outcome: revenue, deals, win rate, cycle, new vs repeat, margin, channels."""
from __future__ import annotations

import sqlalchemy as sa

from app.data import schema as s
from app.i18n import N_
from app.kpi.measures import aggregate, count_if, median, pick, sum_if
from app.kpi.registry import (COUNT, DAYS, KPIS, MONEY, NEUTRAL, PERCENT, TABLE, UP, DOWN, Kpi,
                              combine, ratio_of)

_WON = "won"


def _closed(view):
    return [view.t.c.status.in_(["won", "lost"])]


def _closed_stats(ctx) -> dict:
    """Won/lost deals closed in the period: one query shared by several KPIs."""
    won = lambda v: v.t.c.status == _WON  # noqa: E731
    return aggregate(ctx, "deals", "closed_at", {
        "revenue": lambda v: sum_if(won(v), v.revenue),
        "won": lambda v: _count_deals(v, won(v)),
        "lost": lambda v: _count_deals(v, v.t.c.status == "lost"),
        "cycle_days": lambda v: sa.func.avg(sa.case(
            (won(v), _cycle_days(v)), else_=None)),
    }, where=_closed)


def _count_deals(view, condition):
    if view.line_grain:   # a deal with several matching lines still counts once
        return sa.func.count(sa.distinct(sa.case((condition, view.t.c.opportunity_id), else_=None)))
    return count_if(condition)


def _cycle_days(view):
    from app.kpi.sqltime import DaysBetween
    return DaysBetween(view.t.c.closed_at, view.t.c.created_at)


def _revenue(ctx):
    return pick(_closed_stats(ctx), "revenue", 0)


def _growth(comparison):
    def compute(ctx):
        earlier = ctx.derived("revenue", ctx.query.shifted(comparison)).value("revenue")
        return combine(lambda now, before: None if not before else ((now or 0) - before) / before,
                       ctx.value("revenue"), earlier)
    return compute


def _sales_cycle_median(ctx):
    return median(ctx, "deals", "closed_at", _cycle_days,
                  where=lambda v: [v.t.c.status == _WON], kpi_id="sales_cycle_median_days")


def _first_won(ctx):
    """Revenue of won deals that are their account's first won deal ever."""
    return pick(aggregate(ctx, "deals", "closed_at", {"v": lambda v: sa.func.sum(v.revenue)},
                          where=_is_first_won), "v", 0)


def _is_first_won(view):
    """No earlier won deal of the same account (ties broken by id, so exactly one is first).
    A correlated NOT EXISTS on the account index: a per-account minimum over all deals
    joined back is quadratic on SQLite at a million deals."""
    earlier = s.opportunities.alias("earlier_won")
    t = view.t.c
    return [t.status == _WON, ~sa.exists(sa.select(sa.literal(1)).select_from(earlier).where(
        earlier.c.account_id == t.account_id, earlier.c.status == _WON,
        sa.or_(earlier.c.closed_at < t.closed_at,
               sa.and_(earlier.c.closed_at == t.closed_at,
                       earlier.c.opportunity_id < t.opportunity_id))))]


def _margin(ctx):
    """Σ line margin / Σ line revenue over lines of won deals closed in the period."""
    def where(view):
        return [view.t.c.status == _WON]

    def stats():
        view = ctx.view("deals", "closed_at", "gross_margin_pct")
        ln = s.opportunity_lines.alias("mline")
        pr = s.products.alias("mprod")
        revenue = ln.c.quantity * ln.c.unit_price * (1 - sa.func.coalesce(ln.c.discount, 0))
        cost = ln.c.quantity * sa.func.coalesce(ln.c.unit_cost, pr.c.unit_cost, 0)
        frm = view.frm.join(ln, ln.c.opportunity_id == view.t.c.opportunity_id) \
            .join(pr, pr.c.product_id == ln.c.product_id)
        if view.line_grain:   # already at line grain: measure those lines, not a second join
            ln, pr, frm = view.line, view.product, view.frm
            revenue = ln.c.quantity * ln.c.unit_price * (1 - sa.func.coalesce(ln.c.discount, 0))
            cost = ln.c.quantity * sa.func.coalesce(ln.c.unit_cost, pr.c.unit_cost, 0)
        view.frm = frm
        select = view.select(sa.func.sum(revenue - cost), sa.func.sum(revenue),
                             where=[*where(view), ctx.between(view.t.c.closed_at), ln.c.opportunity_id.is_not(None)])
        return ctx.rows(select)
    rows = ctx.memo("margin", stats)
    return {g: (None if not r or not r[1] else r[0] / r[1]) for g, r in rows.items()}


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
        lambda ctx: pick(_closed_stats(ctx), "won", 0), "deals", additive=True),
    Kpi("lost_deals", N_("Lost deals"), N_("Deals lost in the period"), COUNT, DOWN,
        lambda ctx: pick(_closed_stats(ctx), "lost", 0), "deals", additive=True),
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
        DAYS, DOWN, lambda ctx: pick(_closed_stats(ctx), "cycle_days"), "deals"),
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
