"""The banner shown on every page while an admin views the dashboard as another user.

Its Stop button posts a form to /view-as/stop (a plain Flask route with the session's CSRF
token), so it works on every page, including those the viewed user's role may open.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.i18n import gettext as _
from layouts.shell import role_label


def view_as_banner(viewed: dict | None, csrf_token: str):
    """"Viewing as Anna Kowalska (Sales rep) — Stop", or nothing when not viewing as anyone.
    The names are data, passed as text (Dash renders them as text, never as HTML)."""
    if not viewed:
        return None
    name = viewed.get("display_name") or viewed["username"]
    stop = html.Form([dbc.Input(type="hidden", name="csrf_token", value=csrf_token),
                      html.Button([html.I(className="bi bi-x-circle me-1"), _("Stop viewing as")], type="submit",
                                  className="btn btn-sm btn-dark")],
                     action="/view-as/stop", method="POST", className="d-inline ms-sm-3 mt-2 mt-sm-0")
    text = _("Viewing as %(name)s (%(role)s)") % {"name": name, "role": role_label(viewed.get("role"))}
    return dbc.Alert([html.I(className="bi bi-eye me-2"), html.Strong(text, **{"data-username": viewed["username"]}),
                      html.Span("— " + _("pages, menus and data are exactly what this user sees."),
                                className="ms-1 d-none d-md-inline"), stop],
                     color="warning", className="rounded-0 mb-2 py-2 d-sm-flex align-items-center")
