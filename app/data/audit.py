"""Append-only audit events."""
from __future__ import annotations

import json

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
