"""Who may see what: the scope of rows a user's KPIs are computed over.

Scope is derived from the user record on the server (re-read per request by the
caller), never from request input. See docs/security.md.
"""
from __future__ import annotations

from app.auth.roles import Role
from app.data.queries import fetch_reporting_lines
from app.kpi.query import Scope


def reports_of(lines: list[tuple[str, str | None]], manager: str) -> set[str]:
    """The manager and everyone below them, transitively (cycles in CRM data are tolerated)."""
    children: dict[str, list[str]] = {}
    for rep, boss in lines:
        if boss:
            children.setdefault(boss, []).append(rep)
    seen, stack = {manager}, [manager]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def scope_for(conn, user: dict | None) -> Scope:
    """admin/executive: everything; manager: their reports and themselves; rep: themselves.

    An inactive user, an unknown role, or a manager/rep without a linked rep sees nothing.
    """
    if not user or not user.get("active", True):
        return Scope.nothing()
    try:
        role = Role(user["role"])
    except ValueError:
        return Scope.nothing()
    if role in (Role.ADMIN, Role.EXECUTIVE):
        return Scope.everything()
    rep_id = user.get("rep_id")
    if not rep_id:
        return Scope.nothing()
    if role == Role.REP:
        return Scope.reps({rep_id}, f"rep:{rep_id}")
    return Scope.reps(reports_of(fetch_reporting_lines(conn), rep_id), f"team:{rep_id}")
