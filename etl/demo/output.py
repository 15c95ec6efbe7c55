"""Write tables as contract CSV files: UTF-8, header row, comma, "" for missing.

Values are formatted by the contract's column types: dates `YYYY-MM-DD`,
timestamps `YYYY-MM-DDTHH:MM:SSZ` (UTC), decimals with `.`, booleans
`true`/`false`. Formatting is vectorised and done in chunks so a million-deal
demo writes without holding every table as text at once.
"""
from __future__ import annotations

import csv
import pathlib

import numpy as np
import pandas as pd

from etl import contract

CHUNK_ROWS = 250_000


def write_csvs(tables: dict[str, pd.DataFrame], out_dir: pathlib.Path) -> dict[str, int]:
    """Write `<table>.csv` for each frame into out_dir (created if needed); returns row counts."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, frame in tables.items():
        kinds = _column_kinds(name, frame)
        with open(out_dir / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(list(frame.columns))
            for start in range(0, len(frame), CHUNK_ROWS):
                chunk = frame.iloc[start:start + CHUNK_ROWS]
                cells = [format_values(chunk[c], kinds[c]) for c in frame.columns]
                writer.writerows(zip(*cells))
        counts[name] = len(frame)
    return counts


def _column_kinds(name: str, frame: pd.DataFrame) -> dict[str, str]:
    """Contract type of each column; columns the contract does not know go by dtype."""
    known = {c.name: c.type for c in contract.BY_NAME[name].columns} if name in contract.BY_NAME else {}
    return {c: known.get(c) or _kind_of(frame[c]) for c in frame.columns}


def _kind_of(values: pd.Series) -> str:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return contract.TIMESTAMP
    if pd.api.types.is_bool_dtype(values):
        return contract.BOOL
    if pd.api.types.is_integer_dtype(values):
        return contract.INT
    if pd.api.types.is_float_dtype(values):
        return contract.DECIMAL
    return contract.STR


def format_values(values: pd.Series, kind: str) -> np.ndarray:
    """Text of one column in contract format (object array, "" for missing)."""
    if kind in (contract.TIMESTAMP, contract.DATE) and pd.api.types.is_datetime64_any_dtype(values):
        return _format_datetimes(values, kind)
    if kind in (contract.INT, contract.DECIMAL) and pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        present = ~np.isnan(numbers)
        if kind == contract.INT:
            return _fill(present, numbers[present].astype(np.int64).astype(str))
        # numpy prints the shortest text that reads back to the same float ("0.05", "1234.5").
        return _fill(present, numbers[present].astype(str))
    if kind == contract.BOOL and pd.api.types.is_bool_dtype(values):
        present = values.notna().to_numpy()
        flags = values.to_numpy(dtype=bool, na_value=False)[present]
        return _fill(present, np.where(flags, "true", "false"))
    return values.to_numpy(dtype=object, na_value="")


def _fill(present: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Object array with `text` where present and "" elsewhere (only present values get formatted)."""
    out = np.full(present.size, "", dtype=object)
    out[present] = text
    return out


def _format_datetimes(values: pd.Series, kind: str) -> np.ndarray:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)   # naive values are taken as UTC
    raw = values.to_numpy(dtype="datetime64[s]")
    present = ~np.isnat(raw)
    if kind == contract.DATE:
        return _fill(present, np.datetime_as_string(raw[present].astype("datetime64[D]")))
    return _fill(present, np.datetime_as_string(raw[present], unit="s", timezone="UTC"))
