"""Checking a file block by block gives what checking it whole gives: the same typed good
rows and the same rejections, each with its reasons in the same order, even when a
duplicate's first occurrence or a row's several problems fall on either side of a block edge."""
import math

import pandas as pd
import pytest

from etl import contract
from etl.parse import ParseOptions
from etl.read import parse_csv
from etl.validate import KnownKeys, validate, validate_blocks

HEADER = ("opportunity_id,account_id,owner_rep_id,created_at,stage,status,amount,"
          "expected_close_date,closed_at,probability\n")
OK = "2025-02-01T10:00:00Z"
DEALS = HEADER + f"""\
O1,A1,R2,{OK},Proposal,open,1000,2025-04-30,,0.5
O2,A1,R2,{OK},Closed Won,WON,2500.5,,2025-03-01T12:00:00Z,1
X1,A1,R2,{OK},Proposal,open,12k,,,
X2,A9,R2,{OK},Proposal,maybe,-1,,,
O1,A1,R2,{OK},Proposal,open,9999,,,
X3,A1,R2,{OK},Stalled,open,100,2025-02-30,,
O3,A2,R3,2025-02-03T10:00:00Z,Negotiation,open,4000,2025-05-15,,
,A1,R9,{OK},Proposal,Open,100,,,1.5
O4,A2,R3,{OK},Closed Lost,lost,800,,2025-01-31T23:59:59Z,0
O2,A2,R3,{OK},Proposal,open,5,,,
"""
KEYS = {"accounts": ["A1", "A2"], "reps": ["R1", "R2", "R3"], "leads": [],
        "stages": [s for s, *_ in contract.DEFAULT_STAGES], "opportunities": []}


def check(rows=None):
    frame = parse_csv("opportunities.csv", DEALS, ",")
    known = KnownKeys(lambda table, column: KEYS[table])
    spec = contract.spec("opportunities")
    if rows is None:
        return [validate(spec, frame, ParseOptions(), known)]
    return list(validate_blocks(spec, frame, ParseOptions(), known, rows=rows))


@pytest.mark.parametrize("rows", [1, 2, 3, 4, 7])
def test_blocks_add_up_to_the_whole_file(rows):
    (whole,) = check()
    blocks = check(rows)
    assert len(blocks) == math.ceil(10 / rows)
    pd.testing.assert_frame_equal(pd.concat([b.good for b in blocks]), whole.good)
    pd.testing.assert_frame_equal(pd.concat([b.rejected for b in blocks]), whole.rejected)


def test_reasons_found_across_rows_and_within_a_row_keep_their_order():
    rejected = pd.concat([b.rejected for b in check(rows=2)])
    # Lines count the header as 1. Line 6 repeats O1 of line 2, two blocks earlier.
    assert rejected.loc[6].tolist() == ["opportunity_id", "duplicate opportunity_id (first on line 2)"]
    # Value checks in contract order first, then the reference found while reading the whole file.
    assert rejected.loc[5].tolist() == [
        "status", "status must be one of open, won, lost; got 'maybe'; amount must be ≥ 0; "
                  "account_id not found in accounts: 'A9'"]
    # "Open" is fine (case does not matter); the rest of line 9 is not.
    assert rejected.loc[9, "reason"] == (
        "opportunity_id is required; probability must be ≤ 1; owner_rep_id not found in reps: 'R9'")
    assert rejected.loc[7, "reason"] == (
        "expected_close_date must be an ISO date (YYYY-MM-DD), got '2025-02-30'; "
        "stage not found in stages: 'Stalled'")
    assert rejected.loc[11, "reason"] == "duplicate opportunity_id (first on line 3)"
    assert sorted(rejected.index) == [4, 5, 6, 7, 9, 10, 11]


def test_good_rows_are_typed_and_spelled_as_the_contract_lists_them():
    good = pd.concat([b.good for b in check(rows=3)])
    assert good.index.tolist() == [2, 3, 8]
    assert good.loc[3, "status"] == "won"            # "WON" in the file
    assert good["amount"].tolist() == [1000.0, 2500.5, 4000.0]
    assert good.loc[2, "expected_close_date"] == pd.Timestamp("2025-04-30")


def test_a_file_whose_rows_point_at_each_other_is_one_block():
    reps = ("rep_id,name,team,manager_rep_id,territory_id\n"
            "R1,Anna,,,T1\nR2,Ben,Alpha,R1,T1\nR3,Cleo,Beta,R2,T1\n")
    frame = parse_csv("reps.csv", reps, ",")
    known = KnownKeys(lambda table, column: {"territories": ["T1"], "reps": []}[table])
    (block,) = validate_blocks(contract.spec("reps"), frame, ParseOptions(), known, rows=1)
    # R1 lacks a team; R2 reports to R1 and R3 to R2, so both go along.
    assert block.rejected["reason"].tolist() == [
        "team is required", "manager_rep_id refers to a rejected row: 'R1'",
        "manager_rep_id refers to a rejected row: 'R2'"]
    assert block.good.empty
