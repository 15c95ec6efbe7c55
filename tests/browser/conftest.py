"""Browser tests: the real app served in a subprocess, driven by headless Debian Chromium.

One live server per session (its own VAR_DIR and SQLite database, the small demo set, the
demo logins with a known password) and one Chromium, through Playwright with
executable_path=/usr/bin/chromium: Playwright never downloads a browser here.

Without /usr/bin/chromium the tests are skipped locally and fail under CI=true
(.ci/run installs Debian's chromium).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.services import free_port, stop

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "browser test password 1"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LOADING = "._dash-loading, [data-dash-is-loading='true']"
DASH_READY_TIMEOUT = 30_000


def _need_chromium() -> None:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"{CHROMIUM} is missing (apt-get install -y chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI: {message}")
    pytest.skip(message)


def _load_demo(url: str, folder: Path, today: date) -> None:
    from app.cli.demo import set_demo_login
    from app.data import migrate
    from app.data.engine import make_engine
    from etl import demo
    from etl.runner import run_import

    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        demo.write_csvs(demo.generate(demo.resolve_size("small"), seed=7, today=today), folder)
        run_import(engine, folder, actor="browser-test", today=today)
        with engine.begin() as conn:
            for spec in demo.DEMO_USERS:
                set_demo_login(conn, spec, PASSWORD, actor="browser-test")
    finally:
        engine.dispose()


class LiveServer:
    def __init__(self, url: str, database_url: str, today: date, log: Path):
        self.url, self.database_url, self.today, self.log = url, database_url, today, log

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def engine(self):
        from app.data.engine import make_engine
        return make_engine(self.database_url)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    _need_chromium()
    base = tmp_path_factory.mktemp("browser")
    var_dir, csv_dir = base / "var", base / "demo"
    var_dir.mkdir()
    database_url = f"sqlite:///{base / 'sales.db'}"
    # The app's periods end on the organisation's today (UTC for the demo), so the demo data
    # ends there too; one date for the whole session.
    today = datetime.now(ZoneInfo("UTC")).date()
    _load_demo(database_url, csv_dir, today)

    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(var_dir), "APP_ENV": "embedded",
           "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    log = open(base / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "app", "--database-url", database_url, "run",
                             "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the app exited ({proc.returncode}): {(base / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"/healthz did not answer in 60 s: {(base / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield LiveServer(url, database_url, today, base / "server.log")
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def watch_console(tab) -> list[str]:
    """Collect the page's console errors and uncaught exceptions (CSP violations among them)."""
    seen: list[str] = []
    tab.on("console", lambda message: seen.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: seen.append(f"uncaught: {error}"))
    return seen


def csp_violations(messages: list[str]) -> list[str]:
    """Chromium reports a blocked script, style, eval, font … as a console error naming the policy."""
    return [m for m in messages if "Content Security Policy" in m or "unsafe-eval" in m]


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page; the test fails on any CSP violation."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(DASH_READY_TIMEOUT)
    tab = context.new_page()
    tab.console_messages_seen = watch_console(tab)
    yield tab
    context.close()
    assert csp_violations(tab.console_messages_seen) == []


@pytest.fixture(scope="session")
def executive_state(browser, live_server):
    """The cookies of one executive login through the form, reused by the tests that are not
    about logging in (a login costs a password hash and a page load)."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    tab = context.new_page()
    login(tab, live_server, "executive")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def executive_page(browser, executive_state):
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", storage_state=executive_state)
    context.set_default_timeout(DASH_READY_TIMEOUT)
    tab = context.new_page()
    tab.console_messages_seen = watch_console(tab)
    yield tab
    context.close()
    assert csp_violations(tab.console_messages_seen) == []


@pytest.fixture(scope="session", autouse=True)
def _screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


# ---- helpers used by the tests ------------------------------------------------------------------

def login(page, server: LiveServer, username: str, password: str = PASSWORD, path: str = "/") -> None:
    """Through the real login form."""
    page.goto(server.url + path)
    page.wait_for_url("**/login**")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)


def wait_for_dash(page, tiles: bool = False) -> None:
    """Until Dash has rendered and no callback is pending (and the KPI tiles are there)."""
    page.wait_for_selector("#react-entry-point ._dash-undo-redo, #react-entry-point main", state="attached")
    if tiles:
        page.wait_for_selector("[data-kpi]")
    page.wait_for_function(f"() => !document.querySelector({LOADING!r})")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(f"() => !document.querySelector({LOADING!r})")


def screenshot(page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def visible_text(page) -> str:
    return page.inner_text("body")
