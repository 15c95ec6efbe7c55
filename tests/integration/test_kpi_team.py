"""Team KPIs on a hand-worked fixture, on SQLite and PostgreSQL.

Q1 2025. Reps: R1 East (active, quota 200/month), R2 West (active, quota 250/month),
R3 East (inactive, nothing), R4 West (inactive, one won deal, no quota).
  R1: won 300 (Jan), 100 (Feb), lost 80 (Mar); open 1000; 3 activities; course 80, certification 90
  R2: won 600 (Feb), lost 40 (Mar); open 200 (one more opens in April); 1 activity (+1 in April);
      certification 70, a course not completed
  R4: won 50 (Jan)
"""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.query import KpiQuery, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

Q1 = KpiQuery.build(date(2025, 1, 1), date(2025, 3, 31))
R1 = Scope.reps({"R1"}, "rep:R1")


@pytest.fixture
def team(engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.rep("R3", team="East", territory_id="T1", active=False)
        b.rep("R4", team="West", territory_id="T2", active=False)
        for month in ("2025-01-01", "2025-02-01", "2025-03-01"):
            b.quota("R1", month, 200)
            b.quota("R2", month, 250)
        for deal_id, account, rep, status, amount, closed in [
                ("D1", "A1", "R1", "won", 300, "2025-01-10"), ("D2", "A1", "R1", "won", 100, "2025-02-10"),
                ("D3", "A1", "R1", "lost", 80, "2025-03-10"), ("D4", "A2", "R2", "won", 600, "2025-02-15"),
                ("D5", "A2", "R2", "lost", 40, "2025-03-15"), ("D6", "A2", "R4", "won", 50, "2025-01-20")]:
            b.deal(deal_id, account, rep, status, amount, "2025-01-02 00:00", closed_at=f"{closed} 12:00")
        b.deal("D7", "A1", "R1", "open", 1000, "2025-02-01 00:00")
        b.deal("D8", "A2", "R2", "open", 200, "2025-03-01 00:00")
        b.deal("D9", "A2", "R2", "open", 999, "2025-04-05 00:00")
        for n, (rep, kind, when) in enumerate([("R1", "call", "2025-01-05"), ("R1", "email", "2025-02-05"),
                                               ("R1", "meeting", "2025-03-05"), ("R2", "call", "2025-01-06"),
                                               ("R2", "call", "2025-04-02")]):
            b.activity(f"X{n}", rep, kind, f"{when} 09:00")
        b.training("R1", "Negotiation", kind="course", completed_at="2025-01-15", score=80)
        b.training("R1", "Product", kind="certification", completed_at="2025-02-20", score=90)
        b.training("R2", "Product", kind="certification", completed_at="2025-03-05", score=70)
        b.training("R2", "Negotiation", kind="course", started_at="2025-03-01")
        b.training("R3", "Onboarding", kind="course", completed_at="2024-12-20", score=50)
    return engine


def leaderboard(engine, query=Q1, scope=Scope.everything()):
    return evaluate_on(engine, ["rep_leaderboard"], query, scope)["values"]["rep_leaderboard"]


def test_rep_leaderboard(team):
    rows = leaderboard(team)
    # R3 is inactive with nothing to show, so it is left out; R4 is inactive but sold.
    # Attainment: R1 400/600, R2 600/750 = 0.8, R4 has no quota. Pipeline at 31 Mar:
    # R1 D7 1000, R2 D8 200 (D9 opens in April).
    expected = [
        {"rep": "R2", "name": "R2", "revenue": 600.0, "won_deals": 1, "win_rate": 0.5, "avg_deal_size": 600.0,
         "quota_attainment": 0.8, "pipeline_value": 200.0, "activities": 1, "rank": 1, "attainment_rank": 1},
        {"rep": "R1", "name": "R1", "revenue": 400.0, "won_deals": 2, "win_rate": 2 / 3, "avg_deal_size": 200.0,
         "quota_attainment": 400 / 600, "pipeline_value": 1000.0, "activities": 3, "rank": 2,
         "attainment_rank": 2},
        {"rep": "R4", "name": "R4", "revenue": 50.0, "won_deals": 1, "win_rate": 1.0, "avg_deal_size": 50.0,
         "quota_attainment": None, "pipeline_value": 0.0, "activities": 0, "rank": 3, "attainment_rank": None},
    ]
    assert rows == [{k: pytest.approx(v) if isinstance(v, float) else v for k, v in row.items()}
                    for row in expected]
    # A team filter narrows the board: East is R1 (R3 has nothing).
    east = leaderboard(team, KpiQuery.build(Q1.start, Q1.end, {"team": "East"}))
    assert [(r["rep"], r["rank"]) for r in east] == [("R1", 1)]


def test_revenue_per_rep_activities_and_trainings(team):
    ids = ["avg_revenue_per_rep", "activities", "trainings_completed", "certifications_completed",
           "training_score"]
    v = evaluate_on(team, ids, Q1)["values"]
    # Revenue 300+100+600+50 = 1050 over the active reps R1, R2 → 525.
    assert v["avg_revenue_per_rep"] == pytest.approx(525)
    assert v["activities"] == 4                               # the April call is outside Q1
    # Completed in Q1: R1 course + certification, R2 certification; R3's was in December.
    assert (v["trainings_completed"], v["certifications_completed"]) == (3, 2)
    assert v["training_score"] == pytest.approx(80)           # (80 + 90 + 70) / 3
    by_team = {r["team"]: r["avg_revenue_per_rep"] for r in
               evaluate_on(team, ["avg_revenue_per_rep"], KpiQuery.build(Q1.start, Q1.end, by="team"))["rows"]}
    # East: 400 / R1 (R3 inactive); West: R2 600 + R4 50 over R2 alone.
    assert by_team == {"East": pytest.approx(400), "West": pytest.approx(650)}
    by_month = evaluate_on(team, ["avg_revenue_per_rep", "activities", "trainings_completed"],
                           KpiQuery.build(Q1.start, Q1.end, by="month"))["rows"]
    # Each month's revenue over the 2 active reps (March closed only lost deals: 0); counts sum to 4 and 3.
    assert [(r["month"], r["avg_revenue_per_rep"], r["activities"], r["trainings_completed"])
            for r in by_month] == [("2025-01", 175, 2, 1), ("2025-02", 350, 1, 1), ("2025-03", 0, 1, 1)]
    by_rep = evaluate_on(team, ["activities", "certifications_completed"], KpiQuery.build(Q1.start, Q1.end, by="rep"))
    assert [(r["rep"], r["activities"], r["certifications_completed"]) for r in by_rep["rows"]] == [
        ("R1", 3, 1), ("R2", 1, 1)]


def test_zero_denominators_and_scope(team):
    empty = KpiQuery.build(date(2024, 1, 1), date(2024, 3, 31))
    v = evaluate_on(team, ["avg_revenue_per_rep", "training_score", "activities"], empty)["values"]
    # Nothing in Q1 2024: revenue 0 over 2 reps is 0, no scores means no mean.
    assert v == {"avg_revenue_per_rep": 0, "training_score": None, "activities": 0}
    assert evaluate_on(team, ["avg_revenue_per_rep"], Q1, scope=Scope.nothing())["values"] == {
        "avg_revenue_per_rep": None}

    ids = ["avg_revenue_per_rep", "activities", "trainings_completed", "training_score"]
    # R1 alone: 400 over one rep, 3 activities, 2 trainings scoring 80 and 90.
    assert evaluate_on(team, ids, Q1, scope=R1)["values"] == {
        "avg_revenue_per_rep": 400, "activities": 3, "trainings_completed": 2, "training_score": 85}
    assert [r["rep"] for r in leaderboard(team, scope=R1)] == ["R1"]
    forged = KpiQuery.build(Q1.start, Q1.end, {"rep": "R2"})
    assert evaluate_on(team, ids, forged, R1)["values"] == {
        "avg_revenue_per_rep": None, "activities": 0, "trainings_completed": 0, "training_score": None}
    assert leaderboard(team, forged, R1) == []
