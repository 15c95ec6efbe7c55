"""`python -m app run`: serve the dashboard (the embedded default: one process)."""
from __future__ import annotations

from app.config import Config
from app.data import migrate


def register(commands) -> None:
    run = commands.add_parser(
        "run", help="serve the dashboard on this machine",
        description="Bring the schema up to date and serve the dashboard with the built-in server "
                    "(threaded, one process). Production runs gunicorn app.wsgi:server instead.")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; "
                     "0.0.0.0 for every interface)")
    run.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    run.add_argument("--debug", action="store_true", help="Flask/Dash debug mode: tracebacks in the "
                     "browser, never on a shared machine")
    run.set_defaults(handler=run_command)


def run_command(args, engine) -> int:
    from app import create_app
    migrate.upgrade(engine)
    server = create_app(Config.from_env(database_url=args.database_url))
    print(f"serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    server.run(host=args.host, port=args.port, debug=args.debug, use_reloader=False, threaded=True)
    return 0
