"""Lead KPIs on a hand-worked fixture, on SQLite and PostgreSQL."""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.query import KpiQuery, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

Q1 = KpiQuery.build(date(2025, 1, 1), date(2025, 3, 31))
SCALARS = ["leads_created", "qualified_leads", "lead_conversion_rate", "lead_to_customer_rate",
           "time_to_convert_days", "lead_response_minutes", "leads_missed_sla"]


@pytest.fixture
def leads(engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        # L1's deal is won after Q1: it still makes L1 a customer ("at any time").
        b.deal("O1", "A1", "R1", "won", 100, "2025-01-20 09:00", closed_at="2025-04-15 00:00")
        b.deal("O2", "A2", "R2", "lost", 100, "2025-02-11 10:00", closed_at="2025-03-01 00:00")
        b.deal("O5", "A1", "R1", "won", 100, "2025-01-09 09:00", closed_at="2025-02-01 00:00")
        # Responses: L1 10 min, L2 30 min (late), L3 exactly 15 min (in time), L4 never (late).
        b.lead("L1", "2025-01-10 09:00", "web_form", "converted", owner_rep_id="R1",
               first_response_at="2025-01-10 09:10", qualified_at="2025-01-12 09:00",
               converted_at="2025-01-20 09:00", account_id="A1", opportunity_id="O1")
        b.lead("L2", "2025-02-05 10:00", "web_form", "converted", owner_rep_id="R2",
               first_response_at="2025-02-05 10:30", qualified_at="2025-02-06 10:00",
               converted_at="2025-02-11 10:00", account_id="A2", opportunity_id="O2")
        b.lead("L3", "2025-02-20 08:00", "referral", "disqualified", owner_rep_id="R1",
               first_response_at="2025-02-20 08:15", disqualify_reason="no_budget")
        b.lead("L4", "2025-03-03 12:00", "referral", "disqualified", owner_rep_id="R2")
        # Created in 2024, qualified and converted in Q1 (20 days to convert).
        b.lead("L5", "2024-12-20 09:00", "phone", "converted", owner_rep_id="R1",
               first_response_at="2024-12-20 09:05", qualified_at="2025-01-05 09:00",
               converted_at="2025-01-09 09:00", account_id="A1", opportunity_id="O5")
        # 31 March 23:30 UTC is 1 April 01:30 in Warsaw; answered after 60 min (late).
        b.lead("L6", "2025-03-31 23:30", "phone", "working", owner_rep_id="R1",
               first_response_at="2025-04-01 00:30")
        b.lead("L7", "2025-04-02 09:00", "referral", "disqualified", owner_rep_id="R1",
               disqualify_reason="spam")
    return engine


def test_lead_kpis_worked_by_hand(leads):
    v = evaluate_on(leads, SCALARS, Q1)["values"]
    assert v["leads_created"] == 5                                 # L1, L2, L3, L4, L6
    assert v["qualified_leads"] == 3                               # L1, L2, and L5 (created in 2024)
    assert v["lead_conversion_rate"] == pytest.approx(2 / 5)       # L1, L2 converted
    assert v["lead_to_customer_rate"] == pytest.approx(1 / 5)      # only O1 (L1) won; O2 lost
    assert v["time_to_convert_days"] == pytest.approx((10 + 6 + 20) / 3)   # L1, L2, L5
    assert v["lead_response_minutes"] == pytest.approx((15 + 30) / 2)      # median of 10, 15, 30, 60
    assert v["leads_missed_sla"] == 3                              # L2 30 min, L4 never, L6 60 min


def test_tables_by_source_and_disqualify_reason(leads):
    v = evaluate_on(leads, ["leads_by_source", "disqualify_reasons"], Q1)["values"]
    # web_form: L1, L2 both converted, L1 won; referral: L3, L4; phone: L6 (L5 is 2024).
    assert v["leads_by_source"] == [
        {"source": "referral", "leads_created": 2, "lead_conversion_rate": 0.0, "lead_to_customer_rate": 0.0},
        {"source": "web_form", "leads_created": 2, "lead_conversion_rate": 1.0, "lead_to_customer_rate": 0.5},
        {"source": "phone", "leads_created": 1, "lead_conversion_rate": 0.0, "lead_to_customer_rate": 0.0}]
    # L3 no_budget, L4 no reason; L7 is disqualified but created in April.
    assert v["disqualify_reasons"] == [{"reason": "no_budget", "leads": 1},
                                       {"reason": "unspecified", "leads": 1}]
    # A breakdown the table ignores (leads cannot be split by product) changes nothing.
    by = evaluate_on(leads, ["disqualify_reasons"], KpiQuery.build(Q1.start, Q1.end, by="product"))
    assert by["values"]["disqualify_reasons"] == v["disqualify_reasons"]


def test_additive_breakdowns_sum_to_the_total(leads):
    ids = ["leads_created", "qualified_leads", "leads_missed_sla", "lead_conversion_rate"]
    by_rep = evaluate_on(leads, ids, KpiQuery.build(Q1.start, Q1.end, by="rep"))["rows"]
    # R1: L1, L3, L6 created; L1, L5 qualified; L6 late; 1 of 3 converted. R2: L2, L4; L2; L2, L4; 1 of 2.
    assert [(r["rep"], r["leads_created"], r["qualified_leads"], r["leads_missed_sla"]) for r in by_rep] == [
        ("R1", 3, 2, 1), ("R2", 2, 1, 2)]
    assert [r["lead_conversion_rate"] for r in by_rep] == [pytest.approx(1 / 3), pytest.approx(1 / 2)]
    by_month = evaluate_on(leads, ["leads_created", "qualified_leads"],
                           KpiQuery.build(Q1.start, Q1.end, by="month"))["rows"]
    # Created: Jan L1, Feb L2 L3, Mar L4 L6. Qualified: Jan L1 L5, Feb L2, none in March.
    assert [(r["month"], r["leads_created"], r["qualified_leads"]) for r in by_month] == [
        ("2025-01", 1, 2), ("2025-02", 2, 1), ("2025-03", 2, 0)]


def test_org_time_zone_moves_a_late_lead_into_april(leads):
    with leads.begin() as conn:
        Builder(conn).setting("org_timezone", "Europe/Warsaw")
    v = evaluate_on(leads, ["leads_created", "leads_missed_sla", "lead_response_minutes"], Q1)["values"]
    # L6 is created on 1 April local time: 4 leads, L2 and L4 late, median of 10, 15, 30.
    assert (v["leads_created"], v["leads_missed_sla"]) == (4, 2)
    assert v["lead_response_minutes"] == pytest.approx(15)


def test_sla_setting_and_empty_period(leads):
    with leads.begin() as conn:
        Builder(conn).setting("response_sla_minutes", 10)
    # With a 10 min SLA, L1 (10 min) is in time and L3 (15 min) late: L2, L3, L4, L6.
    assert evaluate_on(leads, ["leads_missed_sla"], Q1)["values"]["leads_missed_sla"] == 4
    june = evaluate_on(leads, SCALARS + ["leads_by_source", "disqualify_reasons"],
                       KpiQuery.build(date(2025, 6, 1), date(2025, 6, 30)))["values"]
    # No leads at all: counts are 0, every ratio, mean and median undefined.
    assert june == {"leads_created": 0, "qualified_leads": 0, "lead_conversion_rate": None,
                    "lead_to_customer_rate": None, "time_to_convert_days": None,
                    "lead_response_minutes": None, "leads_missed_sla": 0,
                    "leads_by_source": [], "disqualify_reasons": []}


def test_scope_sees_only_own_leads_and_a_forged_filter_sees_nothing(leads):
    rep1 = Scope.reps({"R1"}, "rep:R1")
    v = evaluate_on(leads, SCALARS + ["disqualify_reasons"], Q1, scope=rep1)["values"]
    # R1's leads: L1, L3, L6 created; L1, L5 qualified; L1 converted and won; L1 10 d, L5 20 d.
    assert (v["leads_created"], v["qualified_leads"], v["leads_missed_sla"]) == (3, 2, 1)
    assert v["lead_conversion_rate"] == pytest.approx(1 / 3)
    assert v["lead_to_customer_rate"] == pytest.approx(1 / 3)
    assert v["time_to_convert_days"] == pytest.approx(15)
    assert v["lead_response_minutes"] == pytest.approx(15)          # median of 10, 15, 60
    assert v["disqualify_reasons"] == [{"reason": "no_budget", "leads": 1}]
    forged = KpiQuery.build(Q1.start, Q1.end, {"rep": "R2"})
    f = evaluate_on(leads, SCALARS + ["leads_by_source", "disqualify_reasons"], forged, rep1)["values"]
    assert f == {"leads_created": 0, "qualified_leads": 0, "lead_conversion_rate": None,
                 "lead_to_customer_rate": None, "time_to_convert_days": None,
                 "lead_response_minutes": None, "leads_missed_sla": 0,
                 "leads_by_source": [], "disqualify_reasons": []}
