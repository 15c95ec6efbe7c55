"""Array helpers and the step that turns generator arrays into contract-shaped frames.

`contract_frame` is the one place that knows how an internal array becomes a
contract column, so every table comes out with exactly the contract's columns,
in its order, with one dtype per contract type:

| contract type | dtype in the returned frame                      |
|---------------|--------------------------------------------------|
| str           | pandas `str` (missing = NaN)                     |
| timestamp     | `datetime64[s, UTC]` (missing = NaT)             |
| date          | `datetime64[s]`, midnight, naive (missing = NaT) |
| int           | nullable `Int64`                                 |
| decimal       | `float64`                                        |
| bool          | `bool`                                           |
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import contract


def make_ids(prefix: str, n: int, width: int, start: int = 1) -> np.ndarray:
    """Object array of ids `<prefix><zero-padded number>` numbered from `start`."""
    digits = np.strings.zfill(np.arange(start, start + n).astype("U"), width)
    return np.strings.add(prefix, digits).astype(object)


def choose(rng: np.random.Generator, values, probs, n: int) -> np.ndarray:
    """n indices into `values` drawn with the given (unnormalised) probabilities."""
    p = np.asarray(probs, dtype=float)
    return rng.choice(len(values), size=n, p=p / p.sum())


def labels(values, idx: np.ndarray) -> np.ndarray:
    """Object array of `values[idx]`, None where idx < 0 (missing)."""
    table = np.append(np.asarray(values, dtype=object), None)
    return table[np.where(idx < 0, len(table) - 1, idx)]


def group_positions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Explode groups: (owner group of each row, position of the row inside its group)."""
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - starts[owner]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logit → probability."""
    return 1.0 / (1.0 + np.exp(-x))


def contract_frame(table: str, columns: dict) -> pd.DataFrame:
    """Build a table's frame from arrays named like its contract columns.

    Timestamps come in as float seconds since the epoch (NaN = missing), dates as
    datetime64[D] (NaT = missing) or float seconds, text as object arrays (None =
    missing). A contract column not given is all missing; a given name the
    contract does not know is an error (it would silently fall off on import).
    """
    spec = contract.spec(table)
    unknown = set(columns) - set(spec.column_names)
    if unknown:
        raise KeyError(f"{table}: not contract columns: {sorted(unknown)}")
    n = len(next(iter(columns.values())))
    data = {c.name: _convert(c.type, columns.get(c.name), n) for c in spec.columns}
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def _convert(kind: str, values, n: int):
    if kind == contract.TIMESTAMP:
        return _timestamps(values, n)
    if kind == contract.DATE:
        return _dates(values, n)
    if kind == contract.INT:
        return pd.array(np.full(n, np.nan) if values is None else values, dtype="Int64")
    if kind == contract.DECIMAL:
        return np.full(n, np.nan) if values is None else np.asarray(values, dtype=float)
    if kind == contract.BOOL:
        return np.asarray(values, dtype=bool)
    text = np.full(n, None, dtype=object) if values is None else np.asarray(values, dtype=object)
    return pd.array(text, dtype="str")


def _timestamps(seconds, n: int) -> pd.DatetimeIndex:
    secs = np.full(n, np.nan) if seconds is None else np.asarray(seconds, dtype=float)
    raw = np.where(np.isfinite(secs), np.floor(np.nan_to_num(secs)), 0).astype(np.int64)
    stamps = raw.astype("datetime64[s]")
    stamps[~np.isfinite(secs)] = np.datetime64("NaT")
    return pd.DatetimeIndex(stamps).tz_localize("UTC")


def _dates(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    values = np.asarray(values)
    if values.dtype.kind == "f":
        days = np.where(np.isfinite(values), np.floor(np.nan_to_num(values) / 86_400), 0)
        out = days.astype(np.int64).astype("datetime64[D]")
        out[~np.isfinite(values)] = np.datetime64("NaT")
        values = out
    return values.astype("datetime64[D]").astype("datetime64[s]")
