"""Activity and telephony: calls and their outcomes, emails, meetings, tasks, selling time,
and activity set against leads and won deals."""
from __future__ import annotations

import sqlalchemy as sa

from app.data import schema as s
from app.i18n import N_
from app.kpi.definitions.leads import SLACK_SECONDS, with_query
from app.kpi.measures import aggregate, count_if, pick, sum_if
from app.kpi.registry import (COUNT, DOWN, HOURS, KPIS, MINUTES, NEUTRAL, NUMBER, PERCENT, TABLE,
                              UP, Kpi, ratio_of)
from app.kpi.sqltime import Bucket, DaysBetween

_CALL = "call"
_SLACK_DAYS = SLACK_SECONDS / 86400
_SELLING_TYPES = ("call", "meeting", "demo")
_FOLLOW_UP_TYPES = ("call", "email", "message", "meeting")


def _share(num: dict, den: dict) -> dict:
    """num/den for every group of the denominator; a group absent from the numerator has none
    of it (0), which ratio_of alone would turn into None."""
    return ratio_of({g: num.get(g) or 0 for g in den}, den)


def _missed(view):
    c = view.t.c
    return sa.and_(c.type == _CALL, c.direction == "inbound", c.outcome.in_(("missed", "no_answer")))


def _stats(ctx) -> dict:
    """Activities in the period: counts by type and outcome, durations (one query)."""
    threshold = ctx.settings["call_threshold_seconds"]
    is_type = lambda v, kind: v.t.c.type == kind  # noqa: E731
    ok = lambda v: sa.and_(is_type(v, _CALL), v.t.c.outcome == "answered",  # noqa: E731
                           v.t.c.duration_seconds >= threshold)
    return aggregate(ctx, "activities", "occurred_at", {
        "calls": lambda v: count_if(is_type(v, _CALL)),
        "successful_calls": lambda v: count_if(ok(v)),
        "successful_seconds": lambda v: sum_if(ok(v), v.t.c.duration_seconds),
        "missed_calls": lambda v: count_if(_missed(v)),
        "emails_sent": lambda v: count_if(sa.and_(is_type(v, "email"), v.t.c.direction == "outbound")),
        "meetings": lambda v: count_if(is_type(v, "meeting")),
        "demos": lambda v: count_if(is_type(v, "demo")),
        "proposals": lambda v: count_if(is_type(v, "proposal")),
        "selling_seconds": lambda v: sum_if(v.t.c.type.in_(_SELLING_TYPES), v.t.c.duration_seconds),
    })


def _returned(view):
    """Missed inbound calls followed within 24 h by an outbound call to the same lead or account.

    The call back may be any rep's, also one outside the viewer's scope: the missed call is in
    scope, and the EXISTS only narrows which of those count."""
    missed, back = view.t.c, s.activities.alias("call_back").c
    return [_missed(view), sa.exists(sa.select(sa.literal(1)).where(
        back.type == _CALL, back.direction == "outbound",
        sa.or_(back.lead_id == missed.lead_id, back.account_id == missed.account_id),
        back.occurred_at > missed.occurred_at,
        DaysBetween(back.occurred_at, missed.occurred_at) <= 1 + _SLACK_DAYS))]


def _returned_pct(ctx):
    returned = aggregate(ctx, "activities", "occurred_at", {"returned": lambda v: sa.func.count()},
                         where=_returned, kpi_id="missed_calls_returned_pct")
    return _share(pick(returned, "returned", 0), ctx.value("missed_calls"))


def _overdue_tasks(ctx):
    """Tasks open and past due at the end of the period. A cancelled task without a completion
    time is closed at an unknown moment, so it never counts as overdue."""
    view = ctx.view("activities", "occurred_at", "overdue_tasks")
    c, end = view.t.c, ctx.hi
    select = view.select(sa.func.count(), where=[
        c.type == "task", c.occurred_at < end, c.due_at < end,
        sa.or_(c.completed_at >= end,
               sa.and_(c.completed_at.is_(None), sa.func.coalesce(c.outcome, "") != "cancelled"))])
    return {g: row[0] for g, row in ctx.rows(select).items()}


def _won_deal_touches(ctx, calls_only: bool) -> dict:
    """Activities (any rep's, any time) linked to the won deals closed in the period, per group."""
    def run():
        view = ctx.view("deals", "closed_at", "touches_per_won_deal")
        act = s.activities.alias("deal_act")
        view.frm = view.frm.join(act, act.c.opportunity_id == view.t.c.opportunity_id)
        calls = sa.case((act.c.type == _CALL, act.c.activity_id), else_=None)
        # DISTINCT: at product grain a deal appears once per matching line.
        select = view.select(sa.func.count(sa.distinct(act.c.activity_id)),
                             sa.func.count(sa.distinct(calls)),
                             where=[view.t.c.status == "won", ctx.between(view.t.c.closed_at)])
        return ctx.rows(select)
    rows = ctx.memo("won_deal_touches", run)
    return _share({g: r[1 if calls_only else 0] for g, r in rows.items() if r}, ctx.value("won_deals"))


def _follow_ups(ctx):
    """Outbound touches on leads created in the period within 14 days of creation, per lead.
    Meetings carry no direction, so "outbound" means "not inbound"."""
    view = ctx.view("leads", "created_at", "follow_ups_per_lead")
    act = s.activities.alias("lead_act")
    a, lead = act.c, view.t.c
    view.frm = view.frm.join(act, sa.and_(
        a.lead_id == lead.lead_id, a.type.in_(_FOLLOW_UP_TYPES),
        sa.func.coalesce(a.direction, "outbound") == "outbound", a.occurred_at >= lead.created_at,
        DaysBetween(a.occurred_at, lead.created_at) <= 14 + _SLACK_DAYS))
    rows = ctx.rows(view.select(sa.func.count(a.activity_id), where=[ctx.between(lead.created_at)]))
    return _share({g: r[0] for g, r in rows.items() if r}, ctx.value("leads_created"))


def _by_weekday(ctx):
    """Rows {rep, weekday (ISO 1..7, local), activities, revenue} for every rep with activities
    or revenue in the period, all seven weekdays each. Revenue is the revenue KPI evaluated per
    rep by weekday, not restated."""
    flat = with_query(ctx, "activity_by_weekday")
    view = flat.view("activities", "occurred_at", "activity_by_weekday")
    rep, weekday = view.t.c.rep_id, Bucket("weekday", flat.local_date(view.t.c.occurred_at))
    select = sa.select(rep, weekday, sa.func.count()).select_from(view.frm) \
        .where(*view.where, flat.between(view.t.c.occurred_at)).group_by(rep, weekday)
    activities = {(r, int(w)): n for r, w, n in flat.conn.execute(select)}
    revenue = {}
    for rep_id, total in with_query(flat, "activity_by_weekday", by="rep").value("revenue").items():
        if total:
            per_day = with_query(flat, "activity_by_weekday", by="weekday", rep=rep_id).value("revenue")
            revenue.update({(rep_id, int(w)): float(v or 0) for w, v in per_day.items()})
    reps = sorted({r for r, _ in activities} | {r for r, _ in revenue})
    return {None: [{"rep": r, "weekday": w, "activities": int(activities.get((r, w), 0)),
                    "revenue": revenue.get((r, w), 0.0)} for r in reps for w in range(1, 8)]}


def _count(name):
    return lambda ctx: pick(_stats(ctx), name, 0)


for kpi in (
    Kpi("calls", N_("Calls"), N_("Calls made or received in the period"), COUNT, UP,
        _count("calls"), "activities", additive=True),
    Kpi("successful_calls", N_("Successful calls"),
        N_("Calls answered and lasting at least the successful-call threshold"), COUNT, UP,
        _count("successful_calls"), "activities", additive=True),
    Kpi("successful_call_minutes", N_("Successful call minutes"),
        N_("Total minutes of successful calls"), MINUTES, UP,
        lambda ctx: {g: v / 60 for g, v in pick(_stats(ctx), "successful_seconds", 0).items()},
        "activities", additive=True),
    Kpi("missed_calls", N_("Missed calls"), N_("Inbound calls missed or not answered"), COUNT, DOWN,
        _count("missed_calls"), "activities", additive=True),
    Kpi("missed_calls_returned_pct", N_("Missed calls returned"),
        N_("Share of missed inbound calls followed by an outbound call from any rep to the same "
           "lead or account within 24 hours"), PERCENT, UP, _returned_pct, "activities"),
    Kpi("emails_sent", N_("Emails sent"), N_("Outbound emails in the period"), COUNT, UP,
        _count("emails_sent"), "activities", additive=True),
    Kpi("meetings", N_("Meetings"), N_("Meetings in the period"), COUNT, UP,
        _count("meetings"), "activities", additive=True),
    Kpi("demos", N_("Demos"), N_("Demos in the period"), COUNT, UP, _count("demos"), "activities",
        additive=True),
    Kpi("proposals", N_("Proposals"), N_("Proposals sent in the period"), COUNT, UP,
        _count("proposals"), "activities", additive=True),
    Kpi("touches_per_won_deal", N_("Touches per won deal"),
        N_("Mean number of activities over the whole life of the deals won in the period"), NUMBER,
        NEUTRAL, lambda ctx: _won_deal_touches(ctx, calls_only=False), "deals"),
    Kpi("calls_per_won_deal", N_("Calls per won deal"),
        N_("Mean number of calls over the whole life of the deals won in the period"), NUMBER,
        NEUTRAL, lambda ctx: _won_deal_touches(ctx, calls_only=True), "deals"),
    Kpi("overdue_tasks", N_("Overdue tasks"),
        N_("Tasks created and due before the end of the period and not completed by then"), COUNT,
        DOWN, _overdue_tasks, "activities", additive=True),
    Kpi("qualified_per_successful_call", N_("Qualified leads per successful call"),
        N_("Qualified leads / successful calls"), NUMBER, UP,
        lambda ctx: _share(ctx.value("qualified_leads"), ctx.value("successful_calls")), "activities"),
    Kpi("activity_by_weekday", N_("Activity by weekday"),
        N_("Activities and revenue per rep per weekday"), COUNT, NEUTRAL, _by_weekday, "activities",
        kind=TABLE, columns=("rep", "weekday", "activities", "revenue")),
    Kpi("follow_ups_per_lead", N_("Follow-ups per lead"),
        N_("Mean outbound calls, emails, messages and meetings on leads created in the period "
           "within 14 days of creation"), NUMBER, UP, _follow_ups, "leads"),
    Kpi("selling_time_hours", N_("Selling time"),
        N_("Hours spent in calls, meetings and demos in the period"), HOURS, UP,
        lambda ctx: {g: v / 3600 for g, v in pick(_stats(ctx), "selling_seconds", 0).items()},
        "activities", additive=True),
):
    KPIS.add(kpi)
