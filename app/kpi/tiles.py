"""KPI tiles as data: value, change against the comparison period, whether that change is
good (by the KPI's `better`), and a monthly trend. Layouts only render these."""
from __future__ import annotations

from dataclasses import dataclass, replace

import app.kpi.definitions  # noqa: F401  (fills the registry)
from app.formatting import comparison_delta
from app.kpi.registry import DOWN, KPIS, UP

GOOD, BAD, NEUTRAL = "good", "bad", "neutral"


@dataclass(frozen=True)
class TileValue:
    id: str
    label: str          # untranslated (N_-marked) registry label
    unit: str
    value: float | None
    previous: float | None
    delta: float | None     # app.formatting.comparison_delta: relative change, or points for percents
    tone: str | None        # good | bad | neutral; None without a comparison
    trend: tuple[tuple[str, float | None], ...] = ()    # (month label, value)
    note: str | None = None     # untranslated (N_-marked) reason why the value is not shown


def withheld(tiles: list[TileValue], kpi_ids, note: str) -> list[TileValue]:
    """The tiles with those of `kpi_ids` emptied (no value, change or trend) and carrying
    `note`: for a number that would mislead under the question's filters."""
    return [replace(t, value=None, previous=None, delta=None, tone=None, trend=(), note=note)
            if t.id in kpi_ids else t for t in tiles]


def change_tone(better: str, delta: float | None) -> str:
    """good when the change goes the KPI's better way, bad when against it."""
    if delta is None or delta == 0 or better not in (UP, DOWN):
        return NEUTRAL
    return GOOD if (delta > 0) == (better == UP) else BAD


def tile_values(ids, answer: dict, trend: dict | None = None, no_trend=()) -> list[TileValue]:
    """Tiles from an evaluate() answer without breakdown (with "compare" when asked) and an
    optional answer by month (its period's months only). KPIs in `no_trend` get no trend."""
    tiles = []
    for kpi_id in ids:
        kpi = KPIS[kpi_id]
        value = answer.get("values", {}).get(kpi_id)
        compared = "compare" in answer
        previous = answer["compare"].get(kpi_id) if compared else None
        delta = comparison_delta(value, previous, kpi.unit) if compared else None
        rows = (trend or {}).get("rows", []) if kpi_id not in no_trend else []
        series = tuple((row[trend["by"]], row.get(kpi_id)) for row in rows if _in_period(row[trend["by"]], trend))
        tiles.append(TileValue(kpi_id, kpi.label, kpi.unit, value, previous, delta,
                               change_tone(kpi.better, delta) if compared else None, series))
    return tiles


def _in_period(bucket, answer: dict) -> bool:
    """Whether a month bucket ("2025-01") lies in the answer's period: some KPIs (growth,
    open pipeline) also report buckets before it."""
    return answer["from"][:7] <= str(bucket) <= answer["to"][:7]
