"""Activity and telephony KPIs on a hand-worked fixture, on SQLite and PostgreSQL.

January 2025: the 1st is a Wednesday, so the 6th is a Monday (ISO weekday 1).
"""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.kpi.query import KpiQuery, Scope
from tests.builders import Builder
from tests.kpi_helpers import evaluate_on

JAN = KpiQuery.build(date(2025, 1, 1), date(2025, 1, 31))
RATIOS = ["missed_calls_returned_pct", "touches_per_won_deal", "calls_per_won_deal",
          "qualified_per_successful_call", "follow_ups_per_lead"]


def _call(b, activity_id, rep, at, direction, outcome, seconds, **kw):
    b.activity(activity_id, rep, "call", at, direction=direction, outcome=outcome,
               duration_seconds=seconds, **kw)


@pytest.fixture
def activity(engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.lead("L1", "2025-01-05 09:00", owner_rep_id="R1", qualified_at="2025-01-07 09:00")
        b.lead("L2", "2025-01-08 09:00", owner_rep_id="R2")
        b.lead("L3", "2025-01-20 09:00", owner_rep_id="R1", qualified_at="2025-01-21 09:00")
        # Won on Mon 20th (R1), Sat 25th and Tue 28th (R2); O4 lost.
        b.deal("O1", "A1", "R1", "won", 1000, "2024-12-01 00:00", closed_at="2025-01-20 10:00")
        b.deal("O2", "A2", "R2", "won", 500, "2024-12-01 00:00", closed_at="2025-01-25 10:00")
        b.deal("O3", "A2", "R2", "won", 200, "2024-12-01 00:00", closed_at="2025-01-28 10:00")
        b.deal("O4", "A2", "R2", "lost", 300, "2024-12-01 00:00", closed_at="2025-01-15 10:00")
        # December: touches on the deals (R1 also calls on R2's O2), and a task long overdue.
        _call(b, "X1", "R1", "2024-12-15 10:00", "outbound", "answered", 10, opportunity_id="O1")
        _call(b, "X2", "R2", "2024-12-20 10:00", "outbound", "answered", 10, opportunity_id="O2")
        _call(b, "X3", "R1", "2024-12-21 10:00", "outbound", "answered", 10, opportunity_id="O2")
        b.activity("X4", "R2", "email", "2024-12-22 10:00", direction="outbound", opportunity_id="O4")
        b.activity("T6", "R2", "task", "2024-12-01 09:00", due_at="2024-12-15 09:00")
        # January calls. C4 is returned by R2's C5 23 h later; C6 only 25 h later by C7;
        # C9 (Fri 31st 23:30 UTC = 1 Feb in Warsaw) by C10 in February.
        _call(b, "C1", "R1", "2025-01-06 10:00", "outbound", "answered", 120, lead_id="L1")
        _call(b, "C2", "R1", "2025-01-06 11:00", "outbound", "answered", 60, lead_id="L1")
        _call(b, "C3", "R1", "2025-01-07 10:00", "outbound", "answered", 59, account_id="A1")
        _call(b, "C4", "R1", "2025-01-07 12:00", "inbound", "missed", 0, account_id="A1")
        _call(b, "C5", "R2", "2025-01-08 11:00", "outbound", "answered", 300, account_id="A1")
        _call(b, "C6", "R2", "2025-01-09 10:00", "inbound", "no_answer", 0, lead_id="L2")
        _call(b, "C7", "R2", "2025-01-10 11:00", "outbound", "answered", 30, lead_id="L2")
        _call(b, "C9", "R2", "2025-01-31 23:30", "inbound", "missed", 0, lead_id="L2")
        _call(b, "C10", "R2", "2025-02-01 01:00", "outbound", "answered", 45, lead_id="L2")
        b.activity("E1", "R1", "email", "2025-01-08 09:00", direction="outbound", lead_id="L1")
        b.activity("E2", "R1", "email", "2025-01-08 09:30", direction="inbound", lead_id="L1")
        b.activity("M1", "R1", "meeting", "2025-01-09 14:00", duration_seconds=1800, opportunity_id="O1")
        b.activity("D1", "R1", "demo", "2025-01-10 15:00", duration_seconds=3600, opportunity_id="O1")
        b.activity("P1", "R1", "proposal", "2025-01-10 16:00", opportunity_id="O1")
        # Follow-ups on L3: exactly 14 days after creation (counts) and 15 days (does not).
        b.activity("G1", "R1", "message", "2025-02-03 09:00", direction="outbound", lead_id="L3")
        b.activity("G2", "R1", "message", "2025-02-04 09:00", direction="outbound", lead_id="L3")
        # Tasks (occurred_at = created): T1 open, T2 done in time, T3 done after January,
        # T4 due after January, T5 cancelled without a completion time.
        b.activity("T1", "R1", "task", "2025-01-05 09:00", due_at="2025-01-20 09:00")
        b.activity("T2", "R1", "task", "2025-01-10 09:00", due_at="2025-01-15 09:00",
                   completed_at="2025-01-14 09:00", outcome="done")
        b.activity("T3", "R1", "task", "2025-01-10 10:00", due_at="2025-01-15 09:00",
                   completed_at="2025-02-03 09:00", outcome="done")
        b.activity("T4", "R1", "task", "2025-01-20 09:00", due_at="2025-02-10 09:00")
        b.activity("T5", "R1", "task", "2025-01-10 11:00", due_at="2025-01-12 09:00", outcome="cancelled")
    return engine


def test_telephony_and_counts(activity):
    v = evaluate_on(activity, ["calls", "successful_calls", "successful_call_minutes", "missed_calls",
                               "missed_calls_returned_pct", "emails_sent", "meetings", "demos",
                               "proposals", "selling_time_hours", "overdue_tasks"], JAN)["values"]
    assert v["calls"] == 8                                  # C1–C7 and C9; X* are December, C10 February
    assert v["successful_calls"] == 3                       # C1 120 s, C2 exactly 60 s, C5 300 s; C3 59 s
    assert v["successful_call_minutes"] == pytest.approx(8)             # (120 + 60 + 300) / 60
    assert v["missed_calls"] == 3                           # C4, C6, C9 (inbound missed / no_answer)
    assert v["missed_calls_returned_pct"] == pytest.approx(2 / 3)       # C4 and C9 returned, C6 not
    assert (v["emails_sent"], v["meetings"], v["demos"], v["proposals"]) == (1, 1, 1, 1)   # E2 inbound
    # Calls 120+60+59+300+30 = 569 s, meeting 1800 s, demo 3600 s.
    assert v["selling_time_hours"] == pytest.approx(5969 / 3600)
    assert v["overdue_tasks"] == 3                          # T1, T3 (done in Feb), T6 (from December)


def test_activity_against_deals_and_leads(activity):
    v = evaluate_on(activity, RATIOS, JAN)["values"]
    # Won in January: O1 (X1, M1, D1, P1: 4 touches, 1 call), O2 (X2, X3: 2 calls), O3 (none).
    assert v["touches_per_won_deal"] == pytest.approx(6 / 3)
    assert v["calls_per_won_deal"] == pytest.approx(3 / 3)
    assert v["qualified_per_successful_call"] == pytest.approx(2 / 3)   # L1, L3 qualified; 3 successful
    # Leads created in January: L1 C1, C2, E1 (E2 inbound); L2 C7 (C6, C9 inbound; C10 after 24 d);
    # L3 G1 at exactly 14 days (G2 is 15 days) → 5 over 3 leads.
    assert v["follow_ups_per_lead"] == pytest.approx(5 / 3)
    assert v["missed_calls_returned_pct"] == pytest.approx(2 / 3)


def test_activity_by_weekday(activity):
    rows = evaluate_on(activity, ["activity_by_weekday"], JAN)["values"]["activity_by_weekday"]
    got = [(r["rep"], r["weekday"], r["activities"], r["revenue"]) for r in rows]
    # R1: Mon C1 C2 T4, Tue C3 C4, Wed E1 E2, Thu M1, Fri D1 P1 T2 T3 T5, Sun T1; O1 won Monday.
    # R2: Wed C5, Thu C6, Fri C7 C9; O3 won Tuesday, O2 Saturday.
    assert got == [("R1", 1, 3, 1000), ("R1", 2, 2, 0), ("R1", 3, 2, 0), ("R1", 4, 1, 0),
                   ("R1", 5, 5, 0), ("R1", 6, 0, 0), ("R1", 7, 1, 0),
                   ("R2", 1, 0, 0), ("R2", 2, 0, 200), ("R2", 3, 1, 0), ("R2", 4, 1, 0),
                   ("R2", 5, 2, 0), ("R2", 6, 0, 500), ("R2", 7, 0, 0)]


def test_additive_breakdowns_sum_to_the_total(activity):
    ids = ["calls", "successful_calls", "missed_calls", "overdue_tasks", "selling_time_hours"]
    by_rep = evaluate_on(activity, ids + RATIOS, KpiQuery.build(JAN.start, JAN.end, by="rep"))["rows"]
    r1, r2 = by_rep
    assert [r1[i] for i in ids] == [4, 2, 1, 2, pytest.approx(5639 / 3600)]   # 120+60+59+1800+3600 s
    assert [r2[i] for i in ids] == [4, 1, 2, 1, pytest.approx(330 / 3600)]    # 300+30 s
    # R2 has a successful call but no qualified lead: 0, not undefined. R2's won deals O2, O3:
    # 2 touches, both calls; R1's leads L1, L3: 4 follow-ups; R2's L2: 1.
    assert [r2[i] for i in RATIOS] == [pytest.approx(1 / 2), 1.0, 1.0, 0.0, 1.0]
    assert [r1[i] for i in RATIOS] == [1.0, 4.0, 1.0, 1.0, 2.0]
    jan_feb = KpiQuery.build(date(2025, 1, 1), date(2025, 2, 28), by="month")
    by_month = evaluate_on(activity, ["calls", "successful_calls"], jan_feb)["rows"]
    # February has C10 only (45 s: not successful).
    assert [(r["month"], r["calls"], r["successful_calls"]) for r in by_month] == [
        ("2025-01", 8, 3), ("2025-02", 1, 0)]


def test_time_zone_threshold_and_empty_period(activity):
    with activity.begin() as conn:
        b = Builder(conn)
        b.setting("org_timezone", "Europe/Warsaw")
        b.setting("call_threshold_seconds", 59)
    v = evaluate_on(activity, ["calls", "successful_calls", "missed_calls", "missed_calls_returned_pct"], JAN)
    # C9 falls on 1 February in Warsaw; C3 (59 s) now succeeds; of C4 and C6 only C4 was returned.
    assert v["values"] == {"calls": 7, "successful_calls": 4, "missed_calls": 2,
                           "missed_calls_returned_pct": pytest.approx(1 / 2)}
    june = evaluate_on(activity, ["calls", "overdue_tasks", "activity_by_weekday"] + RATIOS,
                       KpiQuery.build(date(2025, 6, 1), date(2025, 6, 30)))["values"]
    # Nothing happens in June, so every ratio is undefined; still overdue at its end: T1, T4, T6.
    assert june == {"calls": 0, "overdue_tasks": 3, "activity_by_weekday": [],
                    **{i: None for i in RATIOS}}


def test_scope_sees_only_own_rows_and_a_forged_filter_sees_nothing(activity):
    rep1 = Scope.reps({"R1"}, "rep:R1")
    v = evaluate_on(activity, ["calls", "missed_calls", "overdue_tasks", "activity_by_weekday"] + RATIOS, JAN,
                    scope=rep1)["values"]
    assert (v["calls"], v["missed_calls"], v["overdue_tasks"]) == (4, 1, 2)
    # C4 is R1's and was returned by R2, who is outside R1's scope: it still counts as returned.
    assert v["missed_calls_returned_pct"] == 1.0
    assert (v["touches_per_won_deal"], v["calls_per_won_deal"]) == (4.0, 1.0)      # O1 only
    assert {r["rep"] for r in v["activity_by_weekday"]} == {"R1"}
    forged = KpiQuery.build(JAN.start, JAN.end, {"rep": "R2"})
    f = evaluate_on(activity, ["calls", "overdue_tasks", "activity_by_weekday"] + RATIOS, forged, rep1)
    assert f["values"] == {"calls": 0, "overdue_tasks": 0, "activity_by_weekday": [],
                           **{i: None for i in RATIOS}}
