"""What the web pages ask of the domain, always on behalf of the logged-in user.

Callbacks call these instead of opening connections themselves. The viewer is
flask-login's `current_user`, re-read from the database on every request; the
scope comes from that record (app.auth.policy), never from request input.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_login import current_user

import app.kpi.definitions  # noqa: F401  (fills the registry)
from app.auth.pages import role_of
from app.auth.policy import scope_for
from app.data.audit import record_event
from app.data.queries import fetch_filter_options, fetch_import_freshness
from app.data.settings import fetch_settings
from app.kpi.cache import evaluate_cached
from app.kpi.query import KpiQuery


def viewer() -> dict | None:
    """The current user's record, or None for an anonymous request."""
    return current_user.row if current_user and current_user.is_authenticated else None


def viewer_role():
    return role_of(viewer())


def _engine():
    return current_app.extensions["engine"]


def settings() -> dict:
    with _engine().connect() as conn:
        return fetch_settings(conn)


def org_today(values: dict | None = None) -> date:
    """Today in the organisation's time zone (periods "to date" end here)."""
    zone = (values or settings())["org_timezone"]
    return datetime.now(ZoneInfo(zone)).date()


def ask(ids, query: KpiQuery) -> dict:
    """The KPI answer (app.kpi.evaluate's JSON shape) in the viewer's scope, cached."""
    return ask_many([(ids, query)])[0]


def ask_many(questions: list[tuple[list[str], KpiQuery]]) -> list[dict]:
    """Several KPI answers over one connection, each in the viewer's scope."""
    with _engine().connect() as conn:
        scope = scope_for(conn, viewer())
        cache = current_app.extensions["kpi_cache"]
        return [evaluate_cached(conn, cache, ids, query, scope) for ids, query in questions]


def filter_options() -> dict[str, list[dict]]:
    """Filter-bar values in the viewer's scope (a rep's rep list holds only themselves)."""
    with _engine().connect() as conn:
        return fetch_filter_options(conn, scope_for(conn, viewer()).rep_ids)


def freshness(now: datetime | None = None) -> dict:
    """{"state": ok | stale | failed | never, "last_success_at": naive UTC or None,
    "timezone": the organisation's, to show the time in}."""
    with _engine().connect() as conn:
        info, values = fetch_import_freshness(conn), fetch_settings(conn)
    return {"state": freshness_state(info, values["freshness_warning_hours"], now),
            "last_success_at": info["last_success_at"], "timezone": values["org_timezone"]}


def freshness_state(info: dict, warn_hours: int, now: datetime | None = None) -> str:
    """never: no import loaded data; failed: the newest import failed; stale: the last
    successful one finished more than `warn_hours` ago; else ok."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if info.get("last_success_at") is None:
        return "never"
    if info.get("last_status") == "failed":
        return "failed"
    return "stale" if now - info["last_success_at"] > timedelta(hours=warn_hours) else "ok"


def record_denied(resource: str) -> None:
    """Audit a refused request (authorization_denied) by the current user."""
    row = viewer() or {}
    with _engine().begin() as conn:
        record_event(conn, "authorization_denied", actor=row.get("username"), role=row.get("role"),
                     ip=request.remote_addr, outcome="failure", resource=resource[:200])


def save_locale(locale: str) -> None:
    """Store the viewer's language (the i18n layer validates and applies it)."""
    from app.i18n import set_user_locale
    row = viewer()
    if row:
        with _engine().begin() as conn:
            set_user_locale(conn, row["username"], locale)
