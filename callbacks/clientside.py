"""Browser-side pieces the pages' callbacks share (clientside callbacks: no server round trip)."""
from __future__ import annotations

from dash import ALL, Input, Output

from layouts import ids

# Page callbacks that lead elsewhere (a drill-down, a rep picked or opened) write the new query
# string or address to a Store on their own page, and this copies it to the URL in the browser.
# Written straight to the URL (outside the page), Dash would call them each time the page or
# its rows are drawn, prevent_initial_call or not: a server round trip for nothing on every load.
FOLLOW_JS = """function (target) {
    return (target === null || target === undefined) ? dash_clientside.no_update : target;
}"""

# Rows drawn by a callback fire their n_clicks inputs; this passes on only a real click, as
# the clicked row's `rep` (pattern-matching ids {"type": …, "rep": rep_id}).
ROW_CLICKED_JS = """function (clicks) {
    const fired = dash_clientside.callback_context.triggered;
    if (!fired.length || !fired[0].value) { return dash_clientside.no_update; }
    return JSON.parse(fired[0].prop_id.slice(0, fired[0].prop_id.lastIndexOf("."))).rep;
}"""


def follow(app, store_id: str, prop: str = "search") -> None:
    """Copy what a page callback writes to `store_id` to the URL's `prop` (search or href)."""
    app.clientside_callback(FOLLOW_JS, Output(ids.URL, prop, allow_duplicate=True), Input(store_id, "data"),
                            prevent_initial_call=True)


def gate_row_clicks(app, row_type: str, store_id: str) -> None:
    """Put the rep of a clicked row (pattern-matching ids of `row_type`) in `store_id`."""
    app.clientside_callback(ROW_CLICKED_JS, Output(store_id, "data"), Input({"type": row_type, "rep": ALL}, "n_clicks"),
                            prevent_initial_call=True)
