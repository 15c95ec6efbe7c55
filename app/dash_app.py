"""Build the Dash app on the Flask server: pages from the page table, the shell, callbacks, policy.

Everything is served by the app itself (serve_locally, the project's assets/
folder): no CDN for scripts, styles, icons or map geometry.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
from html import escape

import dash
from dash import Dash
from dash.exceptions import MissingCallbackContextException
from flask import Flask, redirect, request

from app.auth.pages import PAGES, Page, home_page, may_open, page_at, pages_for
from app.config import PROJECT_ROOT
from app.i18n import gettext as _
from app.i18n import html_attributes, vendor_stylesheets
from app.kpi import service
from app.kpi.urlstate import query_to_search
from callbacks import parts as parts_filler
from callbacks import policy
from callbacks import shell as shell_callbacks
from layouts import ids, shell
from layouts.components import forbidden_page, home_redirect

# By convention a page's layout lives in layouts.pages.<key> and its callbacks, when it has
# any, in callbacks.<key>: adding a page means a row in the page table and those two modules.
PAGE_LAYOUTS = {page.key: f"layouts.pages.{page.key}" for page in PAGES}
# Vendor styles are linked per request (Bootstrap's LTR or RTL build by language), so Dash
# must not add them all from assets/; the rest of assets/ (i18n.css …) it adds itself.
ASSETS_IGNORE = r"^(bootstrap(\.rtl)?\.min\.css|bootstrap-icons\.min\.css)$"
log = logging.getLogger(__name__)


class DashboardDash(Dash):
    """Dash with the page's language and direction on <html> and the vendor styles first."""

    def interpolate_index(self, **kwargs):
        links = "".join(f'<link rel="stylesheet" href="{escape(self.get_asset_url(path))}">'
                        for path in vendor_stylesheets())
        kwargs["css"] = links + kwargs.get("css", "")
        attrs = " ".join(f'{k}="{escape(v)}"' for k, v in html_attributes().items())
        return super().interpolate_index(**kwargs).replace("<html>", f"<html {attrs}>", 1)


def build_dash(server: Flask) -> Dash:
    """The Dash app mounted on `server` (which already has login, the guard and the API)."""
    app = DashboardDash(__name__, server=server, use_pages=True, pages_folder="", serve_locally=True,
               assets_folder=str(PROJECT_ROOT / "assets"), assets_ignore=ASSETS_IGNORE,
               title="Sales Performance Dashboard", update_title=None, on_error=friendly_error,
               background_callback_manager=server.extensions["jobs"],
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    modules = {m.__name__: m for m in callback_modules()}
    parts = {page.key: getattr(modules.get(f"callbacks.{page.key}"), "PARTS", None) for page in PAGES}
    for page in PAGES:
        module = importlib.import_module(PAGE_LAYOUTS[page.key])
        dash.register_page(module.__name__, path=page.path, name=page.name, order=page.order,
                           title=_page_title(page), layout=guarded_layout(page, module.layout, parts[page.key]),
                           roles=sorted(r.value for r in page.roles))
    with server.test_request_context("/"):
        # Dash renders a function layout once when it is set; its text needs a request (locale).
        app.layout = shell.layout
        check_parts(parts)
    for module in modules.values():
        module.register(app)
    server.before_request(policy.enforce(app))
    server.before_request(land_on_home_page)
    return app


def check_parts(parts: dict) -> None:
    """Every id a page's PARTS fill is in that page's skeleton (else each view of it would fail)."""
    for key, page_parts in parts.items():
        lacking = page_parts and parts_filler.missing(importlib.import_module(PAGE_LAYOUTS[key]).layout(), page_parts)
        if lacking:
            raise RuntimeError(f"callbacks.{key}.PARTS fills ids its layout lacks: {lacking}")


def land_on_home_page():
    """The site root for a role that may not open it (a rep) answers with a redirect to the
    role's first page, keeping the query string; every other request goes on."""
    if request.method != "GET" or request.path != "/":
        return None
    role = service.viewer_role()
    root, home = page_at("/"), home_page(role)
    if role is None or root is None or may_open(role, root) or home is None:
        return None
    query = request.query_string.decode("utf-8", "replace")
    return redirect(home.path + (f"?{query}" if query else ""))


def callback_modules() -> list:
    """The shell's callbacks and each page's callbacks module (callbacks.<key>), if it has one."""
    modules = [shell_callbacks]
    for page in PAGES:
        name = f"callbacks.{page.key}"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def guarded_layout(page: Page, build, parts: dict | None = None):
    """The page's layout for roles the page table allows; the 403 page (audited) for others.

    The check runs when Dash's page router renders the page, inside the callback
    request, with the user re-read from the database. The page's `parts` (its callbacks
    module's PARTS) are filled in then (callbacks/parts.py). The site root is the landing
    page: a role that may not open it is sent to its own first page instead of a 403.
    Dash also calls layouts outside any callback to learn the component ids; those
    calls get the skeleton, which holds no data.
    """
    def layout(**query):
        if not rendering_page():
            return build(**query)
        role = service.viewer_role()
        if may_open(role, page):
            skeleton = build(**query)
            return parts_filler.fill(skeleton, parts, query_to_search(query)) if parts else skeleton
        home = home_page(role)
        if page.path == "/" and home is not None:       # in-app navigation to the root (the brand)
            return home_redirect(home.path, query)
        service.record_denied(f"page:{page.path}")
        return forbidden_page(_(page.name), [(_(p.name), p.path) for p in pages_for(role)])
    return layout


def rendering_page() -> bool:
    """True inside the callback of Dash's page router."""
    try:
        outputs = dash.ctx.outputs_list
    except (MissingCallbackContextException, LookupError):   # not inside a callback at all
        return False
    flat = [o for group in outputs for o in (group if isinstance(group, list) else [group])]
    return any(isinstance(o, dict) and o.get("id") == "_pages_content" for o in flat)


def _page_title(page: Page):
    return lambda **_path: f"{_(page.name)} · Sales Performance Dashboard"


def friendly_error(error: Exception):
    """A callback failed: log the traceback, tell the user in plain words, change nothing else."""
    log.error("callback failed", exc_info=error)
    dash.set_props(ids.ERROR, {"is_open": True, "children": _(
        "Part of this page could not be loaded. Try again, or change the filters; the error has been logged.")})
    return None
