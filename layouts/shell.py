"""The app shell: navbar (pages, language, freshness, user menu), filter bar, breadcrumbs and
the page container. The skeleton holds no user data; callbacks fill the user's parts."""
from __future__ import annotations

from datetime import datetime

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from app.auth.pages import ADMINISTRATION, Page
from app.formatting import format_datetime
from app.i18n import LANGUAGE_NAMES, LOCALES, current_locale
from app.i18n import gettext as _
from layouts import ids
from layouts.filter_bar import filter_bar

FRESHNESS_COLOUR = {"ok": "success", "stale": "warning", "failed": "danger", "never": "secondary"}


def layout() -> html.Div:
    """The whole page around `dash.page_container`, in the viewer's language (the page's
    direction and stylesheets are set on <html> by app.dash_app)."""
    locale = current_locale()
    return html.Div([
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Store(id=ids.LOCALE_SAVED),
        html.Div(id=ids.LOCALE_RELOAD, hidden=True),
        navbar(locale),
        html.Div(id=ids.VIEW_AS),
        dbc.Container([
            filter_bar(),
            html.Div(id=ids.BREADCRUMBS, className="mb-2", **{"aria-label": _("Active filters")}),
            dbc.Alert(id=ids.ERROR, is_open=False, dismissable=True, color="warning"),
            html.Main(page_loading(dash.page_container)),
        ], fluid=True, className="pb-5"),
    ])


def page_loading(container) -> dcc.Loading:
    """A spinner while the page router renders a page (its parts are computed with it): over
    the page being replaced, which stays dimmed in view, after a moment's grace."""
    return dcc.Loading(container, id=ids.PAGE_LOADING, type="circle", delay_show=250,
                       target_components={"_pages_content": "children"},
                       overlay_style={"visibility": "visible", "opacity": 0.5},
                       parent_className="page-loading")


def navbar(locale: str) -> dbc.Navbar:
    """Collapses behind a toggler below the lg breakpoint (phones, small tablets)."""
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand([html.I(className="bi bi-graph-up-arrow me-2"), _("Sales Performance")], href="/"),
        dbc.NavbarToggler(id=ids.NAVBAR_TOGGLER, n_clicks=0),
        dbc.Collapse([
            dbc.Nav(id=ids.NAV, navbar=True, className="me-auto"),
            html.Span(id=ids.FRESHNESS, className="me-lg-3 my-2 my-lg-0 d-inline-block"),
            locale_menu(locale),
            html.Div(id=ids.USER_MENU, className="ms-lg-2"),
        ], id=ids.NAVBAR_COLLAPSE, navbar=True, is_open=False),
    ], fluid=True), color="dark", dark=True, expand="lg", className="mb-2")


def locale_menu(locale: str) -> dbc.DropdownMenu:
    """The five languages, each named in itself."""
    items = [dbc.DropdownMenuItem(native_name(code), id={"type": ids.LOCALE_ITEM, "locale": code},
                                  n_clicks=0, active=code == locale) for code in LOCALES]
    return dbc.DropdownMenu(items, label=[html.I(className="bi bi-translate me-1"), native_name(locale)],
                            nav=True, in_navbar=True, align_end=True, toggle_class_name="text-light")


def native_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def nav_links(pages: list[Page], search: str, active_path: str) -> list:
    """One link per page the viewer may open, the administration pages gathered in one "Admin"
    menu (in the place of the first of them); links carry the filters (query string)."""
    active_path = active_path or "/"
    admin = [p for p in pages if p.kind == ADMINISTRATION]
    links = []
    for p in pages:
        if p.kind != ADMINISTRATION:
            links.append(dbc.NavItem(dbc.NavLink([html.I(className=f"bi {p.icon} me-1"), _(p.name)],
                                                 href=p.path + (search or ""), active=p.path == active_path,
                                                 id={"type": ids.NAV_LINK, "page": p.key})))
        elif p is admin[0]:
            links.append(admin_menu(admin, search, active_path))
    return links


def admin_menu(pages: list[Page], search: str, active_path: str) -> dbc.DropdownMenu:
    """The "Admin" dropdown of the navbar; highlighted while one of its pages is open."""
    items = [dbc.DropdownMenuItem([html.I(className=f"bi {p.icon} me-2"), _(p.name)], href=p.path + (search or ""),
                                  active=p.path == active_path, id={"type": ids.NAV_LINK, "page": p.key})
             for p in pages]
    current = any(p.path == active_path for p in pages)
    return dbc.DropdownMenu(items, label=[html.I(className="bi bi-gear me-1"), _("Admin")], nav=True,
                            in_navbar=True, id=ids.NAV_ADMIN, toggle_class_name="active" if current else None)


def role_label(role: str | None) -> str:
    labels = {"admin": _("Administrator"), "executive": _("Executive"), "manager": _("Manager"),
              "rep": _("Sales rep")}
    return labels.get(role or "", role or "")


def user_menu(user: dict | None) -> dbc.DropdownMenu | None:
    """Name, role and a sign-out button (a POST form to /logout)."""
    if not user:
        return None
    sign_out = html.Form(html.Button([html.I(className="bi bi-box-arrow-right me-2"), _("Sign out")],
                                     type="submit", className="dropdown-item"), action="/logout", method="POST")
    name = user.get("display_name") or user["username"]
    return dbc.DropdownMenu([dbc.DropdownMenuItem(role_label(user.get("role")), header=True),
                             dbc.DropdownMenuItem(divider=True), sign_out],
                            label=[html.I(className="bi bi-person-circle me-1"), name],
                            nav=True, in_navbar=True, align_end=True, toggle_class_name="text-light")


def freshness_badge(state: str, last_success_at: datetime | None, locale: str,
                    tz: str = "UTC") -> html.Span:
    """The time of the last successful import; warning colours when it failed or is old."""
    when = format_datetime(last_success_at, locale, tz) if last_success_at else None
    text = {"ok": _("Data as of %(when)s"), "stale": _("Data as of %(when)s (old)"),
            "failed": _("Last import failed; data as of %(when)s"), "never": _("No data imported yet")}[state]
    badge = dbc.Badge([html.I(className="bi bi-database me-1"), text % {"when": when} if when else text],
                      color=FRESHNESS_COLOUR[state], className="text-wrap")
    return html.Span(badge, **{"data-state": state})
