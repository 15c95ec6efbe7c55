"""What the web benchmarks share: bench logins on a loaded database, a served app, a browser.

The app is served the way it is deployed: `python -m app run` for the embedded default,
or gunicorn with N workers (and Redis when given) for production.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from app.data.engine import make_engine
from bench.common import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# Demo logins of the generator (etl/demo/users.py); the benchmark gives them a fresh password.
BENCH_LOGINS = ("executive", "rep.poland")


def bench_password(database_url: str) -> str:
    """Give the demo logins a new random password for this run (they exist in demo databases)."""
    from app.cli.demo import set_demo_login
    from etl.demo.users import DEMO_USERS

    password = "bench " + secrets.token_urlsafe(12)
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            for spec in DEMO_USERS:
                if spec["username"] in BENCH_LOGINS:
                    set_demo_login(conn, spec, password, actor="bench")
    finally:
        engine.dispose()
    return password


def forget_cached_answers(database_url: str) -> None:
    """Make every cached KPI answer stale (the cache is keyed by the data version)."""
    from app.data.settings import bump_data_version
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            bump_data_version(conn)
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(database_url: str, workdir: Path, workers: int = 0, redis_url: str | None = None):
    """The app on a free port: `python -m app run` when workers == 0, else gunicorn. Yields the URL."""
    port = free_port()
    var_dir = workdir / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1",
           "SECRET_KEY": secrets.token_hex(32)}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    if workers:
        command = [sys.executable, "-m", "gunicorn", "app.wsgi:server", "--workers", str(workers),
                   "--bind", f"127.0.0.1:{port}", "--timeout", "120"]
    else:
        command = [sys.executable, "-m", "app", "--database-url", database_url, "run",
                   "--host", "127.0.0.1", "--port", str(port)]
    log_path = workdir / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log_path)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(url: str, proc, log_path: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer /healthz in {seconds:.0f} s")


def browser_login(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
