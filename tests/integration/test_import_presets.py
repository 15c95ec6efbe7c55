"""Each CRM preset's sample export imports end to end, on both databases."""
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.data.schema import CRM_TABLES
from etl.runner import run_import
from tests.integration.import_helpers import rejections

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "presets"


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(CRM_TABLES[table])).scalar()


# The Salesforce sample has one lead with source "Other", which the contract has no
# word for: it is rejected with its reason rather than guessed into a category.
EXPECTED_REJECTIONS = {"salesforce": {("Lead.csv", 6, "source")}, "hubspot": set(), "pipedrive": set()}


@pytest.mark.parametrize("preset", ["salesforce", "hubspot", "pipedrive"])
def test_sample_export_loads_with_only_the_expected_rejections(engine, preset):
    run_import(engine, FIXTURES / preset, preset=preset, actor="test")
    found = {(r["file_name"], r["line"], r["column_name"]) for r in rejections(engine)}
    assert found == EXPECTED_REJECTIONS[preset]
    for table in ("territories", "reps", "accounts", "opportunities"):
        assert count(engine, table) > 0, table
    again = run_import(engine, FIXTURES / preset, preset=preset, actor="test")
    assert again.changed == 0                      # re-importing a CRM export is a no-op too


def test_salesforce_tasks_and_events_load_as_separate_files(engine):
    """Task and Event both become activities; each keeps its own file name and line numbers."""
    report = run_import(engine, FIXTURES / "salesforce", preset="salesforce", actor="test")
    parts = [(f.table, f.file_name, f.read) for f in report.files if f.table == "activities"]
    assert sorted(parts) == [("activities", "Event.csv", 2), ("activities", "Task.csv", 5)]
    assert count(engine, "activities") == 7
    with engine.connect() as conn:
        ids = set(conn.execute(sa.text("SELECT activity_id FROM activities")).scalars())
    # Salesforce ids are keyed in their 18-character form.
    assert "00T5g00000Kp9QaEAJ" in ids and "00U5g00000Bc12DEAR" in ids
