"""What the web pages ask of the domain, always on behalf of the logged-in user.

Callbacks call these instead of opening connections themselves. The viewer is
flask-login's `current_user`, re-read from the database on every request, or the user an
admin is viewing as (app.auth.identity); the scope comes from that record
(app.auth.policy), never from request input. Audit events name the real, signed-in user.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

import app.kpi.definitions  # noqa: F401  (fills the registry)
from app.auth import identity
from app.auth.pages import role_of
from app.auth.policy import scope_for
from app.data.audit import record_event
from app.data.clock import utcnow
from app.data.engine import writing
from app.data.queries import (fetch_filter_options, fetch_import_freshness, fetch_open_deals, fetch_rep_profile,
                              fetch_team_rep_ids, utc_bounds)
from app.data.settings import fetch_settings
from app.auth.roles import Role
from app.kpi import leaderboard as boards
from app.kpi import performance
from app.kpi.cache import cached, evaluate_cached
from app.kpi.definitions.quota import comparable_with_quota
from app.kpi.definitions.pipeline import win_probability
from app.kpi.query import KpiQuery, Scope
from app.vocabulary import labelled_options


def viewer() -> dict | None:
    """The record of the user whose view this request has (None for an anonymous request):
    the signed-in user, or the user an admin is viewing as."""
    return identity.viewer()


def viewing_as() -> dict | None:
    """The user an admin is viewing as, or None."""
    return identity.viewing_as()


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
        scope = scope_for(conn, viewer())
        # DISTINCT over a million deals takes ~0.2 s and the values change only with an import.
        options = cached(conn, current_app.extensions["kpi_cache"], "filter_options", scope,
                         lambda: fetch_filter_options(conn, scope.rep_ids))
    return labelled_options(options)


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
    now = now or utcnow()
    if info.get("last_success_at") is None:
        return "never"
    if info.get("last_status") == "failed":
        return "failed"
    return "stale" if now - info["last_success_at"] > timedelta(hours=warn_hours) else "ok"


def audit(event: str, outcome: str = "success", **details) -> None:
    """Record an event of this request: actor, role and address of the signed-in user, and
    the viewed user while an admin views as someone (never secrets in `details`)."""
    with _engine().begin() as conn:
        record_event(conn, event, **identity.audit_context(), outcome=outcome, **details)


def record_denied(resource: str) -> None:
    """Audit a refused request (authorization_denied) by the current user."""
    audit("authorization_denied", outcome="failure", resource=resource[:200])


def save_locale(locale: str) -> None:
    """Store the signed-in user's language (the i18n layer validates and applies it); while
    viewing as someone, the admin's own, not the viewed user's."""
    from app.i18n import set_user_locale
    row = identity.signed_in()
    if row:
        with writing(_engine()) as conn:
            set_user_locale(conn, row["username"], locale)


# My performance. The page's rep comes from request input, so it is only ever a filter narrowing
# inside the viewer's scope: performance_rep() picks it, every other function re-checks it.

def _may_view(conn, scope: Scope, rep_id: str | None) -> bool:
    if not rep_id:
        return False
    if scope.is_all:
        return fetch_rep_profile(conn, rep_id) is not None
    return rep_id in scope.rep_ids


def performance_rep(requested: str | None) -> dict | None:
    """The rep whose page the viewer sees, as fetch_rep_profile's dict, or None.

    A rep always gets themselves, whatever they ask for; others get the requested rep when it
    is in their scope, else their own linked rep when they have one, else None.
    """
    row = viewer()
    own = (row or {}).get("rep_id")
    with _engine().connect() as conn:
        scope = scope_for(conn, row)
        wanted = [own] if role_of(row) == Role.REP else [requested, own]
        rep_id = next((r for r in wanted if isinstance(r, str) and _may_view(conn, scope, r)), None)
        return fetch_rep_profile(conn, rep_id) if rep_id else None


def rep_standing(rep_id: str, query: KpiQuery) -> dict | None:
    """The rep's ranks in team and company for the query's period (performance.standing's
    shape), or None when the rep is outside the viewer's scope or has no leaderboard row.

    The leaderboard is evaluated over the whole company here, on the server, because a rep's
    own scope holds only themselves; only ranks, team names (not when anonymous for a rep
    viewer) and the rep's own figures are returned.
    """
    row = viewer()
    with _engine().connect() as conn:
        if not _may_view(conn, scope_for(conn, row), rep_id):
            return None
        values = fetch_settings(conn)
        company = KpiQuery.build(query.start, query.end)
        board = evaluate_cached(conn, current_app.extensions["kpi_cache"], ["rep_leaderboard"], company,
                                Scope.everything())["values"]["rep_leaderboard"]
        team = fetch_team_rep_ids(conn, fetch_rep_profile(conn, rep_id)["team"])
    anonymous = bool(values["leaderboard_anonymous"]) and role_of(row) == Role.REP
    return performance.standing(board, rep_id, team, anonymous)


def team_activity_median(rep_id: str, query: KpiQuery) -> dict | None:
    """Median activities, calls and meetings of the rep's team in the query's period
    (performance.team_medians), computed here so no teammate's own numbers leave the server."""
    with _engine().connect() as conn:
        if not _may_view(conn, scope_for(conn, viewer()), rep_id):
            return None
        team = fetch_team_rep_ids(conn, fetch_rep_profile(conn, rep_id)["team"])
        if not team:
            return performance.team_medians([], [])
        by_rep = KpiQuery.build(query.start, query.end, by="rep")
        answer = evaluate_cached(conn, current_app.extensions["kpi_cache"], list(performance.ACTIVITY_KPIS),
                                 by_rep, Scope.reps(team, "team-median"))
    return performance.team_medians(answer["rows"], team)


def open_deals(rep_id: str, end: date) -> list[dict]:
    """The rep's deals open at the end of `end` (fetch_open_deals rows), or [] outside the
    viewer's scope."""
    with _engine().connect() as conn:
        if not _may_view(conn, scope_for(conn, viewer()), rep_id):
            return []
        hi = utc_bounds(end, end, fetch_settings(conn)["org_timezone"])[1]
        return fetch_open_deals(conn, rep_id, hi, win_probability)


# Leaderboard. Reps see the whole company's board, so it is computed here over everything and
# cut down (app.kpi.leaderboard.board) before anything leaves the server.

def leaderboard_is_restricted() -> bool:
    """Whether the viewer sees the restricted board (ranks, names, one figure): reps do."""
    return viewer_role() == Role.REP


def leaderboard(query: KpiQuery, metric: str | None) -> dict:
    """The rep leaderboard the viewer may see for the query's period, with rank movement since
    its comparison period when it has one (app.kpi.leaderboard.board's shape).

    Managers, executives and admins: the reps of their scope that pass the query's filters,
    every column. Reps: every rep of the company for the period alone, whatever filters the
    request names (a narrow filter would single out another rep's deals): ranks, names
    (unless the board is anonymous) and the figure it is ranked by.
    """
    row = viewer()
    restricted = role_of(row) == Role.REP
    if restricted:
        query = KpiQuery.build(query.start, query.end, compare=query.compare)
    quota = comparable_with_quota(dict(query.filters))
    with _engine().connect() as conn:
        scope = Scope.everything() if restricted else scope_for(conn, row)
        anonymous = restricted and bool(fetch_settings(conn)["leaderboard_anonymous"])
        cache = current_app.extensions["kpi_cache"]
        table = lambda q: evaluate_cached(conn, cache, ["rep_leaderboard"], q, scope)["values"]["rep_leaderboard"]  # noqa: E731
        now = table(replace(query, compare=None))
        before = table(query.shifted(query.compare)) if query.compare else None
    return boards.board(now, before, boards.chosen_metric(metric, restricted, quota), (row or {}).get("rep_id"),
                        restricted, anonymous, quota)
