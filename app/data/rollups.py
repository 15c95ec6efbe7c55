"""Whether the rollup tables may be read: their state rows, written by a refresh and removed
when an import changes a table they summarise. Building them is app/kpi/rollup_refresh.py."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.clock import utcnow
from app.data.system_schema import rollup_state

DEALS_DAILY, DEALS_MONTHLY, ACTIVITIES_DAILY = "deals_daily", "deals_monthly", "activities_daily"
DEAL_PRODUCTS_MONTHLY = "deal_products_monthly"
_DEALS = frozenset({"opportunities", "opportunity_lines", "products", "accounts"})
# The CRM tables each rollup reads. Reps and territories are joined when a rollup is read,
# so a change to them leaves it valid.
ROLLUP_SOURCES = {DEALS_DAILY: _DEALS, DEALS_MONTHLY: _DEALS, DEAL_PRODUCTS_MONTHLY: _DEALS,
                  ACTIVITIES_DAILY: frozenset({"activities"})}


def stale_rollups(conn: Connection, zone: str) -> list[str]:
    """The rollups that are missing, stale or cut in another zone than `zone`."""
    states = {state["name"]: state["org_timezone"] for state in fetch_rollup_states(conn)}
    return [name for name in ROLLUP_SOURCES if states.get(name) != zone]


def fetch_rollup_states(conn: Connection) -> list[dict]:
    """Every valid rollup: name, org_timezone, refreshed_at (naive UTC), rows, seconds."""
    return [dict(r) for r in conn.execute(sa.select(rollup_state).order_by(rollup_state.c.name)).mappings()]


def invalidate_rollups(conn: Connection, table: str | None = None) -> None:
    """Mark the rollups that read `table` (default: all) stale, in the caller's transaction:
    KPIs read the CRM tables instead until the next refresh."""
    names = [n for n, sources in ROLLUP_SOURCES.items() if table is None or table in sources]
    conn.execute(rollup_state.delete().where(rollup_state.c.name.in_(names)))


def record_rollup(conn: Connection, name: str, zone: str, rows: int, seconds: float,
                  snapshots_until=None) -> None:
    conn.execute(rollup_state.delete().where(rollup_state.c.name == name))
    conn.execute(rollup_state.insert().values(name=name, org_timezone=zone, refreshed_at=utcnow(),
                                              rows=rows, seconds=seconds, snapshots_until=snapshots_until))


def analyze(conn: Connection, table: str) -> None:
    """Fresh planner statistics for a table just rewritten."""
    conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.quote(table)}")
