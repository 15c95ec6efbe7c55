"""A crash or Ctrl-C while a file loads leaves that file's table exactly as it was;
files loaded before it in the same run stay committed, and the run is recorded as failed."""
import pytest
import sqlalchemy as sa

from app.cli import main
from app.data.schema import opportunities
from etl import bulk, load
from etl.runner import run_import
from tests.integration.import_helpers import (BASE, contents, everything, files_of, keys, runs,
                                              version, write_export)

# A newer export: an account renamed (an earlier file), a deal changed and one added (the file that fails).
NEWER = {
    "accounts": BASE["accounts"].replace("A1,Acme,", "A1,Acme Corp,"),
    "opportunities": BASE["opportunities"].replace(",won,2500.5,", ",won,2600,")
    + "O5,A2,R3,2025-02-05T10:00:00Z,Prospecting,open,700,,,\n",
}


def fail_after_writing(monkeypatch, exc: BaseException, seen: list) -> None:
    """Let the deals file's writes happen, check they did, then fail before its commit."""
    real_upsert, real_copy = load._upsert, bulk.copy_rows

    def upsert(conn, spec, target, staging, total, present):
        counts = real_upsert(conn, spec, target, staging, total, present)
        if spec.name == "opportunities":
            seen.append(conn.execute(sa.select(opportunities.c.amount)
                                     .where(opportunities.c.opportunity_id == "O5")).scalar())
            raise exc
        return counts

    def copy_rows(conn, table, frame, progress=None):
        real_copy(conn, table, frame, progress)
        if table.name in ("opportunities", "stg_opportunities"):
            seen.append(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())
            raise exc

    if isinstance(exc, KeyboardInterrupt):
        monkeypatch.setattr(bulk, "copy_rows", copy_rows)   # Ctrl-C during the bulk copy
    else:
        monkeypatch.setattr(load, "_upsert", upsert)        # a crash after the upsert statements


@pytest.mark.parametrize("exc, message", [
    (RuntimeError("disk full"), "RuntimeError: disk full"),
    (KeyboardInterrupt(), "interrupted"),
], ids=["crash-after-upsert", "ctrl-c-during-copy"])
def test_a_failing_file_is_rolled_back_and_earlier_files_stay(engine, tmp_path, monkeypatch, exc, message):
    run_import(engine, write_export(tmp_path / "v1"))
    before, v1 = everything(engine), version(engine)
    snapshots = contents(engine, "pipeline_snapshots")
    seen: list = []
    fail_after_writing(monkeypatch, exc, seen)

    with pytest.raises(type(exc)):
        run_import(engine, write_export(tmp_path / "v2", **NEWER))

    # The failing file had written: O5 stored (700) or all 5 deals copied to staging.
    assert seen in ([700], [5])
    after = everything(engine)
    assert after["accounts"] != before["accounts"]            # the earlier file committed
    assert keys(engine, "accounts", "account_id", "name") == {("A1", "Acme Corp"), ("A2", "Globex")}
    for table in ("opportunities", "opportunity_lines"):       # the failing file and those after it
        assert after[table] == before[table]
    assert contents(engine, "pipeline_snapshots") == snapshots
    run = runs(engine)[-1]
    assert (run["status"], run["message"]) == ("failed", message)
    assert run["finished_at"] is not None
    assert set(files_of(engine, run["run_id"])) == {"territories", "reps", "products", "accounts"}
    assert version(engine) == v1 + 1   # the committed account change is new data

    monkeypatch.undo()   # the same export then loads cleanly: nothing was left half-done
    report = run_import(engine, tmp_path / "v2")
    assert report.status == "succeeded"
    assert keys(engine, "opportunities", "opportunity_id") == {"O1", "O2", "O3", "O4", "O5"}


def test_ctrl_c_in_the_cli_exits_130_and_records_the_run_as_interrupted(db_url, engine, tmp_path,
                                                                        monkeypatch, capsys):
    seen: list = []
    fail_after_writing(monkeypatch, KeyboardInterrupt(), seen)
    status = main(["--database-url", db_url, "import", str(write_export(tmp_path / "e")), "--no-progress"])
    assert status == 130
    assert "interrupted" in capsys.readouterr().err
    assert seen == [4]   # the empty table took the 4 deals directly before Ctrl-C
    assert keys(engine, "accounts", "account_id") == {"A1", "A2"}
    assert contents(engine, "opportunities") == [] and contents(engine, "opportunity_lines") == []
    (run,) = runs(engine)
    assert (run["status"], run["message"]) == ("failed", "interrupted")
