"""Upsert rules that real CRM exports lean on: new managers, partial files, defaults."""
import sqlalchemy as sa

from app.data.schema import reps
from etl.runner import run_import
from tests.integration.import_helpers import BASE, counts, write_export


def rep_rows(engine):
    with engine.connect() as conn:
        return {r.rep_id: r for r in conn.execute(sa.select(reps))}


def test_an_existing_rep_can_move_under_a_manager_new_in_the_same_file(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "v1"))
    # R4 is new and listed after R2, who now reports to R4: the insert must come first.
    newer = BASE["reps"].replace("R2,Ben Rep,Alpha,R1,T1,true", "R2,Ben Rep,Alpha,R4,T1,true") \
        + "R4,Dana Lead,Alpha,R1,T1,true\n"
    report = run_import(engine, write_export(tmp_path / "v2", reps=newer))
    assert counts(report)["reps"] == (1, 1, 2, 0)   # inserted, updated, unchanged, rejected
    assert rep_rows(engine)["R2"].manager_rep_id == "R4"


def test_reps_listed_before_their_manager_load_on_a_fresh_database(engine, tmp_path):
    ordered = "rep_id,name,team,manager_rep_id,territory_id\nR2,Ben,Alpha,R1,T1\nR3,Cleo,Beta,R1,T2\n" \
              "R1,Anna,Alpha,,T1\n"
    report = run_import(engine, write_export(tmp_path / "e", reps=ordered))
    assert counts(report)["reps"] == (3, 0, 0, 0)


def test_a_column_left_out_of_a_later_file_keeps_its_stored_values(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "v1"))
    # The newer reps file has no `active` and no `manager_rep_id` column, and renames R3.
    slim = "rep_id,name,team,territory_id\nR1,Anna Lead,Alpha,T1\nR2,Ben Rep,Alpha,T1\nR3,Cleo Ray,Beta,T2\n"
    report = run_import(engine, write_export(tmp_path / "v2", reps=slim))
    assert counts(report)["reps"] == (0, 1, 2, 0)
    rows = rep_rows(engine)
    assert rows["R3"].name == "Cleo Ray"
    assert {r: rows[r].manager_rep_id for r in rows} == {"R1": None, "R2": "R1", "R3": "R1"}


def test_active_defaults_to_true_when_empty_or_missing(engine, tmp_path):
    text = "rep_id,name,team,territory_id,active\nR1,Anna,Alpha,T1,\nR2,Ben,Alpha,T1,false\nR3,Cleo,Beta,T2,\n"
    run_import(engine, write_export(tmp_path / "e", reps=text))
    assert {r: row.active for r, row in rep_rows(engine).items()} == {"R1": True, "R2": False, "R3": True}
    # A later file without the column: new reps are active, R2 stays inactive.
    slim = "rep_id,name,team,territory_id\nR2,Ben,Alpha,T1\nR4,Dana,Alpha,T1\n"
    run_import(engine, write_export(tmp_path / "v2", reps=slim))
    assert {r: row.active for r, row in rep_rows(engine).items()} == \
        {"R1": True, "R2": False, "R3": True, "R4": True}
