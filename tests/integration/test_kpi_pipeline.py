"""Pipeline KPIs (as of the period's end) and the funnel tables, hand-worked, on SQLite and PostgreSQL."""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.query import KpiQuery, QueryError, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

MARCH = KpiQuery.build(date(2025, 3, 1), date(2025, 3, 31))
REP1 = Scope.reps({"R1"}, "rep:R1")
OPEN_IDS = ["open_deals", "pipeline_value", "avg_open_deal", "weighted_pipeline", "stale_deals",
            "deals_without_next_task"]


@pytest.fixture
def pipeline(engine):
    """Open as of 31 March: D1–D4. Stage probabilities are the built-in defaults."""
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        run = b.model_run(model="win_probability")
        b.deal("D1", "A1", "R1", "open", 100, "2025-02-01 00:00", stage="Proposal",
               expected_close_date="2025-04-10")
        b.deal_score("D1", 0.9, run)                       # model 0.9 beats stage 0.55
        b.deal("D2", "A1", "R1", "open", 200, "2025-03-10 00:00", stage="Qualification",
               probability=0.5, expected_close_date="2025-05-01")   # own 0.5 beats stage 0.20
        # Won on 5 April, so still open at the end of March; model 0.8 beats own 0.6.
        b.deal("D3", "A2", "R2", "won", 300, "2025-01-15 00:00", closed_at="2025-04-05 00:00",
               probability=0.6, expected_close_date="2025-04-20")
        b.deal_score("D3", 0.8, run)
        b.deal("D4", "A2", "R2", "open", 400, "2025-03-31 23:00", stage="Needs Analysis")  # stage 0.35
        b.deal("D5", "A1", "R1", "open", 1000, "2025-04-01 00:00")           # created after March
        b.deal("D6", "A2", "R2", "lost", 50, "2025-01-01 00:00", closed_at="2025-03-15 00:00")
        b.deal("D7", "A1", "R1", "won", 70, "2025-02-01 00:00", closed_at="2025-03-31 12:00")
        b.deal("D8", "A2", "R2", "lost", 30, "2025-03-05 00:00", closed_at="2025-03-20 00:00")
        b.deal("D9", "A2", "R2", "lost", 20, "2025-02-01 00:00", closed_at="2025-03-25 00:00")
        # Activities on the deals (stale window, 3 days: 29–31 March).
        b.activity("a1", "R1", "call", "2025-03-30 10:00", opportunity_id="D1")
        b.activity("a2", "R1", "email", "2025-03-28 23:59", opportunity_id="D2")   # just too early
        b.activity("a3", "R1", "meeting", "2025-03-31 20:00", opportunity_id="D3")  # another rep's
        b.activity("a4", "R2", "call", "2025-04-01 00:00", opportunity_id="D4")    # after March
        # Tasks (occurred_at = created): only D1 and D4 have a live next task.
        b.activity("t1", "R1", "task", "2025-03-20 09:00", opportunity_id="D1", due_at="2025-04-03 09:00")
        b.activity("t2", "R1", "task", "2025-03-01 09:00", opportunity_id="D2", due_at="2025-04-02 09:00",
                   completed_at="2025-03-30 09:00")                           # done in March
        b.activity("t3", "R2", "task", "2025-03-01 09:00", opportunity_id="D3", due_at="2025-03-31 12:00")
        b.activity("t3b", "R2", "task", "2025-04-02 09:00", opportunity_id="D3", due_at="2025-04-10 09:00")
        b.activity("t4", "R2", "task", "2025-03-25 09:00", opportunity_id="D4", due_at="2025-04-05 09:00",
                   completed_at="2025-04-02 09:00")                           # open at March's end
        # Quotas of the following period (1 April – 1 May, 31 days).
        b.quota("R1", "2025-04-01", 200)
        b.quota("R2", "2025-04-01", 100)
        b.quota("R1", "2025-05-01", 310)
        b.product("P1", category="Software")
        b.product("P2", category="Services")
        b.line("D1", "P1", quantity=1, unit_price=60)
        b.line("D1", "P2", quantity=1, unit_price=40)
        b.line("D2", "P1", quantity=2, unit_price=100)
    return engine


def test_open_deals_value_and_weighted(pipeline):
    v = evaluate_on(pipeline, OPEN_IDS, MARCH)["values"]
    # Open at the end of March: D1 100, D2 200, D3 300 (won in April), D4 400 (created 23:00
    # on 31 March). D5 is created in April; D6–D9 closed by then.
    assert (v["open_deals"], v["pipeline_value"], v["avg_open_deal"]) == (4, pytest.approx(1000), pytest.approx(250))
    # 100×0.9 (model) + 200×0.5 (own) + 300×0.8 (model over own) + 400×0.35 (stage) = 570.
    assert v["weighted_pipeline"] == pytest.approx(570)
    # Stale: D2's last touch is 28 March, D4's is in April; D3 counts another rep's meeting.
    assert v["stale_deals"] == 2
    # No next task: D2 (completed in March) and D3 (t3 due on 31 March; t3b created in April).
    assert v["deals_without_next_task"] == 2
    # Under a category filter, deals with a Software line count, valued at those lines:
    # D1 60 + D2 200 = 260; weighted 60×0.9 + 200×0.5 = 154.
    software = evaluate_on(pipeline, OPEN_IDS, KpiQuery.build(MARCH.start, MARCH.end, {"category": "Software"}))
    assert software["values"]["open_deals"] == 2
    assert (software["values"]["pipeline_value"], software["values"]["weighted_pipeline"]) == (
        pytest.approx(260), pytest.approx(154))
    with pipeline.begin() as conn:
        Builder(conn).setting("stale_days", 5)
    # 27–31 March now includes D2's email of the 28th: only D4 is stale.
    assert evaluate_on(pipeline, ["stale_deals"], MARCH)["values"]["stale_deals"] == 1


def test_breakdowns_sum_to_the_total(pipeline):
    by_region = evaluate_on(pipeline, OPEN_IDS, KpiQuery.build(MARCH.start, MARCH.end, by="region"))["rows"]
    rows = {r["region"]: r for r in by_region}
    # Poland (A1): D1, D2; North America (A2): D3, D4.
    assert (rows["Poland"]["open_deals"], rows["Poland"]["pipeline_value"]) == (2, pytest.approx(300))
    assert rows["Poland"]["weighted_pipeline"] == pytest.approx(190)           # 90 + 100
    assert (rows["North America"]["open_deals"], rows["North America"]["pipeline_value"]) == (2, pytest.approx(700))
    assert rows["North America"]["weighted_pipeline"] == pytest.approx(380)    # 240 + 140
    assert (rows["Poland"]["stale_deals"], rows["North America"]["stale_deals"]) == (1, 1)
    assert (rows["Poland"]["deals_without_next_task"], rows["North America"]["deals_without_next_task"]) == (1, 1)
    # By month of creation (the snapshot's ageing): D3 January, D1 February, D2 and D4 March.
    by_month = evaluate_on(pipeline, ["open_deals", "pipeline_value"],
                           KpiQuery.build(MARCH.start, MARCH.end, by="month"))["rows"]
    assert [(r["month"], r["open_deals"], r["pipeline_value"]) for r in by_month] == [
        ("2025-01", 1, pytest.approx(300)), ("2025-02", 1, pytest.approx(100)),
        ("2025-03", 2, pytest.approx(600))]


def test_coverage_of_the_following_period(pipeline):
    v = evaluate_on(pipeline, ["pipeline_coverage"], MARCH)["values"]
    # Open deals expected 1 April – 1 May: D1 100 + D2 200 + D3 300 = 600 (D4 has no date).
    # Quota: April 200 + 100, plus 1 of May's 31 days of R1's 310 = 10 → 310.
    assert v["pipeline_coverage"] == pytest.approx(600 / 310)
    rows = {r["region"]: r["pipeline_coverage"] for r in evaluate_on(
        pipeline, ["pipeline_coverage"], KpiQuery.build(MARCH.start, MARCH.end, by="region"))["rows"]}
    # Poland: 300 / (200 + 10); North America: D3 300 / R2's 100.
    assert rows == {"Poland": pytest.approx(300 / 210), "North America": pytest.approx(3.0)}
    by_month = evaluate_on(pipeline, ["pipeline_coverage"], KpiQuery.build(MARCH.start, MARCH.end, by="month"))
    # Each month's expected closes over that month's quota: April 400 / 300, May 200 / 10.
    # March itself (the period's own bucket) has nothing to cover: undefined.
    assert [(r["month"], r["pipeline_coverage"]) for r in by_month["rows"]] == [
        ("2025-03", None), ("2025-04", pytest.approx(400 / 300)), ("2025-05", pytest.approx(20.0))]
    # Quotas have no product: coverage by product is refused under its own name.
    with pytest.raises(QueryError, match="pipeline_coverage cannot be broken down by product"):
        evaluate_on(pipeline, ["pipeline_coverage"], KpiQuery.build(MARCH.start, MARCH.end, by="product"))
    # June: nothing expected in July and no July quota → undefined, not 0.
    june = KpiQuery.build(date(2025, 6, 1), date(2025, 6, 30))
    assert evaluate_on(pipeline, ["pipeline_coverage"], june)["values"]["pipeline_coverage"] is None


def test_sales_velocity(pipeline):
    v = evaluate_on(pipeline, ["sales_velocity"], MARCH)["values"]
    # 4 open × win rate 1/4 (D7 won; D6, D8, D9 lost) × avg deal 70 / cycle 58.5 days
    # (1 February → 31 March 12:00).
    assert v["sales_velocity"] == pytest.approx(4 * 0.25 * 70 / 58.5)
    by_month = evaluate_on(pipeline, ["sales_velocity"],
                           KpiQuery.build(date(2025, 2, 1), date(2025, 3, 31), by="month"))["rows"]
    # Each month as its own period: February won nothing, so its velocity is undefined.
    assert [(r["month"], r["sales_velocity"]) for r in by_month] == [
        ("2025-02", None), ("2025-03", pytest.approx(70 / 58.5))]


def test_scope_sees_only_own_deals(pipeline):
    v = evaluate_on(pipeline, OPEN_IDS, MARCH, scope=REP1)["values"]
    # R1 owns D1 and D2; D2 is stale and has no next task. R1's meeting on D3 does not show D3.
    assert (v["open_deals"], v["pipeline_value"], v["weighted_pipeline"]) == (2, pytest.approx(300), pytest.approx(190))
    assert (v["stale_deals"], v["deals_without_next_task"]) == (1, 1)
    forged = KpiQuery.build(MARCH.start, MARCH.end, {"rep": "R2"})
    v = evaluate_on(pipeline, OPEN_IDS + ["pipeline_coverage"], forged, REP1)["values"]
    assert (v["open_deals"], v["pipeline_value"], v["weighted_pipeline"], v["stale_deals"]) == (0, 0, 0, 0)
    assert v["avg_open_deal"] is None and v["pipeline_coverage"] is None
    assert evaluate_on(pipeline, ["open_deals"], MARCH, scope=Scope.nothing())["values"]["open_deals"] == 0


@pytest.fixture
def funnel(engine):
    """Leads and deals created in March 2025, with their stage history."""
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.lead("L1", "2025-03-02 09:00", owner_rep_id="R1", qualified_at="2025-03-03 09:00",
               converted_at="2025-03-05 09:00")
        b.lead("L2", "2025-03-04 09:00", owner_rep_id="R1", qualified_at="2025-03-06 09:00")
        b.lead("L3", "2025-03-10 09:00", owner_rep_id="R2", converted_at="2025-03-12 09:00")  # never marked qualified
        b.lead("L4", "2025-03-15 09:00", owner_rep_id="R2")
        b.lead("L5", "2025-02-20 09:00", owner_rep_id="R1", qualified_at="2025-03-01 09:00")  # February's
        b.deal("F1", "A1", "R1", "won", 500, "2025-03-05 00:00", closed_at="2025-04-15 00:00")
        for stage, at in (("Prospecting", "03-05"), ("Negotiation", "03-20"), ("Closed Won", "04-15")):
            b.history("F1", stage, f"2025-{at} 00:00")
        b.deal("F2", "A1", "R1", "open", 200, "2025-03-10 00:00", stage="Qualification")
        b.history("F2", "Prospecting", "2025-03-10 00:00")
        b.history("F2", "Qualification", "2025-03-12 00:00")
        b.deal("F3", "A2", "R2", "open", 400, "2025-03-31 12:00", stage="Needs Analysis")  # no history
        b.deal("F4", "A2", "R2", "lost", 100, "2025-03-05 00:00", closed_at="2025-03-20 00:00",
               loss_reason="price")
        for stage, at in (("Prospecting", "03-05"), ("Proposal", "03-10"), ("Closed Lost", "03-20")):
            b.history("F4", stage, f"2025-{at} 00:00")
        b.deal("F5", "A2", "R2", "lost", 60, "2025-02-01 00:00", closed_at="2025-03-25 00:00")
        b.history("F5", "Prospecting", "2025-02-01 00:00")
        b.deal("F6", "A1", "R1", "lost", 40, "2025-02-02 00:00", closed_at="2025-03-28 00:00",
               loss_reason="price")
        b.deal("F7", "A1", "R1", "lost", 999, "2025-02-02 00:00", closed_at="2025-04-02 00:00",
               loss_reason="price")
    return engine


def test_funnel_steps_and_conversion(funnel):
    out = evaluate_on(funnel, ["funnel"], KpiQuery.build(MARCH.start, MARCH.end, by="region"))
    rows = [(r["step"], r["count"], r["value"], r["conversion"]) for r in out["values"]["funnel"]]
    approx = pytest.approx
    # Leads of March: 4 created (L1–L4); qualified L1, L2 and L3 (converted, so it passed);
    # converted L1, L3. Deals of March (furthest non-lost position): F1 6 (Closed Won, skipping
    # Qualification–Proposal), F2 2, F3 3 (current stage, no history), F4 4 (Proposal, then lost).
    # F5–F7 were created in February. `by` is ignored: a table has no breakdown.
    assert rows == [
        ("Leads created", 4, None, None), ("Leads qualified", 3, None, approx(3 / 4)),
        ("Leads converted", 2, None, approx(2 / 3)),
        ("Prospecting", 4, approx(1200), approx(4 / 2)), ("Qualification", 4, approx(1200), approx(1.0)),
        ("Needs Analysis", 3, approx(1000), approx(3 / 4)), ("Proposal", 2, approx(600), approx(2 / 3)),
        ("Negotiation", 1, approx(500), approx(1 / 2)), ("Closed Won", 1, approx(500), approx(1.0))]


def test_loss_reasons(funnel):
    v = evaluate_on(funnel, ["loss_reasons"], MARCH)["values"]
    # Lost in March: F4 price 100, F6 price 40, F5 without a reason 60; F7 is lost in April.
    assert v["loss_reasons"] == [{"reason": "price", "count": 2, "value": pytest.approx(140)},
                                 {"reason": "unspecified", "count": 1, "value": pytest.approx(60)}]


def test_funnel_and_losses_respect_scope(funnel):
    v = evaluate_on(funnel, ["funnel", "loss_reasons"], MARCH, scope=REP1)["values"]
    counts = [(r["step"], r["count"]) for r in v["funnel"]]
    # R1: leads L1, L2 (both qualified, L1 converted); deals F1 (position 6) and F2 (position 2).
    assert counts == [("Leads created", 2), ("Leads qualified", 2), ("Leads converted", 1),
                      ("Prospecting", 2), ("Qualification", 2), ("Needs Analysis", 1), ("Proposal", 1),
                      ("Negotiation", 1), ("Closed Won", 1)]
    assert v["loss_reasons"] == [{"reason": "price", "count": 1, "value": pytest.approx(40)}]
    forged = evaluate_on(funnel, ["funnel", "loss_reasons"], KpiQuery.build(MARCH.start, MARCH.end, {"rep": "R2"}),
                         REP1)["values"]
    assert {r["count"] for r in forged["funnel"]} == {0} and forged["loss_reasons"] == []
    # With every count 0 each conversion has a zero denominator: undefined, not 0.
    assert {r["conversion"] for r in forged["funnel"]} == {None}
