"""`python -m app status`: what the database holds and how fresh it is."""
from __future__ import annotations

from app.data import migrate
from app.data.queries import fetch_last_import, fetch_table_counts
from app.data.rollups import fetch_rollup_states, stale_rollups
from app.data.settings import fetch_data_version, fetch_settings


def register(commands) -> None:
    status = commands.add_parser(
        "status", help="show schema revision, last import and row counts",
        description="Show the schema revision, the last import and rows per table. Exit "
                    "status 1 when the database holds no deals yet.")
    status.add_argument("--quiet", action="store_true", help="print nothing; only the exit status")
    status.set_defaults(handler=status_command)


def status_command(args, engine) -> int:
    if migrate.current_revision(engine) is None:
        if not args.quiet:
            print("the database is empty: run python -m app db upgrade")
        return 1
    with engine.connect() as conn:
        counts, last, version = fetch_table_counts(conn), fetch_last_import(conn), fetch_data_version(conn)
        rollups, stale = fetch_rollup_states(conn), stale_rollups(conn, fetch_settings(conn)["org_timezone"])
    if not args.quiet:
        print(f"schema {migrate.current_revision(engine)}, data version {version}")
        if last:
            print(f"last import #{last['run_id']}: {last['status']} at {last['started_at']:%Y-%m-%d %H:%M} "
                  f"UTC by {last['actor']} from {last['source']}")
        for table, n in counts.items():
            print(f"  {table:<22} {n:>12,}")
        print(_rollup_line(rollups, stale))
    return 0 if counts["opportunities"] else 1


def _rollup_line(rollups: list[dict], stale: list[str]) -> str:
    if stale:
        return (f"KPI rollups not current ({', '.join(stale)}): KPIs read the CRM tables until the "
                f"next import or python -m app db refresh-rollups")
    newest = max(r["refreshed_at"] for r in rollups)
    return f"KPI rollups current, rebuilt {newest:%Y-%m-%d %H:%M} UTC"
