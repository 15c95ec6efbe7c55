"""The global filter bar and the mapping between its controls and the URL filters.

The URL query string is the single source of truth (app.kpi.urlstate); the
controls mirror it and write it back. Pure functions only.
"""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.auth.pages import Page, may_open
from app.auth.roles import Role
from app.i18n import current_locale, first_weekday, is_rtl
from app.i18n import gettext as _
from app.kpi.urlstate import (COMPARES, DEFAULT_COMPARE, DEFAULT_PERIOD, FILTER_LABELS, PERIODS,
                              period_of, with_filter)
from layouts import ids
from layouts.figures import country_name

CONTROL_COUNT = 4 + len(ids.FILTER_KEYS)      # period, start, end, compare, then one per filter key
# What the bar shows on a page: nothing, the period controls only, or everything.
HIDDEN, PERIOD_ONLY, ALL_FILTERS = "hidden", "period", "all"
BAR_CLASS = "py-2 border-bottom mb-2"
ROW_CLASS = "g-2 align-items-center"      # + " filters-open" on phones once "More filters" is pressed
MODE_CLASS = {HIDDEN: "d-none", PERIOD_ONLY: BAR_CLASS + " filters-period-only", ALL_FILTERS: BAR_CLASS}
# The page's subject rather than a filter on pages without drill-down (My performance's rep):
# links from such a page to the others leave it behind.
SUBJECT_KEYS = ("rep",)


def filter_bar(locale: str | None = None) -> html.Div:
    """Period, comparison and the drill-down filters (class filter-drilldown, hidden by
    assets/shell.css on pages where only the period applies, and on phones until "More
    filters" is pressed). The date picker follows the language's direction and first day of
    the week."""
    locale = locale or current_locale()
    col = dict(xs=6, md=4, lg=2, className="mb-2")
    choices = [
        dbc.Col(dcc.Dropdown(id=ids.FILTER_PERIOD, clearable=False, value=DEFAULT_PERIOD, searchable=False,
                             options=[{"label": _(label), "value": key} for key, label in PERIODS.items()]),
                **col),
        dbc.Col(dcc.DatePickerRange(id=ids.FILTER_RANGE, display_format="YYYY-MM-DD", clearable=False,
                                    start_date_placeholder_text=_("From"), end_date_placeholder_text=_("To"),
                                    minimum_nights=0, is_RTL=is_rtl(locale),
                                    first_day_of_week=(first_weekday(locale) + 1) % 7),
                xs=12, sm=6, md=4, lg=3, className="mb-2"),
        dbc.Col(dcc.Dropdown(id=ids.FILTER_COMPARE, clearable=False, value=DEFAULT_COMPARE, searchable=False,
                             options=[{"label": _(label), "value": key} for key, label in COMPARES.items()]),
                **col),
    ]
    choices.append(dbc.Col(html.Button([html.I(className="bi bi-funnel me-1"), _("More filters")],
                                       id=ids.FILTER_TOGGLE, n_clicks=0, type="button",
                                       className="btn btn-outline-secondary w-100",
                                       **{"aria-controls": ids.FILTER_ROW}),
                           xs=6, className="mb-2 filter-toggle d-md-none"))
    drill = {**col, "className": "mb-2 filter-drilldown"}
    choices += [dbc.Col(dcc.Dropdown(id=ids.FILTER[key], options=[], placeholder=_(FILTER_LABELS[key]),
                                     optionHeight=32), **drill) for key in ids.FILTER_KEYS]
    return html.Div(dbc.Row(choices, id=ids.FILTER_ROW, className=ROW_CLASS), id=ids.FILTER_BAR,
                    className=BAR_CLASS, role="search", **{"aria-label": _("Filters")})


def filter_mode(page: Page | None, role: Role | str | None) -> str:
    """HIDDEN on the 403 page, unknown paths and pages without filters; PERIOD_ONLY where the
    drill-down filters do not apply: pages without them, and every page a rep sees (their
    numbers are always their own whole figures, or the company board); else ALL_FILTERS."""
    if page is None or not page.filters or not may_open(role, page):
        return HIDDEN
    return PERIOD_ONLY if not page.drilldown or role == Role.REP else ALL_FILTERS


def carried_filters(filters: dict[str, str], page: Page | None) -> dict[str, str]:
    """The filters that links from `page` carry to the other pages: all of them, except the
    subject of a page without drill-down (the rep picked on My performance)."""
    if page is not None and not page.drilldown:
        return {k: v for k, v in filters.items() if k not in SUBJECT_KEYS}
    return dict(filters)


def controls_from_filters(filters: dict[str, str], today: date) -> list:
    """[period, start date, end date, compare, value per filter key] shown for the URL filters."""
    start, end = period_of(filters, today)
    values = [filters.get(key) for key in ids.FILTER_KEYS]
    return [filters.get("period", DEFAULT_PERIOD), start.isoformat(), end.isoformat(),
            filters.get("compare", DEFAULT_COMPARE), *values]


def filters_from_controls(current: dict[str, str], trigger: str, controls: list) -> dict[str, str]:
    """The URL filters after the control `trigger` changed; keys without a control (country, …)
    are kept. Picking dates makes the period custom; picking "custom" keeps the dates shown."""
    period, start, end, compare, *values = controls
    filters = dict(current)
    for key, value in zip(ids.FILTER_KEYS, values):
        filters = with_filter(filters, key, value)
    filters = with_filter(filters, "compare", compare)
    if trigger == ids.FILTER_RANGE or period == "custom":
        period = "custom" if start and end else DEFAULT_PERIOD
        filters.update({"from": (start or "")[:10], "to": (end or "")[:10]})
    else:
        filters.pop("from", None)
        filters.pop("to", None)
    return with_filter(filters, "period", period)


def options_for_controls(options: dict[str, list[dict]]) -> list[list[dict]]:
    """Dropdown options per filter key, in the order of ids.FILTER_KEYS."""
    return [[{"label": o["label"], "value": o["value"]} for o in options.get(key, [])] for key in ids.FILTER_KEYS]


def option_label(options: dict[str, list[dict]], key: str, value: str, locale: str = "en") -> str:
    """The display name of a filter value (a rep's name for their id), else the value."""
    if key == "country":
        return country_name(value, locale)
    for option in options.get(key, []):
        if option["value"] == value:
            return str(option["label"])
    return value


def crumb_items(filters: dict[str, str], options: dict[str, list[dict]],
                locale: str = "en") -> list[tuple[str, str, str]]:
    """(key, translated key label, value label) for each active drill-down filter."""
    return [(key, _(FILTER_LABELS[key]), option_label(options, key, filters[key], locale))
            for key in FILTER_LABELS if key in filters]
