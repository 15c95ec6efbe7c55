"""The view-as banner: shown to everyone while an admin views as them (the role that matters
for showing it is the viewed user's, so the callback is open to every role; it says only
what the session itself holds)."""
from __future__ import annotations

from dash import Input, Output

from app.auth.routes import csrf_token
from app.kpi import service
from callbacks.policy import EVERYONE, allow
from layouts import ids
from layouts.view_as import view_as_banner


@allow(EVERYONE)
def update_shell_view_as(_pathname):
    viewed = service.viewing_as()
    return view_as_banner(viewed, csrf_token() if viewed else "")


def register(app) -> None:
    app.callback(Output(ids.VIEW_AS, "children"), Input(ids.URL, "pathname"))(update_shell_view_as)
