"""`python -m app db …`: schema migrations."""
from __future__ import annotations

from app.data import migrate


def register(commands) -> None:
    db = commands.add_parser("db", help="database schema (Alembic migrations)",
                             description="Create or migrate the database schema.")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="migrate to the newest schema (or --revision)",
                        description="Apply migrations up to the newest revision.")
    up.add_argument("--revision", default="head", help="target revision (default: head)")
    up.set_defaults(handler=upgrade)
    down = sub.add_parser("downgrade", help="migrate down to a revision",
                          description="Revert migrations down to REVISION ('base' = empty).")
    down.add_argument("revision")
    down.set_defaults(handler=downgrade)
    current = sub.add_parser("current", help="show the schema revision of the database",
                             description="Print the database's revision and the newest one.")
    current.set_defaults(handler=show_current)
    rollups = sub.add_parser("refresh-rollups", help="rebuild the KPI rollups from the CRM tables",
                             description="Rebuild the monthly rollups the KPIs read from the CRM "
                                         "tables, in the current org_timezone. Imports and time zone "
                                         "changes do this themselves; run it after `db upgrade` to a "
                                         "schema that adds rollups, or after writing to the CRM "
                                         "tables outside an import.")
    rollups.set_defaults(handler=refresh)


def upgrade(args, engine) -> int:
    migrate.upgrade(engine, args.revision)
    print(f"database at revision {migrate.current_revision(engine)}")
    return 0


def downgrade(args, engine) -> int:
    migrate.downgrade(engine, args.revision)
    print(f"database at revision {migrate.current_revision(engine) or 'base'}")
    return 0


def show_current(_args, engine) -> int:
    current, head = migrate.current_revision(engine), migrate.head_revision(engine)
    print(f"current: {current or 'none (empty database)'}; newest: {head}")
    return 0 if current == head else 1


def refresh(_args, engine) -> int:
    from app.data.engine import writing
    from app.kpi.rollup_refresh import refresh_rollups
    with writing(engine) as conn:
        done = refresh_rollups(conn)
    rows = ", ".join(f"{name} {n:,} rows" for name, n in done["rows"].items())
    print(f"rollups rebuilt for {done['org_timezone']} in {done['seconds']:.1f} s: {rows}")
    return 0
