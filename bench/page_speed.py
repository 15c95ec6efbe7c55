"""Time until every callback of a page has finished, in headless Chromium, cold and cached.

    python bench/page_speed.py --database-url sqlite:///var/large.db --runs 5
    python bench/page_speed.py --database-url postgresql://…/spd_large --workers 2 --redis-url redis://…/5

The database must hold a loaded demo set (`python -m app demo-data --size large`). For each run:
"cold" makes every cached KPI answer stale (the cache is keyed by the data version) and opens
the page; "cached" opens it again. The figure is the end of the last `_dash-update-component`
response after navigation start, read from the browser's own resource timing, i.e. what a
user waits for. Prints medians and records them in docs/performance.md (section `page-NAME`).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, median, record  # noqa: E402
from bench.web import (CHROMIUM, CHROMIUM_ARGS, bench_password, browser_login,  # noqa: E402
                       forget_cached_answers, served)

LOADING = "._dash-loading, [data-dash-is-loading='true']"
LAST_CALLBACK_MS = """() => {
  const done = performance.getEntriesByType('resource')
    .filter(e => e.name.includes('_dash-update-component')).map(e => e.responseEnd);
  return done.length ? [Math.max(...done), done.length] : [null, 0];
}"""
PAGES = {"overview": ("executive", "/"), "my-performance": ("rep.poland", "/my-performance")}


def open_and_time(page, url: str) -> tuple[float, int]:
    """Milliseconds from navigation start to the last callback response, and how many there were."""
    page.goto(url)
    page.wait_for_selector("#react-entry-point main", state="attached")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(f"() => !document.querySelector({LOADING!r})")
    page.wait_for_load_state("networkidle")
    last, count = page.evaluate(LAST_CALLBACK_MS)
    if last is None:
        raise SystemExit(f"no callback ran on {url}: is the database loaded?")
    return last, count


def measure(database_url: str, page_key: str, runs: int, workers: int, redis_url: str | None) -> dict:
    from playwright.sync_api import sync_playwright
    username, path = PAGES[page_key]
    password = bench_password(database_url)
    with tempfile.TemporaryDirectory() as tmp, served(database_url, Path(tmp), workers, redis_url) as url, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        context.set_default_timeout(120_000)
        page = context.new_page()
        browser_login(page, url, username, password)
        open_and_time(page, url + path)            # warm-up: imports, first connections
        cold, cached, callbacks = [], [], 0
        for run in range(runs):
            forget_cached_answers(database_url)
            ms, callbacks = open_and_time(page, url + path)
            cold.append(ms)
            cached.append(open_and_time(page, url + path)[0])
            print(f"  run {run + 1}: cold {ms:,.0f} ms, cached {cached[-1]:,.0f} ms ({callbacks} callbacks)",
                  flush=True)
        browser.close()
    return {"cold": median(cold), "cached": median(cached), "callbacks": callbacks, "runs": runs}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database holding a loaded demo set")
    parser.add_argument("--page", choices=sorted(PAGES), default="overview")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: python -m app run)")
    parser.add_argument("--redis-url", help="REDIS_URL for the server (shared cache)")
    parser.add_argument("--label", default=None, help="the data set's name in the record")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    backend = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    server = f"gunicorn, {args.workers} workers" if args.workers else "python -m app run"
    print(f"{args.page} on {backend} ({server}{', Redis' if args.redis_url else ''}), {args.runs} runs", flush=True)
    result = measure(args.database_url, args.page, args.runs, args.workers, args.redis_url)
    print(f"median: cold {result['cold']:,.0f} ms, cached {result['cached']:,.0f} ms")
    if not args.no_record:
        record(f"page-{args.page}-{backend.lower()}", (
            f"{args.page} page on {backend} ({args.label or 'loaded demo set'}; {server}"
            f"{', Redis cache' if args.redis_url else ''}), headless Chromium, median of {args.runs} runs: "
            f"every callback finished after **{result['cold']:,.0f} ms cold** and "
            f"**{result['cached']:,.0f} ms cached** ({result['callbacks']} callback requests). "
            f"{machine()}.\n\n`python bench/page_speed.py --database-url … --page {args.page} --runs {args.runs}"
            f"{f' --workers {args.workers}' if args.workers else ''}{' --redis-url …' if args.redis_url else ''}`"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
