"""Time helpers for the demo generator: the history window, seasonality and sampling.

Inside the generator every timestamp is a float64 number of seconds since the
Unix epoch (UTC), with NaN for "missing": NaN propagates through arithmetic and
fails every comparison, which keeps the vectorised code free of sentinel checks.
Frames are built from these floats only at the very end (see `frames.py`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DAY = 86_400.0
HOUR = 3_600.0
YEARS = 3

# Demand by calendar month (Jan..Dec): a summer dip, strong autumn, busy quarter ends.
MONTH_SEASON = np.array([0.90, 0.95, 1.08, 1.00, 1.00, 1.02, 0.80, 0.72, 1.05, 1.12, 1.22, 1.00])
WEEKEND_FACTOR = 0.12


@dataclass(frozen=True)
class Horizon:
    """The history window [start, today): everything generated happens in it.

    `now_s` is today 00:00 UTC, so nothing lies in the future even when the
    generator runs early in the morning of `today`.
    """
    start: dt.date
    today: dt.date

    @property
    def start_s(self) -> float:
        """Epoch seconds of the first day, 00:00 UTC."""
        return _epoch_seconds(self.start)

    @property
    def now_s(self) -> float:
        """Epoch seconds of today 00:00 UTC: the end of history."""
        return _epoch_seconds(self.today)

    @property
    def n_days(self) -> int:
        """Days in the window."""
        return (self.today - self.start).days

    def day_dates(self) -> np.ndarray:
        """datetime64[D] of every day in the window."""
        return np.datetime64(self.start, "D") + np.arange(self.n_days)

    def month_starts(self) -> np.ndarray:
        """datetime64[D] first days of the months starting inside the window (up to today's month)."""
        first = np.datetime64(self.start, "M") + (0 if self.start.day == 1 else 1)
        last = np.datetime64(self.today, "M")
        return np.arange(first, last + 1).astype("datetime64[D]")


def make_horizon(today: dt.date) -> Horizon:
    """Three years of history ending at `today` (29 February falls back to the 28th)."""
    try:
        start = today.replace(year=today.year - YEARS)
    except ValueError:
        start = today.replace(year=today.year - YEARS, day=28)
    return Horizon(start, today)


def _epoch_seconds(day: dt.date) -> float:
    return float(np.datetime64(day, "s").astype(np.int64))


def daily_weights(hz: Horizon, size: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Relative demand per (territory, day): size × exp(growth × years) × season × weekday.

    size, growth: one value per territory (growth is a yearly log-rate). Returns T × D.
    """
    days = hz.day_dates()
    years = (np.arange(hz.n_days) - hz.n_days / 2) / 365.25
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days.astype(np.int64) + 3) % 7          # 1970-01-01 was a Thursday
    common = MONTH_SEASON[month] * np.where(weekday >= 5, WEEKEND_FACTOR, 1.0)
    return size[:, None] * np.exp(np.outer(growth, years)) * common[None, :]


def sample_cells(rng: np.random.Generator, weights: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw n (row, day) cells of a weight matrix with probability ∝ weight."""
    cdf = np.cumsum(weights.ravel())
    cell = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    cell = np.minimum(cell, weights.size - 1)
    return cell // weights.shape[1], cell % weights.shape[1]


def sample_days_in_rows(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each given row (e.g. territory), draw a day with probability ∝ that row's weights."""
    cdf = np.cumsum(weights, axis=1)
    cdf = cdf / cdf[:, -1:]
    # Offsetting each row by its index makes one sorted array to search in.
    flat = (cdf + np.arange(weights.shape[0])[:, None]).ravel()
    cell = np.searchsorted(flat, rows + rng.random(rows.size) * (1 - 1e-12), side="right")
    return np.clip(cell - rows * weights.shape[1], 0, weights.shape[1] - 1)


def business_time(rng: np.random.Generator, day_start_s: np.ndarray, utc_offset_h: np.ndarray) -> np.ndarray:
    """A moment during local office hours (08:30–18:00) on the given UTC day, as UTC seconds."""
    local = 8.5 + rng.random(day_start_s.size) * 9.5
    return day_start_s + (local - utc_offset_h) * HOUR


def month_index(seconds: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Index into `months` (datetime64[D] month starts) of each time; -1 before the first.

    NaN times get -1 as well.
    """
    valid = np.isfinite(seconds)
    stamps = np.where(valid, seconds, 0).astype("datetime64[s]").astype("datetime64[M]")
    first = months[0].astype("datetime64[M]")
    idx = (stamps - first).astype(np.int64)
    return np.where(valid & (idx >= 0) & (idx < months.size), idx, -1)


def quarter_end_s(seconds: np.ndarray) -> np.ndarray:
    """Start (00:00 UTC) of the last day of each time's calendar quarter."""
    month = np.where(np.isfinite(seconds), seconds, 0).astype("datetime64[s]").astype("datetime64[M]")
    m = month.astype(np.int64)
    next_quarter = (m - m % 3 + 3).astype("datetime64[M]").astype("datetime64[D]")
    return (next_quarter - 1).astype("datetime64[s]").astype(np.int64).astype(float)
