"""A tiny hand-written CRM export and readers for what an import left in the database.

The base export is small enough to know every row by heart: 2 territories, 3 reps
(R1 manages R2 and R3), 2 products, 2 accounts, 4 deals (O1 and O3 open, O2 won,
O4 lost) and 4 deal lines (O1: 1, O2: 2, O3: 1). Tests override single files.
"""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from app.data.schema import CRM_TABLES
from app.data.system_schema import data_version, import_files, import_runs, rejected_rows
from etl.contract import LOAD_ORDER

BASE: dict[str, str] = {
    "territories": """\
territory_id,name,region,country
T1,North,EMEA,POL
T2,South,EMEA,DEU
""",
    "reps": """\
rep_id,name,team,manager_rep_id,territory_id,active
R1,Anna Lead,Alpha,,T1,true
R2,Ben Rep,Alpha,R1,T1,true
R3,Cleo Rep,Beta,R1,T2,yes
""",
    "products": """\
product_id,name,category,list_price
P1,Widget,Hardware,100
P2,Gadget,Hardware,250
""",
    "accounts": """\
account_id,name,territory_id,owner_rep_id,employees,country,created_at
A1,Acme,T1,R2,120,POL,2025-01-10T09:00:00Z
A2,Globex,T2,R3,45,DEU,2025-01-11T09:00:00Z
""",
    "opportunities": """\
opportunity_id,account_id,owner_rep_id,created_at,stage,status,amount,expected_close_date,closed_at,probability
O1,A1,R2,2025-02-01T10:00:00Z,Proposal,open,1000,2025-04-30,,0.5
O2,A1,R2,2025-02-02T10:00:00Z,Closed Won,won,2500.5,,2025-03-01T12:00:00Z,1
O3,A2,R3,2025-02-03T10:00:00Z,Negotiation,open,4000,2025-05-15,,
O4,A2,R3,2025-02-04T10:00:00Z,Closed Lost,lost,800,,2025-03-02T12:00:00Z,0
""",
    "opportunity_lines": """\
opportunity_id,product_id,quantity,unit_price,discount
O1,P1,10,100,0
O2,P1,5,100,0.1
O2,P2,8,250,0
O3,P2,16,250,0
""",
}
BASE_DEALS = {"O1", "O2", "O3", "O4"}


def write_export(folder: Path, base: dict[str, str] | None = None, **files: str | None) -> Path:
    """Write `<table>.csv` files into `folder`: the base export with `files` replacing
    (text) or dropping (None) single tables. Returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, text in {**(BASE if base is None else base), **files}.items():
        if text is not None:
            (folder / f"{table}.csv").write_text(text, encoding="utf-8", newline="")
    return folder


def keys(engine, table: str, *columns: str) -> set:
    """The set of `columns` values (a single value per row when one column is named)."""
    t = CRM_TABLES[table]
    with engine.connect() as conn:
        found = conn.execute(sa.select(*[t.c[c] for c in columns])).all()
    return {row[0] if len(columns) == 1 else tuple(row) for row in found}


def contents(engine, table: str, drop: tuple[str, ...] = ()) -> list[tuple]:
    """Every row of a table (every column unless dropped), sorted, for before/after comparisons."""
    t = CRM_TABLES.get(table)
    t = t if t is not None else sa.Table(table, sa.MetaData(), autoload_with=engine)
    cols = [c for c in t.c if c.name not in drop]
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(*cols)).all())


def everything(engine, drop_surrogates: bool = False) -> dict[str, list[tuple]]:
    """Contents of every CRM table; surrogate ids dropped when loads are compared across databases."""
    surrogates = ("line_id", "history_id", "spend_id", "training_id", "benchmark_id")
    return {t: contents(engine, t, surrogates if drop_surrogates else ()) for t in LOAD_ORDER}


def rejections(engine) -> list[dict]:
    r = rejected_rows.c
    with engine.connect() as conn:
        found = conn.execute(sa.select(r.file_name, r.line, r.column_name, r.reason, r.raw)
                             .order_by(r.file_name, r.line)).mappings().all()
    return [dict(row) for row in found]


def assert_rejected(engine, expected: dict[tuple[str, int], tuple[str | None, str]]) -> list[dict]:
    """The stored rejections are exactly `expected`: (file, line) → (column, reason substring)."""
    found = rejections(engine)
    assert {(f["file_name"], f["line"]) for f in found} == set(expected), found
    for row in found:
        column, reason = expected[(row["file_name"], row["line"])]
        assert row["column_name"] == column, row
        assert reason in row["reason"], row
    return found


def raw_of(found: list[dict], file_name: str, line: int) -> dict:
    return json.loads(next(f["raw"] for f in found if (f["file_name"], f["line"]) == (file_name, line)))


def runs(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(
            sa.select(import_runs).order_by(import_runs.c.run_id)).mappings()]


def files_of(engine, run_id: int) -> dict[str, dict]:
    with engine.connect() as conn:
        found = conn.execute(sa.select(import_files).where(import_files.c.run_id == run_id)).mappings()
        return {f["table_name"]: dict(f) for f in found}


def version(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(data_version.c.version)).scalar_one()


def counts(report) -> dict[str, tuple[int, int, int, int]]:
    """table → (inserted, updated, unchanged, rejected) from a RunReport."""
    return {f.table: (f.inserted, f.updated, f.unchanged, f.rejected) for f in report.files}
