"""The application's own tables: users, tokens, import runs, snapshots, settings, audit."""
from __future__ import annotations

import sqlalchemy as sa

from app.data.schema import ID, MONEY, TEXT, TS, metadata

users = sa.Table(
    "users", metadata,
    sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", TEXT),
    sa.Column("email", TEXT),
    sa.Column("role", sa.String(16), nullable=False),
    # A plain column, not an FK: a user may be created before their rep is imported.
    sa.Column("rep_id", ID, index=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("locale", sa.String(8), nullable=False, server_default="en"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    # Bumped on password reset/deactivation so existing sessions stop being valid.
    sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_login_at", TS),
    sa.Column("password_changed_at", TS),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("token_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.user_id"), nullable=False, index=True),
    sa.Column("name", TEXT, nullable=False),
    # SHA-256 of the token; the token itself is shown once and never stored.
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_used_at", TS),
    sa.Column("revoked_at", TS),
)

import_runs = sa.Table(
    "import_runs", metadata,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", TS, nullable=False, index=True),
    sa.Column("finished_at", TS),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("source", sa.String(1024), nullable=False),
    sa.Column("preset", sa.String(32)),
    sa.Column("dry_run", sa.Boolean, nullable=False, server_default=sa.false()),
    # running | succeeded | partial (some rows rejected) | failed | refused (unusable input) | cancelled
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("message", sa.Text),
    sa.Column("duration_seconds", sa.Float),
    sa.Column("rows_read", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
    sa.Column("data_version", sa.Integer),
)

import_files = sa.Table(
    "import_files", metadata,
    sa.Column("file_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("import_runs.run_id"), nullable=False, index=True),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("file_name", sa.String(1024), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False, server_default="0"),
    sa.Column("inserted", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rejected", sa.Integer, nullable=False, server_default="0"),
    sa.Column("message", sa.Text),
)

rejected_rows = sa.Table(
    "rejected_rows", metadata,
    sa.Column("rejection_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("import_runs.run_id"), nullable=False, index=True),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("file_name", sa.String(1024), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("column_name", sa.String(128)),
    sa.Column("reason", sa.Text, nullable=False),
    # The row exactly as read (JSON object of header → text), so nothing is lost.
    sa.Column("raw", sa.Text, nullable=False),
)

pipeline_snapshots = sa.Table(
    "pipeline_snapshots", metadata,
    sa.Column("snapshot_date", sa.Date, primary_key=True),
    sa.Column("opportunity_id", ID, primary_key=True, index=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("import_runs.run_id"), nullable=False),
    sa.Column("owner_rep_id", ID, nullable=False, index=True),
    sa.Column("stage", TEXT, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("expected_close_date", sa.Date),
    sa.Column("forecast_category", sa.String(16)),
)

settings = sa.Table(
    "settings", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),  # JSON
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("updated_by", sa.String(64)),
)

# One row: bumped by every import and settings change; caches key on it.
data_version = sa.Table(
    "data_version", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("changed_at", TS, nullable=False),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False, index=True),
    sa.Column("actor", sa.String(64)),
    sa.Column("role", sa.String(16)),
    sa.Column("ip", sa.String(64)),
    sa.Column("event", sa.String(64), nullable=False, index=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("details", sa.Text),  # JSON, never secrets
)

# What the models write back (models/ trains them; the KPI layer reads them).
model_runs = sa.Table(
    "model_runs", metadata,
    sa.Column("model_run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("model", sa.String(64), nullable=False, index=True),
    sa.Column("version", sa.String(64), nullable=False),
    sa.Column("trained_at", TS, nullable=False),
    sa.Column("train_start", sa.Date),
    sa.Column("train_end", sa.Date),
    sa.Column("metrics", sa.Text),      # JSON: the evaluation of this run
    sa.Column("status", sa.String(16), nullable=False),
)

deal_scores = sa.Table(
    "deal_scores", metadata,
    sa.Column("opportunity_id", ID, primary_key=True),
    sa.Column("win_probability", sa.Float, nullable=False),
    sa.Column("model_run_id", sa.Integer, sa.ForeignKey("model_runs.model_run_id"), nullable=False),
    sa.Column("scored_at", TS, nullable=False),
)

model_forecasts = sa.Table(
    "model_forecasts", metadata,
    sa.Column("forecast_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("model_run_id", sa.Integer, sa.ForeignKey("model_runs.model_run_id"), nullable=False),
    sa.Column("made_on", sa.Date, nullable=False),       # the forecast used data up to this day
    sa.Column("month", sa.Date, nullable=False, index=True),
    sa.Column("rep_id", ID, index=True),                 # NULL: the whole company
    sa.Column("mean", MONEY, nullable=False),
    sa.Column("mean_ci_lower", MONEY),
    sa.Column("mean_ci_upper", MONEY),
)

# Rollups: sums of deals and activities per local day or month and a few dimensions, rebuilt
# from the CRM tables after each import (app/kpi/rollups.py). The KPI layer reads them only
# while `rollup_state` says they match the CRM tables and the organisation's time zone.
# Measure columns are `<sums>_<name>` of the Sums registered in app/kpi/definitions
# (sales.CLOSED, FIRST_WON, MARGIN; pipeline.OPEN; team.ACTIVITIES), each with `<sums>_rows`,
# the fact rows summed.
SUM = sa.Float      # sums of money, days and counts alike: exact enough, and one type everywhere


def _closed_sums() -> list[sa.Column]:
    names = ("closed_rows", "closed_revenue", "closed_won", "closed_lost", "closed_cycle_sum",
             "closed_cycle_n", "first_won_rows", "first_won_revenue", "margin_rows", "margin_margin",
             "margin_revenue")
    return [sa.Column(name, SUM) for name in names]


# Per local day of closing, owner and account territory: any period of whole days, by rep,
# team, territory, region, country or time. (Accounts are mostly in their owner's territory,
# so the territory hardly adds rows.)
rollup_deals_daily = sa.Table(
    "rollup_deals_daily", metadata,
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("rep_id", ID, nullable=False),                   # the deal's owner
    sa.Column("territory_id", ID),                             # the account's
    *_closed_sums(),
)

# Per local month, owner, account territory, channel and account segment: the whole months
# of a period by those dimensions (the days around them come from the deals), and the deals
# open at the start of each month.
rollup_deals_monthly = sa.Table(
    "rollup_deals_monthly", metadata,
    sa.Column("month", sa.Date, nullable=False, index=True),   # first day of the local month
    sa.Column("rep_id", ID, nullable=False),
    sa.Column("territory_id", ID),                             # the account's
    sa.Column("channel", sa.String(16)),
    sa.Column("segment", sa.String(32)),                       # the account's
    *_closed_sums(),
    # Deals open at local midnight starting the month's first day.
    sa.Column("open_rows", SUM), sa.Column("open_count", SUM), sa.Column("open_value", SUM),
)

# Per local month, product, owner and account territory, at the grain of deal lines (a deal
# without lines under no product): revenue by product, or for one product, by rep, team,
# territory, region, country or month. Channel and segment would multiply its rows by eight.
rollup_deal_products_monthly = sa.Table(
    "rollup_deal_products_monthly", metadata,
    sa.Column("month", sa.Date, nullable=False, index=True),   # first day of the local month
    sa.Column("product_id", ID),                               # NULL: deals without lines
    sa.Column("rep_id", ID, nullable=False),
    sa.Column("territory_id", ID),                             # the account's
    *_closed_sums(),
)

# Per local day and rep: activities carry no other dimension than their rep.
rollup_activities_daily = sa.Table(
    "rollup_activities_daily", metadata,
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("rep_id", ID, nullable=False),
    sa.Column("activities_rows", SUM), sa.Column("activities_count", SUM),
)

rollup_state = sa.Table(
    "rollup_state", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    # The org_timezone setting the months were cut in: another zone means other months.
    sa.Column("org_timezone", sa.String(64), nullable=False),
    sa.Column("refreshed_at", TS, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("seconds", sa.Float),
    # The last month with an open-deal snapshot: nothing opens or closes later, so any later
    # month's snapshot is this one.
    sa.Column("snapshots_until", sa.Date),
)
