"""Concurrent users against the served app: latency percentiles and errors of every request.

    python bench/load_test.py --database-url postgresql://…/spd_large --workers 2 \
        --redis-url redis://127.0.0.1:6379/5 --users 20 --seconds 300

What a user does is recorded, not guessed: headless Chromium opens the Overview (as an
executive) and My performance (as a rep) once, and the `_dash-update-component` requests the
pages send are captured. Each simulated user then signs in through the login form with its
own session and repeats a page view: the page itself, `_dash-layout`, then the captured
callbacks with the period filter picked at random from the presets, so the cache sees both
repeated and new questions. Users alternate between the executive and the rep. The load
generator runs on the same machine as the server; its own CPU use is part of the result.
Prints p50/p95/p99 and errors, and records them in docs/performance.md (`load-test`).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, record  # noqa: E402
from bench.page_speed import PAGES, open_and_time  # noqa: E402
from bench.web import CHROMIUM, CHROMIUM_ARGS, bench_password, browser_login, served  # noqa: E402

PERIODS = ("this_month", "last_month", "this_quarter", "last_quarter", "ytd", "last_12_months")


def capture(url: str, password: str) -> dict[str, list[dict]]:
    """The callback request bodies each page sends when it opens, per login."""
    from playwright.sync_api import sync_playwright
    captured: dict[str, list[dict]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for key, (username, path) in PAGES.items():
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.set_default_timeout(120_000)
            page = context.new_page()
            browser_login(page, url, username, password)
            bodies: list[dict] = []
            page.on("request", lambda req, bodies=bodies: bodies.append(json.loads(req.post_data))
                    if "_dash-update-component" in req.url else None)
            open_and_time(page, url + path)
            captured[username] = [{"path": path, "bodies": bodies}]
            context.close()
        browser.close()
    return captured


def with_period(body: dict, period: str) -> dict:
    """The body with the URL's query string (an input or state of many callbacks) set to `period`."""
    text = json.dumps(body)
    return json.loads(re.sub(r'"search", "value": "[^"]*"', f'"search", "value": "?period={period}"', text)
                      .replace('"search", "value": null', f'"search", "value": "?period={period}"'))


class User(threading.Thread):
    def __init__(self, url, username, password, script, stop_at, results, lock):
        super().__init__(daemon=True)
        self.url, self.username, self.password, self.script = url, username, password, script
        self.stop_at, self.results, self.lock = stop_at, results, lock

    def timed(self, session, method, path, **kwargs):
        start = time.perf_counter()
        try:
            response = session.request(method, self.url + path, timeout=30, **kwargs)
            ok = response.status_code == 200
            detail = f"{response.status_code} {path}"
        except requests.RequestException as exc:
            ok, detail = False, f"{type(exc).__name__} {path}"
        with self.lock:
            self.results.append((time.perf_counter() - start, ok, detail))

    def run(self):
        session = requests.Session()
        session.headers["Origin"] = self.url
        form = session.get(self.url + "/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        session.post(self.url + "/login", data={"username": self.username, "password": self.password,
                                                "csrf_token": token}, allow_redirects=False)
        page = self.script[0]
        while time.monotonic() < self.stop_at:
            period = random.choice(PERIODS)
            self.timed(session, "GET", f"{page['path']}?period={period}")
            self.timed(session, "GET", "/_dash-layout")
            for body in page["bodies"]:
                self.timed(session, "POST", "/_dash-update-component", json=with_period(body, period))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database holding a loaded demo set")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", help="REDIS_URL for the server")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--label", default=None, help="the data set's name in the record")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    password = bench_password(args.database_url)
    with tempfile.TemporaryDirectory() as tmp, \
            served(args.database_url, Path(tmp), args.workers, args.redis_url) as url:
        scripts = capture(url, password)
        logins = list(scripts)
        results: list[tuple[float, bool, str]] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds
        users = [User(url, logins[i % len(logins)], password, scripts[logins[i % len(logins)]], stop_at,
                      results, lock) for i in range(args.users)]
        print(f"{args.users} users for {args.seconds} s against {url} ({args.workers} workers)", flush=True)
        for user in users:
            user.start()
        for user in users:
            user.join()
    seconds = [r[0] for r in results]
    errors = [r[2] for r in results if not r[1]]
    p50, p95, p99 = (percentile(seconds, q) * 1000 for q in (50, 95, 99))
    rate = len(results) / args.seconds
    print(f"{len(results):,} requests ({rate:,.1f}/s): p50 {p50:,.0f} ms, p95 {p95:,.0f} ms, "
          f"p99 {p99:,.0f} ms, {len(errors)} errors")
    for detail in sorted(set(errors))[:10]:
        print("  error:", detail)
    if not args.no_record:
        backend = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
        record("load-test", (
            f"{args.users} concurrent users for {args.seconds} s against gunicorn with {args.workers} workers"
            f"{' and Redis' if args.redis_url else ''} on {backend} ({args.label or 'loaded demo set'}); each "
            f"user repeats a page view (page, layout, every callback the page sends) with a random period: "
            f"{len(results):,} requests, {rate:,.1f}/s, **p95 {p95:,.0f} ms** (p50 {p50:,.0f}, p99 {p99:,.0f}), "
            f"**{len(errors)} errors**. {machine()}.\n\n`python bench/load_test.py --database-url … "
            f"--workers {args.workers}{' --redis-url …' if args.redis_url else ''} --users {args.users} "
            f"--seconds {args.seconds}`"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
