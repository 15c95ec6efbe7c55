"""What a KPI question is: a period, optional comparison, filters, one breakdown.

Filter keys and dimension names are part of the public interface (CLI, API).
Values are as imported: `rep` = rep_id, `territory` = territory_id, `product` =
product_id, names for region/category/channel/segment/industry/source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

FILTER_KEYS = ("territory", "region", "country", "team", "rep", "product", "category",
               "channel", "segment", "industry", "source")
TIME_DIMENSIONS = ("day", "week", "month", "quarter", "year", "weekday")
DIMENSIONS = FILTER_KEYS + TIME_DIMENSIONS
COMPARISONS = ("prev", "yoy")


class QueryError(ValueError):
    """A question that cannot be asked; the message says what is valid."""


def parse_filter_items(items: list[str], separator: str, shape: str) -> dict[str, list[str]]:
    """["channel:online", "rep:R1", "rep:R2"] → {"channel": ["online"], "rep": ["R1", "R2"]}.

    Used by the API (key:value) and the CLI (KEY=VALUE); `shape` names the expected form
    in the error. Several values of one key are alternatives.
    """
    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition(separator)
        key, value = key.strip(), value.strip()
        if not sep or not value:
            raise QueryError(f"filter must look like {shape}, got {item[:40]!r}")
        if key not in FILTER_KEYS:
            raise QueryError(f"unknown filter {key!r}; filters are: {', '.join(FILTER_KEYS)}")
        filters.setdefault(key, []).append(value)
    return filters


def parse_date(text: str | None, name: str) -> date:
    if not text:
        raise QueryError(f"parameter {name!r} is required (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"parameter {name!r} must be a date YYYY-MM-DD, got {text[:20]!r}") from None


@dataclass(frozen=True)
class KpiQuery:
    start: date
    end: date
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    by: str | None = None
    compare: str | None = None

    def __post_init__(self):
        if self.end < self.start:
            raise QueryError(f"the period ends ({self.end}) before it starts ({self.start})")
        for key, values in self.filters:
            if key not in FILTER_KEYS:
                raise QueryError(f"unknown filter {key!r}; filters are: {', '.join(FILTER_KEYS)}")
            if not values:
                raise QueryError(f"filter {key!r} needs a value")
        if self.by is not None and self.by not in DIMENSIONS:
            raise QueryError(f"unknown dimension {self.by!r}; dimensions are: {', '.join(DIMENSIONS)}")
        if self.compare is not None and self.compare not in COMPARISONS:
            raise QueryError(f"unknown comparison {self.compare!r}; use prev or yoy")

    @classmethod
    def build(cls, start: date, end: date, filters: dict[str, object] | None = None,
              by: str | None = None, compare: str | None = None) -> "KpiQuery":
        """Filters as {key: value or [values]}; normalised to a hashable, sorted form."""
        items = []
        for key, value in (filters or {}).items():
            values = (value,) if isinstance(value, str) else tuple(value)
            items.append((key, tuple(sorted({str(v) for v in values}))))
        return cls(start, end, tuple(sorted(items)), by or None, compare or None)

    def filter(self, key: str) -> tuple[str, ...] | None:
        return dict(self.filters).get(key)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, comparison: str) -> "KpiQuery":
        """The comparison period: `prev` = same length ending the day before; `yoy` = a year back."""
        if comparison == "prev":
            end = self.start - timedelta(days=1)
            start = end - timedelta(days=self.days - 1)
        else:
            start, end = _year_back(self.start), _year_back(self.end)
        return KpiQuery(start, end, self.filters, self.by, None)

    def following(self) -> "KpiQuery":
        """The next period of the same length (for coverage of upcoming quota)."""
        start = self.end + timedelta(days=1)
        return KpiQuery(start, start + timedelta(days=self.days - 1), self.filters, self.by, None)


def _year_back(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:      # 29 February
        return d.replace(year=d.year - 1, day=28)


@dataclass(frozen=True)
class Scope:
    """The rows a viewer may see, as a set of rep ids (None = everything).

    Built on the server from the logged-in user, never from request input.
    Filters only ever narrow inside it (views.py); an empty set sees nothing.
    """
    rep_ids: frozenset[str] | None = None
    key: str = "all"
    label: str = field(default="all", compare=False)

    @classmethod
    def everything(cls) -> "Scope":
        return cls(None, "all")

    @classmethod
    def reps(cls, rep_ids, key: str) -> "Scope":
        return cls(frozenset(rep_ids), key)

    @classmethod
    def nothing(cls) -> "Scope":
        return cls(frozenset(), "none")

    @property
    def is_all(self) -> bool:
        return self.rep_ids is None
