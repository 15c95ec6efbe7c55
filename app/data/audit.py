"""Append-only audit events: written by record_event, read (newest first, filtered) by the
admin's audit log page and its CSV download."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.clock import utcnow
from app.data.system_schema import audit_log


def record_event(conn: Connection, event: str, *, actor: str | None, role: str | None = None,
                 ip: str | None = None, outcome: str = "success", **details) -> None:
    """Write one event. `details` must never hold secrets (passwords, tokens)."""
    conn.execute(audit_log.insert().values(
        at=utcnow(), actor=actor, role=role, ip=ip,
        event=event, outcome=outcome,
        details=json.dumps(details, ensure_ascii=False, default=str) if details else None))


@dataclass(frozen=True)
class AuditFilter:
    """Which events to read; None means any. Times are naive UTC, `until` exclusive."""
    event: str | None = None
    actor: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def where(self) -> list:
        c = audit_log.c
        conditions = [column == value for column, value in
                      ((c.event, self.event), (c.actor, self.actor), (c.outcome, self.outcome)) if value]
        if self.since is not None:
            conditions.append(c.at >= self.since)
        if self.until is not None:
            conditions.append(c.at < self.until)
        return conditions


def fetch_events(conn: Connection, which: AuditFilter, offset: int = 0, limit: int = 50) -> list[dict]:
    """Events newest first: event_id, at (naive UTC), actor, role, ip, event, outcome and
    details (a dict; {} when none, {"text": …} for a row that is not JSON)."""
    query = sa.select(audit_log).where(*which.where()).order_by(audit_log.c.at.desc(), audit_log.c.event_id.desc()) \
        .offset(max(offset, 0)).limit(limit)
    return [{**row, "details": _details(row["details"])} for row in conn.execute(query).mappings()]


def count_events(conn: Connection, which: AuditFilter) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(*which.where())).scalar()


def fetch_event_types(conn: Connection) -> list[str]:
    """Every event name recorded so far, sorted."""
    return [e for (e,) in conn.execute(sa.select(audit_log.c.event).distinct().order_by(audit_log.c.event))]


def _details(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}
