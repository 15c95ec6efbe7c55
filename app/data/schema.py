"""SQL schema of the CRM tables (the import contract) as SQLAlchemy Core tables.

Timestamps are stored as naive UTC `DateTime`; dates as `Date`; money as exact
`Numeric` returned to Python as float. Indexes follow what the KPI queries
filter and join on: period columns and foreign keys.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
})

ID = sa.String(64)
TEXT = sa.String(255)
MONEY = sa.Numeric(18, 2, asdecimal=False)
PRICE = sa.Numeric(18, 4, asdecimal=False)
SHARE = sa.Numeric(9, 6, asdecimal=False)
TS = sa.DateTime()

# The codes a deal's channel and an account's segment may hold (the import admits no others:
# etl/contract.py); the filter bar offers those that occur.
DEAL_CHANNELS = ("online", "offline", "retail", "wholesale", "agency", "partner")
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")


def _fk(target: str, **kw) -> sa.ForeignKey:
    return sa.ForeignKey(target, **kw)


territories = sa.Table(
    "territories", metadata,
    sa.Column("territory_id", ID, primary_key=True),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("region", TEXT, nullable=False, index=True),
    sa.Column("country", sa.String(3), nullable=False, index=True),
    sa.Column("subdivision", sa.String(16)),
    sa.Column("annual_budget", MONEY),
)

reps = sa.Table(
    "reps", metadata,
    sa.Column("rep_id", ID, primary_key=True),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("email", TEXT, index=True),
    sa.Column("team", TEXT, nullable=False, index=True),
    sa.Column("manager_rep_id", ID, _fk("reps.rep_id"), index=True),
    sa.Column("territory_id", ID, _fk("territories.territory_id"), nullable=False, index=True),
    sa.Column("hire_date", sa.Date),
    sa.Column("active", sa.Boolean),
    sa.Column("base_salary", MONEY),
    sa.Column("commission_rate", SHARE),
)

products = sa.Table(
    "products", metadata,
    sa.Column("product_id", ID, primary_key=True),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("category", TEXT, nullable=False, index=True),
    sa.Column("list_price", PRICE),
    sa.Column("unit_cost", PRICE),
)

stages = sa.Table(
    "stages", metadata,
    sa.Column("stage", TEXT, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("probability", SHARE, nullable=False),
    sa.Column("category", sa.String(8), nullable=False),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("account_id", ID, primary_key=True),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("territory_id", ID, _fk("territories.territory_id"), nullable=False, index=True),
    sa.Column("owner_rep_id", ID, _fk("reps.rep_id"), index=True),
    sa.Column("industry", TEXT, index=True),
    sa.Column("segment", sa.String(32), index=True),
    sa.Column("employees", sa.Integer),
    sa.Column("country", sa.String(3)),
    sa.Column("acquisition_channel", sa.String(32), index=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("churned_at", TS, index=True),
    sa.Column("churn_reason", sa.String(32)),
)

leads = sa.Table(
    "leads", metadata,
    sa.Column("lead_id", ID, primary_key=True),
    sa.Column("created_at", TS, nullable=False, index=True),
    sa.Column("source", sa.String(32), nullable=False, index=True),
    sa.Column("owner_rep_id", ID, _fk("reps.rep_id"), index=True),
    sa.Column("territory_id", ID, _fk("territories.territory_id"), index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("first_response_at", TS),
    sa.Column("qualified_at", TS, index=True),
    sa.Column("converted_at", TS, index=True),
    sa.Column("account_id", ID, _fk("accounts.account_id"), index=True),
    # No FK: leads load before the deals they turn into.
    sa.Column("opportunity_id", ID, index=True),
    sa.Column("disqualify_reason", TEXT),
    sa.Column("industry", TEXT),
    sa.Column("segment", sa.String(32)),
    sa.Column("country", sa.String(3)),
    sa.Column("age_band", sa.String(32)),
    sa.Column("gender", sa.String(32)),
    sa.Column("education", sa.String(64)),
)

opportunities = sa.Table(
    "opportunities", metadata,
    sa.Column("opportunity_id", ID, primary_key=True),
    sa.Column("account_id", ID, _fk("accounts.account_id"), nullable=False, index=True),
    sa.Column("owner_rep_id", ID, _fk("reps.rep_id"), nullable=False, index=True),
    sa.Column("lead_id", ID, _fk("leads.lead_id")),
    sa.Column("name", TEXT),
    sa.Column("created_at", TS, nullable=False, index=True),
    sa.Column("stage", TEXT, _fk("stages.stage"), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("expected_close_date", sa.Date, index=True),
    # Alone too, for deals open as of a moment (closed after it, or not at all).
    sa.Column("closed_at", TS, index=True),
    sa.Column("channel", sa.String(16)),
    sa.Column("forecast_category", sa.String(16)),
    sa.Column("probability", SHARE),
    sa.Column("loss_reason", sa.String(32)),
    sa.Column("win_reason", TEXT),
    # Revenue KPIs filter on status and closing time together.
    sa.Index("ix_opportunities_status_closed_at", "status", "closed_at"),
)

opportunity_lines = sa.Table(
    "opportunity_lines", metadata,
    sa.Column("line_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("opportunity_id", ID, _fk("opportunities.opportunity_id"), nullable=False, index=True),
    sa.Column("product_id", ID, _fk("products.product_id"), nullable=False, index=True),
    sa.Column("quantity", PRICE, nullable=False),
    sa.Column("unit_price", PRICE, nullable=False),
    sa.Column("discount", SHARE),
    sa.Column("unit_cost", PRICE),
)

stage_history = sa.Table(
    "stage_history", metadata,
    sa.Column("history_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("opportunity_id", ID, _fk("opportunities.opportunity_id"), nullable=False, index=True),
    sa.Column("stage", TEXT, _fk("stages.stage"), nullable=False),
    sa.Column("entered_at", TS, nullable=False),
)

activities = sa.Table(
    "activities", metadata,
    sa.Column("activity_id", ID, primary_key=True),
    sa.Column("rep_id", ID, _fk("reps.rep_id"), nullable=False, index=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("occurred_at", TS, nullable=False, index=True),
    sa.Column("direction", sa.String(8)),
    sa.Column("duration_seconds", sa.Integer),
    sa.Column("outcome", sa.String(16)),
    sa.Column("lead_id", ID, _fk("leads.lead_id"), index=True),
    sa.Column("opportunity_id", ID, _fk("opportunities.opportunity_id"), index=True),
    sa.Column("account_id", ID, _fk("accounts.account_id"), index=True),
    sa.Column("due_at", TS),
    sa.Column("completed_at", TS),
    sa.Index("ix_activities_type_occurred_at", "type", "occurred_at"),
)

quotas = sa.Table(
    "quotas", metadata,
    sa.Column("rep_id", ID, _fk("reps.rep_id"), primary_key=True),
    sa.Column("month", sa.Date, primary_key=True, index=True),
    sa.Column("amount", MONEY, nullable=False),
)

forecast_submissions = sa.Table(
    "forecast_submissions", metadata,
    sa.Column("rep_id", ID, _fk("reps.rep_id"), primary_key=True),
    sa.Column("month", sa.Date, primary_key=True, index=True),
    sa.Column("submitted_at", TS, primary_key=True),
    sa.Column("category", sa.String(16), primary_key=True),
    sa.Column("amount", MONEY, nullable=False),
)

marketing_spend = sa.Table(
    "marketing_spend", metadata,
    sa.Column("spend_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.Date, nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False, index=True),
    sa.Column("territory_id", ID, _fk("territories.territory_id"), index=True),
    sa.Column("amount", MONEY, nullable=False),
)

tickets = sa.Table(
    "tickets", metadata,
    sa.Column("ticket_id", ID, primary_key=True),
    sa.Column("account_id", ID, _fk("accounts.account_id"), nullable=False, index=True),
    sa.Column("opened_at", TS, nullable=False, index=True),
    sa.Column("first_response_at", TS),
    sa.Column("resolved_at", TS, index=True),
    sa.Column("category", TEXT),
    sa.Column("csat", sa.SmallInteger),
)

trainings = sa.Table(
    "trainings", metadata,
    sa.Column("training_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rep_id", ID, _fk("reps.rep_id"), nullable=False, index=True),
    sa.Column("program", TEXT, nullable=False),
    sa.Column("kind", sa.String(16)),
    sa.Column("started_at", sa.Date),
    sa.Column("completed_at", sa.Date, index=True),
    sa.Column("score", sa.Numeric(5, 2, asdecimal=False)),
)

benchmarks = sa.Table(
    "benchmarks", metadata,
    sa.Column("benchmark_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kpi", sa.String(64), nullable=False, index=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("source", TEXT),
)

CRM_TABLES: dict[str, sa.Table] = {t.name: t for t in (
    territories, reps, products, stages, accounts, leads, opportunities, opportunity_lines,
    stage_history, activities, quotas, forecast_submissions, marketing_spend, tickets,
    trainings, benchmarks)}
