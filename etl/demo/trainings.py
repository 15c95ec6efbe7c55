"""Sales team development (trainings, certifications, coaching) and industry benchmarks."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.demo.frames import contract_frame
from etl.demo.org import Org
from etl.demo.timeline import DAY, Horizon

# program, kind, typical days to complete
PROGRAMS = (
    ("Consultative Selling Fundamentals", "course", 21),
    ("Negotiation Masterclass", "course", 14),
    ("Pipeline Hygiene Workshop", "course", 7),
    ("Enterprise Account Planning", "course", 30),
    ("Product Certification Level 1", "certification", 45),
    ("Product Certification Level 2", "certification", 60),
    ("Sales Methodology Certification", "certification", 75),
    ("Discovery Call Coaching", "coaching", 40),
    ("Objection Handling Coaching", "coaching", 30),
)
# Illustrative figures so the benchmark comparison has something to show; not sourced data.
BENCHMARKS = (
    ("win_rate", 0.30), ("sales_cycle_days", 45.0), ("lead_conversion_rate", 0.20),
    ("lead_response_minutes", 60.0), ("churn_rate", 0.03), ("avg_deal_size", 25000.0),
    ("quota_attainment", 0.85), ("csat", 4.1), ("forecast_accuracy", 0.85),
    ("gross_margin_pct", 0.70), ("missed_calls_returned_pct", 0.80),
)
BENCHMARK_SOURCE = "Demo data (illustrative, not a published benchmark)"


def training_frame(rng: np.random.Generator, hz: Horizon, org: Org) -> pd.DataFrame:
    """3-6 programs per rep, started while employed; better sellers score a little higher."""
    n_reps, n_prog = org.rep_ids.size, len(PROGRAMS)
    taken = np.argsort(rng.random((n_reps, n_prog)), axis=1) < rng.integers(3, 7, n_reps)[:, None]
    rep, prog = np.nonzero(taken)
    first = np.maximum(org.rep_hire_s[rep], hz.start_s)
    last = np.fmin(org.rep_leave_s[rep], hz.now_s) - 10 * DAY
    started = np.floor((first + rng.random(rep.size) * np.maximum(last - first, DAY)) / DAY) * DAY
    typical = np.array([p[2] for p in PROGRAMS], dtype=float)[prog]
    finished = started + np.round(typical * rng.uniform(0.6, 1.5, rep.size)) * DAY
    done = (finished < hz.now_s) & (rng.random(rep.size) < 0.92)
    kind = np.array([p[1] for p in PROGRAMS], dtype=object)[prog]
    score = np.clip(np.round(74 + 9 * org.rep_skill[rep] + rng.normal(0, 8, rep.size), 1), 0, 100)
    return contract_frame("trainings", {
        "rep_id": org.rep_ids[rep], "program": np.array([p[0] for p in PROGRAMS], dtype=object)[prog],
        "kind": kind, "started_at": started, "completed_at": np.where(done, finished, np.nan),
        "score": np.where(done & (kind != "coaching"), score, np.nan)})


def benchmark_frame() -> pd.DataFrame:
    """A few illustrative industry figures keyed by KPI id (ids from kpis.md)."""
    kpi, value = zip(*BENCHMARKS)
    return contract_frame("benchmarks", {
        "kpi": np.array(kpi, dtype=object), "value": np.array(value),
        "source": np.full(len(kpi), BENCHMARK_SOURCE, dtype=object)})

