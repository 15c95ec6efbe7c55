"""Validate one table's rows against the contract: DataFrame of text in, typed rows and reasons out.

Every problem of a row is collected (not only the first), so a user fixes a row
once. Nothing here touches the database: the keys that references may point to
are handed in as `KnownKeys`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from app.data.schema import CRM_TABLES
from etl import contract, parse, rules
from etl.contract import Col, TableSpec

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


class KnownKeys:
    """Keys each reference may point to: what the database holds plus what this run accepted."""

    def __init__(self, fetch):
        self._fetch = fetch          # (table, column) -> set[str] from the database
        self._sets: dict[str, set] = {}

    def get(self, target: str) -> set:
        if target not in self._sets:
            table, column = target.split(".")
            self._sets[target] = set(self._fetch(table, column))
        return self._sets[target]

    def add(self, target: str, values) -> None:
        self.get(target).update(v for v in values if v is not None)


@dataclass
class Validated:
    good: pd.DataFrame          # typed contract columns, index = source line
    rejected: pd.DataFrame      # index = source line; columns: column, reason
    present: list[str] = field(default_factory=list)   # contract columns the file had


def validate(spec: TableSpec, frame: pd.DataFrame, opts: parse.ParseOptions,
             known: KnownKeys) -> Validated:
    text = _normalise(spec, frame)
    problems = _Problems(text.index)
    typed = pd.DataFrame(index=text.index)
    for col in spec.columns:
        typed[col.name] = _check_column(spec, col, text[col.name], opts, problems)
        if col.default is not None:
            typed[col.name] = typed[col.name].fillna(col.default)
    for check in spec.extra_checks:
        rules.CHECKS[check](typed, problems)
    _check_duplicates(spec, typed, problems)
    _check_references(spec, typed, known, problems)
    rejected = problems.frame()
    rejected = _settle_self_references(spec, typed, rejected)
    good = typed.drop(index=rejected.index)
    lower = {str(c).strip().lower() for c in frame.columns}
    return Validated(good, rejected, [c for c in spec.column_names if c in lower])


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


def _normalise(spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract columns only, stripped text, "" for missing; absent optional columns → ""."""
    lower = {str(c).strip().lower(): c for c in frame.columns}
    out = pd.DataFrame(index=frame.index)
    for name in spec.column_names:
        source = lower.get(name)
        out[name] = frame[source].fillna("").astype(str).str.strip() if source is not None else ""
    return out


class _Problems:
    """Collects (line, column, reason); the first failing column names the rejection."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.items: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, reason) -> None:
        if not mask.any():
            return
        reasons = reason[mask] if isinstance(reason, pd.Series) else reason
        self.items.append(pd.DataFrame({"column": column, "reason": reasons},
                                       index=self.index[mask.to_numpy()]))

    def frame(self) -> pd.DataFrame:
        if not self.items:
            return pd.DataFrame({"column": pd.Series(dtype=str), "reason": pd.Series(dtype=str)},
                                index=pd.Index([], name="line"))
        found = pd.concat(self.items)
        grouped = found.groupby(level=0, sort=True)
        out = pd.DataFrame({"column": grouped["column"].first(),
                            "reason": grouped["reason"].agg("; ".join)})
        out.index.name = "line"
        return out


def _check_column(spec: TableSpec, col: Col, text: pd.Series, opts, problems: _Problems):
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


def _check_text(spec: TableSpec, col: Col, text: pd.Series, problems: _Problems) -> pd.Series:
    values = text.where(text != "", None)
    if col.allowed:
        canonical = {v.lower(): v for v in col.allowed}
        mapped = text.str.lower().map(canonical)
        bad = (text != "") & mapped.isna()
        allowed = ", ".join(col.allowed)
        problems.add(bad, col.name, _quoted(text, f"{col.name} must be one of {allowed}; got "))
        values = mapped.where(~bad, None)
    limit = getattr(CRM_TABLES[spec.name].c[col.name].type, "length", None)
    if limit:
        problems.add(text.str.len() > limit, col.name, f"{col.name} is longer than {limit} characters")
    return values.astype(object).where(values.notna(), None)


def _quoted(text: pd.Series, prefix: str) -> pd.Series:
    return prefix + "'" + text.str.slice(0, 40) + "'"


def _check_duplicates(spec: TableSpec, typed: pd.DataFrame, problems: _Problems) -> None:
    if not spec.key:
        return
    keys = typed[list(spec.key)].astype(str)
    dup = keys.duplicated(keep="first")
    if dup.any():
        first_line = pd.Series(keys.index, index=keys.index).groupby(
            [keys[k] for k in spec.key]).transform("first")
        label = " + ".join(spec.key)
        problems.add(dup, spec.key[0], "duplicate " + label + " (first on line "
                     + first_line.astype(str) + ")")


def _check_references(spec: TableSpec, typed: pd.DataFrame, known: KnownKeys, problems) -> None:
    for col in spec.columns:
        if not col.ref:
            continue
        values = typed[col.name]
        target = known.get(col.ref)
        if col.ref.split(".")[0] == spec.name:
            # Self references (a rep's manager) may point at rows of this very file.
            target = target | set(typed[spec.key[0]].dropna())
        missing = values.notna() & ~values.isin(target)
        ref_table = col.ref.split(".")[0]
        problems.add(missing, col.name, _quoted(values.astype(str),
                     f"{col.name} not found in {ref_table}: ").str.rstrip())
