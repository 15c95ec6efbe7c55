"""Filters in the URL: parse, serialise, junk, periods and the KPI questions they ask."""
from datetime import date

import pytest

from app.kpi.urlstate import (filters_to_search, kpi_query, month_to_date_query, months_before, parse_filters,
                              period_of, trend_query, with_filter)
from layouts import ids
from layouts.filter_bar import controls_from_filters, crumb_items, filters_from_controls

TODAY = date(2025, 5, 14)


def test_round_trip_keeps_every_valid_filter_in_canonical_order():
    search = "?rep=R1&period=custom&to=2025-03-31&from=2025-01-01&compare=yoy&channel=online&country=POL"
    filters = parse_filters(search)
    assert filters == {"period": "custom", "from": "2025-01-01", "to": "2025-03-31", "compare": "yoy",
                       "rep": "R1", "channel": "online", "country": "POL"}
    assert filters_to_search(filters) == \
        "?period=custom&from=2025-01-01&to=2025-03-31&compare=yoy&country=POL&rep=R1&channel=online"
    assert parse_filters(filters_to_search(filters)) == filters


@pytest.mark.parametrize("junk", [
    "?unknown=1&__proto__=x&rep=", "?period=forever&compare=sideways", "?period=custom&from=2025-13-01&to=x",
    "?period=custom&from=2025-03-01&to=2025-01-01", "?rep=" + "x" * 65, "?rep=a%00b&team=%0a",
    "&&&===", "?%ZZ=1", "", None, "?period=custom&from=0001-01-01&to=0001-01-02", "?from=2025-01-01&to=2025-01-31",
])
def test_junk_is_dropped_without_an_error(junk):
    filters = parse_filters(junk)
    assert filters == {}
    assert filters_to_search(filters) == ""


def test_first_value_wins_and_values_are_kept_as_text():
    assert parse_filters("rep=R1&rep=R2&team=East%20%26%20West") == {"rep": "R1", "team": "East & West"}
    assert filters_to_search({"team": "East & West", "bogus": "1", "rep": 5}) == "?team=East+%26+West"


def test_with_filter_sets_and_removes():
    assert with_filter({"rep": "R1"}, "channel", "online") == {"rep": "R1", "channel": "online"}
    assert with_filter({"rep": "R1"}, "rep", None) == {}
    assert with_filter({"rep": "R1"}, "rep", "") == {}


@pytest.mark.parametrize("period,expected", [
    ("this_month", (date(2025, 5, 1), TODAY)),
    ("last_month", (date(2025, 4, 1), date(2025, 4, 30))),
    ("this_quarter", (date(2025, 4, 1), TODAY)),
    ("last_quarter", (date(2025, 1, 1), date(2025, 3, 31))),
    ("ytd", (date(2025, 1, 1), TODAY)),
    ("last_12_months", (date(2024, 6, 1), TODAY)),
])
def test_period_presets(period, expected):
    assert period_of({"period": period}, TODAY) == expected


def test_last_quarter_across_a_year_and_the_default_period():
    assert period_of({"period": "last_quarter"}, date(2025, 2, 3)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert period_of({}, TODAY) == (date(2025, 4, 1), TODAY)   # this quarter
    assert period_of({"period": "custom", "from": "2024-02-01", "to": "2024-02-29"}, TODAY) == \
        (date(2024, 2, 1), date(2024, 2, 29))


def test_months_before_counts_calendar_months():
    assert months_before(date(2025, 1, 31), 12) == date(2024, 2, 1)
    assert months_before(date(2025, 1, 31), 1) == date(2025, 1, 1)


def test_kpi_questions_carry_filters_and_comparison():
    filters = {"period": "last_month", "rep": "R1", "compare": "yoy"}
    query = kpi_query(filters, TODAY, by="channel")
    assert (query.start, query.end, query.by, query.compare) == (date(2025, 4, 1), date(2025, 4, 30), "channel", "yoy")
    assert query.filter("rep") == ("R1",)
    assert kpi_query(filters, TODAY, compare=False).compare is None
    assert kpi_query({}, TODAY).compare == "prev"                      # the default
    assert kpi_query({"compare": "none"}, TODAY).compare is None
    trend = trend_query(filters, TODAY)
    assert (trend.start, trend.end, trend.by) == (date(2024, 5, 1), date(2025, 4, 30), "month")
    mtd, whole = month_to_date_query(filters, TODAY), month_to_date_query(filters, TODAY, whole=True)
    assert (mtd.start, mtd.end, whole.end) == (date(2025, 5, 1), TODAY, date(2025, 5, 31))
    assert mtd.filter("rep") == ("R1",) and mtd.compare is None


def test_controls_mirror_the_url_and_write_it_back():
    filters = {"period": "ytd", "rep": "R1", "country": "POL"}
    controls = controls_from_filters(filters, TODAY)
    assert controls[:4] == ["ytd", "2025-01-01", "2025-05-14", "prev"]
    assert controls[4 + ids.FILTER_KEYS.index("rep")] == "R1"
    # Choosing a channel keeps the country (no control of its own) and the rest.
    changed = list(controls)
    changed[4 + ids.FILTER_KEYS.index("channel")] = "online"
    assert filters_from_controls(filters, ids.FILTER["channel"], changed) == \
        {"period": "ytd", "rep": "R1", "country": "POL", "channel": "online", "compare": "prev"}
    # Picking dates makes the period custom.
    changed[1:3] = ["2025-02-01", "2025-02-10T00:00:00"]
    result = filters_from_controls(filters, ids.FILTER_RANGE, changed)
    assert (result["period"], result["from"], result["to"]) == ("custom", "2025-02-01", "2025-02-10")
    # Back to a preset drops the dates.
    changed[0] = "last_month"
    assert "from" not in filters_from_controls(result, ids.FILTER_PERIOD, changed)


def test_breadcrumbs_name_the_values():
    options = {"rep": [{"value": "R1", "label": "Anna Nowak"}]}
    assert crumb_items({"rep": "R1", "country": "POL", "period": "ytd", "channel": "web"}, options, "en") == [
        ("country", "Country", "Poland"), ("rep", "Rep", "Anna Nowak"), ("channel", "Channel", "web")]
