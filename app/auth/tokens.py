"""Personal API tokens: shown once at creation, stored only as a SHA-256 hash.

Tokens are 256-bit random values, so a fast hash is enough (no password
stretching needed: there is nothing to brute-force).
"""
from __future__ import annotations

import hashlib
import secrets

from app.data import tokens as store
from app.data import users as user_store
from app.data.audit import record_event
from app.errors import Explained
from app.i18n import N_

PREFIX = "spd_"


class TokenError(Explained):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(conn, username: str, name: str, actor: str, **audit) -> tuple[int, str]:
    """Returns (token_id, token). The token is not recoverable later. `audit`: the actor's
    role (actor_role) and address (ip) for the audit event."""
    user = user_store.fetch_user(conn, username)
    if not user:
        raise TokenError(N_("no user named '%(username)s'"), username=username)
    if not user["active"]:
        # Such a token would not work, and activating the login later must not be what arms it.
        raise TokenError(N_("%(username)s is deactivated; activate the login before creating tokens"),
                         username=username)
    name = (name or "").strip()[:255] or "API token"
    token = PREFIX + secrets.token_urlsafe(32)
    token_id = store.insert_token(conn, user["user_id"], name, hash_token(token))
    record_event(conn, "api_token_created", actor=actor, role=audit.get("actor_role"), ip=audit.get("ip"),
                 username=username, token_id=token_id, name=name)
    return token_id, token


def revoke(conn, username: str, token_id: int, actor: str, **audit) -> None:
    user = user_store.fetch_user(conn, username)
    if not user or not store.revoke_token(conn, token_id, user["user_id"]):
        raise TokenError(N_("%(username)s has no live token #%(token_id)s"), username=username, token_id=token_id)
    record_event(conn, "api_token_revoked", actor=actor, role=audit.get("actor_role"), ip=audit.get("ip"),
                 username=username, token_id=token_id)


def user_for_token(conn, token: str) -> dict | None:
    if not token or not token.startswith(PREFIX):
        return None
    return store.fetch_user_by_token(conn, hash_token(token))
