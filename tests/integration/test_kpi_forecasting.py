"""Forecasting KPIs on a hand-worked fixture, on SQLite and PostgreSQL.

Revenue: Mar 2024 100 (R2); Feb 2025 200 (R1); Mar 2025 400 (R1) + 600 (R2) = 1000; Jan 2025 none.
Commits for March 2025: R1 300 (10 Feb), 350 (25 Feb), 420 (5 Mar, too late), best case 600;
R2 500 (20 Feb).
Model forecasts (company row unless a rep is named), by month: made_on → mean:
  Mar 2025: 1 Feb → 900, 20 Feb → 950 and again 960 by a later run, 2 Mar → 1000 (too late);
            R1 20 Feb → 500, R2 20 Feb → 540
  Feb 2025: 15 Jan → 250;  Jan 2025: 15 Dec → 100;  Mar 2024: 1 Feb 2024 → 5000
"""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.benchmarks import fetch_benchmarks
from app.kpi.query import KpiQuery, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

MARCH = KpiQuery.build(date(2025, 3, 1), date(2025, 3, 31))
R1 = Scope.reps({"R1"}, "rep:R1")
IDS = ["forecast_accuracy", "forecast_accuracy_model", "forecast_mape"]


@pytest.fixture
def forecasts(engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.territory("T1")
        b.territory("T2", region="North America", country="USA")
        b.rep("R1", team="East", territory_id="T1")
        b.rep("R2", team="West", territory_id="T2")
        b.account("A1", "T1", "R1")
        b.account("A2", "T2", "R2")
        for deal_id, account, rep, amount, closed in [
                ("D1", "A2", "R2", 100, "2024-03-05"), ("D2", "A1", "R1", 200, "2025-02-05"),
                ("D3", "A1", "R1", 400, "2025-03-10"), ("D4", "A2", "R2", 600, "2025-03-20")]:
            b.deal(deal_id, account, rep, "won", amount, "2024-01-01 00:00", closed_at=f"{closed} 12:00")
        for rep, submitted, category, amount in [
                ("R1", "2025-02-10", "commit", 300), ("R1", "2025-02-25", "commit", 350),
                ("R1", "2025-03-05", "commit", 420), ("R1", "2025-02-26", "best_case", 600),
                ("R2", "2025-02-20", "commit", 500)]:
            b.submission(rep, "2025-03-01", f"{submitted} 09:00", category, amount)
        run, later_run = b.model_run(), b.model_run(version="test-2")
        for run_id, made_on, month, mean, rep in [
                (run, "2025-02-01", "2025-03-01", 900, None), (run, "2025-02-20", "2025-03-01", 950, None),
                (later_run, "2025-02-20", "2025-03-01", 960, None), (run, "2025-03-02", "2025-03-01", 1000, None),
                (run, "2025-02-20", "2025-03-01", 500, "R1"), (run, "2025-02-20", "2025-03-01", 540, "R2"),
                (run, "2025-01-15", "2025-02-01", 250, None), (run, "2024-12-15", "2025-01-01", 100, None),
                (run, "2024-02-01", "2024-03-01", 5000, None)]:
            b.forecast(run_id, made_on, month, mean, rep_id=rep)
    return engine


def test_accuracy_of_commits_and_model(forecasts):
    v = evaluate_on(forecasts, IDS, MARCH)["values"]
    # Commits before 1 March: R1's latest 350 + R2's 500 = 850 against 1000 → 1 − 150/1000.
    assert v["forecast_accuracy"] == pytest.approx(0.85)
    # Company row made before March: 20 Feb, where the later run's 960 wins the tie → 1 − 40/1000.
    assert v["forecast_accuracy_model"] == pytest.approx(0.96)
    # Closed months Apr 2024 – Mar 2025 with a forecast and revenue: Mar 0.04, Feb |250−200|/200
    # = 0.25 (January had no revenue; March 2024's wild 5000 is outside) → 0.145.
    assert v["forecast_mape"] == pytest.approx(0.145)
    by_rep = evaluate_on(forecasts, IDS, KpiQuery.build(MARCH.start, MARCH.end, by="rep"))["rows"]
    # R1: commit 350, model 500 against 400; R2: commit 500, model 540 against 600.
    assert [(r["rep"], r["forecast_accuracy"], r["forecast_accuracy_model"], r["forecast_mape"])
            for r in by_rep] == [("R1", pytest.approx(0.875), pytest.approx(0.75), pytest.approx(0.25)),
                                 ("R2", pytest.approx(5 / 6), pytest.approx(0.9), pytest.approx(0.1))]


def test_closed_month_and_time_breakdown(forecasts):
    # A period ending mid-March: March is not closed yet, so February is measured (no commits for it).
    mid = evaluate_on(forecasts, IDS[:2], KpiQuery.build(date(2025, 3, 1), date(2025, 3, 15)))["values"]
    assert mid == {"forecast_accuracy": None, "forecast_accuracy_model": pytest.approx(0.75)}
    by_month = evaluate_on(forecasts, ["forecast_accuracy_model"],
                           KpiQuery.build(date(2025, 1, 1), date(2025, 3, 31), by="month"))["rows"]
    # January: a forecast but no revenue → undefined; February 0.75; March 0.96.
    assert [(r["month"], r["forecast_accuracy_model"]) for r in by_month] == [
        ("2025-01", None), ("2025-02", pytest.approx(0.75)), ("2025-03", pytest.approx(0.96))]
    # The model's per-rep rows answer a rep filter (R2: 540 against 600) but not a product one.
    assert evaluate_on(forecasts, ["forecast_accuracy_model"], KpiQuery.build(
        MARCH.start, MARCH.end, {"rep": "R2"}))["values"]["forecast_accuracy_model"] == pytest.approx(0.9)
    assert evaluate_on(forecasts, ["forecast_accuracy_model"], KpiQuery.build(
        MARCH.start, MARCH.end, {"product": "P1"}))["values"]["forecast_accuracy_model"] is None


def test_zero_denominators_and_scope(forecasts):
    # January 2025: forecast 100 but no revenue; a year before any forecast: no MAPE.
    january = evaluate_on(forecasts, IDS[:2], KpiQuery.build(date(2025, 1, 1), date(2025, 1, 31)))["values"]
    assert january == {"forecast_accuracy": None, "forecast_accuracy_model": None}
    early = evaluate_on(forecasts, ["forecast_mape"], KpiQuery.build(date(2024, 1, 1), date(2024, 1, 31)))
    assert early["values"]["forecast_mape"] is None
    # R1 sees its own commit (350), its own model row (500) and its own revenue (400).
    assert evaluate_on(forecasts, IDS, MARCH, scope=R1)["values"] == {
        "forecast_accuracy": pytest.approx(0.875), "forecast_accuracy_model": pytest.approx(0.75),
        "forecast_mape": pytest.approx(0.25)}
    forged = KpiQuery.build(MARCH.start, MARCH.end, {"rep": "R2"})
    assert evaluate_on(forecasts, IDS, forged, R1)["values"] == {i: None for i in IDS}


def test_benchmarks_are_reference_data(engine):
    with engine.begin() as conn:
        assert fetch_benchmarks(conn) == {}
        b = Builder(conn)
        b.benchmark("win_rate", 0.25, "Survey 2023")
        b.benchmark("churn_rate", 0.05)
        b.benchmark("win_rate", 0.3, "Survey 2024")        # loaded later: supersedes
        assert fetch_benchmarks(conn) == {"win_rate": (0.3, "Survey 2024"), "churn_rate": (0.05, None)}
