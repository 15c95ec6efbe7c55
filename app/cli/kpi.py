"""`python -m app kpi …`: any KPI of the registry, from the terminal, in the API's JSON shape."""
from __future__ import annotations

import argparse
import json

from app.kpi.query import (DIMENSIONS, FILTER_KEYS, KpiQuery, QueryError, parse_date,
                           parse_filter_items)


def register(commands) -> None:
    kpi = commands.add_parser(
        "kpi", help="compute KPIs by id (table, JSON or CSV)",
        description="Compute KPIs of the catalogue for a period. JSON has the same shape as "
                    "the /api/v1/kpis answer. Run `python -m app kpi --list` for the ids.")
    kpi.add_argument("ids", nargs="*", metavar="ID", help="KPI ids, e.g. revenue win_rate")
    kpi.add_argument("--list", action="store_true", help="list every KPI id with its label and exit")
    kpi.add_argument("--from", dest="start", type=_date, help="first day, YYYY-MM-DD")
    kpi.add_argument("--to", dest="end", type=_date, help="last day, YYYY-MM-DD (inclusive)")
    kpi.add_argument("--by", metavar="DIM", help="break down by one of: " + ", ".join(DIMENSIONS))
    kpi.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                     help="narrow by " + ", ".join(FILTER_KEYS) + " (repeat a key for several values)")
    kpi.add_argument("--compare", choices=["prev", "yoy"], help="also compute the comparison period")
    kpi.add_argument("--as-user", metavar="USERNAME",
                     help="compute with that user's row-level scope (default: everything)")
    kpi.add_argument("--format", choices=["table", "json", "csv"], default="table")
    kpi.set_defaults(handler=kpi_command)


def _date(text: str):
    try:
        return parse_date(text, "date")
    except QueryError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def kpi_command(args, engine) -> int:
    import app.kpi.definitions  # noqa: F401  (fills the registry)
    from app.auth.policy import scope_for
    from app.data import users
    from app.kpi import export
    from app.kpi.evaluate import evaluate
    from app.kpi.query import Scope
    from app.kpi.registry import KPIS

    if args.list:
        for kpi_id, kpi in sorted(KPIS.items()):
            print(f"{kpi_id:<32} {kpi.unit:<14} {kpi.label}")
        return 0
    if not args.ids or not args.start or not args.end:
        raise QueryError("give KPI ids, --from and --to (or --list)")
    query = KpiQuery.build(args.start, args.end, parse_filter_items(args.filter, "=", "KEY=VALUE"),
                           args.by, args.compare)
    with engine.connect() as conn:
        scope = Scope.everything()
        if args.as_user:
            user = users.fetch_user(conn, args.as_user)
            if not user:
                raise QueryError(f"no user named {args.as_user!r}")
            scope = scope_for(conn, user)
        result = evaluate(conn, args.ids, query, scope)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(export.to_csv(result), end="")
    else:
        print(export.to_text(result, {k: v.unit for k, v in KPIS.items()}))
    return 0
