"""Idle and absolute limits on browser logins (API tokens have their own life, app/auth/tokens.py).

The login's start and last activity travel in the signed session cookie. An
ordinary login's cookie ends with the browser; a "keep me signed in" login's
cookie is persistent, so it survives a browser restart. An ordinary login ends
after SESSION_IDLE_MINUTES without a request or SESSION_MAX_HOURS after it began;
a remembered one, which the user asked to keep over nights and restarts, has no
idle limit and ends REMEMBER_DAYS after it began.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from flask import current_app, flash, jsonify, redirect, request, session
from flask_login import current_user, logout_user

from app.auth.guard import JSON_PREFIXES, is_public
from app.data import clock
from app.data.audit import record_event
from app.i18n import SESSION_KEY as LOCALE_KEY
from app.i18n import gettext as _

LOGIN_AT, SEEN_AT = "login_at", "seen_at"
EPOCH = datetime(1970, 1, 1)
# Activity is written back at most this often, so most requests leave the cookie as it is.
TOUCH_SECONDS = 60


def now() -> int:
    return int((clock.utcnow() - EPOCH).total_seconds())


def start(remember: bool) -> None:
    """Stamp a new login (call right after login_user)."""
    session.permanent = remember
    session[LOGIN_AT] = session[SEEN_AT] = now()


def expiry_reason(config, at: int) -> str | None:
    """Why this session is over ("idle", "absolute", "unstamped"), or None while it is valid."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return "unstamped"      # restored from an old remember-me cookie, or older than this check
    lifetime = config.remember_days * 86400 if session.permanent else config.session_max_hours * 3600
    if at - login_at >= lifetime:
        return "absolute"
    idle = config.session_idle_minutes and not session.permanent
    if idle and at - seen_at >= config.session_idle_minutes * 60:
        return "idle"
    return None


def enforce():
    """before_request: end an expired browser login (audited); pages go to the login page,
    XHR/JSON gets 401; otherwise note the activity."""
    if not current_user.is_authenticated or getattr(current_user, "via_token", False):
        return None
    at = now()
    reason = expiry_reason(current_app.extensions["config"], at)
    if reason is None:
        if at - session[SEEN_AT] >= TOUCH_SECONDS:
            session[SEEN_AT] = at
        return None
    _end(reason)
    if is_public(request.path):
        return None             # e.g. the login page itself: show it, signed out
    if request.path.startswith(JSON_PREFIXES):
        response = jsonify(error="session expired")
        response.status_code = 401
        return response
    return redirect("/login?next=" + quote(request.full_path.rstrip("?"), safe="/"))


def _end(reason: str) -> None:
    from app.auth.session import engine
    with engine().begin() as conn:
        record_event(conn, "session_expired", actor=current_user.username, role=current_user.role,
                     ip=request.remote_addr, reason=reason)
    locale = session.get(LOCALE_KEY)
    session.clear()
    logout_user()           # after clear(): it marks a remember-me cookie for deletion
    if locale:
        session[LOCALE_KEY] = locale
    flash(_("Your session has expired. Please sign in again."), "info")
