"""Quotas (monthly revenue targets per rep): the admin Targets page reads and edits them here.

Loading quotas from a file goes through the import (etl/), like every other table.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.schema import quotas, reps


def fetch_quotas(conn: Connection, year: int | None = None, team: str | None = None) -> list[dict]:
    """Quotas with their rep: rep_id, name, team, month (date, first of the month), amount
    (float). Narrowed to a calendar year and a team when given; by team, rep name, month."""
    q, r = quotas.c, reps.c
    query = sa.select(q.rep_id, r.name, r.team, q.month, q.amount).select_from(
        quotas.join(reps, r.rep_id == q.rep_id))
    if year is not None:
        query = query.where(q.month >= date(year, 1, 1), q.month < date(year + 1, 1, 1))
    if team:
        query = query.where(r.team == team)
    query = query.order_by(r.team, r.name, q.rep_id, q.month)
    return [{**row, "amount": float(row["amount"])} for row in conn.execute(query).mappings()]


def fetch_quota_years(conn: Connection) -> list[int]:
    """The calendar years that hold quotas, newest first."""
    first, last = conn.execute(sa.select(sa.func.min(quotas.c.month), sa.func.max(quotas.c.month))).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def fetch_quota_teams(conn: Connection) -> list[str]:
    """Teams of the reps that have quotas, sorted."""
    query = (sa.select(reps.c.team).where(reps.c.rep_id.in_(sa.select(quotas.c.rep_id)))
             .distinct().order_by(reps.c.team))
    return [team for (team,) in conn.execute(query)]


def fetch_quota_amount(conn: Connection, rep_id: str, month: date) -> float | None:
    amount = conn.execute(sa.select(quotas.c.amount).where(
        quotas.c.rep_id == rep_id, quotas.c.month == month)).scalar()
    return None if amount is None else float(amount)


def update_quota_amount(conn: Connection, rep_id: str, month: date, amount: float) -> None:
    conn.execute(quotas.update().where(quotas.c.rep_id == rep_id, quotas.c.month == month)
                 .values(amount=amount))
