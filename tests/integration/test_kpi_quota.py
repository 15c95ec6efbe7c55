"""Quota, attainment, pay and month projections, hand-worked, on SQLite and PostgreSQL."""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.query import KpiQuery, QueryError, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

# 15 February – 15 March 2025: half of February (14 of 28 days), 15 of March's 31 days.
P = KpiQuery.build(date(2025, 2, 15), date(2025, 3, 15))
MONTHS = 0.5 + 15 / 31
REP1 = Scope.reps({"R1"}, "rep:R1")
PAY_IDS = ["quota", "quota_attainment", "reps_at_quota_pct", "commission", "estimated_pay"]


@pytest.fixture
def targets(engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions(r1=dict(base_salary=3000, commission_rate=0.1),
                      r2=dict(active=None, base_salary=2000, commission_rate=0.05))
        b.rep("R3", team="East", territory_id="T1", active=False, base_salary=1000, commission_rate=0.1)
        b.rep("R4", team="West", territory_id="T2", base_salary=4000)     # no rate, no quota
        for rep, month, amount in (("R1", "2025-01-01", 300), ("R1", "2025-02-01", 280), ("R1", "2025-03-01", 310),
                                   ("R2", "2025-01-01", 620), ("R2", "2025-02-01", 560), ("R2", "2025-03-01", 310),
                                   ("R3", "2025-03-01", 62)):
            b.quota(rep, month, amount)
        b.deal("W1", "A1", "R1", "won", 200, "2025-02-01 00:00", closed_at="2025-02-20 00:00")
        b.deal("W2", "A1", "R1", "won", 190, "2025-02-01 00:00", closed_at="2025-03-10 00:00")
        b.deal("W3", "A2", "R2", "won", 215, "2025-02-01 00:00", closed_at="2025-03-01 00:00")
        b.deal("W4", "A1", "R3", "won", 60, "2025-02-01 00:00", closed_at="2025-02-16 00:00")
        b.deal("W5", "A2", "R4", "won", 100, "2025-02-01 00:00", closed_at="2025-03-05 00:00")
        b.deal("W6", "A1", "R1", "won", 1000, "2025-03-01 00:00", closed_at="2025-03-16 00:00")  # after P
        # Open at P's end (15 March), for the month projection.
        run = b.model_run(model="win_probability")
        b.deal("O1", "A1", "R1", "open", 100, "2025-03-01 00:00", stage="Proposal",
               expected_close_date="2025-03-20")
        b.deal_score("O1", 0.8, run)                                      # model 0.8
        b.deal("O2", "A2", "R2", "open", 200, "2025-02-01 00:00", probability=0.25,
               expected_close_date="2025-03-31")                          # own 0.25
        b.deal("O3", "A2", "R2", "open", 400, "2025-03-01 00:00", expected_close_date="2025-04-02")
        b.deal("O4", "A1", "R1", "open", 300, "2025-03-16 00:00", expected_close_date="2025-03-25")
        b.deal("O5", "A1", "R1", "open", 50, "2025-03-01 00:00", expected_close_date="2025-03-15")
        b.deal("O6", "A2", "R2", "open", 40, "2025-03-02 00:00", stage="Negotiation",
               expected_close_date="2025-03-31")                          # stage 0.75
    return engine


def test_quota_attainment_and_pay(targets):
    v = evaluate_on(targets, PAY_IDS, P)["values"]
    # Quota: R1 280/2 + 310×15/31 = 290; R2 560/2 + 150 = 430; R3 62×15/31 = 30 → 750.
    assert v["quota"] == pytest.approx(750)
    # Revenue 15 Feb – 15 Mar: R1 200 + 190, R2 215, R3 60, R4 100 = 765 (W6 closes on the 16th).
    assert v["quota_attainment"] == pytest.approx(765 / 750)
    # Active reps R1 (true), R2 (null), R4; R3 is inactive, R4 has no quota: R1 390 ≥ 290, R2 215 < 430.
    assert v["reps_at_quota_pct"] == pytest.approx(1 / 2)
    # R1 0.1 × (290 + 1.5 × 100) = 44; R2 0.05 × 215 = 10.75; R3 0.1 × (30 + 1.5 × 30) = 7.5; R4 no rate.
    assert v["commission"] == pytest.approx(62.25)
    # Salaries of active reps (3000 + 2000 + 4000) × (0.5 + 15/31) months, plus commission.
    assert v["estimated_pay"] == pytest.approx(9000 * MONTHS + 62.25)
    with targets.begin() as conn:
        Builder(conn).setting("commission_multiplier", 2)
    # R1 0.1 × (290 + 2 × 100) = 49; R3 0.1 × (30 + 2 × 30) = 9; R2 unchanged 10.75.
    assert evaluate_on(targets, ["commission"], P)["values"]["commission"] == pytest.approx(68.75)


def test_breakdowns_by_team_rep_and_month(targets):
    rows = {r["team"]: r for r in evaluate_on(targets, PAY_IDS, KpiQuery.build(P.start, P.end, by="team"))["rows"]}
    # East R1 + R3, West R2 + R4: per-group sums of per-rep figures add up to the totals.
    assert (rows["East"]["quota"], rows["West"]["quota"]) == (pytest.approx(320), pytest.approx(430))
    assert rows["East"]["quota_attainment"] == pytest.approx(450 / 320)
    assert rows["West"]["quota_attainment"] == pytest.approx(315 / 430)
    assert (rows["East"]["reps_at_quota_pct"], rows["West"]["reps_at_quota_pct"]) == (1.0, 0.0)
    assert (rows["East"]["commission"], rows["West"]["commission"]) == (pytest.approx(51.5), pytest.approx(10.75))
    assert rows["East"]["estimated_pay"] == pytest.approx(3000 * MONTHS + 51.5)
    assert rows["West"]["estimated_pay"] == pytest.approx(6000 * MONTHS + 10.75)
    by_rep = evaluate_on(targets, ["commission"], KpiQuery.build(P.start, P.end, by="rep"))["rows"]
    assert [(r["rep"], r["commission"]) for r in by_rep] == [
        ("R1", pytest.approx(44)), ("R2", pytest.approx(10.75)), ("R3", pytest.approx(7.5)), ("R4", 0)]
    by_month = evaluate_on(targets, ["quota", "quota_attainment", "reps_at_quota_pct"],
                           KpiQuery.build(P.start, P.end, by="month"))["rows"]
    # Quota: February half of 280 + 560 = 420; March 150 + 150 + 30 = 330 (sum 750).
    # Revenue: February 200 + 60 = 260; March 190 + 215 + 100 = 505. Each month is a period of
    # its own for reps at quota: February R1 200 ≥ 140, R2 0 < 280; March R1 190 ≥ 150, R2 215 ≥ 150.
    assert [(r["month"], r["quota"], r["quota_attainment"], r["reps_at_quota_pct"]) for r in by_month] == [
        ("2025-02", pytest.approx(420), pytest.approx(260 / 420), 0.5),
        ("2025-03", pytest.approx(330), pytest.approx(505 / 330), 1.0)]
    by_week = evaluate_on(targets, ["quota"], KpiQuery.build(P.start, P.end, by="week"))["rows"]
    # Weeks get their days' share: Sat 15 – Sun 16 Feb is 2 of February's 28 days of 840 = 60.
    assert by_week[0] == {"week": "2025-02-10", "quota": pytest.approx(60)}
    assert sum(r["quota"] for r in by_week) == pytest.approx(750)
    # Pay by month adds up to the period's: each rep's commission (quota met over the period)
    # is spread by where their revenue closed — R1's 44 as 200/390 in February, 190/390 in
    # March; R3's 7.5 in February; R2's 10.75 in March — and salaries by each month's share:
    # February 14/28 = 0.5, March 15/31.
    pay = evaluate_on(targets, ["commission", "estimated_pay"], KpiQuery.build(P.start, P.end, by="month"))["rows"]
    feb, mar = 44 * 200 / 390 + 7.5, 44 * 190 / 390 + 10.75
    assert [(r["month"], r["commission"], r["estimated_pay"]) for r in pay] == [
        ("2025-02", pytest.approx(feb), pytest.approx(9000 * 0.5 + feb)),
        ("2025-03", pytest.approx(mar), pytest.approx(9000 * 15 / 31 + mar))]
    # Weekdays are not periods, so a share of reps at quota per weekday is refused.
    with pytest.raises(QueryError, match="weekday"):
        evaluate_on(targets, ["reps_at_quota_pct"], KpiQuery.build(P.start, P.end, by="weekday"))


def test_zero_quota_is_undefined_not_zero(targets):
    # R4 alone: no quota, so no attainment and no share of reps at quota.
    v = evaluate_on(targets, ["quota", "quota_attainment", "reps_at_quota_pct", "commission"], P,
                    scope=Scope.reps({"R4"}, "rep:R4"))["values"]
    assert v == {"quota": 0, "quota_attainment": None, "reps_at_quota_pct": None, "commission": 0}


def test_month_projection_and_run_rate(targets):
    q = KpiQuery.build(date(2025, 3, 1), date(2025, 3, 15))
    v = evaluate_on(targets, ["month_projection", "run_rate_projection"], q)["values"]
    # Month to date (1–15 March): W2 190 + W3 215 + W5 100 = 505. Open on the 15th, expected
    # 16–31 March: O1 100×0.8 + O2 200×0.25 + O6 40×0.75 = 160. O3 expects April, O4 was
    # created on the 16th, O5 expected on the 15th itself; W6 has no expected date.
    assert v["month_projection"] == pytest.approx(665)
    assert v["run_rate_projection"] == pytest.approx(505 / 15 * 31)
    rows = {r["team"]: r for r in evaluate_on(targets, ["month_projection", "run_rate_projection"],
                                              KpiQuery.build(q.start, q.end, by="team"))["rows"]}
    # East: R1 190 + O1 80 = 270; West: 215 + 100 + 50 + 30 = 395 (sum 665).
    assert (rows["East"]["month_projection"], rows["West"]["month_projection"]) == (
        pytest.approx(270), pytest.approx(395))
    assert rows["West"]["run_rate_projection"] == pytest.approx(315 / 15 * 31)
    by_week = evaluate_on(targets, ["month_projection"], KpiQuery.build(q.start, q.end, by="week"))["rows"]
    # Revenue in the week it closed (W3 Sat 1 March, W5 the 5th, W2 the 10th), expected deals
    # in the week of their expected date (O1 the 20th; O2 and O6 the 31st): adds up to 665.
    assert [(r["week"], r["month_projection"]) for r in by_week] == [
        ("2025-02-24", pytest.approx(215)), ("2025-03-03", pytest.approx(100)), ("2025-03-10", pytest.approx(190)),
        ("2025-03-17", pytest.approx(80)), ("2025-03-31", pytest.approx(80))]
    # The period's end decides the month: P ends 15 March, so month-to-date starts 1 March.
    assert evaluate_on(targets, ["run_rate_projection"], P)["values"]["run_rate_projection"] == pytest.approx(
        505 / 15 * 31)


def test_scope_and_forged_filters(targets):
    v = evaluate_on(targets, PAY_IDS, P, scope=REP1)["values"]
    # R1 alone: quota 290, revenue 390, at quota, commission 44, pay 3000 × months + 44.
    assert v == {"quota": pytest.approx(290), "quota_attainment": pytest.approx(390 / 290),
                 "reps_at_quota_pct": 1.0, "commission": pytest.approx(44),
                 "estimated_pay": pytest.approx(3000 * MONTHS + 44)}
    forged = KpiQuery.build(P.start, P.end, {"rep": "R2"})
    v = evaluate_on(targets, PAY_IDS + ["month_projection"], forged, REP1)["values"]
    assert v == {"quota": 0, "quota_attainment": None, "reps_at_quota_pct": None, "commission": 0,
                 "estimated_pay": 0, "month_projection": 0}
    # A territory filter reaches quotas through the rep's home territory: T2 is R2 (and R4).
    t2 = KpiQuery.build(P.start, P.end, {"territory": "T2"})
    assert evaluate_on(targets, ["quota"], t2)["values"]["quota"] == pytest.approx(430)
