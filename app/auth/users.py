"""User administration: create, change role, link to a rep, reset password, deactivate.

Shared by the CLI (actor "cli") and the admin pages (actor: the signed-in admin, with their
role and address as the keyword arguments actor_role and ip); every change is audited. Refusals are UserError with a
translatable message. Two rules keep the dashboard administrable: nobody removes their own
admin role or deactivates themselves, and the last active admin stays an active admin.
"""
from __future__ import annotations

import secrets

from sqlalchemy.engine import Connection

from app.auth.passwords import WeakPassword, hash_password
from app.auth.roles import Role
from app.data import users as store
from app.data.audit import record_event
from app.data.tokens import revoke_all_tokens
from app.errors import Explained
from app.i18n import LOCALES, N_


class UserError(Explained):
    """A user-administration request that cannot be done; the message says why."""


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(conn: Connection, username: str, role: str, password: str, *, rep_id: str | None = None,
                display_name: str | None = None, email: str | None = None, locale: str = "en",
                actor: str = "cli", **audit) -> int:
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise UserError(N_("username must be 1 to 64 characters"))
    if store.fetch_user(conn, username):
        raise UserError(N_("user '%(username)s' already exists"), username=username)
    role = _role(role)
    _check_locale(locale)
    if role in (Role.REP, Role.MANAGER) and not rep_id:
        raise UserError(N_("a %(role)s must be linked to a rep"), role=role.value)
    if rep_id:
        _check_rep(conn, rep_id)
    user_id = store.insert_user(conn, username=username, role=role.value, rep_id=rep_id,
                                password_hash=_hash(password), display_name=(display_name or "").strip() or username,
                                email=email, locale=locale)
    _record(conn, "user_created", actor, audit, username=username, new_role=role.value, rep_id=rep_id)
    return user_id


def set_role(conn: Connection, username: str, role: str, actor: str = "cli", **audit) -> None:
    role = _role(role)
    user = _existing(conn, username)
    if role in (Role.REP, Role.MANAGER) and not user["rep_id"]:
        raise UserError(N_("link %(username)s to a rep first: a %(role)s sees data through their rep"),
                        username=username, role=role.value)
    if role != Role.ADMIN:
        _keep_an_admin(conn, user, actor)
    store.update_user(conn, username, role=role.value)
    _record(conn, "user_role_changed", actor, audit, username=username, old=user["role"], new=role.value)


def link_rep(conn: Connection, username: str, rep_id: str, actor: str = "cli", **audit) -> None:
    user = _existing(conn, username)
    _check_rep(conn, rep_id)
    store.update_user(conn, username, rep_id=rep_id)
    _record(conn, "user_rep_linked", actor, audit, username=username, old=user["rep_id"], new=rep_id)


def unlink_rep(conn: Connection, username: str, actor: str = "cli", **audit) -> None:
    """Admins and executives may have no rep; managers and reps see data only through theirs."""
    user = _existing(conn, username)
    if not user["rep_id"]:
        raise UserError(N_("%(username)s is not linked to a rep"), username=username)
    if user["role"] in (Role.REP, Role.MANAGER):
        raise UserError(N_("a %(role)s must stay linked to a rep; change the role first"), role=user["role"])
    store.update_user(conn, username, rep_id=None)
    _record(conn, "user_rep_linked", actor, audit, username=username, old=user["rep_id"], new=None)


def reset_password(conn: Connection, username: str, password: str, actor: str = "cli", **audit) -> None:
    _existing(conn, username)
    store.update_user(conn, username, password_hash=_hash(password), password_changed_at=store.utcnow())
    store.end_sessions(conn, username)
    _record(conn, "user_password_reset", actor, audit, username=username)


def deactivate(conn: Connection, username: str, actor: str = "cli", **audit) -> None:
    user = _existing(conn, username)
    if not user["active"]:
        raise UserError(N_("%(username)s is already deactivated"), username=username)
    _keep_an_admin(conn, user, actor)
    store.update_user(conn, username, active=False)
    store.end_sessions(conn, username)
    # Tokens die with the login: re-activating a user must not bring old tokens back.
    revoked = revoke_all_tokens(conn, user["user_id"])
    _record(conn, "user_deactivated", actor, audit, username=username, tokens_revoked=revoked)


def activate(conn: Connection, username: str, actor: str = "cli", **audit) -> None:
    user = _existing(conn, username)
    if user["active"]:
        raise UserError(N_("%(username)s is already active"), username=username)
    store.update_user(conn, username, active=True)
    _record(conn, "user_activated", actor, audit, username=username)


def _record(conn: Connection, event: str, actor: str, audit: dict, **details) -> None:
    """The event of a change: the actor, and from `audit` their role (actor_role) and address (ip)."""
    record_event(conn, event, actor=actor, role=audit.get("actor_role"), ip=audit.get("ip"), **details)


def _keep_an_admin(conn: Connection, user: dict, actor: str) -> None:
    """Refuse to take the admin role or the login away from oneself or from the last admin."""
    if user["role"] != Role.ADMIN or not user["active"]:
        return
    if user["username"] == actor:
        raise UserError(N_("you cannot remove your own administrator access; ask another administrator"))
    if store.count_active_admins(conn) <= 1:
        raise UserError(N_("%(username)s is the last active administrator; make another user an "
                           "administrator first"), username=user["username"])


def _existing(conn: Connection, username: str) -> dict:
    user = store.fetch_user(conn, username or "")
    if not user:
        raise UserError(N_("no user named '%(username)s'"), username=username)
    return user


def _role(value: str) -> Role:
    try:
        return Role(str(value or "").strip().lower())
    except ValueError:
        raise UserError(N_("unknown role '%(role)s'; roles are %(roles)s"), role=value,
                        roles=", ".join(r.value for r in Role)) from None


def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise UserError(N_("unknown locale '%(locale)s'; choose one of %(locales)s"), locale=locale,
                        locales=", ".join(LOCALES))


def _check_rep(conn: Connection, rep_id: str) -> None:
    if not store.rep_exists(conn, rep_id):
        raise UserError(N_("no rep with rep_id '%(rep_id)s' (import reps first)"), rep_id=rep_id)


def _hash(password: str) -> str:
    try:
        return hash_password(password or "")
    except WeakPassword as exc:
        raise UserError(exc.message, **exc.values) from None
