"""`python -m app import …` and `python -m app demo-data …`."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from app.config import var_dir
from app.data import migrate
from etl.report import render_run
from etl.runner import run_import


def register(commands) -> None:
    imp = commands.add_parser(
        "import", help="import a CRM export (folder of CSVs, .zip or .xlsx)",
        description="Validate and load a CRM export. Bad rows are kept in the rejected-rows "
                    "table with their reason; good rows load. Exit status 2 only when the "
                    "input cannot be used at all.")
    imp.add_argument("path", help="a folder of <table>.csv files, a .zip of them, or an .xlsx "
                     "workbook with one sheet per table")
    imp.add_argument("--preset", help="map a CRM's own export: salesforce, hubspot or pipedrive")
    imp.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
    imp.add_argument("--encoding", help="text encoding of the CSV files (default UTF-8)")
    imp.add_argument("--actor", default="cli", help="who runs the import, for the run history")
    imp.add_argument("--no-progress", action="store_true", help="no progress bar")
    imp.set_defaults(handler=import_command)

    demo = commands.add_parser(
        "demo-data", help="generate a realistic demo CRM and load it",
        description="Write three years of demo CRM data (ending today) as contract CSVs, load "
                    "them through the normal import and create demo users of every role.")
    demo.add_argument("--size", default="medium",
                      help="small (~2k deals), medium (~50k, default), large (1M) or a number of deals")
    demo.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    demo.add_argument("--out", type=Path, help="folder for the CSVs (default var/demo-SIZE-SEED)")
    demo.add_argument("--today", type=date.fromisoformat, help="last day of history (default today)")
    demo.add_argument("--no-load", action="store_true", help="only write the CSVs")
    demo.set_defaults(handler=demo_command)


def import_command(args, engine) -> int:
    migrate.upgrade(engine)
    report = run_import(engine, args.path, preset=args.preset, dry_run=args.dry_run,
                        actor=args.actor, encoding=args.encoding,
                        show_progress=not args.no_progress and sys.stderr.isatty())
    print(render_run(report))
    return 0


def demo_command(args, engine) -> int:
    from app.cli.demo import create_demo_users, print_headline
    from etl import demo

    n_deals = demo.resolve_size(args.size)
    out = args.out or var_dir() / f"demo-{args.size}-{args.seed}"
    print(f"generating {n_deals:,} deals (seed {args.seed}) into {out} …", flush=True)
    counts = demo.write_csvs(demo.generate(n_deals, seed=args.seed, today=args.today), Path(out))
    print(", ".join(f"{table} {n:,}" for table, n in counts.items()))
    if args.no_load:
        return 0
    migrate.upgrade(engine)
    report = run_import(engine, out, actor="demo-data", show_progress=sys.stderr.isatty())
    print(render_run(report))
    create_demo_users(engine)
    print_headline(engine, args.today)
    return 0
