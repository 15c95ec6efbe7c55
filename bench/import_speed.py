"""Import throughput per table on SQLite and PostgreSQL, and the time of the large demo set.

    python bench/import_speed.py --size medium --runs 3
    python bench/import_speed.py --size large --runs 1     # the issue's 1M-deal figure (slow)

Generates the demo export once (timed), then for each backend and run imports it
into a fresh database and records rows/s per table (read + validate + upsert).
The baseline, measured in the same run, is a bare bulk copy of the already
typed opportunities frame into an empty table: import / baseline says what
validation and bookkeeping cost on top of the raw write.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.data.schema import CRM_TABLES  # noqa: E402
from bench.common import fresh_database, machine, median, record  # noqa: E402
from etl import bulk, contract, demo  # noqa: E402
from etl.parse import ParseOptions  # noqa: E402
from etl.read import open_source  # noqa: E402
from etl.runner import run_import  # noqa: E402
from etl.validate import KnownKeys, validate  # noqa: E402

TARGETS = {"SQLite": 50_000, "PostgreSQL": 100_000}   # opportunities rows/s


def baseline_copy(engine, folder: Path) -> float:
    """Rows/s of a bare bulk copy of the typed opportunities into an empty table,
    with foreign keys off: the floor any import of these rows stands on."""
    sources = {s.name: s for s in open_source(folder)}
    known = KnownKeys(lambda table, column: set(sources[f"{table}.csv"].frame()[column]))
    good = validate(contract.spec("opportunities"), sources["opportunities.csv"].frame(),
                    ParseOptions(), known).good
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":   # outside any transaction, or SQLite ignores it
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            start = time.perf_counter()
            bulk.copy_rows(conn, CRM_TABLES["opportunities"], good)
            seconds = time.perf_counter() - start
    return len(good) / seconds


def run(size: str, runs: int) -> dict:
    n = demo.resolve_size(size)
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent.parent / "var") as tmp:
        folder = Path(tmp) / "export"
        start = time.perf_counter()
        counts = demo.write_csvs(demo.generate(n), folder)
        generated = time.perf_counter() - start
        print(f"generated {n:,} deals in {generated:.1f} s", flush=True)
        results = {"size": size, "deals": n, "generate": generated, "rows": counts, "backends": {}}
        for backend in ("SQLite", "PostgreSQL"):
            per_table, totals, baselines = defaultdict(list), [], []
            for i in range(runs):
                with fresh_database(backend.lower(), Path(tmp)) as engine:
                    start = time.perf_counter()
                    report = run_import(engine, folder, actor="bench")
                    totals.append(time.perf_counter() - start)
                    for f in report.files:
                        per_table[f.table].append(f.read / f.seconds if f.seconds else 0)
                with fresh_database(backend.lower(), Path(tmp)) as engine:
                    baselines.append(baseline_copy(engine, folder))
                print(f"{backend} run {i + 1}: import {totals[-1]:.1f} s, opportunities "
                      f"{per_table['opportunities'][-1]:,.0f} rows/s", flush=True)
            results["backends"][backend] = {
                "total": median(totals), "baseline": median(baselines),
                "per_table": {t: median(v) for t, v in per_table.items()}}
        return results


def report(r: dict, runs: int) -> str:
    lines = [f"Machine: {machine()}. Demo size {r['size']} ({r['deals']:,} deals); median of {runs} "
             f"run(s) per backend, each into a fresh database.", "",
             f"Generating and writing the CSVs: {r['generate']:.1f} s.", ""]
    for backend, b in r["backends"].items():
        opp = b["per_table"].get("opportunities", 0)
        lines.append(f"**{backend}**: whole import {b['total']:.1f} s; opportunities {opp:,.0f} rows/s "
                     f"(target ≥ {TARGETS[backend]:,}); bare bulk copy of the same typed rows "
                     f"{b['baseline']:,.0f} rows/s, so import / bare copy = {opp / b['baseline']:.2f}.")
    lines += ["", "| table | rows | " + " | ".join(f"{b} rows/s" for b in r["backends"]) + " |",
              "|---|---:|" + "---:|" * len(r["backends"])]
    for table in contract.LOAD_ORDER:
        if table in r["rows"]:
            lines.append(f"| {table} | {r['rows'][table]:,} | " + " | ".join(
                f"{b['per_table'].get(table, 0):,.0f}" for b in r["backends"].values()) + " |")
    if r["size"] == "large":
        for backend, b in r["backends"].items():
            lines.append(f"\n`demo-data --size large` on {backend} (generate + load): "
                         f"{r['generate'] + b['total']:.0f} s (target ≤ 600 s).")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="medium")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    result = run(args.size, args.runs)
    text = report(result, args.runs)
    print(text)
    if not args.no_record:
        record(f"import-{args.size}", text)


if __name__ == "__main__":
    main()
