"""The `python -m app` command line: one parser, a module per command group.

Errors a user can fix print one line and exit 2; nothing prints a traceback
unless APP_DEBUG=1.
"""
from __future__ import annotations

import argparse
import os
import sys

from app.cli import data, db, kpi, run, settings, status, users
from app.config import Config
from app.data.engine import make_engine

GROUPS = (db, data, users, kpi, settings, status, run)


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app", description="Sales Performance Dashboard: data, users and server.")
    parser.add_argument("--database-url", help="SQLAlchemy URL; default $DATABASE_URL, else "
                        "the SQLite file var/sales.db")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = Config.from_env(database_url=args.database_url)
    engine = make_engine(config.database_url)
    try:
        return args.handler(args, engine) or 0
    except KeyboardInterrupt:
        print("interrupted; the file being loaded was rolled back", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("APP_DEBUG") == "1":
            raise
        print(f"error: {friendly(exc)}", file=sys.stderr)
        return 2 if is_user_error(exc) else 1
    finally:
        engine.dispose()


def is_user_error(exc: Exception) -> bool:
    """Problems the user can fix (exit 2), as opposed to bugs and outages (exit 1)."""
    from app.auth.tokens import TokenError
    from app.auth.users import UserError
    from app.config import ConfigError
    from app.data.settings import SettingError
    from app.kpi.query import QueryError
    from etl.read import UnusableInput
    return isinstance(exc, (CliError, UserError, UnusableInput, QueryError, TokenError, ConfigError,
                            SettingError))


def friendly(exc: Exception) -> str:
    """One line, never SQL or a stack trace."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError
    if isinstance(exc, OperationalError):
        return "cannot reach the database (check DATABASE_URL and that the server runs)"
    if isinstance(exc, SQLAlchemyError):
        return f"database error ({type(exc.orig).__name__ if getattr(exc, 'orig', None) else type(exc).__name__}); is the schema current? run: python -m app db upgrade"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
