"""KPI timings on a loaded database: each KPI, the Overview tile set and the Overview page.

    python bench/kpi_speed.py --sqlite-url sqlite:///var/large.db --postgres-url postgresql://…/large
    python bench/kpi_speed.py --size large     # generates and loads the demo set first (slow)

Prints per backend, each the median of N runs: the Overview tile set for the 12 months
ending at the data's last day, cold (no KPI cache) without and with the previous-period
comparison, cached, and cold with the rollups set aside (read from the CRM tables); every
question the Overview page asks with its default filters, cold; a bare hand-written
aggregate query over the period's closed deals as the baseline; the time the last rollup
refresh took; and, unless --overview-only, every KPI alone (one cold run).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

import app.kpi.definitions  # noqa: E402,F401
from app.data.engine import make_engine  # noqa: E402
from app.data.rollups import fetch_rollup_states, invalidate_rollups  # noqa: E402
from app.kpi.cache import MemoryCache, evaluate_cached  # noqa: E402
from app.kpi.evaluate import evaluate  # noqa: E402
from app.kpi.query import KpiQuery, Scope  # noqa: E402
from app.kpi.registry import KPIS  # noqa: E402
from bench.common import fresh_database, machine, median, record, timed  # noqa: E402

OVERVIEW = ["revenue", "revenue_growth", "won_deals", "avg_deal_size", "win_rate", "sales_cycle_days",
            "pipeline_value", "quota_attainment", "new_customer_revenue", "repeat_revenue",
            "gross_margin_pct"]


def bare_sql(conn, start, end) -> float:
    """The floor: one hand-written aggregate over the closed deals of the period."""
    timer, _ = timed(lambda: conn.execute(sa.text(
        "SELECT SUM(CASE WHEN status = 'won' THEN amount ELSE 0 END), "
        "SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END), COUNT(*) FROM opportunities "
        "WHERE status IN ('won', 'lost') AND closed_at >= :lo AND closed_at < :hi"),
        {"lo": start, "hi": end + timedelta(days=1)}).all())
    return timer


def page_questions(today: date) -> dict[str, list]:
    """What each Overview callback asks with the default filters (callbacks/overview.py)."""
    from app.kpi.urlstate import kpi_query, month_to_date_query, trend_query
    from layouts.pages import overview as page
    f = {}
    return {
        "tiles": [(page.TILE_KPIS, kpi_query(f, today)), (page.SPARKLINE_KPIS, trend_query(f, today))],
        "trend": [(page.TREND_KPIS, trend_query(f, today))],
        "pacing": [(page.PACING_KPIS, month_to_date_query(f, today)),
                   (["quota"], month_to_date_query(f, today, whole=True))],
        "map": [(["revenue"], kpi_query(f, today, by="country", compare=False))],
        "products": [(["revenue"], kpi_query(f, today, by="product", compare=False))],
        "channels": [(["revenue"], kpi_query(f, today, by="channel", compare=False))],
        "reps": [(["rep_leaderboard"], kpi_query(f, today, compare=False))],
    }


def ask_page(conn, questions: dict) -> dict[str, float]:
    """Seconds per callback, all cold, and their total under "all"."""
    times = {name: timed(lambda qs=qs: [evaluate(conn, list(ids), q, Scope.everything()) for ids, q in qs])[0]
             for name, qs in questions.items()}
    return {**times, "all": sum(times.values())}


def from_facts(conn, fn):
    """fn() with the rollups marked stale (rolled back afterwards): KPIs read the CRM tables."""
    savepoint = conn.begin_nested()
    try:
        invalidate_rollups(conn)
        return fn()
    finally:
        savepoint.rollback()


def measure(engine, runs: int, label: str, each: bool = True) -> dict:
    """Overview set and page: medians of `runs`; each KPI alone: one cold run (printed as it goes)."""
    with engine.connect() as conn:
        last = conn.execute(sa.text("SELECT MAX(closed_at) FROM opportunities")).scalar()
        end = date.fromisoformat(str(last)[:10])   # a datetime on PostgreSQL, text on SQLite
        query = KpiQuery.build(end.replace(year=end.year - 1) + timedelta(days=1), end)
        compared = KpiQuery.build(query.start, query.end, compare="prev")
        ask = lambda q: timed(evaluate, conn, OVERVIEW, q, Scope.everything())[0]  # noqa: E731
        cold = median([ask(query) for _ in range(runs)])
        cold_prev = median([ask(compared) for _ in range(runs)])
        facts = median([from_facts(conn, lambda: ask(compared)) for _ in range(runs)])
        cache = MemoryCache()
        evaluate_cached(conn, cache, OVERVIEW, query, Scope.everything())
        cached = median([timed(evaluate_cached, conn, cache, OVERVIEW, query, Scope.everything())[0]
                         for _ in range(runs)])
        bare = median([bare_sql(conn, query.start, query.end) for _ in range(runs)])
        pages = [ask_page(conn, page_questions(end)) for _ in range(runs)]
        page = {name: median([p[name] for p in pages]) for name in pages[0]}
        refresh = sum(s["seconds"] or 0 for s in fetch_rollup_states(conn))
        conn.rollback()
        print(f"{label}: Overview cold {cold * 1000:.0f} ms, with comparison {cold_prev * 1000:.0f} ms, "
              f"from the CRM tables {facts * 1000:.0f} ms, cached {cached * 1000:.1f} ms, bare {bare * 1000:.1f} ms; "
              f"page {page['all'] * 1000:.0f} ms", flush=True)
        per_kpi = {}
        for k in sorted(KPIS) if each else []:
            per_kpi[k] = timed(evaluate, conn, [k], query, Scope.everything())[0]
            print(f"  {label} {k}: {per_kpi[k] * 1000:.0f} ms", flush=True)
        deals = conn.execute(sa.text("SELECT COUNT(*) FROM opportunities")).scalar()
    return {"per_kpi": per_kpi, "cold": cold, "cold_prev": cold_prev, "facts": facts, "cached": cached,
            "bare": bare, "deals": deals, "period": f"{query.start} – {query.end}", "page": page,
            "today": end, "refresh": refresh}


def report(results: dict, runs: int) -> str:
    ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
    lines = [f"Machine: {machine()}. Medians of {runs} runs.", "",
             "Overview tile set, 12 months ending at the data's last day (ms):", "",
             "| | cold | cold, with comparison | cold from the CRM tables (rollups set aside), with comparison "
             "| cached | bare aggregate SQL | cold / bare | cold with comparison / bare |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for backend, r in results.items():
        lines.append(f"| {backend} ({r['deals']:,} deals, {r['period']}) | {ms(r['cold'])} | {ms(r['cold_prev'])} "
                     f"| {ms(r['facts'])} | {r['cached'] * 1000:.1f} | {ms(r['bare'])} "
                     f"| {r['cold'] / r['bare']:.2f} | {r['cold_prev'] / r['bare']:.2f} |")
    names = list(next(iter(results.values()))["page"])
    lines += ["", "Every question of the Overview page, default filters (this quarter against the previous "
              "period), cold, per callback (ms):", "",
              "| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for backend, r in results.items():
        lines.append(f"| {backend} (today {r['today']}) | " + " | ".join(ms(r["page"][n]) for n in names) + " |")
    lines += ["", "Last rollup refresh: " + ", ".join(f"{b} {r['refresh']:.0f} s" for b, r in results.items()) + ".", ""]
    if not all(r["per_kpi"] for r in results.values()):
        return "\n".join(lines)
    lines += ["Each KPI alone, one cold run (ms). Cached, every KPI is one cache read, like the Overview "
              "set's (the cached column above); KPIs over several years of history (cohorts, churn, lifetime value) "
              "or per-weekday activity are not rolled up and are the slow ones:", "",
              "| KPI | " + " | ".join(f"{b} ms" for b in results) + " |",
              "|---|" + "---:|" * len(results)]
    for k in sorted(KPIS):
        lines.append(f"| {k} | " + " | ".join(f"{r['per_kpi'][k] * 1000:.1f}" for r in results.values()) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-url")
    parser.add_argument("--postgres-url")
    parser.add_argument("--size", help="generate and load this demo size into fresh databases")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--overview-only", action="store_true", help="skip timing each KPI alone")
    args = parser.parse_args()
    results = {}
    if args.size:
        from etl import demo
        from etl.runner import run_import
        with tempfile.TemporaryDirectory() as tmp:
            demo.write_csvs(demo.generate(demo.resolve_size(args.size)), Path(tmp))
            for backend in ("SQLite", "PostgreSQL"):
                with fresh_database(backend.lower(), Path(tmp)) as engine:
                    run_import(engine, tmp, actor="bench")
                    results[backend] = measure(engine, args.runs, backend, not args.overview_only)
    for backend, url in (("SQLite", args.sqlite_url), ("PostgreSQL", args.postgres_url)):
        if url:
            engine = make_engine(url)
            results[backend] = measure(engine, args.runs, backend, not args.overview_only)
            engine.dispose()
    text = report(results, args.runs)
    print(text)
    if not args.no_record:
        record("kpi", text)


if __name__ == "__main__":
    main()
