"""Settings page callback: fill the form from the database, or save it (all values validated
first; any bad value saves nothing and is marked next to its field)."""
from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from app.admin import settings as admin_settings
from app.auth.pages import page_named
from app.data.settings import SETTINGS
from app.errors import Explained
from app.i18n import current_locale
from callbacks.policy import allow
from layouts.pages import admin_settings as page

ROLES = page_named("admin_settings").roles
KEYS = tuple(SETTINGS)
UNCHANGED = [no_update] * len(KEYS)


@allow(ROLES)
def update_admin_settings(clicks, *values):
    """[value per setting] + [last change per setting] + [error per setting] + [message]."""
    message = None
    if ctx.triggered_id == page.SAVE and clicks:
        try:
            message = page.saved_message(admin_settings.save(dict(zip(KEYS, values))))
        except Explained as refused:
            errors = getattr(refused, "errors", {})
            return UNCHANGED + UNCHANGED + [errors[k].text() if k in errors else None for k in KEYS] + \
                [page.refused_message(refused.text())]
    data, locale = admin_settings.current(), current_locale()
    return [data["values"][k] for k in KEYS] + \
        [page.changed_note(data["changes"].get(k), locale, data["timezone"]) for k in KEYS] + \
        [None] * len(KEYS) + [message]


def register(app) -> None:
    app.callback([Output(page.VALUE[k], "value") for k in KEYS] + [Output(page.CHANGED[k], "children") for k in KEYS]
                 + [Output(page.ERROR[k], "children") for k in KEYS] + [Output(page.MESSAGE, "children")],
                 Input(page.SAVE, "n_clicks"), [State(page.VALUE[k], "value") for k in KEYS])(update_admin_settings)
