"""`python -m app users …`: logins, roles, rep links, passwords."""
from __future__ import annotations

import getpass
import sys

from app.auth import users as service
from app.data import users as store


def register(commands) -> None:
    parser = commands.add_parser("users", help="manage logins: create, list, set-role, link-rep, "
                                 "reset-password, deactivate, API tokens", description="Manage logins.")
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="create a login", description=(
        "Create a login. Managers and reps must be linked to their rep (--rep-id). Without "
        "--password one is generated and printed once."))
    create.add_argument("username")
    create.add_argument("--role", required=True, help="admin, executive, manager or rep")
    create.add_argument("--rep-id", help="the rep this login is (managers and reps)")
    create.add_argument("--password", help="at least 8 characters; prompted if '-' ")
    create.add_argument("--display-name")
    create.add_argument("--email")
    create.add_argument("--locale", default="en", help="en, pl, ru, fa or zh")
    create.set_defaults(handler=create_user)
    sub.add_parser("list", help="list logins", description="List logins.").set_defaults(handler=list_users)
    _one(sub, "set-role", "change a login's role", "role", service.set_role)
    _one(sub, "link-rep", "link a login to a rep", "rep_id", service.link_rep)
    reset = sub.add_parser("reset-password", help="set a new password and end the user's sessions",
                           description="Set a new password (generated unless --password) and end "
                                       "the user's sessions.")
    reset.add_argument("username")
    reset.add_argument("--password", help="the new password; prompted if '-'")
    reset.set_defaults(handler=reset_password)
    _one(sub, "deactivate", "disable a login and end its sessions", None, service.deactivate)
    _one(sub, "activate", "enable a disabled login again", None, service.activate)
    token = sub.add_parser("token-create", help="create an API token (printed once)",
                           description="Create a personal API token for the JSON API. It is shown "
                                       "once; only its hash is stored.")
    token.add_argument("username")
    token.add_argument("--name", default="API token", help="what the token is for")
    token.set_defaults(handler=create_token)
    listing = sub.add_parser("tokens", help="list a login's API tokens", description="List API tokens.")
    listing.add_argument("username")
    listing.set_defaults(handler=list_tokens)
    revoke = sub.add_parser("token-revoke", help="revoke an API token", description="Revoke an API token.")
    revoke.add_argument("username")
    revoke.add_argument("token_id", type=int)
    revoke.set_defaults(handler=revoke_token)


def _one(sub, name: str, text: str, arg: str | None, action) -> None:
    parser = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
    parser.add_argument("username")
    if arg:
        parser.add_argument(arg)

    def handler(args, engine) -> int:
        with engine.begin() as conn:
            action(conn, args.username, *([getattr(args, arg)] if arg else []))
        print(f"{name}: done for {args.username}")
        return 0
    parser.set_defaults(handler=handler)


def _password(value: str | None) -> tuple[str, bool]:
    if value == "-":
        return getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n"), False
    return (value, False) if value else (service.generate_password(), True)


def create_user(args, engine) -> int:
    password, generated = _password(args.password)
    with engine.begin() as conn:
        service.create_user(conn, args.username, args.role, password, rep_id=args.rep_id,
                            display_name=args.display_name, email=args.email, locale=args.locale)
    print(f"created {args.username} ({args.role})" + (f"; password: {password}" if generated else ""))
    return 0


def reset_password(args, engine) -> int:
    password, generated = _password(args.password)
    with engine.begin() as conn:
        service.reset_password(conn, args.username, password)
    print(f"password reset for {args.username}" + (f"; new password: {password}" if generated else ""))
    return 0


def list_users(_args, engine) -> int:
    with engine.connect() as conn:
        rows = store.fetch_users(conn)
    print(f"{'username':<20} {'role':<10} {'rep':<12} {'locale':<6} active")
    for u in rows:
        print(f"{u['username']:<20} {u['role']:<10} {u['rep_id'] or '-':<12} {u['locale']:<6} "
              f"{'yes' if u['active'] else 'no'}")
    return 0


def create_token(args, engine) -> int:
    from app.auth.tokens import create_token as make
    with engine.begin() as conn:
        token_id, token = make(conn, args.username, args.name, actor="cli")
    print(f"token #{token_id} for {args.username} (shown once): {token}")
    return 0


def list_tokens(args, engine) -> int:
    from app.data.tokens import fetch_tokens
    with engine.connect() as conn:
        user = store.fetch_user(conn, args.username)
        if not user:
            raise service.UserError(f"no user named {args.username!r}")
        rows = fetch_tokens(conn, user["user_id"])
    for t in rows:
        state = f"revoked {t['revoked_at']:%Y-%m-%d}" if t["revoked_at"] else "live"
        print(f"#{t['token_id']:<5} {t['name']:<30} created {t['created_at']:%Y-%m-%d}  {state}")
    return 0


def revoke_token(args, engine) -> int:
    from app.auth.tokens import revoke
    with engine.begin() as conn:
        revoke(conn, args.username, args.token_id, actor="cli")
    print(f"token #{args.token_id} of {args.username} revoked")
    return 0
