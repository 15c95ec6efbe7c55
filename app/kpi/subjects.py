"""Facts as KPIs see them: each fact table with its joins to dimensions, scope and filters.

A `View` is one fact's FROM clause with the viewer's scope and the query's
filters already applied, plus the breakdown column. Every KPI builds its SQL on
a view, so no KPI can forget the scope (row-level security lives here).

Attribution (kpis.md): a deal's territory/region/country/segment/industry are
its account's, its rep the owner, its team the owner's team, its source its
lead's. A lead's territory is its own, else its owner's home territory.
Activities, quotas, trainings and submissions belong to their rep (and the
rep's home territory). Customers and tickets belong to the account owner.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.data import schema as s
from app.data import system_schema as ss
from app.kpi.query import QueryError

GROUP = "grp"


class Joiner:
    """Adds each join once, on first use."""

    def __init__(self, base):
        self.frm = base
        self.done: dict[str, object] = {}

    def join(self, name: str, table, on_fn, outer: bool = False):
        if name not in self.done:
            alias = table.alias(name)
            on = on_fn(alias)   # first: it may add the joins it depends on
            self.frm = self.frm.join(alias, on, isouter=outer)
            self.done[name] = alias
        return self.done[name]


@dataclass
class Subject:
    """How one fact table reaches the dimensions. Scope applies to the `rep` dimension;
    a fact without one (marketing spend) is visible only to an unrestricted scope."""
    name: str
    table: sa.Table
    dims: dict = field(default_factory=dict)     # dimension → fn(table, joiner) → column


def _rep(col):
    return lambda t, j: j.join("owner", s.reps, lambda r: r.c.rep_id == t.c[col], outer=True)


def _territory_via(col_fn):
    return lambda t, j: j.join("terr", s.territories,
                               lambda x: x.c.territory_id == col_fn(t, j), outer=True)


def _account(col):
    return lambda t, j: j.join("acct", s.accounts, lambda a: a.c.account_id == t.c[col], outer=True)


def _geo(territory_fn) -> dict:
    terr = _territory_via(territory_fn)
    return {"territory": territory_fn,
            "region": lambda t, j: terr(t, j).c.region,
            "country": lambda t, j: terr(t, j).c.country}


def _rep_dims(rep_col: str) -> dict:
    owner = _rep(rep_col)
    return {"rep": lambda t, j: t.c[rep_col], "team": lambda t, j: owner(t, j).c.team,
            **_geo(lambda t, j: owner(t, j).c.territory_id)}


def _account_dims(account_col: str) -> dict:
    acct = _account(account_col)
    return {**_geo(lambda t, j: acct(t, j).c.territory_id),
            "segment": lambda t, j: acct(t, j).c.segment,
            "industry": lambda t, j: acct(t, j).c.industry}


def _deal_dims() -> dict:
    lead = lambda t, j: j.join("lead", s.leads, lambda l: l.c.lead_id == t.c.lead_id, outer=True)  # noqa: E731
    return {**_rep_dims("owner_rep_id"), **_account_dims("account_id"),
            "channel": lambda t, j: t.c.channel, "source": lambda t, j: lead(t, j).c.source}


def _lead_dims() -> dict:
    owner = _rep("owner_rep_id")
    home = lambda t, j: sa.func.coalesce(t.c.territory_id, owner(t, j).c.territory_id)  # noqa: E731
    return {**_rep_dims("owner_rep_id"), **_geo(home), "segment": lambda t, j: t.c.segment,
            "industry": lambda t, j: t.c.industry, "source": lambda t, j: t.c.source}


def _customer_dims() -> dict:
    owner = _rep("owner_rep_id")
    return {"rep": lambda t, j: t.c.owner_rep_id, "team": lambda t, j: owner(t, j).c.team,
            **_geo(lambda t, j: t.c.territory_id), "segment": lambda t, j: t.c.segment,
            "industry": lambda t, j: t.c.industry,
            # Customers are acquired through marketing channels, not sold through deal channels.
            "channel": lambda t, j: t.c.acquisition_channel}


def _ticket_dims() -> dict:
    acct = _account("account_id")
    owner = lambda t, j: j.join("owner", s.reps, lambda r: r.c.rep_id == acct(t, j).c.owner_rep_id,  # noqa: E731
                                outer=True)
    return {"rep": lambda t, j: acct(t, j).c.owner_rep_id, "team": lambda t, j: owner(t, j).c.team,
            **_account_dims("account_id")}


def _deal_rollup_dims(monthly: bool = False, products: bool = False) -> dict:
    """The deal dimensions a deal rollup keeps, attributed as the deals are: the owner, their
    team and the account's territory; monthly, also the channel and the account's segment;
    by product, the line's product and its category."""
    owner = _rep("rep_id")
    dims = {"rep": lambda t, j: t.c.rep_id, "team": lambda t, j: owner(t, j).c.team,
            **_geo(lambda t, j: t.c.territory_id)}
    if monthly:
        dims.update(channel=lambda t, j: t.c.channel, segment=lambda t, j: t.c.segment)
    if products:
        product = lambda t, j: j.join("prod", s.products, lambda p: p.c.product_id == t.c.product_id,  # noqa: E731
                                      outer=True)
        dims.update(product=lambda t, j: t.c.product_id, category=lambda t, j: product(t, j).c.category)
    return dims


SUBJECTS: dict[str, Subject] = {sub.name: sub for sub in (
    Subject("deals", s.opportunities, _deal_dims()),
    Subject("leads", s.leads, _lead_dims()),
    Subject("activities", s.activities, _rep_dims("rep_id")),
    Subject("customers", s.accounts, _customer_dims()),
    Subject("tickets", s.tickets, _ticket_dims()),
    Subject("quotas", s.quotas, _rep_dims("rep_id")),
    Subject("submissions", s.forecast_submissions, _rep_dims("rep_id")),
    Subject("trainings", s.trainings, _rep_dims("rep_id")),
    Subject("reps", s.reps, _rep_dims("rep_id")),
    Subject("deals_daily", ss.rollup_deals_daily, _deal_rollup_dims()),
    Subject("deals_monthly", ss.rollup_deals_monthly, _deal_rollup_dims(monthly=True)),
    Subject("deal_products_monthly", ss.rollup_deal_products_monthly, _deal_rollup_dims(products=True)),
    Subject("activities_daily", ss.rollup_activities_daily, _rep_dims("rep_id")),
    Subject("spend", s.marketing_spend, {
        **_geo(lambda t, j: t.c.territory_id), "channel": lambda t, j: t.c.channel}),
)}


def subject_dimensions(name: str) -> set[str]:
    dims = set(SUBJECTS[name].dims)
    if name == "deals":
        dims |= {"product", "category"}
    return dims


def check_by(subject: str, by: str | None, kpi_id: str) -> None:
    from app.kpi.query import TIME_DIMENSIONS
    if by and by not in TIME_DIMENSIONS and by not in subject_dimensions(subject):
        valid = sorted(subject_dimensions(subject)) + list(TIME_DIMENSIONS)
        raise QueryError(f"{kpi_id} cannot be broken down by {by}; it can by: {', '.join(valid)}")
