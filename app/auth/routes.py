"""Login and logout: plain Flask views (not Dash callbacks), per docs/security.md.

One generic error message; unknown users cost a hash check too (no timing
oracle); attempts are limited per account and per address (app/auth/ratelimit.py);
the session is cleared and renewed at login; the form carries a CSRF token;
`next` may only be a local path.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user, login_user, logout_user

from app.auth import identity, timeouts
from app.auth.pages import role_of
from app.auth.passwords import needs_rehash, verify_password
from app.auth.roles import Role
from app.auth.session import User, engine
from app.data import users as store
from app.data.audit import record_event
from app.data.engine import writing
from app.i18n import LANGUAGE_NAMES, LOCALES, SESSION_KEY, current_locale
from app.i18n import gettext as _
from app.i18n import ngettext

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """A relative path on this site, else the home page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ch in target for ch in "\r\n\t") or ":" in target.split("?", 1)[0]:
        return "/"
    return target


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, description=_("The form expired; reload the page and try again."))


def login_page(target: str, error: str | None = None, status: int = 200):
    languages = [(code, LANGUAGE_NAMES[code]) for code in LOCALES]
    return render_template("login.html", csrf_token=csrf_token(), next=target, error=error,
                           languages=languages, locale=current_locale()), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target)
        return login_page(target)
    check_csrf()
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    limiter = current_app.extensions["login_limiter"]
    attempt = limiter.attempt(username, request.remote_addr)
    if attempt.refused_by:
        return rate_limited(username, attempt, target)
    with writing(engine()) as conn:     # reads, then writes: see app.data.engine.writing
        row = store.fetch_user(conn, username)
        ok = verify_password(row["password_hash"] if row else None, password) and row["active"]
        record_event(conn, "login" if ok else "login_failed", actor=username or None,
                     role=row["role"] if ok else None, ip=request.remote_addr,
                     outcome="success" if ok else "failure")
        if ok:
            if needs_rehash(row["password_hash"]):
                from app.auth.passwords import _hasher
                store.update_user(conn, username, password_hash=_hasher.hash(password))
            store.update_user(conn, username, last_login_at=store.utcnow())
    if not ok:
        return login_page(target, _("Wrong username or password."), 401)
    limiter.succeeded(attempt)
    locale = session.get(SESSION_KEY)     # a language picked on the login page stays
    session.clear()   # a fresh session: no fixation
    if locale:
        session[SESSION_KEY] = locale
    login_user(User(row))
    timeouts.start(remember=request.form.get("remember") == "on")
    return redirect(target)


def rate_limited(username: str, attempt, target: str):
    """429 with the wait in minutes, whatever the password; audited."""
    with engine().begin() as conn:
        record_event(conn, "rate_limited", actor=username or None, ip=request.remote_addr,
                     outcome="failure", limit=attempt.refused_by, retry_after=attempt.retry_after)
    minutes = -(-attempt.retry_after // 60)
    message = ngettext("Too many sign-in attempts. Wait %(num)d minute and try again.",
                       "Too many sign-in attempts. Wait %(num)d minutes and try again.", minutes)
    body, status = login_page(target, message, 429)
    return body, status, {"Retry-After": str(attempt.retry_after)}


@bp.post("/logout")
def logout():
    """POST only (a link or image on another site cannot sign anyone out; the Origin check
    refuses cross-site forms)."""
    if current_user.is_authenticated:
        identity.stop_view_as("logout")
        with engine().begin() as conn:
            record_event(conn, "logout", actor=current_user.username, role=current_user.role,
                         ip=request.remote_addr)
    session.clear()
    logout_user()           # after clear(): it marks a remember-me cookie for deletion
    return redirect("/login")


@bp.post("/view-as/stop")
def stop_view_as():
    """The Stop control of the view-as banner: a form post with the session's CSRF token. Only
    a signed-in admin may use it (the viewed user's role cannot open admin pages, so this is a
    route of its own rather than a callback of the users page)."""
    check_csrf()
    if role_of(identity.signed_in()) != Role.ADMIN or current_user.via_token:
        with engine().begin() as conn:
            record_event(conn, "authorization_denied", **identity.audit_context(), outcome="failure",
                         resource="route:/view-as/stop")
        abort(403, description="Only an administrator can stop viewing as another user.")
    identity.stop_view_as()
    return redirect("/admin/users")
