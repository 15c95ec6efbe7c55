"""Filters as they live in the URL query string, and the KPI questions they ask.

    parse_filters("?period=ytd&rep=REP-008&junk=1") == {"period": "ytd", "rep": "REP-008"}
    filters_to_search({"period": "ytd", "rep": "REP-008"}) == "?period=ytd&rep=REP-008"

Anything unknown or malformed is dropped without an error: a URL is user input,
and a bookmark from an older version must still open. One value per key.
"""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode

from app.i18n import N_
from app.kpi.query import FILTER_KEYS, KpiQuery

PERIODS = {
    "this_month": N_("This month"), "last_month": N_("Last month"),
    "this_quarter": N_("This quarter"), "last_quarter": N_("Last quarter"),
    "ytd": N_("Year to date"), "last_12_months": N_("Last 12 months"), "custom": N_("Custom range"),
}
FILTER_LABELS = {
    "territory": N_("Territory"), "region": N_("Region"), "country": N_("Country"), "team": N_("Team"),
    "rep": N_("Rep"), "product": N_("Product"), "category": N_("Category"), "channel": N_("Channel"),
    "segment": N_("Segment"), "industry": N_("Industry"), "source": N_("Lead source"),
}
COMPARES = {"none": N_("No comparison"), "prev": N_("Previous period"), "yoy": N_("Last year")}
DEFAULT_PERIOD, DEFAULT_COMPARE = "this_quarter", "prev"
MAX_VALUE_LENGTH = 64
_ORDER = ("period", "from", "to", "compare") + FILTER_KEYS


def parse_filters(search: str | None) -> dict[str, str]:
    """A query string ("?a=1&b=2" or "a=1") → the valid filters in it."""
    raw: dict[str, str] = {}
    for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=False):
        raw.setdefault(key, value.strip())
    out = {k: v for k, v in raw.items() if k in FILTER_KEYS and _clean_value(v)}
    if raw.get("compare") in COMPARES:
        out["compare"] = raw["compare"]
    period = raw.get("period")
    if period == "custom":
        start, end = _date(raw.get("from")), _date(raw.get("to"))
        if start and end and start <= end:
            out.update(period="custom", **{"from": start.isoformat(), "to": end.isoformat()})
    elif period in PERIODS:
        out["period"] = period
    return out


def filters_to_search(filters: dict[str, str]) -> str:
    """The canonical query string ("" when nothing is set); invalid entries are dropped."""
    clean = parse_filters(urlencode([(k, v) for k, v in filters.items() if isinstance(v, str)]))
    items = [(k, clean[k]) for k in _ORDER if k in clean]
    return "?" + urlencode(items) if items else ""


def query_to_filters(query: dict) -> dict[str, str]:
    """The filters in the query parameters Dash's page router hands a layout ({name: value})."""
    return parse_filters(urlencode(query, doseq=True))


def query_to_search(query: dict) -> str:
    """The canonical query string of the filters in those parameters."""
    return filters_to_search(query_to_filters(query))


def with_filter(filters: dict[str, str], key: str, value: str | None) -> dict[str, str]:
    """A copy with `key` set (or removed when value is empty)."""
    out = {k: v for k, v in filters.items() if k != key}
    if value not in (None, ""):
        out[key] = str(value)
    return out


def drilldown_filters(filters: dict[str, str]) -> dict[str, str]:
    """The filters that narrow the data (not the period or the comparison)."""
    return {k: filters[k] for k in FILTER_KEYS if k in filters}


def period_of(filters: dict[str, str], today: date) -> tuple[date, date]:
    """The first and last day of the filters' period; periods "to date" end today."""
    name = filters.get("period", DEFAULT_PERIOD)
    if name == "custom" and "from" in filters and "to" in filters:
        return date.fromisoformat(filters["from"]), date.fromisoformat(filters["to"])
    month = today.replace(day=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if name == "this_month":
        return month, today
    if name == "last_month":
        end = month - timedelta(days=1)
        return end.replace(day=1), end
    if name == "last_quarter":
        end = quarter - timedelta(days=1)
        return date(end.year, end.month - 2, 1), end
    if name == "ytd":
        return date(today.year, 1, 1), today
    if name == "last_12_months":
        return months_before(today, 12), today
    return quarter, today


def whole_period_of(filters: dict[str, str], today: date) -> tuple[date, date]:
    """The period "to date" extended to its calendar end (this month, quarter, year); other
    periods as period_of gives them. Quota and forecasts for the whole period use it."""
    start, end = period_of(filters, today)
    name = filters.get("period", DEFAULT_PERIOD)
    if name == "this_month":
        return start, _month_end(start)
    if name == "this_quarter":
        return start, _month_end(date(start.year, start.month + 2, 1))
    if name == "ytd":
        return start, date(start.year, 12, 31)
    return start, end


def months_before(end: date, months: int) -> date:
    """The first day of the `months` calendar months ending with end's month."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def kpi_query(filters: dict[str, str], today: date, by: str | None = None,
              compare: bool = True) -> KpiQuery:
    """The KPI question the filters ask: their period, drill-down filters and comparison."""
    start, end = period_of(filters, today)
    chosen = filters.get("compare", DEFAULT_COMPARE)
    return KpiQuery.build(start, end, drilldown_filters(filters), by,
                          chosen if compare and chosen != "none" else None)


def trend_query(filters: dict[str, str], today: date, months: int = 12) -> KpiQuery:
    """By month over the `months` calendar months ending with the period's last month."""
    _, end = period_of(filters, today)
    return KpiQuery.build(months_before(end, months), end, drilldown_filters(filters), "month")


def month_to_date_query(filters: dict[str, str], today: date, whole: bool = False) -> KpiQuery:
    """This month up to today (or the whole month), with the drill-down filters."""
    first = today.replace(day=1)
    return KpiQuery.build(first, _month_end(first) if whole else today, drilldown_filters(filters))


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _clean_value(value: str) -> bool:
    return 0 < len(value) <= MAX_VALUE_LENGTH and value.isprintable()


def _date(text: str | None) -> date | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2999 and len(text) == 10 else None
