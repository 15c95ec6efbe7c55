"""Reads and writes of API tokens (stored as SHA-256 hashes only)."""
from __future__ import annotations


import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.clock import utcnow
from app.data.system_schema import api_tokens, users


def insert_token(conn: Connection, user_id: int, name: str, token_hash: str) -> int:
    return conn.execute(api_tokens.insert().values(
        user_id=user_id, name=name, token_hash=token_hash, created_at=utcnow())).inserted_primary_key[0]


def fetch_tokens(conn: Connection, user_id: int) -> list[dict]:
    query = sa.select(api_tokens.c.token_id, api_tokens.c.name, api_tokens.c.created_at,
                      api_tokens.c.last_used_at, api_tokens.c.revoked_at) \
        .where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.token_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def revoke_token(conn: Connection, token_id: int, user_id: int | None = None) -> int:
    """Revoke one token (of `user_id` when given); returns how many were revoked."""
    query = api_tokens.update().where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    return conn.execute(query.values(revoked_at=utcnow())).rowcount


def revoke_all_tokens(conn: Connection, user_id: int) -> int:
    return conn.execute(api_tokens.update().where(
        api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None)).values(revoked_at=utcnow())).rowcount


def fetch_user_by_token(conn: Connection, token_hash: str) -> dict | None:
    """The active user owning a live token with this hash; marks the token used."""
    row = conn.execute(sa.select(users, api_tokens.c.token_id).join(
        api_tokens, api_tokens.c.user_id == users.c.user_id).where(
        api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None),
        users.c.active.is_(True))).mappings().first()
    if row is None:
        return None
    conn.execute(api_tokens.update().where(api_tokens.c.token_id == row["token_id"])
                 .values(last_used_at=utcnow()))
    return dict(row)


def fetch_user_by_id(conn: Connection, user_id: int) -> dict | None:
    row = conn.execute(sa.select(users).where(users.c.user_id == user_id)).mappings().first()
    return dict(row) if row else None
