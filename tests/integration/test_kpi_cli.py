"""`python -m app kpi …`: formats, errors, and --as-user scoping, on both databases."""
import csv
import io
import json

import pytest

from app.auth import users
from app.cli import main
from tests.builders import Builder

ARGS = ["kpi", "revenue", "won_deals", "win_rate", "--from", "2025-01-01", "--to", "2025-03-31"]


@pytest.fixture
def db(db_url, engine):
    with engine.begin() as conn:
        b = Builder(conn)
        b.territory("T1", region="Poland", country="POL")
        b.rep("R1", team="East", territory_id="T1")
        b.rep("R2", team="East", territory_id="T1")
        b.account("A1", "T1", "R1")
        b.deal("O1", "A1", "R1", "won", 100, "2025-01-01 00:00", closed_at="2025-01-10 00:00")
        b.deal("O2", "A1", "R2", "won", 300, "2025-01-01 00:00", closed_at="2025-02-10 00:00")
        b.deal("O3", "A1", "R2", "lost", 50, "2025-01-01 00:00", closed_at="2025-02-11 00:00")
        users.create_user(conn, "anna", "rep", "anna password 1", rep_id="R1")
    return db_url


def run(db_url, capsys, *args):
    status = main(["--database-url", db_url, *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_json_has_the_api_shape(db, capsys):
    status, out, _ = run(db, capsys, *ARGS, "--format", "json")
    # 2 won (100 + 300) of 3 closed.
    assert status == 0
    assert json.loads(out) == {"from": "2025-01-01", "to": "2025-03-31",
                               "values": {"revenue": 400.0, "won_deals": 2, "win_rate": 2 / 3}}


def test_csv_breakdown_and_table_output(db, capsys):
    _, out, _ = run(db, capsys, *ARGS, "--by", "rep", "--format", "csv")
    assert list(csv.reader(io.StringIO(out))) == [
        ["rep", "revenue", "won_deals", "win_rate"], ["R1", "100.0", "1", "1.0"], ["R2", "300.0", "1", "0.5"]]
    _, out, _ = run(db, capsys, *ARGS)
    assert "66.7 %" in out and "400.00" in out


def test_as_user_applies_that_users_scope(db, capsys):
    _, out, _ = run(db, capsys, *ARGS, "--as-user", "anna", "--format", "json")
    assert json.loads(out)["values"] == {"revenue": 100.0, "won_deals": 1, "win_rate": 1.0}
    _, out, _ = run(db, capsys, *ARGS, "--as-user", "anna", "--filter", "rep=R2", "--format", "json")
    assert json.loads(out)["values"] == {"revenue": 0.0, "won_deals": 0, "win_rate": None}


@pytest.mark.parametrize("args, message", [
    (["kpi", "revenu", "--from", "2025-01-01", "--to", "2025-01-31"], "unknown KPI id 'revenu'; valid ids:"),
    (ARGS + ["--by", "colour"], "unknown dimension 'colour'; dimensions are: territory, region"),
    (ARGS + ["--filter", "colour=red"], "unknown filter 'colour'; filters are: territory"),
    (ARGS + ["--filter", "rep"], "filter must look like KEY=VALUE"),
    (ARGS + ["--as-user", "ghost"], "no user named 'ghost'"),
    (["kpi", "revenue"], "give KPI ids, --from and --to"),
])
def test_bad_questions_exit_2_with_the_valid_choices(db, capsys, args, message):
    status, _, err = run(db, capsys, *args)
    assert status == 2 and message in err and "Traceback" not in err


def test_list_shows_every_kpi(db, capsys):
    from app.kpi.registry import KPIS
    _, out, _ = run(db, capsys, "kpi", "--list")
    assert len(out.strip().splitlines()) == len(KPIS)
