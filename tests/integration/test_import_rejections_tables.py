"""Rejections outside the deal file: value types, ISO codes, quota months, and chains of
rejections that follow foreign keys (a rejected row takes the rows pointing at it along)."""
from datetime import date

from etl.runner import run_import
from tests.integration.import_helpers import (BASE, assert_rejected, counts, keys, raw_of,
                                              rejections, write_export)

TERRITORIES = """\
territory_id,name,region,country
T1,North,EMEA,POL
T2,South,EMEA,DEU
T3,Nowhere,EMEA,PL
"""
REPS = """\
rep_id,name,team,manager_rep_id,territory_id,active,hire_date
R1,Anna Lead,Alpha,,T1,true,2020-01-01
R2,Ben Rep,Alpha,R1,T1,1,
R3,Cleo Rep,Beta,R1,T2,yes,2021-06-30
R4,Dan Rep,Beta,,T1,maybe,
R5,Eve Rep,Beta,,T1,no,01/02/2020
"""
ACCOUNTS = """\
account_id,name,territory_id,owner_rep_id,employees,country,created_at
A1,Acme,T1,R2,120,POL,2025-01-10T09:00:00Z
A2,Globex,T2,R3,45,DEU,2025-01-11T09:00:00Z
A3,Initech,T1,R2,ten,POL,2025-01-12T09:00:00Z
A4,Umbrella,T1,R2,12.5,POL,2025-01-12T09:00:00Z
A5,Hooli,T3,R2,10,POL,2025-01-12T09:00:00Z
A6,Vandelay,T1,R2,10,XXX,2025-01-12T09:00:00Z
"""
DEALS = BASE["opportunities"] + """\
O5,A5,R2,2025-02-05T10:00:00Z,Proposal,open,500,,,
"""
QUOTAS = """\
rep_id,month,amount
R1,2025-03-01,10000
R2,2025-03-15,8000
R2,2025-04-01,8000
"""


def test_bad_values_in_other_tables_are_rejected_and_the_rest_loads(engine, tmp_path):
    report = run_import(engine, write_export(
        tmp_path / "e", territories=TERRITORIES, reps=REPS, accounts=ACCOUNTS,
        opportunities=DEALS, quotas=QUOTAS))
    found = assert_rejected(engine, {
        ("territories.csv", 4): ("country", "country must be an ISO 3166-1 alpha-3 code"),
        ("reps.csv", 5): ("active", "active must be true/false, 1/0 or yes/no, got 'maybe'"),
        # Day/month order is ambiguous without a preset, so 01/02/2020 is refused.
        ("reps.csv", 6): ("hire_date", "hire_date must be an ISO date (YYYY-MM-DD), got '01/02/2020'"),
        ("accounts.csv", 4): ("employees", "employees must be a whole number, got 'ten'"),
        ("accounts.csv", 5): ("employees", "employees must be a whole number, got '12.5'"),
        # Chain: T3 was rejected, so A5 points nowhere, and so does deal O5 on A5.
        ("accounts.csv", 6): ("territory_id", "territory_id not found in territories: 'T3'"),
        ("accounts.csv", 7): ("country", "country must be an ISO 3166-1 alpha-3 code such as POL; got 'XXX'"),
        ("opportunities.csv", 6): ("account_id", "account_id not found in accounts: 'A5'"),
        ("quotas.csv", 3): ("month", "month must be the first day of a month (e.g. 2025-03-01); got 2025-03-15"),
    })
    assert keys(engine, "territories", "territory_id") == {"T1", "T2"}
    assert keys(engine, "reps", "rep_id") == {"R1", "R2", "R3"}
    assert keys(engine, "accounts", "account_id") == {"A1", "A2"}
    assert keys(engine, "opportunities", "opportunity_id") == {"O1", "O2", "O3", "O4"}
    assert keys(engine, "quotas", "rep_id", "month") == {
        ("R1", date(2025, 3, 1)), ("R2", date(2025, 4, 1))}
    # Booleans: "true", "1" and "yes" all read as true.
    assert keys(engine, "reps", "active") == {True}
    assert raw_of(found, "territories.csv", 4) == {
        "territory_id": "T3", "name": "Nowhere", "region": "EMEA", "country": "PL"}
    assert counts(report)["accounts"] == (2, 0, 0, 4)


def test_a_rejected_manager_takes_every_report_below_along(engine, tmp_path):
    reps = """\
rep_id,name,team,manager_rep_id,territory_id
R1,Anna Lead,,,T1
R2,Ben Rep,Alpha,R1,T1
R3,Cleo Rep,Beta,R2,T2
R4,Dan Boss,Beta,,T2
R5,Eve Rep,Beta,R4,T2
R6,Fay Rep,Beta,R9,T2
"""
    accounts = """\
account_id,name,territory_id,owner_rep_id,created_at
A1,Acme,T1,R3,2025-01-10T09:00:00Z
A2,Globex,T2,R5,2025-01-11T09:00:00Z
"""
    deals = """\
opportunity_id,account_id,owner_rep_id,created_at,stage,status,amount
O1,A1,R5,2025-02-01T10:00:00Z,Proposal,open,1000
O2,A2,R5,2025-02-01T10:00:00Z,Proposal,open,2000
O3,A2,R2,2025-02-01T10:00:00Z,Proposal,open,3000
"""
    run_import(engine, write_export(tmp_path / "e", reps=reps, accounts=accounts,
                                    opportunities=deals, opportunity_lines=None))
    assert_rejected(engine, {
        ("reps.csv", 2): ("team", "team is required"),
        # R2 reports to R1, R3 to R2: both go, transitively.
        ("reps.csv", 3): ("manager_rep_id", "manager_rep_id refers to a rejected row: 'R1'"),
        ("reps.csv", 4): ("manager_rep_id", "manager_rep_id refers to a rejected row: 'R2'"),
        ("reps.csv", 7): ("manager_rep_id", "manager_rep_id not found in reps: 'R9'"),
        # Then the chain crosses files: A1 is owned by R3, O1 sits on A1, O3 is owned by R2.
        ("accounts.csv", 2): ("owner_rep_id", "owner_rep_id not found in reps: 'R3'"),
        ("opportunities.csv", 2): ("account_id", "account_id not found in accounts: 'A1'"),
        ("opportunities.csv", 4): ("owner_rep_id", "owner_rep_id not found in reps: 'R2'"),
    })
    assert keys(engine, "reps", "rep_id") == {"R4", "R5"}
    assert keys(engine, "accounts", "account_id") == {"A2"}
    assert keys(engine, "opportunities", "opportunity_id") == {"O2"}


def test_references_may_point_at_rows_already_in_the_database(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "first"))
    # A later export of deals alone: A1/R2 come from the database, A7 exists nowhere.
    deals = BASE["opportunities"].splitlines()[0] + "\n" \
        "O9,A1,R2,2025-02-09T10:00:00Z,Proposal,open,900,,,\n" \
        "O10,A7,R2,2025-02-09T10:00:00Z,Proposal,open,900,,,\n"
    write_export(tmp_path / "second", base={}, opportunities=deals)
    run_import(engine, tmp_path / "second")
    assert_rejected(engine, {("opportunities.csv", 3): ("account_id", "not found in accounts: 'A7'")})
    assert keys(engine, "opportunities", "opportunity_id") == {"O1", "O2", "O3", "O4", "O9"}


def test_a_rep_may_come_before_their_manager_in_the_file(engine, tmp_path):
    # CRMs export in id or name order, not manager-first; the file is valid as a whole.
    reps = "rep_id,name,team,manager_rep_id,territory_id\n" \
           "R2,Ben Rep,Alpha,R3,T1\nR3,Cleo Rep,Beta,R1,T2\nR1,Anna Lead,Alpha,,T1\n"
    run_import(engine, write_export(tmp_path / "e", reps=reps))
    assert rejections(engine) == []
    assert keys(engine, "reps", "rep_id", "manager_rep_id") == {("R1", None), ("R2", "R3"), ("R3", "R1")}


def test_duplicate_keys_keep_the_first_row(engine, tmp_path):
    accounts = BASE["accounts"] + "A1,Acme Again,T2,R3,1,DEU,2025-01-01T00:00:00Z\n"
    run_import(engine, write_export(tmp_path / "e", accounts=accounts))
    assert_rejected(engine, {("accounts.csv", 4): ("account_id", "duplicate account_id (first on line 2)")})
    assert keys(engine, "accounts", "account_id", "name") == {("A1", "Acme"), ("A2", "Globex")}
