"""Read queries outside the KPI registry: status, org chart, time bounds."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection



def utc_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end] in the organisation's zone → naive UTC [from, to) for timestamp columns."""
    zone = ZoneInfo(tz)
    lo = datetime.combine(start, time(0), zone).astimezone(timezone.utc).replace(tzinfo=None)
    hi = datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    return lo, hi.replace(tzinfo=None)


def fetch_table_counts(conn: Connection) -> dict[str, int]:
    """Rows per CRM table."""
    from app.data.schema import CRM_TABLES
    return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for name, table in CRM_TABLES.items()}


def fetch_last_import(conn: Connection) -> dict | None:
    """The newest import run that was not a dry run, as a dict of import_runs columns."""
    from app.data.system_schema import import_runs
    row = conn.execute(sa.select(import_runs).where(import_runs.c.dry_run.is_(False))
                       .order_by(import_runs.c.run_id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def fetch_reporting_lines(conn: Connection) -> list[tuple[str, str | None]]:
    """(rep_id, manager_rep_id) for every rep: the org chart scope is built from."""
    from app.data.schema import reps
    return [tuple(r) for r in conn.execute(sa.select(reps.c.rep_id, reps.c.manager_rep_id))]
