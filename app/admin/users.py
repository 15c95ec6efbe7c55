"""The users page's questions and actions: logins, rep links, passwords, API tokens, view-as.

Every action goes through the same domain functions as `python -m app users …`
(app.auth.users, app.auth.tokens), so the CLI and the page keep one set of rules. Actions
return a Done (a message in the viewer's language and, for a generated password or a new
token, the secret to show once) or raise an Explained refusal that says why.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.admin import acting_admin, audit_of, engine
from app.auth import identity, tokens
from app.auth import users as domain
from app.auth.pages import pages_for
from app.data import users as store
from app.data.settings import fetch_settings
from app.data.tokens import fetch_tokens
from app.i18n import N_
from app.i18n import gettext as _

# What a page may know about a login: never the password hash or the session epoch.
PUBLIC_FIELDS = ("user_id", "username", "display_name", "email", "role", "rep_id", "locale", "active",
                 "created_at", "last_login_at", "password_changed_at")


# The same catalogue ids as the navbar's role names (layouts.shell.role_label).
ROLE_LABELS = {"admin": N_("Administrator"), "executive": N_("Executive"), "manager": N_("Manager"),
               "rep": N_("Sales rep")}


@dataclass(frozen=True)
class Done:
    message: str
    secret: str | None = None       # a generated password or a new API token, shown once
    secret_kind: str | None = None  # "password" or "token"
    goto: str | None = None         # where the browser goes next (view-as)


def overview() -> dict:
    """{"users": logins (PUBLIC_FIELDS + rep_name), "reps": rep choices (rep_id, name, team,
    active), "timezone": the organisation's, to show times in}."""
    acting_admin()
    with engine().connect() as conn:
        reps = store.fetch_rep_choices(conn)
        names = {r["rep_id"]: r["name"] for r in reps}
        users = [{**{k: u[k] for k in PUBLIC_FIELDS}, "rep_name": names.get(u["rep_id"])}
                 for u in store.fetch_users(conn)]
        return {"users": users, "reps": reps, "timezone": fetch_settings(conn)["org_timezone"]}


def detail(username: str | None) -> dict | None:
    """One login (PUBLIC_FIELDS) with its API tokens ("tokens": token_id, name, created_at,
    last_used_at, revoked_at) and the organisation's "timezone"; None when there is no such login."""
    acting_admin()
    with engine().connect() as conn:
        user = store.fetch_user(conn, username or "")
        if user is None:
            return None
        return {**{k: user[k] for k in PUBLIC_FIELDS}, "tokens": fetch_tokens(conn, user["user_id"]),
                "timezone": fetch_settings(conn)["org_timezone"]}


def create(username, display_name, role, rep_id, password) -> Done:
    """A new login; without a password one is generated and returned once."""
    admin = acting_admin()
    generated = not password
    password = domain.generate_password() if generated else password
    with engine().begin() as conn:
        domain.create_user(conn, username or "", role or "", password, rep_id=rep_id or None,
                           display_name=display_name, **audit_of(admin))
    message = _("User %(username)s created.") % {"username": (username or "").strip()}
    return Done(message, password, "password") if generated else Done(message)


def change_role(username, role) -> Done:
    admin = acting_admin()
    with engine().begin() as conn:
        domain.set_role(conn, username or "", role or "", **audit_of(admin))
    label = ROLE_LABELS[str(role).strip().lower()]      # set_role accepted it, so it is a role
    return Done(_("%(username)s now has the role %(role)s.") % {"username": username, "role": _(label)})


def link_rep(username, rep_id) -> Done:
    admin = acting_admin()
    if not rep_id:
        raise domain.UserError(N_("choose a rep to link"))
    with engine().begin() as conn:
        domain.link_rep(conn, username or "", rep_id, **audit_of(admin))
    return Done(_("%(username)s is linked to rep %(rep)s.") % {"username": username, "rep": rep_id})


def unlink_rep(username) -> Done:
    admin = acting_admin()
    with engine().begin() as conn:
        domain.unlink_rep(conn, username or "", **audit_of(admin))
    return Done(_("%(username)s is no longer linked to a rep.") % {"username": username})


def deactivate(username) -> Done:
    admin = acting_admin()
    with engine().begin() as conn:
        domain.deactivate(conn, username or "", **audit_of(admin))
    return Done(_("%(username)s is deactivated: their sessions have ended and their API tokens are revoked.")
                % {"username": username})


def activate(username) -> Done:
    admin = acting_admin()
    with engine().begin() as conn:
        domain.activate(conn, username or "", **audit_of(admin))
    return Done(_("%(username)s is active again.") % {"username": username})


def reset_password(username, password) -> Done:
    """A new password (generated and returned once when none is given); the user's sessions end."""
    admin = acting_admin()
    generated = not password
    password = domain.generate_password() if generated else password
    with engine().begin() as conn:
        domain.reset_password(conn, username or "", password, **audit_of(admin))
    message = _("Password of %(username)s reset; their open sessions have ended.") % {"username": username}
    if username == admin["username"]:
        message += " " + _("That includes yours: sign in again with the new password.")
    return Done(message, password, "password") if generated else Done(message)


def create_token(username, name) -> Done:
    admin = acting_admin()
    with engine().begin() as conn:
        token_id, token = tokens.create_token(conn, username or "", name, **audit_of(admin))
    return Done(_("API token #%(id)s created for %(username)s.") % {"id": token_id, "username": username},
                token, "token")


def revoke_token(username, token_id) -> Done:
    admin = acting_admin()
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise tokens.TokenError(N_("no such token")) from None
    with engine().begin() as conn:
        tokens.revoke(conn, username or "", token_id, **audit_of(admin))
    return Done(_("API token #%(id)s of %(username)s revoked.") % {"id": token_id, "username": username})


def view_as(username) -> Done:
    """Start viewing as `username`; `goto` is the first page their role may open."""
    acting_admin()
    target = identity.start_view_as(username or "")
    pages = pages_for(target["role"])
    return Done(_("Viewing as %(username)s.") % {"username": username}, goto=pages[0].path if pages else "/")
