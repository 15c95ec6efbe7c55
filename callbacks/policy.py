"""Who may run each callback: declared on the function, enforced before Dash runs it.

`POST /_dash-update-component` runs whichever callback the body names, so the
check happens there, on the server: the body's `output` picks the callback from
the app's callback map, its declared roles are compared with the logged-in
user's role (re-read from the database), and a refusal answers 403 and is
audited. A callback without a declared policy is refused too (deny by default);
tests walk the callback map so none ships without one.
"""
from __future__ import annotations

from flask import abort, request

from app.auth.pages import KIND_ROLES, PERSONAL
from app.auth.roles import Role
from app.kpi import service

ROLES_ATTR = "__allowed_roles__"
EVERYONE = KIND_ROLES[PERSONAL]
# Outputs of Dash's own page router: it renders a page's layout, and the page layout
# wrapper (app/dash_app.py) shows the 403 page to roles the page table does not allow.
DASH_ROUTER_IDS = ("_pages_content", "_pages_store")


def allow(roles):
    """Declare the roles that may run a callback: `allow(EVERYONE)(fn)` or as a decorator."""
    roles = frozenset(Role(r) for r in roles)

    def mark(fn):
        setattr(fn, ROLES_ATTR, roles)
        return fn
    return mark


def roles_for(entry: dict) -> frozenset[Role] | None:
    """The declared roles of a callback-map entry; None when it has none (refused)."""
    fn = getattr(entry.get("callback"), "__wrapped__", None)
    roles = getattr(fn, ROLES_ATTR, None)
    if roles is None and fn is not None and _outputs(entry) <= set(DASH_ROUTER_IDS):
        return EVERYONE
    return roles


def is_clientside(entry: dict) -> bool:
    """Clientside callbacks run in the browser and have no server function to call."""
    return "callback" not in entry


def _outputs(entry: dict) -> set[str]:
    outputs = entry.get("output")
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return {str(getattr(o, "component_id", "")) for o in outputs}


def enforce(dash_app):
    """A before_request hook that lets a callback request through only for an allowed role."""
    path = dash_app.config.requests_pathname_prefix + "_dash-update-component"

    def check_callback_policy():
        if request.path != path or request.method != "POST":
            return None
        if not request.is_json:
            abort(415, description="callback requests must be application/json")
        body = request.get_json(silent=True)
        key = body.get("output") if isinstance(body, dict) else None
        entry = dash_app.callback_map.get(key) if isinstance(key, str) else None
        if entry is None or is_clientside(entry):
            abort(400, description="unknown callback")
        roles = roles_for(entry)
        if roles is None or service.viewer_role() not in roles:
            service.record_denied(f"callback:{key}")
            abort(403, description="you may not use this part of the dashboard")
        return None
    return check_callback_policy
