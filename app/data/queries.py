"""Read queries shared by the CLI. (The KPI registry, when it lands, supersedes the headline.)"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.schema import leads, opportunities
from app.data.settings import fetch_settings


def utc_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end] in the organisation's zone → naive UTC [from, to) for timestamp columns."""
    zone = ZoneInfo(tz)
    lo = datetime.combine(start, time(0), zone).astimezone(timezone.utc).replace(tzinfo=None)
    hi = datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    return lo, hi.replace(tzinfo=None)


def fetch_headline(conn: Connection, start: date, end: date) -> dict[str, str]:
    """Revenue, deals, win rate and pipeline for [start, end], formatted for the terminal."""
    lo, hi = utc_bounds(start, end, fetch_settings(conn)["org_timezone"])
    o = opportunities.c
    closed = o.closed_at >= lo, o.closed_at < hi
    won = sa.func.sum(sa.case((o.status == "won", 1), else_=0))
    lost = sa.func.sum(sa.case((o.status == "lost", 1), else_=0))
    revenue = sa.func.sum(sa.case((o.status == "won", o.amount), else_=0))
    row = conn.execute(sa.select(revenue, won, lost).where(*closed)).one()
    open_q = sa.select(sa.func.count(), sa.func.sum(o.amount)).where(
        o.created_at < hi, sa.or_(o.closed_at.is_(None), o.closed_at >= hi))
    open_deals, pipeline = conn.execute(open_q).one()
    n_leads = conn.execute(sa.select(sa.func.count()).select_from(leads).where(
        leads.c.created_at >= lo, leads.c.created_at < hi)).scalar()
    won_n, lost_n = row[1] or 0, row[2] or 0
    return {
        "revenue": f"{row[0] or 0:,.2f}",
        "won deals": f"{won_n:,}",
        "win rate": f"{won_n / (won_n + lost_n):.1%}" if won_n + lost_n else "—",
        "average deal size": f"{(row[0] or 0) / won_n:,.2f}" if won_n else "—",
        "open deals (today)": f"{open_deals:,}",
        "pipeline value": f"{pipeline or 0:,.2f}",
        "leads created": f"{n_leads:,}",
    }


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
