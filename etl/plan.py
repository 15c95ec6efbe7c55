"""Decide what an import will load before loading anything, and refuse unusable input early.

Checks that make a whole input unusable (unknown preset, not a folder/zip/xlsx,
not UTF-8, not CSV, a required table or column missing) happen here, so a
refused import changes nothing. Unknown files and columns are only warnings.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Engine

from app.data.schema import CRM_TABLES
from etl import contract, load
from etl.read import SourceFile, UnusableInput, ignored_files, open_source


@dataclass
class PlannedTable:
    """One contract table's input: how to get its (mapped, raw) frames."""
    name: str
    sha256: str
    columns: list[str]
    frames: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]

    @staticmethod
    def ragged(raw: pd.DataFrame) -> pd.DataFrame:
        """Rows with the wrong number of fields, as rejections (they never reach a frame)."""
        rows = raw.attrs.get("ragged", [])
        return pd.DataFrame(
            {"column": [None] * len(rows),
             "reason": [f"expected {width} fields, found {len(rec)}" for _, width, rec in rows],
             "raw": [json.dumps({"fields": rec}, ensure_ascii=False) for _, _, rec in rows]},
            index=pd.Index([line for line, _, _ in rows], name="line"))


@dataclass
class ImportPlan:
    # A table may come from several files (Salesforce Task and Event both hold activities);
    # each loads in its own transaction and keeps its own line numbers.
    tables: dict[str, list[PlannedTable]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    decimal: str = "."
    thousands: str = ""
    date_order: str | None = None


def plan_import(engine: Engine, path, preset_name: str | None, encoding: str | None) -> ImportPlan:
    preset = _preset(preset_name)
    encoding = encoding or (preset.encoding if preset else None) or "utf-8"
    sources = open_source(path, encoding, getattr(preset, "delimiter", None))
    plan = ImportPlan(warnings=[f"{name}: not a CSV file, ignored" for name in ignored_files(path)])
    if preset:
        plan.decimal, plan.thousands, plan.date_order = preset.decimal, preset.thousands, preset.date_order
        _plan_with_preset(plan, preset, sources)
    else:
        _plan_contract_files(plan, sources)
    if not plan.tables:
        raise UnusableInput(f"{path} holds no file named after a contract table "
                            f"(expected e.g. opportunities.csv)")
    _check_required_tables(engine, plan)
    for table, parts in plan.tables.items():
        for planned in parts:
            _check_columns(table, planned, plan.warnings)
    return plan


def _preset(name: str | None):
    if not name:
        return None
    from etl.mapping import UnknownPreset, load_preset
    try:
        return load_preset(name)
    except UnknownPreset as exc:
        raise UnusableInput(str(exc)) from None


def _plan_contract_files(plan: ImportPlan, sources: list[SourceFile]) -> None:
    for source in sources:
        table = Path(source.name).stem.strip().lower()
        if table not in contract.BY_NAME:
            plan.warnings.append(f"{source.name}: not a contract table, ignored")
        elif table in plan.tables:
            plan.warnings.append(f"{source.name}: a second file for {table}, ignored")
        else:
            plan.tables[table] = [PlannedTable(source.name, source.sha256, source.header,
                                               lambda s=source: (s.frame(),) * 2)]


def _plan_with_preset(plan: ImportPlan, preset, sources: list[SourceFile]) -> None:
    from etl.mapping import apply_preset, split_parts
    raw = {s.name: s.frame() for s in sources}
    digests = {s.name: s.sha256 for s in sources}
    mapped, warnings = apply_preset(preset, raw)
    plan.warnings.extend(warnings)
    for table, stacked in mapped.items():
        for frame in split_parts(stacked):
            source = frame.attrs.get("source", table)
            original = raw.get(source, frame)
            plan.tables.setdefault(table, []).append(PlannedTable(
                source, digests.get(source, "derived"), list(frame.columns),
                lambda f=frame, r=original: (f, r)))


def _check_required_tables(engine: Engine, plan: ImportPlan) -> None:
    missing = [t for t in contract.MINIMAL_TABLES if t not in plan.tables]
    if not missing:
        return
    with engine.connect() as conn:
        empty = [t for t in missing if not load.fetch_keys_exist(conn, CRM_TABLES[t])]
    if empty:
        raise UnusableInput(f"required table {empty[0]} is missing: add {empty[0]}.csv "
                            f"(a minimal load needs {', '.join(contract.MINIMAL_TABLES)})")


def _check_columns(table: str, planned: PlannedTable, warnings: list[str]) -> None:
    spec = contract.spec(table)
    present = {c.strip().lower() for c in planned.columns}
    for col in spec.columns:
        if col.required and col.name not in present:
            raise UnusableInput(f"{planned.name}: required column {col.name} is missing")
    unknown = sorted(present - set(spec.column_names) - {""})
    if unknown:
        warnings.append(f"{planned.name}: unknown columns ignored: {', '.join(unknown)}")
