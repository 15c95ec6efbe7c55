"""The time buckets of a period, labelled exactly as sqltime.Bucket labels them in SQL.

Used to list every bucket of a breakdown (empty ones too, so series have no
gaps) and to line comparison buckets up with current ones (January with last
January, the first week of this quarter with the first week of the last).
"""
from __future__ import annotations

from datetime import date, timedelta


def bucket_label(kind: str, day: date):
    if kind == "day":
        return day.isoformat()
    if kind == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if kind == "month":
        return f"{day:%Y-%m}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == "year":
        return str(day.year)
    if kind == "weekday":
        return day.isoweekday()
    raise ValueError(kind)


def period_buckets(kind: str, start: date, end: date) -> list:
    """Every bucket label touching [start, end], in order."""
    if kind == "weekday":
        return list(range(1, 8))
    labels, day = [], start
    while day <= end:
        label = bucket_label(kind, day)
        if not labels or labels[-1] != label:
            labels.append(label)
        day += timedelta(days=1)
    return labels


def align(kind: str, current: list, earlier: list) -> dict:
    """Current bucket → the comparison bucket in the same position (weekdays map to themselves)."""
    if kind == "weekday":
        return {label: label for label in current}
    return {label: earlier[i] if i < len(earlier) else None for i, label in enumerate(current)}
