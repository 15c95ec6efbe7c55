"""What an import leaves behind besides data: the run history, per-file records and hashes,
the daily open-pipeline snapshot, and a dry run that counts like a real one and writes nothing."""
import hashlib
from datetime import date

import sqlalchemy as sa

from app.cli import main
from app.data.system_schema import pipeline_snapshots
from etl.runner import run_import
from tests.integration.import_helpers import (BASE, contents, counts, everything, files_of,
                                              rejections, runs, version, write_export)

# The base deals plus one that is rejected (negative amount).
DEALS = BASE["opportunities"] + "X1,A1,R2,2025-02-01T10:00:00Z,Proposal,open,-1,,,\n"
BASE_COUNTS = {"territories": (2, 0, 0, 0), "reps": (3, 0, 0, 0), "products": (2, 0, 0, 0),
               "accounts": (2, 0, 0, 0), "opportunities": (4, 0, 0, 1),
               "opportunity_lines": (4, 0, 0, 0)}


def test_dry_run_counts_like_a_real_run_and_writes_no_data(db_url, engine, tmp_path, capsys):
    folder = write_export(tmp_path / "e", opportunities=DEALS)
    empty = everything(engine)
    assert main(["--database-url", db_url, "import", str(folder), "--dry-run", "--no-progress"]) == 0
    assert capsys.readouterr().out.startswith("dry run (nothing was written) #1: partial")
    assert everything(engine) == empty
    assert rejections(engine) == [] and contents(engine, "pipeline_snapshots") == []
    assert version(engine) == 0
    (dry,) = runs(engine)
    assert (dry["dry_run"], dry["status"], dry["rows_read"], dry["rows_rejected"]) == (True, "partial", 18, 1)
    # Each later file found the rows of the earlier ones (a rep's territory, a deal's account).
    dry_files = files_of(engine, dry["run_id"])
    assert {t: (f["inserted"], f["updated"], f["unchanged"], f["rejected"])
            for t, f in dry_files.items()} == BASE_COUNTS

    real = run_import(engine, folder)
    assert counts(real) == BASE_COUNTS
    assert not runs(engine)[-1]["dry_run"]


def test_dry_run_of_a_newer_export_reports_the_changes_without_making_them(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "v1"))
    loaded, v1 = everything(engine), version(engine)
    deals = BASE["opportunities"].replace(",won,2500.5,", ",won,2600,") + \
        "O5,A2,R3,2025-02-05T10:00:00Z,Prospecting,open,700,,,\n"
    report = run_import(engine, write_export(tmp_path / "v2", opportunities=deals), dry_run=True)
    assert counts(report)["opportunities"] == (1, 1, 3, 0)   # O5 new, O2 changed
    assert everything(engine) == loaded and version(engine) == v1
    assert runs(engine)[-1]["dry_run"] is True


def test_a_run_records_who_what_hashes_counts_status_and_duration(engine, tmp_path):
    folder = write_export(tmp_path / "e", opportunities=DEALS)
    report = run_import(engine, folder, actor="jane", today=date(2025, 3, 10))
    (run,) = runs(engine)
    assert (run["actor"], run["source"], run["dry_run"]) == ("jane", str(folder), False)
    assert run["status"] == "partial"   # one row rejected, the rest loaded
    # 2 + 3 + 2 + 2 + 5 + 4 rows read; the negative amount is the one rejection.
    assert (run["rows_read"], run["rows_rejected"]) == (18, 1)
    assert run["duration_seconds"] > 0 and run["duration_seconds"] == report.duration
    assert run["finished_at"] >= run["started_at"]
    assert run["data_version"] == version(engine) == 1

    files = files_of(engine, run["run_id"])
    assert set(files) == set(BASE_COUNTS)
    for table, record in files.items():
        path = folder / f"{table}.csv"
        assert record["file_name"] == path.name
        assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (record["inserted"], record["updated"], record["unchanged"], record["rejected"]) \
            == BASE_COUNTS[table]
        assert record["status"] == ("partial" if table == "opportunities" else "loaded")
    assert files["opportunities"]["rows_read"] == 5


def snapshot(engine) -> list[tuple]:
    s = pipeline_snapshots.c
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(
            s.snapshot_date, s.opportunity_id, s.run_id, s.owner_rep_id, s.stage, s.amount,
            s.expected_close_date).order_by(s.snapshot_date, s.opportunity_id))]


def test_the_open_pipeline_is_snapshotted_once_per_day(engine, tmp_path):
    day1, day2 = date(2025, 3, 10), date(2025, 3, 11)
    first = run_import(engine, write_export(tmp_path / "v1"), today=day1)
    # Only O1 and O3 are open in the base export; O2 is won and O4 lost.
    assert first.snapshot_rows == 2
    assert snapshot(engine) == [
        (day1, "O1", first.run_id, "R2", "Proposal", 1000, date(2025, 4, 30)),
        (day1, "O3", first.run_id, "R3", "Negotiation", 4000, date(2025, 5, 15)),
    ]

    # Later that day: O1 advanced and grew, O3 was won. The day's snapshot is replaced.
    deals = BASE["opportunities"] \
        .replace("Proposal,open,1000,2025-04-30,,", "Negotiation,open,1200,2025-04-30,,") \
        .replace("Negotiation,open,4000,2025-05-15,,", "Closed Won,won,4000,2025-05-15,2025-03-10T09:00:00Z,")
    second = run_import(engine, write_export(tmp_path / "v2", opportunities=deals), today=day1)
    day1_rows = [(day1, "O1", second.run_id, "R2", "Negotiation", 1200, date(2025, 4, 30))]
    assert snapshot(engine) == day1_rows

    # The next day adds a snapshot of its own and keeps the earlier one.
    third = run_import(engine, tmp_path / "v2", today=day2)
    assert snapshot(engine) == day1_rows + [
        (day2, "O1", third.run_id, "R2", "Negotiation", 1200, date(2025, 4, 30))]
