"""Bad deal rows are rejected one by one, with file, line, column and reason; the rest loads.

The base export's territories, reps, accounts (A1, A2) and products stay as they are;
only opportunities.csv changes. Line numbers count the header as line 1.
"""
import pytest

from app.data.engine import make_engine
from etl.runner import run_import
from tests.integration.import_helpers import (BASE, assert_rejected, counts, keys, raw_of,
                                              runs, write_export)

HEADER = BASE["opportunities"].splitlines()[0] + "\n"
OK = "2025-02-01T10:00:00Z"

DEALS = HEADER + f"""\
O1,A1,R2,{OK},Proposal,open,1000,2025-04-30,,0.5
O2,A1,R2,2025-02-02T10:00:00Z,Closed Won,won,2500.5,,2025-03-01T12:00:00Z,1
X1,A1,R2,{OK},Proposal,open,12k,,,
X2,A1,R2,{OK},Proposal,open,100,2025-02-30,,
X3,A1,R2,yesterday,Proposal,open,100,,,
X4,A1,R2,{OK},Proposal,,100,,,
X5,A1,R2,{OK},Proposal,pending,100,,,
X6,A9,R2,{OK},Proposal,open,100,,,
X7,A1,R2,{OK},Closed Won,won,100,,,
X8,A1,R2,{OK},Proposal,open,100,,2025-03-01T00:00:00Z,
X9,A1,R2,{OK},Closed Lost,lost,100,,2025-01-31T23:59:59Z,
X10,A1,R2,{OK},Proposal,open,-5,,,
X11,A1,R2,{OK},Proposal,open,100,,,1.5
O1,A1,R2,{OK},Proposal,open,9999,,,
O3,A2,R3,2025-02-03T10:00:00Z,Negotiation,open,4000,2025-05-15,,
X12,A1,R2,{OK},Stalled,open,100,,,
"""
DEALS_FILE = "opportunities.csv"

# (line → column, reason); one kind of problem per line.
EXPECTED = {
    4: ("amount", "amount must be a number"),                      # 12k
    5: ("expected_close_date", "must be an ISO date"),             # 30 February
    6: ("created_at", "must be an ISO 8601 timestamp"),            # "yesterday"
    7: ("status", "status is required"),
    8: ("status", "status must be one of open, won, lost; got 'pending'"),
    9: ("account_id", "account_id not found in accounts: 'A9'"),
    10: ("closed_at", "closed_at is required for a won deal"),
    11: ("closed_at", "an open deal cannot have closed_at"),
    12: ("closed_at", "closed_at is before created_at"),
    13: ("amount", "amount must be ≥ 0"),
    14: ("probability", "probability must be ≤ 1"),
    15: ("opportunity_id", "duplicate opportunity_id (first on line 2)"),
    17: ("stage", "stage not found in stages: 'Stalled'"),
}


@pytest.fixture(scope="module")
def loaded(module_db_url, tmp_path_factory):
    """One import of DEALS per backend, shared by the read-only tests below."""
    engine = make_engine(module_db_url)
    # The base lines file names O1, O2 and O3 only, all of which load.
    report = run_import(engine, write_export(tmp_path_factory.mktemp("deals"), opportunities=DEALS))
    yield engine, report
    engine.dispose()


def test_each_bad_deal_is_rejected_with_its_line_column_and_reason(loaded):
    engine, _ = loaded
    assert_rejected(engine, {(DEALS_FILE, line): want for line, want in EXPECTED.items()})


def test_every_valid_deal_of_the_same_file_loads(loaded):
    engine, rejected = loaded
    # Lines 2, 3 and 16 are the only clean rows; the duplicate O1 (line 15) keeps line 2's amount.
    assert keys(engine, "opportunities", "opportunity_id") == {"O1", "O2", "O3"}
    assert keys(engine, "opportunities", "opportunity_id", "amount") >= {("O1", 1000)}
    # 16 rows read: 13 rejected, 3 inserted into an empty table.
    assert counts(rejected)["opportunities"] == (3, 0, 0, 13)
    assert rejected.status == "partial"
    assert runs(engine)[0]["rows_rejected"] == 13


def test_raw_row_is_stored_as_json_of_the_row_as_read(loaded):
    engine, _ = loaded
    found = assert_rejected(engine, {(DEALS_FILE, line): want for line, want in EXPECTED.items()})
    assert raw_of(found, DEALS_FILE, 4) == {
        "opportunity_id": "X1", "account_id": "A1", "owner_rep_id": "R2", "created_at": OK,
        "stage": "Proposal", "status": "open", "amount": "12k", "expected_close_date": "",
        "closed_at": "", "probability": ""}


def test_a_row_with_several_problems_lists_them_all_and_names_the_first_column(engine, tmp_path):
    deals = HEADER + "O1,A1,R2,2025-02-01T10:00:00Z,Proposal,open,1000,,,\n" \
                     "X1,A9,R2,2025-02-01T10:00:00Z,Proposal,maybe,-1,,,\n"
    run_import(engine, write_export(tmp_path / "e", opportunities=deals, opportunity_lines=None))
    (row,) = assert_rejected(engine, {(DEALS_FILE, 3): ("status", "status must be one of")})
    # Columns are checked in contract order; the reference check comes after the value checks.
    assert "amount must be ≥ 0" in row["reason"]
    assert "account_id not found in accounts: 'A9'" in row["reason"]
    assert keys(engine, "opportunities", "opportunity_id") == {"O1"}


def test_a_row_with_the_wrong_number_of_fields_keeps_its_raw_text(engine, tmp_path):
    deals = HEADER + f"""\
O1,A1,R2,{OK},Proposal,open,1000,2025-04-30,,0.5
X1,A1,R2,{OK},Proposal,open,100,,,,surplus
X2,A1,R2,{OK},Proposal,open
O3,A2,R3,{OK},Negotiation,open,4000,,,
"""
    report = run_import(engine, write_export(tmp_path / "e", opportunities=deals, opportunity_lines=None))
    found = assert_rejected(engine, {
        (DEALS_FILE, 3): (None, "expected 10 fields, found 11"),
        (DEALS_FILE, 4): (None, "expected 10 fields, found 6"),
    })
    assert raw_of(found, DEALS_FILE, 4) == {
        "fields": ["X2", "A1", "R2", OK, "Proposal", "open"]}
    assert keys(engine, "opportunities", "opportunity_id") == {"O1", "O3"}
    assert counts(report)["opportunities"] == (2, 0, 0, 2)


@pytest.mark.parametrize("bad, fields", [
    # One field too many on the first row: a parser guessing "the first column is an index"
    # would load X1 with every value moved one column left.
    (f"X1,A1,R2,{OK},Proposal,open,100,,,,surplus", 11),
    # One field short: a parser padding with "" would load X1 without its probability.
    (f"X1,A1,R2,{OK},Proposal,open,100,,", 9),
], ids=["extra-on-first-row", "short"])
def test_a_lone_wrong_width_row_is_rejected_not_reshaped(engine, tmp_path, bad, fields):
    deals = HEADER + bad + "\n" + f"O1,A1,R2,{OK},Proposal,open,1000,,,\n"
    run_import(engine, write_export(tmp_path / "e", opportunities=deals, opportunity_lines=None))
    assert_rejected(engine, {(DEALS_FILE, 2): (None, f"expected 10 fields, found {fields}")})
    assert keys(engine, "opportunities", "opportunity_id", "account_id") == {("O1", "A1")}
