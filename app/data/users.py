"""Reads and writes of the users and api_tokens tables."""
from __future__ import annotations


import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.clock import utcnow  # noqa: F401  (callers use store.utcnow)
from app.data.schema import reps
from app.data.system_schema import users


def fetch_user(conn: Connection, username: str) -> dict | None:
    row = conn.execute(sa.select(users).where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def fetch_users(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(users).order_by(users.c.username)).mappings()]


def insert_user(conn: Connection, **values) -> int:
    values.setdefault("created_at", utcnow())
    values.setdefault("password_changed_at", values["created_at"])
    return conn.execute(users.insert().values(**values)).inserted_primary_key[0]


def update_user(conn: Connection, username: str, **values) -> int:
    """Returns the number of users changed (0 when there is no such user)."""
    return conn.execute(users.update().where(users.c.username == username).values(**values)).rowcount


def end_sessions(conn: Connection, username: str) -> None:
    """Invalidate existing sessions: they carry the old epoch."""
    conn.execute(users.update().where(users.c.username == username)
                 .values(session_epoch=users.c.session_epoch + 1))


def rep_exists(conn: Connection, rep_id: str) -> bool:
    return conn.execute(sa.select(reps.c.rep_id).where(reps.c.rep_id == rep_id)).first() is not None


def count_active_admins(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(users).where(
        users.c.role == "admin", users.c.active.is_(True))).scalar()


def fetch_rep_choices(conn: Connection) -> list[dict]:
    """Every rep a login can be linked to: rep_id, name, team, active; sorted by name."""
    query = sa.select(reps.c.rep_id, reps.c.name, reps.c.team, reps.c.active).order_by(reps.c.name, reps.c.rep_id)
    return [dict(r) for r in conn.execute(query).mappings()]
