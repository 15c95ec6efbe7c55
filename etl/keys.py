"""The keys a reference may point to, held as Arrow arrays.

A deals file checks a million values against millions of keys (every lead, every
account). As Python sets that costs seconds per column; as Arrow arrays the
check is one hashed lookup in C++ (`pyarrow.compute.is_in`), and keys fetched
from the database or taken from a frame never become Python objects.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import contract

# "table.column" targets some contract column refers to; only these are worth holding.
REFERENCED = frozenset(c.ref for t in contract.TABLES for c in t.columns if c.ref)
TEXT = pa.large_string()    # what pandas' str columns hold: no copy when a frame's keys are taken


def text_array(values) -> pa.Array:
    """Any collection of keys (set, list, Series, Arrow array) → an Arrow string array without nulls."""
    if isinstance(values, (set, frozenset)):
        values = list(values)
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values, from_pandas=True)
    return _as_text(values).drop_null()


class KnownKeys:
    """Keys each reference may point to: what the database holds plus what this run accepted."""

    def __init__(self, fetch):
        self._fetch = fetch          # (table, column) -> keys in the database (any collection)
        self._parts: dict[str, list[pa.Array]] = {}

    def get(self, target: str) -> pa.Array:
        """Every known key of "table.column"; the database is asked once, the first time."""
        if target not in self._parts:
            table, column = target.split(".")
            self._parts[target] = [text_array(self._fetch(table, column))]
        parts = self._parts[target]
        if len(parts) > 1:
            parts[:] = [pa.concat_arrays(parts)]
        return parts[0]

    def add(self, target: str, values) -> None:
        """Keys this run has just accepted (a later file may refer to them)."""
        self.get(target)
        self._parts[target].append(text_array(values))

    def contains(self, target: str, values: pd.Series, also: pd.Series | None = None) -> np.ndarray:
        """Per value: is it a known key of `target` (or one of `also`)? Missing values are False."""
        keys = self.get(target)
        if also is not None:
            keys = pa.concat_arrays([keys, text_array(also)])
        found = pc.is_in(text_array_with_nulls(values), value_set=keys, skip_nulls=True)
        return found.to_numpy(zero_copy_only=False).astype(bool)


def text_array_with_nulls(values: pd.Series) -> pa.Array:
    return _as_text(pa.array(values, from_pandas=True))


def _as_text(array) -> pa.Array:
    """One contiguous large_string array (a pandas column may come in many Arrow chunks)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type == TEXT else array.cast(TEXT)
