"""`python -m app settings …`: the business settings admins change (thresholds, zone, currency)."""
from __future__ import annotations

from app.data.audit import record_event
from app.data.engine import writing
from app.data.settings import SETTINGS, fetch_settings, parse_value, save_setting


def register(commands) -> None:
    parser = commands.add_parser("settings", help="show or change business settings",
                                 description="Show or change the settings KPIs use (changing one "
                                             "bumps the data version, so cached answers refresh).")
    sub = parser.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="every setting with its value and meaning",
                   description="List settings.").set_defaults(handler=list_settings)
    change = sub.add_parser("set", help="change a setting", description="Change a setting.")
    change.add_argument("key", help=", ".join(SETTINGS))
    change.add_argument("value")
    change.set_defaults(handler=set_setting)


def list_settings(_args, engine) -> int:
    with engine.connect() as conn:
        values = fetch_settings(conn)
    for key, setting in SETTINGS.items():
        marker = "" if values[key] == setting.default else "  (changed)"
        print(f"{key:<26} {values[key]!s:<16} {setting.description}{marker}")
    return 0


def set_setting(args, engine) -> int:
    value = parse_value(args.key, args.value)
    with writing(engine) as conn:
        old = fetch_settings(conn)[args.key]
        save_setting(conn, args.key, value, actor="cli")
        record_event(conn, "setting_changed", actor="cli", key=args.key, old=old, new=value)
        if args.key == "org_timezone" and value != old:
            # Rollups are cut by local day and month; until rebuilt, KPIs read the deals.
            from app.kpi.rollup_refresh import refresh_rollups
            print(f"rebuilding the KPI rollups for {value} …", flush=True)
            refresh_rollups(conn)
    print(f"{args.key} = {value}")
    return 0
