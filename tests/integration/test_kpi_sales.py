"""Sales outcome KPIs on a hand-worked fixture, on SQLite and PostgreSQL."""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.query import KpiQuery, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

Q1 = KpiQuery.build(date(2025, 1, 1), date(2025, 3, 31))


@pytest.fixture
def sales(engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.product("P1", category="Software", unit_cost=10)
        b.product("P2", category="Services", unit_cost=50)
        # A1 bought in 2024 already, so its Q1 deal is repeat revenue.
        b.deal("O0", "A1", "R1", "won", 50, "2024-05-01 00:00", closed_at="2024-06-01 00:00")
        b.deal("O1", "A1", "R1", "won", 100, "2025-01-01 00:00", closed_at="2025-01-11 00:00",
               channel="online")
        b.deal("O2", "A2", "R2", "won", 300, "2025-01-01 00:00", closed_at="2025-02-01 00:00",
               channel="offline")
        b.deal("O3", "A2", "R2", "lost", 999, "2025-01-05 00:00", closed_at="2025-03-01 00:00")
        b.deal("O4", "A2", "R2", "open", 500, "2025-02-01 00:00")
        # Closes 2025-03-31 23:30 UTC: in Q1 in UTC, but 1 April in Warsaw (UTC+2).
        b.deal("O5", "A1", "R1", "won", 40, "2025-03-01 00:00", closed_at="2025-03-31 23:30")
        b.line("O1", "P1", quantity=2, unit_price=50)           # 100 revenue, cost 20
        b.line("O2", "P1", quantity=1, unit_price=100)          # 100 revenue, cost 10
        b.line("O2", "P2", quantity=2, unit_price=100, discount=0.5)  # 100 revenue, cost 100
    return engine


def test_revenue_deals_and_ratios(sales):
    v = evaluate_on(sales, ["revenue", "won_deals", "lost_deals", "avg_deal_size", "win_rate",
                            "sales_cycle_days", "sales_cycle_median_days"], Q1)["values"]
    # Won in Q1: O1 100, O2 300, O5 40 → 440 over 3 deals; O3 lost; O4 open does not count.
    assert v["revenue"] == pytest.approx(440)
    assert (v["won_deals"], v["lost_deals"]) == (3, 1)
    assert v["avg_deal_size"] == pytest.approx(440 / 3)
    assert v["win_rate"] == pytest.approx(3 / 4)
    # Cycles: O1 10 days, O2 31 days, O5 30.979 days (30 d 23.5 h).
    assert v["sales_cycle_days"] == pytest.approx((10 + 31 + 30 + 23.5 / 24) / 3)
    assert v["sales_cycle_median_days"] == pytest.approx(30 + 23.5 / 24)


def test_new_versus_repeat_and_margin(sales):
    v = evaluate_on(sales, ["new_customer_revenue", "repeat_revenue", "gross_margin_pct"], Q1)["values"]
    # A2's first won deal ever is O2 (300); A1 had won O0 in 2024, so O1 and O5 are repeat.
    assert v["new_customer_revenue"] == pytest.approx(300)
    assert v["repeat_revenue"] == pytest.approx(140)
    # Lines of won Q1 deals: revenue 100+100+100 = 300, cost 20+10+100 = 130 → 170/300.
    assert v["gross_margin_pct"] == pytest.approx(170 / 300)


def test_product_filter_uses_line_revenue_and_counts_deals_once(sales):
    q = KpiQuery.build(date(2025, 1, 1), date(2025, 3, 31), {"category": "Software"})
    v = evaluate_on(sales, ["revenue", "won_deals"], q)["values"]
    # Software lines: O1 100, O2 100 → 200 over 2 deals.
    assert (v["revenue"], v["won_deals"]) == (pytest.approx(200), 2)
    by = evaluate_on(sales, ["revenue", "won_deals"], KpiQuery.build(Q1.start, Q1.end, by="product"))
    rows = {r["product"]: (r["revenue"], r["won_deals"]) for r in by["rows"]}
    # O5 has no lines: its amount counts under "unassigned".
    assert rows == {"P1": (pytest.approx(200), 2), "P2": (pytest.approx(100), 1),
                    "unassigned": (pytest.approx(40), 1)}


def test_org_time_zone_moves_a_late_deal_into_the_next_day(sales):
    with sales.begin() as conn:
        Builder(conn).setting("org_timezone", "Europe/Warsaw")
    v = evaluate_on(sales, ["revenue", "won_deals"], Q1)["values"]
    assert (v["revenue"], v["won_deals"]) == (pytest.approx(400), 2)   # O5 is April in Warsaw
    by_day = evaluate_on(sales, ["revenue"], KpiQuery.build(date(2025, 4, 1), date(2025, 4, 1), by="day"))
    assert by_day["rows"] == [{"day": "2025-04-01", "revenue": pytest.approx(40)}]


def test_breakdowns_are_additive_and_compare(sales):
    q = KpiQuery.build(Q1.start, Q1.end, by="region", compare="yoy")
    out = evaluate_on(sales, ["revenue", "won_deals", "win_rate"], q)
    rows = {r["region"]: r for r in out["rows"]}
    assert rows["Poland"]["revenue"] == pytest.approx(140) and rows["North America"]["revenue"] == pytest.approx(300)
    assert rows["North America"]["win_rate"] == pytest.approx(1 / 2)
    assert rows["Poland"]["compare"] == {"revenue": 0, "won_deals": 0, "win_rate": None}
    by_month = evaluate_on(sales, ["revenue"], KpiQuery.build(Q1.start, Q1.end, by="month"))["rows"]
    assert [(r["month"], r["revenue"]) for r in by_month] == [
        ("2025-01", pytest.approx(100)), ("2025-02", pytest.approx(300)), ("2025-03", pytest.approx(40))]


def test_growth_against_previous_period_and_last_year(sales):
    q = KpiQuery.build(date(2024, 6, 1), date(2024, 6, 30), compare="prev")
    v = evaluate_on(sales, ["revenue", "revenue_growth"], q)
    assert v["values"]["revenue"] == pytest.approx(50)
    assert v["values"]["revenue_growth"] is None          # May 2024 had no revenue: undefined
    yoy = evaluate_on(sales, ["revenue_growth_yoy"], KpiQuery.build(date(2025, 6, 1), date(2025, 6, 30)))
    assert yoy["values"]["revenue_growth_yoy"] == pytest.approx(-1.0)   # 0 against 50


def test_scope_sees_only_own_rows_and_narrowing_never_widens(sales):
    rep1 = Scope.reps({"R1"}, "rep:R1")
    assert evaluate_on(sales, ["revenue"], Q1, scope=rep1)["values"]["revenue"] == pytest.approx(140)
    # R1 filtering on R2: the intersection is empty, so nothing — not everything.
    forged = KpiQuery.build(Q1.start, Q1.end, {"rep": "R2"})
    assert evaluate_on(sales, ["revenue", "won_deals"], forged, rep1)["values"] == {"revenue": 0, "won_deals": 0}
    assert evaluate_on(sales, ["revenue"], Q1, scope=Scope.nothing())["values"]["revenue"] == 0


def test_time_breakdowns_list_every_bucket_and_compare_like_with_like(sales):
    # Q1 2025 by month against the previous period (Q4 2024): January lines up with October.
    q = KpiQuery.build(Q1.start, Q1.end, by="month", compare="prev")
    rows = evaluate_on(sales, ["revenue"], q)["rows"]
    assert [r["month"] for r in rows] == ["2025-01", "2025-02", "2025-03"]
    # Year on year, March 2025 compares with March 2024 (nothing then) and the listing has no gaps.
    june = evaluate_on(sales, ["revenue"], KpiQuery.build(date(2025, 5, 1), date(2025, 7, 31), by="month",
                                                          compare="yoy"))["rows"]
    assert [(r["month"], r["revenue"], r["compare"]["revenue"]) for r in june] == [
        ("2025-05", 0.0, 0.0), ("2025-06", 0.0, pytest.approx(50)), ("2025-07", 0.0, 0.0)]


def test_revenue_by_channel_counts_deals_not_lines(sales):
    q = KpiQuery.build(Q1.start, Q1.end, {"category": "Software"})
    rows = evaluate_on(sales, ["revenue_by_channel"], q)["values"]["revenue_by_channel"]
    # Software lines: O1 (online) 100, O2 (offline) 100; one deal each, whatever the lines.
    assert sorted((r["channel"], r["revenue"], r["won_deals"]) for r in rows) == [
        ("offline", pytest.approx(100), 1), ("online", pytest.approx(100), 1)]


def test_a_breakdown_error_names_the_kpi_asked_for(sales):
    from app.kpi.query import QueryError
    # qualified_per_successful_call reads leads and calls, neither of which has products.
    with pytest.raises(QueryError, match="^qualified_per_successful_call cannot be broken down by product"):
        evaluate_on(sales, ["qualified_per_successful_call"], KpiQuery.build(Q1.start, Q1.end, by="product"))
