"""Users (admins only): every login with its role, rep and activity; create a login; change a
login's role, rep link, status and password; its API tokens; view the dashboard as it.
`layout(**query)` is a skeleton; callbacks.admin_users fills it and runs the actions."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.auth.passwords import MIN_LENGTH
from app.auth.roles import Role
from app.formatting import format_datetime
from app.i18n import gettext as _
from layouts.components import empty_state, loading
from layouts.shell import role_label

P = "admin_users-"
CHANGED, GOTO, GOTO_DONE = P + "changed", P + "goto", P + "goto-done"
MESSAGE, SECRET, SECRET_VALUE, TABLE = P + "message", P + "secret", P + "secret-value", P + "table"
ROW, TOKEN_REVOKE = P + "row", P + "token-revoke"        # pattern-matching: {"type", "user"} / {"type", "token"}
NEW_USERNAME, NEW_NAME, NEW_ROLE, NEW_REP, NEW_PASSWORD, CREATE = (
    P + "new-username", P + "new-name", P + "new-role", P + "new-rep", P + "new-password", P + "create")
SELECTED, MANAGE, SUMMARY, TOKENS = P + "selected", P + "manage", P + "summary", P + "tokens"
ROLE, ROLE_SAVE, REP, REP_SAVE, REP_UNLINK = P + "role", P + "role-save", P + "rep", P + "rep-save", P + "rep-unlink"
DEACTIVATE, ACTIVATE, PASSWORD, RESET, VIEW_AS = (
    P + "deactivate", P + "activate", P + "password", P + "reset", P + "view-as")
TOKEN_NAME, TOKEN_CREATE = P + "token-name", P + "token-create"


def layout(**_query) -> html.Div:
    return html.Div([
        dcc.Store(id=CHANGED, data=0), dcc.Store(id=GOTO), html.Div(id=GOTO_DONE, hidden=True),
        html.H1([html.I(className="bi bi-people me-2"), _("Users")], className="h4 my-2"),
        html.Div(id=MESSAGE, role="status"), html.Div(id=SECRET),
        dbc.Row([
            dbc.Col(panel(_("Logins"), loading(TABLE, html.Div(id=TABLE)),
                          _("Click a row to manage that login. Logins are never deleted, so the audit log keeps "
                            "naming real people.")), xl=7, className="mb-3"),
            dbc.Col([panel(_("Manage a login"), manage_panel()), panel(_("Create a login"), create_form())],
                    xl=5, className="mb-3"),
        ]),
    ])


def panel(title: str, body, footer: str | None = None) -> dbc.Card:
    """A card as tall as its content (the page's cards stack in a column)."""
    parts = [dbc.CardHeader(title, className="fw-semibold"), dbc.CardBody(body)]
    return dbc.Card(parts + ([dbc.CardFooter(footer, className="small text-muted")] if footer else []),
                    className="shadow-sm mb-3")


def field(label: str, control, control_id: str, help_text: str | None = None) -> html.Div:
    return html.Div([dbc.Label(label, html_for=control_id, className="small mb-1"), control,
                     dbc.FormText(help_text) if help_text else None], className="mb-2")


def role_options() -> list[dict]:
    return [{"label": role_label(r.value), "value": r.value} for r in Role]


def password_help() -> str:
    return _("At least %(count)s characters, not a common password. Leave empty to generate one; it is shown "
             "once.") % {"count": MIN_LENGTH}


def create_form() -> html.Div:
    return html.Div([
        field(_("Username"), dbc.Input(id=NEW_USERNAME, maxLength=64, autoComplete="off"), NEW_USERNAME),
        field(_("Display name"), dbc.Input(id=NEW_NAME, maxLength=200, autoComplete="off"), NEW_NAME),
        field(_("Role"), dcc.Dropdown(id=NEW_ROLE, options=role_options(), clearable=False, searchable=False,
                                      placeholder=_("Choose a role")), NEW_ROLE),
        field(_("Linked rep"), dcc.Dropdown(id=NEW_REP, options=[], placeholder=_("Choose a rep")), NEW_REP,
              _("Managers and reps see data through their rep; admins and executives need none.")),
        field(_("Password"), dbc.Input(id=NEW_PASSWORD, type="password", autoComplete="new-password"),
              NEW_PASSWORD, password_help()),
        dbc.Button([html.I(className="bi bi-person-plus me-1"), _("Create")], id=CREATE, n_clicks=0),
    ])


def manage_panel() -> html.Div:
    button = lambda text, cid, colour="secondary", icon=None: dbc.Button(  # noqa: E731
        [html.I(className=f"bi {icon} me-1")] + [text] if icon else text, id=cid, n_clicks=0, color=colour,
        outline=True, size="sm", className="me-2 mb-1")
    return html.Div([
        field(_("Login"), dcc.Dropdown(id=SELECTED, options=[], placeholder=_("Choose a login")), SELECTED),
        html.Div([
            html.Div(id=SUMMARY, className="small mb-2"),
            field(_("Role"), dbc.InputGroup([
                dcc.Dropdown(id=ROLE, options=role_options(), clearable=False, searchable=False,
                             className="flex-grow-1"), button(_("Save role"), ROLE_SAVE)]), ROLE),
            field(_("Linked rep"), dcc.Dropdown(id=REP, options=[], placeholder=_("Choose a rep")), REP),
            html.Div([button(_("Link rep"), REP_SAVE), button(_("Unlink"), REP_UNLINK)], className="mb-2"),
            field(_("New password"), dbc.Input(id=PASSWORD, type="password", autoComplete="new-password"),
                  PASSWORD, password_help()),
            html.Div([button(_("Reset password"), RESET, "warning", "bi-key"),
                      button(_("Deactivate"), DEACTIVATE, "danger", "bi-person-slash"),
                      button(_("Activate"), ACTIVATE, "success", "bi-person-check"),
                      button(_("View as this user"), VIEW_AS, "primary", "bi-eye")], className="mb-3"),
            html.H2(_("API tokens"), className="h6"),
            html.Div(id=TOKENS, className="mb-2"),
            dbc.InputGroup([dbc.Input(id=TOKEN_NAME, placeholder=_("What the token is for"), maxLength=255),
                            dbc.Button(_("Create token"), id=TOKEN_CREATE, n_clicks=0, color="secondary")],
                           size="sm"),
        ], id=MANAGE, hidden=True),
    ])


def user_options(users: list[dict]) -> list[dict]:
    return [{"label": f"{u['display_name'] or u['username']} ({u['username']})", "value": u["username"]}
            for u in users]


def rep_options(reps: list[dict]) -> list[dict]:
    return [{"label": f"{r['name']} · {r['team'] or '—'} ({r['rep_id']})", "value": r["rep_id"]} for r in reps]


def users_table(users: list[dict], locale: str, tz: str):
    """Every login; names are data and shown as text."""
    if not users:
        return empty_state(_("No logins yet"))
    when = lambda v: format_datetime(v, locale, tz) if v else _("never")  # noqa: E731
    small = lambda text: html.Div(text, className="small text-muted")  # noqa: E731
    head = html.Thead(html.Tr([html.Th(_("Login")), html.Th(_("Role")), html.Th(_("Linked rep")), html.Th(_("Status")),
                               html.Th(_("Last login")), html.Th(_("Created"))]))
    rows = [html.Tr([html.Td([html.Div(u["display_name"] or u["username"], className="fw-semibold"),
                              small(u["username"])]),
                     html.Td(role_label(u["role"])),
                     html.Td([u["rep_name"] or "—", small(u["rep_id"])] if u["rep_id"] else "—"),
                     html.Td(status_badge(u["active"])), html.Td(when(u["last_login_at"]), className="small"),
                     html.Td(format_datetime(u["created_at"], locale, tz), className="small")],
                    id={"type": ROW, "user": u["username"]}, n_clicks=0, role="button", style={"cursor": "pointer"},
                    className=None if u["active"] else "text-muted")
            for u in users]
    return dbc.Table([head, html.Tbody(rows)], hover=True, responsive=True, size="sm", className="mb-0")


def status_badge(active: bool) -> dbc.Badge:
    return dbc.Badge(_("active") if active else _("deactivated"), color="success" if active else "secondary")


def summary(user: dict, locale: str, tz: str) -> list:
    """The chosen login in one line: name, role, status, last password change."""
    changed = format_datetime(user["password_changed_at"], locale, tz) if user["password_changed_at"] else "—"
    return [html.Strong(user["display_name"] or user["username"]), f" · {role_label(user['role'])} · ",
            status_badge(user["active"]),
            html.Div(_("Password last set: %(when)s") % {"when": changed}, className="text-muted")]


def tokens_table(tokens: list[dict], locale: str, tz: str):
    """A login's API tokens (never the token itself: only its hash is stored); live ones can be revoked."""
    if not tokens:
        return html.Div(_("No API tokens"), className="small text-muted")
    when = lambda v: format_datetime(v, locale, tz) if v else _("never")  # noqa: E731
    head = html.Thead(html.Tr([html.Th("#"), html.Th(_("Name")), html.Th(_("Created")), html.Th(_("Last used")),
                               html.Th("")]))
    rows = [html.Tr([html.Td(t["token_id"]), html.Td(t["name"]), html.Td(when(t["created_at"])),
                     html.Td(when(t["last_used_at"])),
                     html.Td(_("revoked %(when)s") % {"when": when(t["revoked_at"])} if t["revoked_at"] else
                             dbc.Button(_("Revoke"), id={"type": TOKEN_REVOKE, "token": t["token_id"]}, n_clicks=0,
                                        color="danger", outline=True, size="sm"))],
                    className="text-muted" if t["revoked_at"] else None) for t in tokens]
    return dbc.Table([head, html.Tbody(rows)], size="sm", responsive=True, className="mb-0 small")


def feedback(message: str, ok: bool) -> dbc.Alert:
    return dbc.Alert([html.I(className=f"bi {'bi-check-circle' if ok else 'bi-exclamation-triangle'} me-2"), message],
                     color="success" if ok else "danger", dismissable=True, className="py-2")


def secret_panel(kind: str, secret: str) -> dbc.Alert:
    """A generated password or a new API token, shown this once with a copy button."""
    title = _("The new password") if kind == "password" else _("The new API token")
    return dbc.Alert([
        html.Div([html.I(className="bi bi-shield-lock me-2"), html.Strong(title), " — ",
                  _("copy it now: it is shown only once and cannot be shown again.")]),
        html.Div([html.Code(secret, id=SECRET_VALUE, className="fs-6 text-break user-select-all"),
                  dcc.Clipboard(target_id=SECRET_VALUE, title=_("Copy"), className="ms-2 d-inline-block",
                                style={"cursor": "pointer", "fontSize": "1.2rem"})],
                 className="mt-2 d-flex align-items-center"),
    ], color="info", dismissable=True)
