"""Customer KPIs on a hand-worked fixture, on SQLite and PostgreSQL.

Accounts (owner, region, acquisition channel) and their won deals (closing day: amount):
  A1 R1 Poland referral        2024-03-15: 100, 2025-02-10: 200
  A2 R2 N.America paid_search  2023-12-01: 50, 2024-09-05: 300, 2025-03-25: 70; churned 2025-02-15
  A3 R1 Poland paid_search     2025-01-20: 400 (one line, cost 200), 2025-03-01: 30
  A4 R2 N.America referral     2025-03-05: 150
  A5 R1 Poland referral        2023-05-01: 80, 2025-03-10: 120; churned 2024-06-01
  A6 R2 N.America referral     2024-03-01: 60; churned 2024-11-01
  A7 R1 Poland                 one lost deal: never a customer
  A8 R1 Poland organic_search  2024-12-01: 500; churned 2025-03-20
  A9 R2 N.America paid_search  2024-12-15: 250, 2025-02-20: 50
"""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.query import KpiQuery, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

Q1 = KpiQuery.build(date(2025, 1, 1), date(2025, 3, 31))
R1 = Scope.reps({"R1"}, "rep:R1")

ACCOUNTS = [("A1", "T1", "R1", "referral", None), ("A2", "T2", "R2", "paid_search", "2025-02-15 12:00"),
            ("A3", "T1", "R1", "paid_search", None), ("A4", "T2", "R2", "referral", None),
            ("A5", "T1", "R1", "referral", "2024-06-01 00:00"), ("A6", "T2", "R2", "referral", "2024-11-01 00:00"),
            ("A7", "T1", "R1", None, None), ("A8", "T1", "R1", "organic_search", "2025-03-20 00:00"),
            ("A9", "T2", "R2", "paid_search", None)]
WON = [("A1", "2024-03-15", 100), ("A1", "2025-02-10", 200), ("A2", "2023-12-01", 50),
       ("A2", "2024-09-05", 300), ("A2", "2025-03-25", 70), ("A3", "2025-01-20", 400),
       ("A3", "2025-03-01", 30), ("A4", "2025-03-05", 150), ("A5", "2023-05-01", 80),
       ("A5", "2025-03-10", 120), ("A6", "2024-03-01", 60), ("A8", "2024-12-01", 500),
       ("A9", "2024-12-15", 250), ("A9", "2025-02-20", 50)]


@pytest.fixture
def customers(engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.territory("T1", region="Poland", country="POL")
        b.territory("T2", region="North America", country="USA")
        b.rep("R1", territory_id="T1")
        b.rep("R2", territory_id="T2")
        b.product("P1")
        owner = {}
        for account, territory, rep, channel, churned in ACCOUNTS:
            b.account(account, territory, rep, acquisition_channel=channel, churned_at=churned)
            owner[account] = rep
        for n, (account, day, amount) in enumerate(WON):
            b.deal(f"D{n}", account, owner[account], "won", amount, "2023-01-01 00:00",
                   closed_at=f"{day} 10:00")
        b.deal("L1", "A7", "R1", "lost", 999, "2025-01-01 00:00", closed_at="2025-02-01 10:00")
        b.line("D5", "P1", quantity=1, unit_price=400, unit_cost=200)   # the only line: margin 50 %
        b.spend("2024-12-01", "paid_search", 1000, "T1")                  # before Q1
        b.spend("2025-01-01", "paid_search", 600, "T1")
        b.spend("2025-02-01", "referral", 300, "T2")
        b.spend("2025-03-01", "referral", 100, "T2")
        b.ticket("K1", "A1", "2025-01-10 08:00", first_response_at="2025-01-10 10:00",
                 resolved_at="2025-01-12 00:00", csat=5)
        b.ticket("K2", "A2", "2025-02-01 00:00", first_response_at="2025-02-01 06:00",
                 resolved_at="2025-02-03 00:00", csat=3)
        b.ticket("K3", "A3", "2025-03-01 00:00", first_response_at="2025-03-02 00:00")
        b.ticket("K4", "A1", "2024-12-20 00:00", first_response_at="2024-12-20 01:00",
                 resolved_at="2025-01-05 00:00", csat=4)
        b.ticket("K5", "A4", "2025-03-15 00:00", resolved_at="2025-03-16 00:00")
    return engine


def rows(engine, ids, by, scope=Scope.everything()):
    out = evaluate_on(engine, ids, KpiQuery.build(Q1.start, Q1.end, by=by), scope)
    return {r[by]: tuple(r[i] for i in ids) if len(ids) > 1 else r[ids[0]] for r in out["rows"]}


def test_customer_base_churn_retention_and_breakdowns(customers):
    v = evaluate_on(customers, ["active_customers", "new_customers", "churned_customers", "churn_rate",
                                "retention_rate"], Q1)["values"]
    # Active at 31 March: A1, A3, A4, A9 (A2, A8 churned in Q1; A5, A6 before; A7 never bought).
    assert v["active_customers"] == 4
    # First won deal in Q1: A3 (20 Jan), A4 (5 Mar); A5's win-back deal is not its first.
    assert v["new_customers"] == 2
    assert v["churned_customers"] == 2                      # A2, A8
    # Active at the start: A1, A2, A8, A9; of those A2 and A8 churned → 2/4.
    assert v["churn_rate"] == pytest.approx(0.5)
    assert v["retention_rate"] == pytest.approx(0.5)
    # By region, rows sum to the total 4: Poland A1, A3; North America A4, A9.
    assert rows(customers, ["active_customers"], "region") == {"Poland": 2, "North America": 2}
    # By month, a stock: active at each month's end. Jan: A1 A2 A3 A8 A9; Feb: A2 gone; Mar: A8 gone, A4 new.
    assert rows(customers, ["active_customers"], "month") == {"2025-01": 5, "2025-02": 4, "2025-03": 4}
    assert rows(customers, ["new_customers"], "channel") == {"paid_search": 1, "referral": 1}
    assert rows(customers, ["new_customers", "churned_customers"], "month") == {
        "2025-01": (1, 0), "2025-02": (0, 1), "2025-03": (1, 1)}
    # Poland: A1, A8 active at the start, A8 churned → 1/2; North America: A2, A9, A2 churned → 1/2.
    assert rows(customers, ["churn_rate"], "region") == {"Poland": 0.5, "North America": 0.5}
    # Each month on its own: Jan nobody churned of 4; Feb A2 of 5 (A3 joined in Jan); Mar A8 of 4.
    assert rows(customers, ["churn_rate"], "month") == {
        "2025-01": 0, "2025-02": pytest.approx(1 / 5), "2025-03": pytest.approx(1 / 4)}


def test_churned_revenue_winback_and_tickets(customers):
    v = evaluate_on(customers, ["churned_revenue", "winback_rate", "winback_revenue"], Q1)["values"]
    # A2: 300 (5 Sep 2024, 163 days before its churn); its 50 (442 days) is too old and its
    # 70 came after the churn. A8: 500 (1 Dec 2024). → 800.
    assert v["churned_revenue"] == pytest.approx(800)
    # Churned before Q1: A5, A6; A5 won a deal in Q1 → 1/2.
    assert v["winback_rate"] == pytest.approx(0.5)
    # Deals closed after their account had churned: A5's 120 and A2's 70 → 190.
    assert v["winback_revenue"] == pytest.approx(190)
    # Additive: by region (the account's) and by churn month, rows sum to 800.
    assert rows(customers, ["churned_revenue"], "region") == {"Poland": 500, "North America": 300}
    # Every month of Q1 is listed, January with nothing churned.
    assert rows(customers, ["churned_revenue"], "month") == {"2025-01": 0, "2025-02": 300, "2025-03": 500}

    v = evaluate_on(customers, ["csat", "ticket_first_response_hours", "ticket_resolution_rate"], Q1)["values"]
    # Resolved in Q1: K1 5, K2 3, K4 4 (opened in December), K5 without a score → 12/3.
    assert v["csat"] == pytest.approx(4.0)
    # Opened in Q1 with a response: K1 2 h, K2 6 h, K3 24 h → median 6.
    assert v["ticket_first_response_hours"] == pytest.approx(6.0)
    # Opened in Q1: K1, K2, K3, K5; K3 unresolved → 3/4.
    assert v["ticket_resolution_rate"] == pytest.approx(0.75)


def test_cac_clv_and_cohorts(customers):
    v = evaluate_on(customers, ["marketing_spend", "cac"], Q1)["values"]
    # Q1 spend 600 + 300 + 100 = 1000 (December's 1000 is outside) over 2 new customers.
    assert v["marketing_spend"] == pytest.approx(1000)
    assert v["cac"] == pytest.approx(500)
    # Per channel: paid_search 600 / A3; referral 400 / A4.
    assert rows(customers, ["cac"], "channel") == {"paid_search": 600, "referral": 400}
    # February has spend but no new customer: undefined.
    assert rows(customers, ["cac"], "month") == {"2025-01": 600, "2025-02": None, "2025-03": 100}
    # 16 Jan – 14 Feb: 16/31 of January's 600 + 14/28 of February's 300; one new customer (A3).
    cut = evaluate_on(customers, ["cac"], KpiQuery.build(date(2025, 1, 16), date(2025, 2, 14)))["values"]
    assert cut["cac"] == pytest.approx(600 * 16 / 31 + 150)

    v = evaluate_on(customers, ["clv", "clv_to_cac"], Q1)["values"]
    # 12 months to 31 Mar 2025: revenue 200+300+70+400+30+150+120+500+250+50 = 2070, margin 50 %
    # (the only line) → 1035 over 4 active customers = 258.75 a year. Active on 31 Mar 2024: A1,
    # A2, A5, A6; churned since: A2, A5, A6 → 3/4. CLV = 258.75 / 0.75 = 345; CAC 500.
    assert v["clv"] == pytest.approx(345)
    assert v["clv_to_cac"] == pytest.approx(345 / 500)
    # Deals and customers mean different things by channel: undefined, not wrong.
    by_channel = KpiQuery.build(Q1.start, Q1.end, {"channel": "referral"})
    assert evaluate_on(customers, ["clv"], by_channel)["values"]["clv"] is None

    table = evaluate_on(customers, ["cohort_retention"], Q1)["values"]["cohort_retention"]
    got = [(r["cohort"], r["month_index"], r["accounts"], r["active"], pytest.approx(r["share"])) for r in table]
    # First won deal in Apr 2024 – Mar 2025: Dec 2024 A8, A9; Jan 2025 A3; Mar 2025 A4.
    # A9 bought again in Feb (index 2), A3 in Mar (index 2); months run up to March 2025.
    assert got == [("2024-12", 0, 2, 2, 1.0), ("2024-12", 1, 2, 0, 0.0), ("2024-12", 2, 2, 1, 0.5),
                   ("2024-12", 3, 2, 0, 0.0), ("2025-01", 0, 1, 1, 1.0), ("2025-01", 1, 1, 0, 0.0),
                   ("2025-01", 2, 1, 1, 1.0), ("2025-03", 0, 1, 1, 1.0)]


def test_zero_denominators_and_scope(customers):
    ids = ["churn_rate", "retention_rate", "winback_rate", "cac", "clv", "clv_to_cac", "csat",
           "ticket_first_response_hours", "ticket_resolution_rate"]
    v = evaluate_on(customers, ids, KpiQuery.build(date(2020, 1, 1), date(2020, 12, 31)))["values"]
    # 2020: no customers, churn, spend or tickets yet.
    assert v == {i: None for i in ids}

    ids = ["active_customers", "new_customers", "churned_customers", "churned_revenue",
           "winback_revenue", "cac", "csat"]
    v = evaluate_on(customers, ids, Q1, scope=R1)["values"]
    # R1 owns A1, A3, A5, A7, A8: active A1, A3; new A3; churned A8 (500); won back A5 (120);
    # spend has no rep, so R1 sees none and CAC is undefined; tickets K1 5, K4 4.
    assert v == {"active_customers": 2, "new_customers": 1, "churned_customers": 1, "churned_revenue": 500,
                 "winback_revenue": 120, "cac": None, "csat": 4.5}
    cohorts = evaluate_on(customers, ["cohort_retention"], Q1, scope=R1)["values"]["cohort_retention"]
    assert {r["cohort"] for r in cohorts} == {"2024-12", "2025-01"} and cohorts[0]["accounts"] == 1
    # R1 asking for R2's rows: nothing, never everything.
    forged = KpiQuery.build(Q1.start, Q1.end, {"rep": "R2"})
    assert evaluate_on(customers, ids, forged, R1)["values"] == {
        "active_customers": 0, "new_customers": 0, "churned_customers": 0, "churned_revenue": 0,
        "winback_revenue": 0, "cac": None, "csat": None}
    assert evaluate_on(customers, ["cohort_retention"], forged, R1)["values"]["cohort_retention"] == []
