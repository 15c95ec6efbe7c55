"""The KPI registry: every KPI once, by id, with how to show it and how to compute it.

A KPI's `compute(ctx)` returns {group: value} ({None: value} without a
breakdown); table KPIs return {None: [row, …]}. Measures aggregate a subject in
SQL; ratios and derivations combine other KPIs by id, never re-stating them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

MONEY, COUNT, PERCENT, DAYS, MINUTES, HOURS, NUMBER, MONEY_PER_DAY = (
    "money", "count", "percent", "days", "minutes", "hours", "number", "money_per_day")
UP, DOWN, NEUTRAL = "up", "down", "neutral"
VALUE, TABLE = "value", "table"


@dataclass(frozen=True)
class Kpi:
    id: str
    label: str
    description: str
    unit: str
    better: str
    compute: Callable = field(repr=False, compare=False)
    subject: str | None = None        # the fact it aggregates: decides valid breakdowns
    kind: str = VALUE
    additive: bool = False            # breakdown rows sum to the total
    columns: tuple[str, ...] = ()     # table KPIs: the keys of each row

    @property
    def empty(self):
        """The value of a group with no rows: 0 for sums and counts, else undefined."""
        if not self.additive:
            return None
        return 0 if self.unit == COUNT else 0.0


class Registry(dict):
    def add(self, kpi: Kpi) -> Kpi:
        if kpi.id in self:
            raise ValueError(f"duplicate KPI id {kpi.id!r}")
        self[kpi.id] = kpi
        return kpi

    def unknown(self, ids) -> list[str]:
        return [i for i in ids if i not in self]


KPIS = Registry()


def ratio_of(num: dict, den: dict, scale: float = 1.0) -> dict:
    """Per group num/den; a zero or missing denominator gives None (never 0, never an error)."""
    out = {}
    for group in set(num) | set(den):
        n, d = num.get(group), den.get(group)
        out[group] = None if not d or n is None else n / d * scale
    return out


def combine(fn, *parts: dict) -> dict:
    """Apply fn group by group; a group missing from a part passes None to fn."""
    groups = set().union(*parts)
    return {g: fn(*(p.get(g) for p in parts)) for g in groups}
