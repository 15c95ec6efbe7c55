"""Shell callbacks: navbar, user menu, freshness badge, view-as banner, language, filter bar
and breadcrumbs."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from app.auth.pages import page_at, pages_for
from app.auth.routes import csrf_token
from app.i18n import LOCALES, current_locale
from app.kpi import service
from app.kpi.urlstate import filters_to_search, parse_filters
from callbacks.parts import shielded
from callbacks.policy import EVERYONE, allow
from layouts import ids
from layouts.components import breadcrumbs
from layouts.filter_bar import (ALL_FILTERS, MODE_CLASS, ROW_CLASS, carried_filters, controls_from_filters, crumb_items,
                                filter_mode, filters_from_controls, options_for_controls)
from layouts.shell import freshness_badge, nav_links, user_menu
from layouts.view_as import view_as_banner

CONTROLS = [(ids.FILTER_PERIOD, "value"), (ids.FILTER_RANGE, "start_date"), (ids.FILTER_RANGE, "end_date"),
            (ids.FILTER_COMPARE, "value")] + [(ids.FILTER[key], "value") for key in ids.FILTER_KEYS]


@allow(EVERYONE)
def update_shell_page(pathname, search):
    """What follows the page and its filters: links to the pages the viewer's role may open,
    carrying the filters (not the rep shown on My performance: it is that page's subject, not
    a filter for the others); the filter bar's mode (none on the 403 page or pages without
    filters, the period only where drill-down filters do not apply); the active drill-down
    filters as breadcrumbs, where they apply."""
    page, role, filters = page_at(pathname), service.viewer_role(), parse_filters(search)
    links = nav_links(pages_for(role), filters_to_search(carried_filters(filters, page)), pathname)
    mode = filter_mode(page, role)
    crumbs = [] if mode != ALL_FILTERS else shielded(lambda: breadcrumbs(
        crumb_items(filters, service.filter_options() if filters else {}, current_locale())), [])
    return links, MODE_CLASS[mode], crumbs


@allow(EVERYONE)
def update_shell_status(_pathname):
    """Who is signed in, whom an admin views as (the banner is shown to every role: it is the
    viewed user's pages that matter, and it says only what the session holds), and how fresh
    the data is: again on every page, so a new import shows without a reload."""
    viewed = service.viewing_as()
    return (user_menu(service.viewer()), shielded(_freshness),
            view_as_banner(viewed, csrf_token() if viewed else ""))


def _freshness():
    state = service.freshness()
    return freshness_badge(state["state"], state["last_success_at"], current_locale(), state["timezone"])


@allow(EVERYONE)
def update_shell_filters(search, *controls):
    """Keeps the filter bar and the URL in step. A new URL sets the controls and their options
    (in the viewer's scope) together, so a dropdown never drops a value before its options
    arrive; a changed control writes the URL."""
    filters, today = parse_filters(search), service.org_today()
    if ctx.triggered_id in (None, ids.URL):
        options = options_for_controls(service.filter_options())
        return [no_update, *controls_from_filters(filters, today), *options]
    changed = filters_from_controls(filters, ctx.triggered_id, list(controls))
    new_search = filters_to_search(changed)
    return [new_search if new_search != (search or "") else no_update,
            *controls_from_filters(changed, today), *[no_update] * len(ids.FILTER_KEYS)]


# Removing a crumb drops that filter from the URL (the filters callback then tidies the URL).
# In the browser: Dash also fires this whenever crumbs are drawn, and a server round trip for
# that no-op came last on every page load (bench/page_speed.py).
CRUMB_REMOVED_JS = """function (clicks, search) {
    const fired = dash_clientside.callback_context.triggered;
    if (!fired.length || !fired[0].value) { return dash_clientside.no_update; }
    const key = JSON.parse(fired[0].prop_id.slice(0, fired[0].prop_id.lastIndexOf("."))).key;
    const params = new URLSearchParams(search || "");
    if (!params.has(key)) { return dash_clientside.no_update; }
    params.delete(key);
    const rest = params.toString();
    return rest ? "?" + rest : "";
}"""


@allow(EVERYONE)
def update_shell_locale(clicks):
    """Stores the chosen language for the viewer; the page then reloads in it."""
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0].get("value"):
        return no_update
    locale = ctx.triggered_id.get("locale")
    if locale not in LOCALES:
        return no_update
    service.save_locale(locale)
    return locale


def register(app) -> None:
    # The page router's own location: unlike the shell's, no callback writes it, so these run
    # with the router (the filter bar's callback may rewrite the shell's, and anything reading
    # that would wait for it: another round trip on every page load).
    page = [Input(ids.PAGES_LOCATION, "pathname"), Input(ids.PAGES_LOCATION, "search")]
    app.callback(Output(ids.NAV, "children"), Output(ids.FILTER_BAR, "className"), Output(ids.BREADCRUMBS, "children"),
                 *page)(update_shell_page)
    app.callback(Output(ids.USER_MENU, "children"), Output(ids.FRESHNESS, "children"), Output(ids.VIEW_AS, "children"),
                 page[0])(update_shell_status)
    app.callback([Output(ids.URL, "search")] + [Output(i, p) for i, p in CONTROLS]
                 + [Output(ids.FILTER[key], "options") for key in ids.FILTER_KEYS],
                 [Input(ids.URL, "search")] + [Input(i, p) for i, p in CONTROLS])(update_shell_filters)
    app.clientside_callback(CRUMB_REMOVED_JS, Output(ids.URL, "search", allow_duplicate=True),
                            Input({"type": ids.CRUMB_REMOVE, "key": ALL}, "n_clicks"), State(ids.URL, "search"),
                            prevent_initial_call=True)
    app.callback(Output(ids.LOCALE_SAVED, "data"), Input({"type": ids.LOCALE_ITEM, "locale": ALL}, "n_clicks"),
                 prevent_initial_call=True)(update_shell_locale)
    app.clientside_callback("function (n, open) { return n ? !open : open; }",
                            Output(ids.NAVBAR_COLLAPSE, "is_open"), Input(ids.NAVBAR_TOGGLER, "n_clicks"),
                            State(ids.NAVBAR_COLLAPSE, "is_open"), prevent_initial_call=True)
    app.clientside_callback(
        f"function (n) {{ return {ROW_CLASS!r} + (n % 2 ? ' filters-open' : ''); }}",
        Output(ids.FILTER_ROW, "className"), Input(ids.FILTER_TOGGLE, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback("function (saved) { if (saved) { window.location.reload(); } return ''; }",
                            Output(ids.LOCALE_RELOAD, "children"), Input(ids.LOCALE_SAVED, "data"),
                            prevent_initial_call=True)
