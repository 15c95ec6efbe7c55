"""The pure parts of My performance: what a rep's standing lets out, the team median, the
commission estimate."""
from datetime import date, datetime

from app.kpi import performance

BOARD = [  # the company's rep_leaderboard rows, ranked by revenue
    {"rep": "A", "name": "Ann", "revenue": 300.0, "quota_attainment": 0.5, "rank": 1, "attainment_rank": 3},
    {"rep": "B", "name": "Bob", "revenue": 200.0, "quota_attainment": 1.2, "rank": 2, "attainment_rank": 1},
    {"rep": "C", "name": "Cy", "revenue": 100.0, "quota_attainment": 0.9, "rank": 3, "attainment_rank": 2},
    {"rep": "D", "name": "Di", "revenue": 50.0, "quota_attainment": None, "rank": 4, "attainment_rank": None},
]


def test_standing_ranks_in_team_and_company_and_lets_out_no_other_reps_figures():
    got = performance.standing(BOARD, "C", ["B", "C", "D"], anonymous=False)
    # Company: third of four. Team B, C, D: C is second by revenue, second by attainment (1.2 > 0.9).
    assert got["company"] == {"rank": 3, "attainment_rank": 2, "of": 4}
    assert (got["team"]["rank"], got["team"]["attainment_rank"], got["team"]["of"]) == (2, 2, 3)
    assert got["team"]["board"] == [{"rank": 1, "me": False, "name": "Bob"}, {"rank": 2, "me": True, "name": "Cy"},
                                    {"rank": 3, "me": False, "name": "Di"}]
    assert got["own"] == {"name": "Cy", "revenue": 100.0, "quota_attainment": 0.9}
    assert "Ann" not in repr(got) and "200.0" not in repr(got)


def test_an_anonymous_standing_names_only_the_rep():
    got = performance.standing(BOARD, "C", ["B", "C", "D"], anonymous=True)
    assert [e["name"] for e in got["team"]["board"]] == [None, "Cy", None]
    assert "Bob" not in repr(got) and "Di" not in repr(got)
    assert performance.standing(BOARD, "Z", ["Z"], anonymous=False) is None


def test_team_median_counts_reps_without_rows_as_zero():
    rows = [{"rep": "A", "calls": 4, "activities": 10, "meetings": 1}, {"rep": "B", "calls": 2}]
    got = performance.team_medians(rows, ["A", "B", "C"])
    assert got == {"activities": 0.0, "calls": 2.0, "meetings": 0.0, "team_size": 3}    # (4, 2, 0) → 2
    assert performance.team_medians([], [])["calls"] is None


def test_commission_estimate_and_weighted_pipeline_closing_in_the_period():
    deals = [{"amount": 100.0, "probability": 0.5, "expected_close_date": date(2025, 3, 10)},
             {"amount": 1000.0, "probability": 0.5, "expected_close_date": date(2025, 5, 1)},   # after the period
             {"amount": 40.0, "probability": None, "expected_close_date": date(2025, 3, 1)},
             {"amount": 10.0, "probability": 1.0, "expected_close_date": date(2025, 1, 5)}]     # overdue, still open
    weighted = performance.closing_weighted(deals, date(2025, 3, 31))
    assert weighted == 60.0                                                   # 100 × 0.5 + 10 × 1
    # 950 + 60 = 1010 against a 1000 quota at 10 %: 1000 × 0.1 + 10 × 0.1 × 2 = 102
    assert performance.commission_estimate(950.0, 1000.0, 0.1, 2.0, weighted) == 102.0


def test_deal_rows_count_days_since_the_last_activity():
    rows = performance.deal_rows([{"opportunity_id": "O1", "name": None, "stage": "Proposal", "amount": 5.0,
                                   "expected_close_date": None, "last_activity_at": datetime(2025, 3, 1, 23, 0)}],
                                 date(2025, 3, 11))
    assert rows == [{"name": "O1", "stage": "Proposal", "amount": 5.0, "expected_close_date": None, "days_idle": 10}]
