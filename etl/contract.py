"""The import contract as data: every table, column, type and rule.

This module is the single machine-readable statement of docs/import-format.md.
The validator, the loader, the demo generator and the presets all read it, so a
column added here is known everywhere at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.data.schema import DEAL_CHANNELS, SEGMENTS  # noqa: F401  (the database's codes, re-exported)

# Column types understood by the validator.
STR, INT, DECIMAL, BOOL, DATE, TIMESTAMP = "str", "int", "decimal", "bool", "date", "timestamp"

CHURN_REASONS = ("price", "product", "service", "competitor", "no_budget", "other")
ACQUISITION_CHANNELS = ("referral", "organic_search", "paid_search", "social",
                        "email_campaign", "event", "partner", "outbound")
LEAD_SOURCES = ("web_form", "phone", "chat", "callback_widget", "messenger", "email_campaign",
                "social", "trade_show", "referral", "partner", "outbound")
# Marketing spend is booked against either vocabulary.
SPEND_CHANNELS = tuple(dict.fromkeys(ACQUISITION_CHANNELS + LEAD_SOURCES))
LEAD_STATUSES = ("new", "working", "qualified", "converted", "disqualified")
DEAL_STATUSES = ("open", "won", "lost")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "omitted")
LOSS_REASONS = ("price", "competitor", "no_budget", "no_decision", "timing", "product_fit", "other")
ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "proposal", "message", "task")
DIRECTIONS = ("inbound", "outbound")
ACTIVITY_OUTCOMES = ("answered", "missed", "no_answer", "voicemail", "sent", "replied",
                     "done", "cancelled")
STAGE_CATEGORIES = ("open", "won", "lost")
SUBMISSION_CATEGORIES = ("commit", "best_case")
TRAINING_KINDS = ("course", "certification", "coaching")

DEFAULT_STAGES = (  # stage, position, probability, category
    ("Prospecting", 1, 0.10, "open"),
    ("Qualification", 2, 0.20, "open"),
    ("Needs Analysis", 3, 0.35, "open"),
    ("Proposal", 4, 0.55, "open"),
    ("Negotiation", 5, 0.75, "open"),
    ("Closed Won", 6, 1.0, "won"),
    ("Closed Lost", 7, 0.0, "lost"),
)


@dataclass(frozen=True)
class Col:
    """One contract column. `ref` names "table.column" that must hold the value."""
    name: str
    type: str = STR
    required: bool = False
    allowed: tuple[str, ...] | None = None
    ref: str | None = None
    min: float | None = None
    max: float | None = None
    default: object = None          # the value an empty cell or a missing column means


@dataclass(frozen=True)
class TableSpec:
    """One importable table.

    `key` identifies a row for upserts. A table with a `parent` is a child set:
    importing it replaces each listed parent's previous rows as a whole.
    """
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()
    parent: str | None = None          # child sets: the column naming the parent row
    required_for_minimal_load: bool = False
    description: str = ""
    extra_checks: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


def _c(name, type=STR, **kw) -> Col:
    return Col(name, type, **kw)


def _req(name, type=STR, **kw) -> Col:
    return Col(name, type, required=True, **kw)


MONEY = dict(min=0.0)
SHARE = dict(min=0.0, max=1.0)

TABLES: tuple[TableSpec, ...] = (
    TableSpec("territories", (
        _req("territory_id"), _req("name"), _req("region"), _req("country"),
        _c("subdivision"), _c("annual_budget", DECIMAL, **MONEY),
    ), key=("territory_id",), required_for_minimal_load=True,
        extra_checks=("country_alpha3", "subdivision_iso")),
    TableSpec("reps", (
        _req("rep_id"), _req("name"), _c("email"), _req("team"),
        _c("manager_rep_id", ref="reps.rep_id"),
        _req("territory_id", ref="territories.territory_id"),
        _c("hire_date", DATE), _c("active", BOOL, default=True),
        _c("base_salary", DECIMAL, **MONEY), _c("commission_rate", DECIMAL, **SHARE),
    ), key=("rep_id",), required_for_minimal_load=True),
    TableSpec("products", (
        _req("product_id"), _req("name"), _req("category"),
        _c("list_price", DECIMAL, **MONEY), _c("unit_cost", DECIMAL, **MONEY),
    ), key=("product_id",)),
    TableSpec("stages", (
        _req("stage"), _req("position", INT, min=1), _req("probability", DECIMAL, **SHARE),
        _req("category", allowed=STAGE_CATEGORIES),
    ), key=("stage",)),
    TableSpec("accounts", (
        _req("account_id"), _req("name"),
        _req("territory_id", ref="territories.territory_id"),
        _c("owner_rep_id", ref="reps.rep_id"), _c("industry"),
        _c("segment", allowed=SEGMENTS), _c("employees", INT, min=0),
        _c("country"), _c("acquisition_channel", allowed=ACQUISITION_CHANNELS),
        _req("created_at", TIMESTAMP), _c("churned_at", TIMESTAMP),
        _c("churn_reason", allowed=CHURN_REASONS),
    ), key=("account_id",), required_for_minimal_load=True, extra_checks=("country_alpha3",)),
    TableSpec("leads", (
        _req("lead_id"), _req("created_at", TIMESTAMP), _req("source", allowed=LEAD_SOURCES),
        _c("owner_rep_id", ref="reps.rep_id"),
        _c("territory_id", ref="territories.territory_id"),
        _req("status", allowed=LEAD_STATUSES),
        _c("first_response_at", TIMESTAMP), _c("qualified_at", TIMESTAMP),
        _c("converted_at", TIMESTAMP),
        _c("account_id", ref="accounts.account_id"),
        # Points forward to a deal loaded after leads; checked softly (no FK).
        _c("opportunity_id"),
        _c("disqualify_reason"), _c("industry"), _c("segment", allowed=SEGMENTS),
        _c("country"), _c("age_band"), _c("gender"), _c("education"),
    ), key=("lead_id",), extra_checks=("country_alpha3", "response_after_creation")),
    TableSpec("opportunities", (
        _req("opportunity_id"), _req("account_id", ref="accounts.account_id"),
        _req("owner_rep_id", ref="reps.rep_id"), _c("lead_id", ref="leads.lead_id"),
        _c("name"), _req("created_at", TIMESTAMP), _req("stage", ref="stages.stage"),
        _req("status", allowed=DEAL_STATUSES), _req("amount", DECIMAL, **MONEY),
        _c("expected_close_date", DATE), _c("closed_at", TIMESTAMP),
        _c("channel", allowed=DEAL_CHANNELS),
        _c("forecast_category", allowed=FORECAST_CATEGORIES),
        _c("probability", DECIMAL, **SHARE), _c("loss_reason", allowed=LOSS_REASONS),
        _c("win_reason"),
    ), key=("opportunity_id",), required_for_minimal_load=True,
        extra_checks=("closed_needs_closed_at", "closed_after_created")),
    TableSpec("opportunity_lines", (
        _req("opportunity_id", ref="opportunities.opportunity_id"),
        _req("product_id", ref="products.product_id"),
        _req("quantity", DECIMAL, min=0.0), _req("unit_price", DECIMAL, **MONEY),
        _c("discount", DECIMAL, **SHARE), _c("unit_cost", DECIMAL, **MONEY),
    ), parent="opportunity_id"),
    TableSpec("stage_history", (
        _req("opportunity_id", ref="opportunities.opportunity_id"),
        _req("stage", ref="stages.stage"), _req("entered_at", TIMESTAMP),
    ), parent="opportunity_id"),
    TableSpec("activities", (
        _req("activity_id"), _req("rep_id", ref="reps.rep_id"),
        _req("type", allowed=ACTIVITY_TYPES), _req("occurred_at", TIMESTAMP),
        _c("direction", allowed=DIRECTIONS), _c("duration_seconds", INT, min=0),
        _c("outcome", allowed=ACTIVITY_OUTCOMES),
        _c("lead_id", ref="leads.lead_id"),
        _c("opportunity_id", ref="opportunities.opportunity_id"),
        _c("account_id", ref="accounts.account_id"),
        _c("due_at", TIMESTAMP), _c("completed_at", TIMESTAMP),
    ), key=("activity_id",)),
    TableSpec("quotas", (
        _req("rep_id", ref="reps.rep_id"), _req("month", DATE), _req("amount", DECIMAL, **MONEY),
    ), key=("rep_id", "month"), extra_checks=("first_of_month",)),
    TableSpec("forecast_submissions", (
        _req("rep_id", ref="reps.rep_id"), _req("month", DATE),
        _req("submitted_at", TIMESTAMP), _req("category", allowed=SUBMISSION_CATEGORIES),
        _req("amount", DECIMAL, **MONEY),
    ), key=("rep_id", "month", "submitted_at", "category"), extra_checks=("first_of_month",)),
    TableSpec("marketing_spend", (
        _req("month", DATE), _req("channel", allowed=SPEND_CHANNELS),
        _c("territory_id", ref="territories.territory_id"), _req("amount", DECIMAL, **MONEY),
    ), key=("month", "channel", "territory_id"), extra_checks=("first_of_month",)),
    TableSpec("tickets", (
        _req("ticket_id"), _req("account_id", ref="accounts.account_id"),
        _req("opened_at", TIMESTAMP), _c("first_response_at", TIMESTAMP),
        _c("resolved_at", TIMESTAMP), _c("category"), _c("csat", INT, min=1, max=5),
    ), key=("ticket_id",)),
    TableSpec("trainings", (
        _req("rep_id", ref="reps.rep_id"), _req("program"),
        _c("kind", allowed=TRAINING_KINDS), _c("started_at", DATE), _c("completed_at", DATE),
        _c("score", DECIMAL, min=0.0, max=100.0),
    ), key=("rep_id", "program", "started_at")),
    TableSpec("benchmarks", (
        _req("kpi"), _req("value", DECIMAL), _c("source"),
    ), key=("kpi", "source")),
)

BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
LOAD_ORDER: list[str] = [t.name for t in TABLES]
MINIMAL_TABLES: list[str] = [t.name for t in TABLES if t.required_for_minimal_load]


def spec(name: str) -> TableSpec:
    return BY_NAME[name]


def nullable_key(table: TableSpec) -> bool:
    """A key with an optional column cannot be a primary key; such tables get a surrogate id."""
    return any(not table.col(k).required for k in table.key)
