"""Leaderboard callbacks: read the page's filters and ranking choice, ask the service for the
board the viewer may see (app.kpi.service.leaderboard applies the scope and, for reps, cuts
the company board down), render with the pure builders in layouts/pages/leaderboard.py."""
from __future__ import annotations

from dash import Input, Output, State, no_update

from app.auth.pages import ANALYSIS, KIND_ROLES, page_named
from app.i18n import current_locale
from app.kpi import service
from app.kpi.definitions.quota import comparable_with_quota
from app.kpi.leaderboard import metrics_for
from app.kpi.urlstate import drilldown_filters, kpi_query, parse_filters
from callbacks.policy import allow
from callbacks.clientside import follow, gate_row_clicks
from layouts import ids
from layouts.pages import leaderboard as page

ROLES = page_named("leaderboard").roles
# Opening a rep's page from the board is for the roles that see names with figures.
OPENERS = KIND_ROLES[ANALYSIS]


@allow(ROLES)
def update_leaderboard_board(search, metric):
    """[metric choices, the board, the period line] for the page's filters."""
    filters, settings = parse_filters(search), service.settings()
    query = kpi_query(filters, service.org_today(settings))
    restricted = service.leaderboard_is_restricted()
    board = service.leaderboard(query, metric)
    choices = metrics_for(restricted, restricted or comparable_with_quota(drilldown_filters(filters)))
    previous = query.shifted(query.compare) if query.compare else None
    compared = (previous.start, previous.end) if previous else None
    locale = current_locale()
    return (page.metric_options(choices),
            page.board_table(board, locale, settings["currency"], clickable=not restricted),
            page.period_line(query.start, query.end, compared, restricted, locale))


@allow(OPENERS)
def update_leaderboard_open_rep(rep_id, search):
    """A click on a rep's row (its rep, from the browser-side gate) opens their My performance
    with the page's filters."""
    return page.rep_href(search, rep_id) if isinstance(rep_id, str) and rep_id else no_update


def register(app) -> None:
    app.callback(Output(ids.LEADERBOARD_METRIC, "options"), Output(ids.LEADERBOARD_BOARD, "children"),
                 Output(ids.LEADERBOARD_PERIOD, "children"),
                 Input(ids.LEADERBOARD_FILTERS, "data"), Input(ids.LEADERBOARD_METRIC, "value"))(
        update_leaderboard_board)
    gate_row_clicks(app, ids.LEADERBOARD_REP, ids.LEADERBOARD_REP_CLICK)
    app.callback(Output(ids.LEADERBOARD_GO, "data"), Input(ids.LEADERBOARD_REP_CLICK, "data"),
                 State(ids.URL, "search"), prevent_initial_call=True)(update_leaderboard_open_rep)
    follow(app, ids.LEADERBOARD_GO, "href")
