"""Who is asking: the signed-in user, and the user an admin is viewing the dashboard as.

"View as" lets an admin see pages, navigation, callbacks and rows exactly as another
(active, non-admin) user would: `viewer()` answers that user while the session holds
`view_as`, so the page table, the callback policy and every scope follow them. The real
identity stays the admin's for everything recorded: `audit_context()` names the admin as
actor and the viewed user beside them. View-as needs a session (API tokens never get it),
ends on logout (the session is cleared) and is dropped, with a `view_as_stop` event, as
soon as the admin is no longer an active admin or the viewed user is no longer viewable.
"""
from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user

from app.auth.pages import role_of
from app.auth.roles import Role
from app.data import users as store
from app.data.audit import record_event
from app.data.tokens import fetch_user_by_id
from app.errors import Explained
from app.i18n import N_

SESSION_KEY = "view_as"


class ViewAsError(Explained):
    pass


def signed_in() -> dict | None:
    """The record of the user who signed in (or whose token this is), re-read this request."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return None
    return current_user.row


def viewer() -> dict | None:
    """Whose eyes the request sees with: the viewed user during view-as, else the signed-in one."""
    return viewing_as() or signed_in()


def viewing_as() -> dict | None:
    """The viewed user's record while a valid view-as is on, else None."""
    if not has_request_context() or SESSION_KEY not in session:
        return None
    if "view_as_row" not in g:
        g.view_as_row = _resolve()
    return g.view_as_row


def check_view_as() -> None:
    """before_request: settle view-as at the start of the request (it may write an event),
    before any callback opens a connection."""
    viewing_as()


def audit_context() -> dict:
    """Keyword arguments for record_event: the real actor, their role and address, and the
    viewed user while viewing as someone."""
    real = signed_in() or {}
    context = {"actor": real.get("username"), "role": real.get("role"),
               "ip": request.remote_addr if has_request_context() else None}
    viewed = viewing_as()
    if viewed:
        context.update(view_as=viewed["username"], view_as_role=viewed["role"])
    return context


def refusal(admin: dict | None, target: dict | None, username: str) -> ViewAsError | None:
    """Why `admin` may not view as `target` (None when they may)."""
    if role_of(admin) != Role.ADMIN or getattr(current_user, "via_token", False):
        return ViewAsError(N_("only a signed-in administrator can view as another user"))
    if target is None:
        return ViewAsError(N_("no user named '%(username)s'"), username=username)
    if not target["active"]:
        return ViewAsError(N_("%(username)s is deactivated; only active users can be viewed as"),
                           username=target["username"])
    if target["role"] == Role.ADMIN:
        return ViewAsError(N_("%(username)s is an administrator; view as works for executives, managers "
                              "and reps"), username=target["username"])
    return None


def start_view_as(username: str) -> dict:
    """Start viewing as `username` (the session remembers it); returns their record.
    Raises ViewAsError saying why not."""
    admin = signed_in()
    with _engine().begin() as conn:
        target = store.fetch_user(conn, username or "")
        problem = refusal(admin, target, username)
        if problem:
            raise problem
        record_event(conn, "view_as_start", **audit_context(), username=target["username"],
                     display_name=target["display_name"], target_role=target["role"])
    session[SESSION_KEY] = target["user_id"]
    g.view_as_row = target
    return target


def stop_view_as(reason: str = "stopped") -> dict | None:
    """End view-as (recorded with the reason); returns the user who was viewed, if any."""
    viewed = viewing_as()
    if viewed:
        with _engine().begin() as conn:
            _record_stop(conn, viewed, reason)
    session.pop(SESSION_KEY, None)
    g.view_as_row = None
    return viewed


def _resolve() -> dict | None:
    """The viewed user, if the admin and the target still qualify; else clear view-as."""
    if getattr(current_user, "via_token", False):
        return None         # a token request ignores the session's view-as and leaves it alone
    admin = signed_in()
    user_id = session.get(SESSION_KEY)
    with _engine().connect() as conn:
        target = fetch_user_by_id(conn, user_id) if isinstance(user_id, int) else None
    problem = refusal(admin, target, str(user_id))
    if problem is None:
        return target
    session.pop(SESSION_KEY, None)
    if admin:
        with _engine().begin() as conn:
            _record_stop(conn, target or {}, str(problem), admin)
    return None


def _record_stop(conn, viewed: dict, reason: str, admin: dict | None = None) -> None:
    admin = admin or signed_in() or {}
    record_event(conn, "view_as_stop", actor=admin.get("username"), role=admin.get("role"),
                 ip=request.remote_addr, username=viewed.get("username"), display_name=viewed.get("display_name"),
                 target_role=viewed.get("role"), reason=reason)


def _engine():
    return current_app.extensions["engine"]
