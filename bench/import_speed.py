"""Import throughput per table on SQLite and PostgreSQL, and the time of the large demo set.

    python bench/import_speed.py --size medium --runs 3
    python bench/import_speed.py --size large --runs 1     # the issue's 1M-deal figure (slow)
    python bench/import_speed.py --size large --data var/import-large --table opportunities --runs 3

Generates the demo export once (timed), then for each backend and run imports it
into a fresh database and records rows/s per table (read + validate + upsert).
The baseline, measured in the same run, is a bare bulk copy of the already
typed opportunities frame into an empty table: import / baseline says what
validation and bookkeeping cost on top of the raw write.

`--data FOLDER` keeps the export: generated there when the folder holds no CSV,
reused as it is otherwise. `--table NAME` times only a first load of that table's
file, imported alone into a copy of a database already holding every table
before it in load order, each run next to its own bare copy baseline.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.data.schema import CRM_TABLES  # noqa: E402
from bench.common import fresh_database, machine, median, record  # noqa: E402
from bench.phases import Phases  # noqa: E402
from etl import bulk, contract, demo, pgcopy  # noqa: E402
from etl.parse import ParseOptions  # noqa: E402
from etl.read import open_source  # noqa: E402
from etl.runner import run_import  # noqa: E402
from etl.validate import KnownKeys, validate  # noqa: E402

TARGETS = {"SQLite": 50_000, "PostgreSQL": 100_000}   # opportunities rows/s
ROOT = Path(__file__).resolve().parent.parent
PREFIX = "spd_import"     # names of the databases this script creates (and drops)


def baseline_copy(engine, folder: Path, table: str = "opportunities", csv: bool = False) -> float:
    """Rows/s of a bare bulk copy of the typed rows of `table` into its empty table,
    with foreign keys off: the floor any import of these rows stands on. `csv` makes
    PostgreSQL's copy send CSV, as the writer did before it sent binary rows."""
    sources = {s.name: s for s in open_source(folder)}
    known = KnownKeys(lambda ref_table, column: sources[f"{ref_table}.csv"].frame()[column])
    good = validate(contract.spec(table), sources[f"{table}.csv"].frame(), ParseOptions(), known).good
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":   # outside any transaction, or SQLite ignores it
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            with _csv_only(csv):
                start = time.perf_counter()
                bulk.copy_rows(conn, CRM_TABLES[table], good)
                seconds = time.perf_counter() - start
    return len(good) / seconds


@contextmanager
def _csv_only(enabled: bool):
    """While enabled, every chunk is one binary COPY cannot carry, so the writer sends CSV."""
    rows = pgcopy.rows
    if enabled:
        pgcopy.rows = lambda *args: None
    try:
        yield
    finally:
        pgcopy.rows = rows


@contextmanager
def export(size: str, data: str | None):
    """(folder, rows per table, seconds to generate or None when reused)."""
    if data and any(Path(data).glob("*.csv")):
        folder = Path(data)
        counts = {p.stem: sum(1 for _ in p.open("rb")) - 1 for p in sorted(folder.glob("*.csv"))}
        print(f"reusing the export in {folder}", flush=True)
        yield folder, counts, None
        return
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as tmp:
        folder = Path(data) if data else Path(tmp) / "export"
        n = demo.resolve_size(size)
        start = time.perf_counter()
        counts = demo.write_csvs(demo.generate(n), folder)
        generated = time.perf_counter() - start
        print(f"generated {n:,} deals in {generated:.1f} s", flush=True)
        yield folder, counts, generated


def run(size: str, runs: int, data: str | None = None) -> dict:
    with export(size, data) as (folder, counts, generated), \
            tempfile.TemporaryDirectory(dir=ROOT / "var") as tmp:
        results = {"size": size, "deals": counts["opportunities"], "generate": generated,
                   "rows": counts, "backends": {}}
        for backend in ("SQLite", "PostgreSQL"):
            per_table, totals, baselines = defaultdict(list), [], []
            for i in range(runs):
                with fresh_database(backend.lower(), Path(tmp), PREFIX) as engine:
                    start = time.perf_counter()
                    report = run_import(engine, folder, actor="bench")
                    totals.append(time.perf_counter() - start)
                    for f in report.files:
                        per_table[f.table].append(f.read / f.seconds if f.seconds else 0)
                with fresh_database(backend.lower(), Path(tmp), PREFIX) as engine:
                    baselines.append(baseline_copy(engine, folder))
                print(f"{backend} run {i + 1}: import {totals[-1]:.1f} s, opportunities "
                      f"{per_table['opportunities'][-1]:,.0f} rows/s", flush=True)
            results["backends"][backend] = {
                "total": median(totals), "baseline": median(baselines),
                "per_table": {t: median(v) for t, v in per_table.items()}}
        return results


def run_table(size: str, table: str, runs: int, data: str | None = None) -> dict:
    """First loads of `table` alone, each next to a bare copy of its typed rows."""
    earlier = contract.LOAD_ORDER[:contract.LOAD_ORDER.index(table)]
    with export(size, data) as (folder, counts, _), \
            tempfile.TemporaryDirectory(dir=ROOT / "var") as tmp:
        workdir = Path(tmp)
        # The table itself comes header-only: a minimal load needs the file, not rows.
        before = _subset(folder, workdir / "before", earlier, empty=table)
        alone = _subset(folder, workdir / "alone", [table])
        results = {"size": size, "table": table, "rows": counts[table], "backends": {}}
        for backend in ("SQLite", "PostgreSQL"):
            runs_of = defaultdict(list)
            with fresh_database(backend.lower(), workdir, PREFIX) as base:
                run_import(base, before, actor="bench")
                template = base.url.render_as_string(hide_password=False)
                base.dispose()
                for i in range(runs):
                    with fresh_database(backend.lower(), workdir, PREFIX, template) as engine, \
                            Phases(engine) as phases:
                        report = run_import(engine, alone, actor="bench")
                        file = next(f for f in report.files if f.table == table)
                        runs_of["rate"].append(file.read / file.seconds)
                        runs_of["phases"].append(phases.breakdown(file.seconds))
                    for kind in ("bare", "bare_csv") if backend == "PostgreSQL" else ("bare",):
                        with fresh_database(backend.lower(), workdir, PREFIX, template) as engine:
                            runs_of[kind].append(baseline_copy(engine, folder, table, csv=kind == "bare_csv"))
                    print(f"{backend} run {i + 1}: {table} {runs_of['rate'][-1]:,.0f} rows/s, bare copy "
                          f"{runs_of['bare'][-1]:,.0f} rows/s", flush=True)
            results["backends"][backend] = dict(runs_of)
        return results


def _subset(folder: Path, into: Path, tables: list[str], empty: str | None = None) -> Path:
    """A folder of links to some of the export's files, plus one table's header alone."""
    into.mkdir()
    for table in tables:
        (into / f"{table}.csv").symlink_to(folder / f"{table}.csv")
    if empty:
        with (folder / f"{empty}.csv").open() as source:
            (into / f"{empty}.csv").write_text(source.readline())
    return into


def report(r: dict, runs: int) -> str:
    lines = [f"Machine: {machine()}. Demo size {r['size']} ({r['deals']:,} deals); median of {runs} "
             f"run(s) per backend, each into a fresh database.", "",
             _generated(r['generate']), ""]
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
    if r["size"] == "large" and r["generate"] is not None:
        for backend, b in r["backends"].items():
            lines.append(f"\n`demo-data --size large` on {backend} (generate + load): "
                         f"{r['generate'] + b['total']:.0f} s (target ≤ 600 s).")
    return "\n".join(lines)


def _generated(seconds: float | None) -> str:
    if seconds is None:
        return "The export was generated earlier and reused."
    return f"Generating and writing the CSVs: {seconds:.1f} s."


def report_table(r: dict, runs: int) -> str:
    lines = [f"Machine: {machine()}. First load of `{r['table']}.csv` ({r['rows']:,} rows, demo size "
             f"{r['size']}) imported alone into a copy of a database holding every table before it; "
             f"{runs} run(s) per backend, each next to bare bulk copies of the same typed rows "
             "(foreign keys off, indexes in place) into other copies.", "",
             "| backend | import rows/s: median (runs) | bare copy rows/s | import / bare copy "
             "| bare copy as CSV rows/s | import / bare CSV copy |",
             "|---|---:|---:|---:|---:|---:|"]
    for backend, b in r["backends"].items():
        target = f" (target ≥ {TARGETS[backend]:,})" if r["table"] == "opportunities" else ""
        csv = [f"{median(b['bare_csv']):,.0f}", f"{median(_ratios(b['rate'], b['bare_csv'])):.2f}"] \
            if "bare_csv" in b else ["", ""]
        lines.append(f"| {backend} | {median(b['rate']):,.0f}{target} ("
                     + ", ".join(f"{v:,.0f}" for v in b["rate"]) + f") | {median(b['bare']):,.0f} | "
                     f"{median(_ratios(b['rate'], b['bare'])):.2f} | " + " | ".join(csv) + " |")
    lines += ["", "Where a first load's time goes, median seconds of the runs:", "",
              "| phase | " + " | ".join(r["backends"]) + " |", "|---|" + "---:|" * len(r["backends"])]
    phases = list(dict.fromkeys(p for b in r["backends"].values() for run in b["phases"] for p in run))
    for phase in phases:
        lines.append(f"| {phase} | " + " | ".join(
            f"{median([run.get(phase, 0.0) for run in b['phases']]):.2f}" for b in r["backends"].values()) + " |")
    return "\n".join(lines)


def _ratios(rates: list[float], baselines: list[float]) -> list[float]:
    """Each run's rate over the baseline measured next to it."""
    return [rate / base for rate, base in zip(rates, baselines)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="medium")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", help="folder for the export: generated there once, then reused")
    parser.add_argument("--table", choices=contract.LOAD_ORDER,
                        help="time only a first load of this table's file")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if args.table:
        text = report_table(run_table(args.size, args.table, args.runs, args.data), args.runs)
        section = f"import-{args.size}-{args.table}"
    else:
        text = report(run(args.size, args.runs, args.data), args.runs)
        section = f"import-{args.size}"
    print(text)
    if not args.no_record:
        record(section, text)


if __name__ == "__main__":
    main()
