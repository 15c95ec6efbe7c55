"""KPI timings on a loaded database: each KPI, and the Overview tile set, cold and cached.

    python bench/kpi_speed.py --sqlite-url sqlite:///var/large.db --postgres-url postgresql://…/large
    python bench/kpi_speed.py --size large     # generates and loads the demo set first (slow)

Prints per backend: the median of N runs for every KPI (12 months ending at the
data's last day), the Overview set cold and cached, and the ratio of the
Overview set to a bare hand-written aggregate query over the same rows.
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


def measure(engine, runs: int, label: str, each: bool = True) -> dict:
    """Overview set: median of `runs`; each KPI alone: one cold run (printed as it goes)."""
    with engine.connect() as conn:
        last = conn.execute(sa.text("SELECT MAX(closed_at) FROM opportunities")).scalar()
        end = date.fromisoformat(str(last)[:10])   # a datetime on PostgreSQL, text on SQLite
        query = KpiQuery.build(end.replace(year=end.year - 1) + timedelta(days=1), end)
        cold = median([timed(evaluate, conn, OVERVIEW, query, Scope.everything())[0] for _ in range(runs)])
        cache = MemoryCache()
        evaluate_cached(conn, cache, OVERVIEW, query, Scope.everything())
        cached = median([timed(evaluate_cached, conn, cache, OVERVIEW, query, Scope.everything())[0]
                         for _ in range(runs)])
        bare = median([bare_sql(conn, query.start, query.end) for _ in range(runs)])
        print(f"{label}: Overview cold {cold * 1000:.0f} ms, cached {cached * 1000:.1f} ms, "
              f"bare {bare * 1000:.1f} ms", flush=True)
        per_kpi = {}
        for k in sorted(KPIS) if each else []:
            per_kpi[k] = timed(evaluate, conn, [k], query, Scope.everything())[0]
            print(f"  {label} {k}: {per_kpi[k] * 1000:.0f} ms", flush=True)
        deals = conn.execute(sa.text("SELECT COUNT(*) FROM opportunities")).scalar()
    return {"per_kpi": per_kpi, "cold": cold, "cached": cached, "bare": bare, "deals": deals,
            "period": f"{query.start} – {query.end}"}


def report(results: dict) -> str:
    lines = [f"Machine: {machine()}.", ""]
    for backend, r in results.items():
        lines += [f"**{backend}** ({r['deals']:,} deals, period {r['period']}): Overview set "
                  f"cold {r['cold'] * 1000:.0f} ms, cached {r['cached'] * 1000:.1f} ms; bare aggregate "
                  f"SQL {r['bare'] * 1000:.1f} ms (Overview cold / bare = {r['cold'] / r['bare']:.1f}×)", ""]
    if not all(r["per_kpi"] for r in results.values()):
        return "\n".join(lines)
    lines += ["Each KPI alone, one cold run (ms):", "",
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
    text = report(results)
    print(text)
    if not args.no_record:
        record("kpi", text)


if __name__ == "__main__":
    main()
