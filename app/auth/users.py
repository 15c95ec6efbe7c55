"""User administration: create, change role, link to a rep, reset password, deactivate.

Shared by the CLI and (later) the admin page; every change is audited.
"""
from __future__ import annotations

import secrets

from sqlalchemy.engine import Connection

from app.auth.passwords import hash_password
from app.auth.roles import Role
from app.data import users as store
from app.data.tokens import revoke_all_tokens
from app.i18n import LOCALES
from app.data.audit import record_event



class UserError(ValueError):
    """A user-administration request that cannot be done; the message says why."""


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(conn: Connection, username: str, role: str, password: str, *, rep_id: str | None = None,
                display_name: str | None = None, email: str | None = None, locale: str = "en",
                actor: str = "cli") -> int:
    username = username.strip()
    if not username or len(username) > 64:
        raise UserError("username must be 1 to 64 characters")
    if store.fetch_user(conn, username):
        raise UserError(f"user {username!r} already exists")
    role = _role(role)
    _check_locale(locale)
    if role in (Role.REP, Role.MANAGER) and not rep_id:
        raise UserError(f"a {role} must be linked to a rep (--rep-id)")
    if rep_id:
        _check_rep(conn, rep_id)
    user_id = store.insert_user(conn, username=username, role=role.value, rep_id=rep_id,
                                password_hash=_hash(password), display_name=display_name or username,
                                email=email, locale=locale)
    record_event(conn, "user_created", actor=actor, username=username, new_role=role.value, rep_id=rep_id)
    return user_id


def set_role(conn: Connection, username: str, role: str, actor: str = "cli") -> None:
    role = _role(role)
    user = _existing(conn, username)
    if role in (Role.REP, Role.MANAGER) and not user["rep_id"]:
        raise UserError(f"link {username} to a rep first: a {role} sees data through their rep")
    store.update_user(conn, username, role=role.value)
    record_event(conn, "user_role_changed", actor=actor, username=username, old=user["role"], new=role.value)


def link_rep(conn: Connection, username: str, rep_id: str, actor: str = "cli") -> None:
    user = _existing(conn, username)
    _check_rep(conn, rep_id)
    store.update_user(conn, username, rep_id=rep_id)
    record_event(conn, "user_rep_linked", actor=actor, username=username, old=user["rep_id"], new=rep_id)


def reset_password(conn: Connection, username: str, password: str, actor: str = "cli") -> None:
    _existing(conn, username)
    store.update_user(conn, username, password_hash=_hash(password), password_changed_at=store.utcnow())
    store.end_sessions(conn, username)
    record_event(conn, "user_password_reset", actor=actor, username=username)


def deactivate(conn: Connection, username: str, actor: str = "cli") -> None:
    _existing(conn, username)
    store.update_user(conn, username, active=False)
    store.end_sessions(conn, username)
    # Tokens die with the login: re-activating a user must not bring old tokens back.
    revoked = revoke_all_tokens(conn, _existing(conn, username)["user_id"])
    record_event(conn, "user_deactivated", actor=actor, username=username, tokens_revoked=revoked)


def activate(conn: Connection, username: str, actor: str = "cli") -> None:
    _existing(conn, username)
    store.update_user(conn, username, active=True)
    record_event(conn, "user_activated", actor=actor, username=username)


def _existing(conn: Connection, username: str) -> dict:
    user = store.fetch_user(conn, username)
    if not user:
        raise UserError(f"no user named {username!r}")
    return user


def _role(value: str) -> Role:
    try:
        return Role.parse(value)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise UserError(f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}")


def _check_rep(conn: Connection, rep_id: str) -> None:
    if not store.rep_exists(conn, rep_id):
        raise UserError(f"no rep with rep_id {rep_id!r} (import reps first)")


def _hash(password: str) -> str:
    try:
        return hash_password(password)
    except ValueError as exc:
        raise UserError(str(exc)) from None
