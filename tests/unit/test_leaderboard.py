"""The Leaderboard's pure pieces: ranks by any figure, movement, what a rep may see of the
company board, and the table built from it."""
import json

from dash import html

from app.kpi.leaderboard import board, chosen_metric, metrics_for, ranks
from layouts import ids
from layouts.pages.leaderboard import board_table, rep_href

# Four reps; Cy and Di tie on revenue. Previous period: Al was 3rd, Bo 1st, Cy 2nd, Di absent.
NOW = [
    {"rep": "R1", "name": "Al", "revenue": 900.0, "won_deals": 3, "win_rate": 0.5, "quota_attainment": 1.2,
     "avg_deal_size": 300.0, "pipeline_value": 50.0, "activities": 10},
    {"rep": "R2", "name": "Bo", "revenue": 500.0, "won_deals": 5, "win_rate": None, "quota_attainment": 0.8,
     "avg_deal_size": 100.0, "pipeline_value": 70.0, "activities": 12},
    {"rep": "R3", "name": "Cy", "revenue": 200.0, "won_deals": 1, "win_rate": 0.25, "quota_attainment": None,
     "avg_deal_size": 200.0, "pipeline_value": 0.0, "activities": 4},
    {"rep": "R4", "name": "Di", "revenue": 200.0, "won_deals": 2, "win_rate": 1.0, "quota_attainment": 0.4,
     "avg_deal_size": 100.0, "pipeline_value": 9.0, "activities": 0},
]
BEFORE = [{"rep": "R1", "revenue": 10.0}, {"rep": "R2", "revenue": 90.0}, {"rep": "R3", "revenue": 50.0}]


def test_competition_ranks_highest_first_and_none_without_a_value():
    assert ranks(NOW, "revenue") == {"R1": 1, "R2": 2, "R3": 3, "R4": 3}
    assert ranks(NOW, "win_rate") == {"R1": 2, "R2": None, "R3": 3, "R4": 1}


def test_board_orders_by_rank_and_moves_against_the_previous_board():
    rows = board(NOW, BEFORE, "revenue", "R2", restricted=False)["rows"]
    assert [(r["name"], r["rank"], r["movement"]) for r in rows] == [
        ("Al", 1, 2),            # 3rd → 1st
        ("Bo", 2, -1),           # 1st → 2nd
        ("Cy", 3, -1),           # 2nd → 3rd (tied)
        ("Di", 3, None)]         # no earlier rank
    assert [r["me"] for r in rows] == [False, True, False, False]
    assert rows[0]["activities"] == 10 and rows[0]["rep"] == "R1"
    assert board(NOW, None, "revenue", None, False)["compared"] is False
    unranked = board(NOW, None, "win_rate", None, False)
    assert [r["name"] for r in unranked["rows"]][-1] == "Bo" and unranked["ranked"] == 3


def test_a_reps_board_carries_only_ranks_names_and_the_ranking_figure():
    result = board(NOW, BEFORE, "revenue", "R3", restricted=True)
    assert result["columns"] == ("revenue",)
    assert [set(r) for r in result["rows"]] == [{"position", "rank", "movement", "rep", "name", "me", "revenue"}] * 4
    assert [r["rep"] for r in result["rows"]] == [None, None, "R3", None]      # only their own id
    assert "pipeline_value" not in json.dumps(result) and "R1" not in json.dumps(result)
    anonymous = board(NOW, None, "revenue", "R3", restricted=True, anonymous=True)["rows"]
    assert [r["name"] for r in anonymous] == [None, None, "Cy", None]
    # Anonymity is for reps' boards; a manager's board keeps names.
    assert [r["name"] for r in board(NOW, None, "revenue", "R3", False, anonymous=True)["rows"]] == ["Al", "Bo", "Cy", "Di"]


def test_which_figures_a_viewer_may_rank_by():
    assert metrics_for(True) == ("revenue", "quota_attainment")
    assert metrics_for(False)[0] == "revenue" and "activities" in metrics_for(False)
    assert "quota_attainment" not in metrics_for(False, quota=False)
    assert chosen_metric("win_rate", restricted=True) == "revenue"
    assert chosen_metric("win_rate", restricted=False) == "win_rate"
    assert chosen_metric("quota_attainment", restricted=False, quota=False) == "revenue"
    assert chosen_metric("'; drop table", restricted=False) == "revenue"


def test_without_quota_attainment_is_blank():
    rows = board(NOW, None, "revenue", None, False, quota=False)["rows"]
    assert {r["quota_attainment"] for r in rows} == {None}


def flat(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json())


def test_table_marks_the_ranking_column_highlights_the_viewer_and_links_only_rows_with_ids():
    text = flat(board_table(board(NOW, BEFORE, "won_deals", "R2", False), "en", clickable=True))
    marked = text[:text.index('"aria-sort": "descending"')]
    assert marked.rindex('"Won deals"') > marked.rindex('"Th"') and "table-primary" in text
    assert text.count(ids.LEADERBOARD_REP) == 4
    restricted = board_table(board(NOW, BEFORE, "revenue", "R3", True, anonymous=True), "en", clickable=True)
    flat_text = flat(restricted)
    assert flat_text.count(ids.LEADERBOARD_REP) == 1 and "Rep #1" in flat_text and "Al" not in flat_text
    assert "$900.00" in flat_text and "Won deals" not in flat_text
    empty = board_table(board([], None, "revenue", None, False), "en")
    assert isinstance(empty, html.Div) and "No data for these filters" in str(empty.to_plotly_json())


def test_a_reps_page_link_keeps_the_filters():
    assert rep_href("?period=ytd&rep=R9&junk=1", "R2") == "/my-performance?period=ytd&rep=R2"
