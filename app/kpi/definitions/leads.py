"""Leads: volume, qualification, conversion to deals and customers, speed of first response."""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from app.data import schema as s
from app.i18n import N_
from app.kpi.measures import aggregate, count_if, median, pick
from app.kpi.registry import (COUNT, DAYS, DOWN, KPIS, MINUTES, NEUTRAL, PERCENT, TABLE, UP, Kpi,
                              ratio_of)
from app.kpi.sqltime import DaysBetween

# SQLite's julianday() differences are exact only to about 0.1 ms, so a response at exactly
# the SLA could come out a hair late; durations are compared with this much slack.
SLACK_SECONDS = 0.001
_UNSPECIFIED = sa.literal_column("'unspecified'")   # inlined: it is a GROUP BY expression


def with_query(ctx, kpi_id: str, by: str | None = None, rep: str | None = None):
    """A context for the same period, scope and filters with another breakdown (`by`), and
    optionally narrowed to one rep. Table KPIs use it so they ignore the query's `by`."""
    filters = dict(ctx.query.filters)
    if rep is not None:     # callers pass a rep already within the filters: this only narrows
        filters["rep"] = (rep,)
    query = replace(ctx.query, filters=tuple(sorted(filters.items())), by=by, compare=None)
    return ctx.derived(kpi_id, query)


def _response_seconds(view):
    return DaysBetween(view.t.c.first_response_at, view.t.c.created_at) * 86400


def _response_minutes(view):
    return DaysBetween(view.t.c.first_response_at, view.t.c.created_at) * 1440


def _opportunity_won(view):
    """The lead's opportunity is won (at any time: it is the lead's outcome that counts)."""
    opp = s.opportunities.alias("lead_opp")
    return sa.exists(sa.select(sa.literal(1)).where(
        opp.c.opportunity_id == view.t.c.opportunity_id, opp.c.status == "won"))


def _created_stats(ctx) -> dict:
    """Leads created in the period: count, converted, became customers, missed SLA (one query)."""
    sla_seconds = ctx.settings["response_sla_minutes"] * 60 + SLACK_SECONDS
    return aggregate(ctx, "leads", "created_at", {
        "created": lambda v: sa.func.count(),
        "converted": lambda v: count_if(v.t.c.converted_at.is_not(None)),
        "customers": lambda v: count_if(_opportunity_won(v)),
        "missed_sla": lambda v: count_if(sa.or_(v.t.c.first_response_at.is_(None),
                                                 _response_seconds(v) > sla_seconds)),
    })


def _qualified(ctx):
    return pick(aggregate(ctx, "leads", "qualified_at", {"qualified": lambda v: sa.func.count()},
                          kpi_id="qualified_leads"), "qualified", 0)


def _time_to_convert(ctx):
    days = lambda v: sa.func.avg(DaysBetween(v.t.c.converted_at, v.t.c.created_at))  # noqa: E731
    return pick(aggregate(ctx, "leads", "converted_at", {"convert_days": days},
                          kpi_id="time_to_convert_days"), "convert_days")


def _share_of_created(name):
    def compute(ctx):
        return ratio_of(pick(_created_stats(ctx), name, 0), ctx.value("leads_created"))
    return compute


def _by_source(ctx):
    """Rows {source, leads_created, lead_conversion_rate, lead_to_customer_rate}, the scalar KPIs
    evaluated with a by-source breakdown; most leads first."""
    per_source = with_query(ctx, "leads_by_source", by="source")
    created, converted, customers = (per_source.value(i) for i in (
        "leads_created", "lead_conversion_rate", "lead_to_customer_rate"))
    rows = [{"source": source, "leads_created": int(n), "lead_conversion_rate": converted.get(source),
             "lead_to_customer_rate": customers.get(source)}
            for source, n in created.items() if n]
    return {None: sorted(rows, key=lambda r: (-r["leads_created"], r["source"]))}


def _disqualify_reasons(ctx):
    """Rows {reason, leads}: leads created in the period whose status is disqualified.

    The catalogue says "disqualified in P", but leads carry no disqualification time, so a
    lead counts in the period it was created in."""
    flat = with_query(ctx, "disqualify_reasons")
    view = flat.view("leads", "created_at", "disqualify_reasons")
    reason = sa.func.coalesce(view.t.c.disqualify_reason, _UNSPECIFIED)
    select = sa.select(reason, sa.func.count()).select_from(view.frm) \
        .where(*view.where, view.t.c.status == "disqualified", flat.between(view.t.c.created_at)) \
        .group_by(reason)
    rows = [{"reason": r, "leads": int(n)} for r, n in flat.conn.execute(select)]
    return {None: sorted(rows, key=lambda r: (-r["leads"], r["reason"]))}


for kpi in (
    Kpi("leads_created", N_("Leads created"), N_("Leads created in the period"), COUNT, UP,
        lambda ctx: pick(_created_stats(ctx), "created", 0), "leads", additive=True),
    Kpi("qualified_leads", N_("Qualified leads"), N_("Leads qualified in the period"), COUNT, UP,
        _qualified, "leads", additive=True),
    Kpi("lead_conversion_rate", N_("Lead conversion rate"),
        N_("Share of the leads created in the period that have been converted"), PERCENT, UP,
        _share_of_created("converted"), "leads"),
    Kpi("lead_to_customer_rate", N_("Lead to customer rate"),
        N_("Share of the leads created in the period whose deal has been won (at any time)"),
        PERCENT, UP, _share_of_created("customers"), "leads"),
    Kpi("time_to_convert_days", N_("Time to convert"),
        N_("Mean days from creation to conversion, leads converted in the period"), DAYS, DOWN,
        _time_to_convert, "leads"),
    Kpi("lead_response_minutes", N_("Lead response time"),
        N_("Median minutes from creation to first response, leads created in the period with a "
           "response"), MINUTES, DOWN,
        lambda ctx: median(ctx, "leads", "created_at", _response_minutes,
                           kpi_id="lead_response_minutes"), "leads"),
    Kpi("leads_missed_sla", N_("Leads missing the response SLA"),
        N_("Leads created in the period first answered later than the SLA, or not at all"),
        COUNT, DOWN, lambda ctx: pick(_created_stats(ctx), "missed_sla", 0), "leads", additive=True),
    Kpi("leads_by_source", N_("Leads by source"),
        N_("Leads created, conversion rate and lead to customer rate per lead source"), COUNT,
        NEUTRAL, _by_source, "leads", kind=TABLE,
        columns=("source", "leads_created", "lead_conversion_rate", "lead_to_customer_rate")),
    Kpi("disqualify_reasons", N_("Disqualification reasons"),
        N_("Leads created in the period and disqualified, by reason (leads record no date of "
           "disqualification)"), COUNT, NEUTRAL, _disqualify_reasons, "leads", kind=TABLE,
        columns=("reason", "leads")),
):
    KPIS.add(kpi)
