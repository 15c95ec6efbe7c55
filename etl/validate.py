"""Validate one table's rows against the contract: DataFrame of text in, typed rows and reasons out.

Every problem of a row is collected (not only the first), so a user fixes a row
once. Nothing here touches the database: the keys that references may point to
are handed in as `KnownKeys`.

A large file is checked in blocks of rows, so the loader can write one block
while the next is being checked. Rules that look across rows (a repeated key, a
reference) run first on the whole file, on the key and reference columns only.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from app.data.schema import CRM_TABLES
from etl import contract, parse, rules
from etl.contract import Col, TableSpec
from etl.keys import KnownKeys
from etl.problems import Problems, Ranked

__all__ = ["KnownKeys", "Validated", "validate", "validate_blocks", "present_columns"]

PARSERS = {
    contract.INT: parse.parse_int, contract.DECIMAL: parse.parse_decimal,
    contract.BOOL: parse.parse_bool, contract.DATE: parse.parse_date,
    contract.TIMESTAMP: parse.parse_timestamp,
}
TYPE_NAMES = {
    contract.INT: "a whole number", contract.DECIMAL: "a number (use . for decimals)",
    contract.BOOL: "true/false, 1/0 or yes/no", contract.DATE: "an ISO date (YYYY-MM-DD)",
    contract.TIMESTAMP: "an ISO 8601 timestamp (e.g. 2025-03-04T10:15:00+01:00)",
}
BLOCK_ROWS = 100_000
# The order a row's reasons are listed in: value checks by column, row rules, repeats, references.
COLUMNS, RULES, REPEATS, REFERENCES = range(4)


@dataclass
class Validated:
    good: pd.DataFrame          # typed contract columns, index = source line
    rejected: pd.DataFrame      # index = source line; columns: column, reason
    present: list[str] = field(default_factory=list)   # contract columns the file had


def validate(spec: TableSpec, frame: pd.DataFrame, opts: parse.ParseOptions,
             known: KnownKeys) -> Validated:
    """Check a whole file at once."""
    return next(validate_blocks(spec, frame, opts, known, rows=max(len(frame), 1)))


def validate_blocks(spec: TableSpec, frame: pd.DataFrame, opts: parse.ParseOptions,
                    known: KnownKeys, rows: int | None = None) -> Iterator[Validated]:
    """The same checks, yielded for consecutive blocks of `rows` rows (default BLOCK_ROWS).

    A file whose rows may point at each other (a rep's manager) is one block: a
    rejected row takes the rows pointing at it along, wherever they are in the file.
    """
    present = present_columns(spec, frame)
    across = Problems(frame.index)
    shared = _check_across_rows(spec, frame, opts, known, across)
    rows = rows or BLOCK_ROWS
    if _self_referencing(spec):
        rows = max(len(frame), 1)
    for start in range(0, max(len(frame), 1), rows):
        block = slice(start, start + rows)
        problems = across.within(frame.index[block])
        typed = _check_rows(spec, frame.iloc[block], opts, problems,
                            {name: values.iloc[block] for name, values in shared.items()})
        rejected = _settle_self_references(spec, typed, problems.frame())
        # Copying a million clean rows to drop none of them costs most of a second.
        good = typed.drop(index=rejected.index) if len(rejected) else typed
        yield Validated(good, rejected, present)


def present_columns(spec: TableSpec, frame: pd.DataFrame) -> list[str]:
    """The contract columns a file has (the others keep their stored values on update)."""
    lower = {str(c).strip().lower() for c in frame.columns}
    return [c for c in spec.column_names if c in lower]


def _self_referencing(spec: TableSpec) -> bool:
    return any(c.ref and c.ref.split(".")[0] == spec.name for c in spec.columns)


def _check_across_rows(spec: TableSpec, frame: pd.DataFrame, opts, known: KnownKeys,
                       problems: Problems) -> dict[str, pd.Series]:
    """Repeated keys and references over the whole file; returns the typed key and reference columns."""
    names = [c.name for c in spec.columns if c.name in spec.key or c.ref]
    text = _normalise(spec, frame, names)
    shared = {col.name: _check_column(spec, col, text[col.name], opts, problems.ranked(COLUMNS, i))
              for i, col in enumerate(spec.columns) if col.name in names}
    typed = pd.DataFrame(shared, index=frame.index)
    _check_duplicates(spec, typed, problems.ranked(REPEATS))
    _check_references(spec, typed, known, problems.ranked(REFERENCES))
    return shared


def _check_rows(spec: TableSpec, frame: pd.DataFrame, opts, problems: Problems,
                shared: dict[str, pd.Series]) -> pd.DataFrame:
    """Each row on its own: values by column, then the table's row rules."""
    text = _normalise(spec, frame, [c for c in spec.column_names if c not in shared])
    typed = {}
    for i, col in enumerate(spec.columns):
        values = shared.get(col.name)
        if values is None:
            values = _check_column(spec, col, text[col.name], opts, problems.ranked(COLUMNS, i))
        typed[col.name] = values if col.default is None else values.fillna(col.default)
    typed = pd.DataFrame(typed, index=frame.index)
    for i, check in enumerate(spec.extra_checks):
        rules.CHECKS[check](typed, problems.ranked(RULES, i))
    return typed


def _settle_self_references(spec: TableSpec, typed: pd.DataFrame, rejected: pd.DataFrame):
    """A row pointing at a rejected row of the same file must go too (else the FK breaks)."""
    refs = [c for c in spec.columns if c.ref and c.ref.split(".")[0] == spec.name]
    for col in refs:
        while True:
            good = typed.drop(index=rejected.index)
            gone = set(typed.loc[rejected.index, spec.key[0]].dropna()) - set(good[spec.key[0]])
            orphan = good[col.name].isin(gone)
            if not orphan.any():
                break
            extra = pd.DataFrame({"column": col.name, "reason": col.name + " refers to a rejected row: '"
                                  + good.loc[orphan, col.name].astype(str) + "'"})
            rejected = pd.concat([rejected, extra]).sort_index()
    return rejected


def _normalise(spec: TableSpec, frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The named contract columns, stripped text, "" for missing; absent optional columns → ""."""
    lower = {str(c).strip().lower(): c for c in frame.columns}
    out = {}
    for name in names:
        source = lower.get(name)
        out[name] = frame[source].fillna("").astype(str).str.strip() if source is not None else ""
    return pd.DataFrame(out, index=frame.index, columns=names)


def _check_column(spec: TableSpec, col: Col, text: pd.Series, opts, problems: Ranked):
    empty = text == ""
    if col.required:
        problems.add(empty, col.name, f"{col.name} is required")
    if col.type == contract.STR:
        return _check_text(spec, col, text, problems)
    values, bad = PARSERS[col.type](text, opts)
    problems.add(bad, col.name, _quoted(text, f"{col.name} must be {TYPE_NAMES[col.type]}, got "))
    if col.min is not None:
        problems.add(values.notna() & (values < col.min), col.name, f"{col.name} must be ≥ {col.min:g}")
    if col.max is not None:
        problems.add(values.notna() & (values > col.max), col.name, f"{col.name} must be ≤ {col.max:g}")
    return values


def _check_text(spec: TableSpec, col: Col, text: pd.Series, problems: Ranked) -> pd.Series:
    """Text stays text (missing = NaN); an allowed value is stored as the contract spells it."""
    values = text.where(text != "")
    if col.allowed:
        # Most values are spelled as listed already; only the others are case-folded.
        other = ~(text.isin(col.allowed) | (text == "")).to_numpy()
        if other.any():
            canonical = {v.lower(): v for v in col.allowed}
            mapped = text[other].str.lower().map(canonical)
            bad = np.zeros(len(text), dtype=bool)
            bad[other] = mapped.isna().to_numpy()
            allowed = ", ".join(col.allowed)
            problems.add(bad, col.name, _quoted(text, f"{col.name} must be one of {allowed}; got "))
            values = values.copy()
            values[other] = mapped.to_numpy()
    limit = getattr(CRM_TABLES[spec.name].c[col.name].type, "length", None)
    if limit:
        problems.add(text.str.len() > limit, col.name, f"{col.name} is longer than {limit} characters")
    return values


def _quoted(text: pd.Series, prefix: str):
    """A reason quoting each failing row's value (cut at 40 characters), built only for those rows."""
    return lambda mask: prefix + "'" + text[mask].astype(str).str.slice(0, 40) + "'"


def _check_duplicates(spec: TableSpec, typed: pd.DataFrame, problems: Ranked) -> None:
    if not spec.key or _all_distinct(typed[spec.key[0]]):
        return
    keys = typed[list(spec.key)].astype(str)
    dup = keys.duplicated(keep="first")
    if dup.any():
        # Rows missing a key count as repeats of each other (and are rejected anyway).
        first_line = pd.Series(keys.index, index=keys.index).groupby(
            [keys[k] for k in spec.key], dropna=False).transform("first")
        label = " + ".join(spec.key)
        problems.add(dup, spec.key[0], lambda mask: "duplicate " + label + " (first on line "
                     + first_line[mask].astype(str) + ")")


def _all_distinct(values: pd.Series) -> bool:
    """A quick proof that no key repeats: its first column alone has no repeat nor gap."""
    array = pa.array(values, from_pandas=True)
    return array.null_count == 0 and pc.count_distinct(array).as_py() == len(array)


def _check_references(spec: TableSpec, typed: pd.DataFrame, known: KnownKeys, problems: Ranked) -> None:
    refs = [c for c in spec.columns if c.ref]
    for col in refs:
        known.get(col.ref)

    def found(col: Col) -> np.ndarray:
        # Self references (a rep's manager) may point at rows of this very file.
        own = typed[spec.key[0]] if col.ref.split(".")[0] == spec.name else None
        return known.contains(col.ref, typed[col.name], also=own)

    # Arrow releases the GIL while it looks keys up: two columns at a time use both cores.
    with ThreadPoolExecutor(2) as pool:
        lookups = list(pool.map(found, refs))
    for col, exists in zip(refs, lookups):
        values = typed[col.name]
        missing = values.notna().to_numpy() & ~exists
        quoted = _quoted(values, f"{col.name} not found in {col.ref.split('.')[0]}: ")
        problems.add(missing, col.name, lambda mask, quoted=quoted: quoted(mask).str.rstrip())
