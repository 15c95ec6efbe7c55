"""Users page callbacks: the list of logins, the chosen login's details, and one action callback
that runs the clicked button through app.admin.users (the same domain functions as the CLI) and
reports what happened or why not."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from app.admin import users as admin_users
from app.auth.pages import page_named
from app.errors import Explained
from app.i18n import current_locale
from callbacks.policy import allow
from layouts.pages import admin_users as page

ROLES = page_named("admin_users").roles
BUTTONS = (page.CREATE, page.ROLE_SAVE, page.REP_SAVE, page.REP_UNLINK, page.DEACTIVATE, page.ACTIVATE,
           page.RESET, page.TOKEN_CREATE, page.VIEW_AS)
FORM = (page.SELECTED, page.NEW_USERNAME, page.NEW_NAME, page.NEW_ROLE, page.NEW_REP, page.NEW_PASSWORD,
        page.ROLE, page.REP, page.PASSWORD, page.TOKEN_NAME)
CLEARED = (page.NEW_USERNAME, page.NEW_NAME, page.NEW_PASSWORD, page.PASSWORD, page.TOKEN_NAME)   # after success
ACTIONS = {
    page.CREATE: lambda f, _t: admin_users.create(f[page.NEW_USERNAME], f[page.NEW_NAME], f[page.NEW_ROLE],
                                                  f[page.NEW_REP], f[page.NEW_PASSWORD]),
    page.ROLE_SAVE: lambda f, _t: admin_users.change_role(f[page.SELECTED], f[page.ROLE]),
    page.REP_SAVE: lambda f, _t: admin_users.link_rep(f[page.SELECTED], f[page.REP]),
    page.REP_UNLINK: lambda f, _t: admin_users.unlink_rep(f[page.SELECTED]),
    page.DEACTIVATE: lambda f, _t: admin_users.deactivate(f[page.SELECTED]),
    page.ACTIVATE: lambda f, _t: admin_users.activate(f[page.SELECTED]),
    page.RESET: lambda f, _t: admin_users.reset_password(f[page.SELECTED], f[page.PASSWORD]),
    page.TOKEN_CREATE: lambda f, _t: admin_users.create_token(f[page.SELECTED], f[page.TOKEN_NAME]),
    page.VIEW_AS: lambda f, _t: admin_users.view_as(f[page.SELECTED]),
    page.TOKEN_REVOKE: lambda f, t: admin_users.revoke_token(f[page.SELECTED], t.get("token")),
}


@allow(ROLES)
def update_admin_users_list(_changed):
    """The logins table and the choices of logins and reps."""
    data = admin_users.overview()
    reps = page.rep_options(data["reps"])
    return page.users_table(data["users"], current_locale(), data["timezone"]), page.user_options(data["users"]), \
        reps, reps


@allow(ROLES)
def update_admin_users_pick(_clicks):
    """A click on a row of the table chooses that login."""
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0].get("value"):
        return no_update
    return ctx.triggered_id.get("user")


@allow(ROLES)
def update_admin_users_detail(username, _changed):
    """The chosen login's summary, role, rep, tokens, and which status buttons apply."""
    user = admin_users.detail(username)
    if user is None:
        return True, None, None, None, None, True, True, True
    locale, tz = current_locale(), user["timezone"]
    return (False, page.summary(user, locale, tz), user["role"], user["rep_id"],
            page.tokens_table(user["tokens"], locale, tz), not user["active"], bool(user["active"]),
            not user["active"] or user["role"] == "admin")


@allow(ROLES)
def update_admin_users_action(*_values):
    """Runs the clicked button with the form's values: a message, the secret to show once (a
    generated password or a new token), a refresh of the lists, and where to go (view-as)."""
    trigger = ctx.triggered_id
    if trigger is None or not ctx.triggered[0].get("value"):
        return [no_update] * (4 + len(CLEARED))
    form = {s["id"]: s.get("value") for s in ctx.states_list if isinstance(s, dict)}
    action = ACTIONS[trigger["type"] if isinstance(trigger, dict) else trigger]
    try:
        done = action(form, trigger)
    except Explained as refusal:
        return [page.feedback(refusal.text(), False), no_update, None, no_update] + [no_update] * len(CLEARED)
    secret = page.secret_panel(done.secret_kind, done.secret) if done.secret else None
    return [page.feedback(done.message, True), (form.get(page.CHANGED) or 0) + 1, secret, done.goto] + \
        [""] * len(CLEARED)


def register(app) -> None:
    changed = Input(page.CHANGED, "data")
    app.callback(Output(page.TABLE, "children"), Output(page.SELECTED, "options"), Output(page.NEW_REP, "options"),
                 Output(page.REP, "options"), changed)(update_admin_users_list)
    app.callback(Output(page.SELECTED, "value"), Input({"type": page.ROW, "user": ALL}, "n_clicks"),
                 prevent_initial_call=True)(update_admin_users_pick)
    app.callback(Output(page.MANAGE, "hidden"), Output(page.SUMMARY, "children"), Output(page.ROLE, "value"),
                 Output(page.REP, "value"), Output(page.TOKENS, "children"), Output(page.DEACTIVATE, "disabled"),
                 Output(page.ACTIVATE, "disabled"), Output(page.VIEW_AS, "disabled"),
                 Input(page.SELECTED, "value"), changed)(update_admin_users_detail)
    app.callback([Output(page.MESSAGE, "children"), Output(page.CHANGED, "data"), Output(page.SECRET, "children"),
                  Output(page.GOTO, "data")] + [Output(i, "value") for i in CLEARED],
                 [Input(b, "n_clicks") for b in BUTTONS] + [Input({"type": page.TOKEN_REVOKE, "token": ALL}, "n_clicks")],
                 [State(i, "value") for i in FORM] + [State(page.CHANGED, "data")],
                 prevent_initial_call=True)(update_admin_users_action)
    app.clientside_callback("function (path) { if (path) { window.location.assign(path); } return ''; }",
                            Output(page.GOTO_DONE, "children"), Input(page.GOTO, "data"), prevent_initial_call=True)
