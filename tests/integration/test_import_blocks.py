"""Loading in blocks: a file checked block by block loads exactly as when checked whole; an
error between two blocks of a COPY leaves the table as it was and the connection usable;
stored keys come back whole, a key holding a line break included."""
import pandas as pd
import pytest
import sqlalchemy as sa

from app.data.schema import stages, territories
from etl import contract, load, validate
from etl.parse import ParseOptions
from etl.read import parse_csv
from etl.runner import run_import
from tests.integration.import_helpers import assert_rejected, counts, keys, write_export
from tests.integration.test_import_rejections_deals import DEALS, DEALS_FILE, EXPECTED

TERRITORIES = "territory_id,name,region,country\nT1,North,EMEA,POL\nT2,South,EMEA,DEU\nT3,East,EMEA,CZE\n"


def test_a_file_checked_in_blocks_of_two_rows_loads_as_a_whole_file(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "BLOCK_ROWS", 2)
    report = run_import(engine, write_export(tmp_path / "e", opportunities=DEALS))
    # The same 13 rejections as the whole-file test, e.g. line 15 repeating line 2's O1.
    assert_rejected(engine, {(DEALS_FILE, line): want for line, want in EXPECTED.items()})
    assert keys(engine, "opportunities", "opportunity_id", "amount") == {
        ("O1", 1000), ("O2", 2500.5), ("O3", 4000)}
    assert counts(report)["opportunities"] == (3, 0, 0, 13)


def typed_territories(text: str = TERRITORIES) -> pd.DataFrame:
    known = validate.KnownKeys(lambda table, column: [])
    return validate.validate(contract.spec("territories"), parse_csv("territories.csv", text, ","),
                             ParseOptions(), known).good


def failing_after_one_block():
    yield typed_territories()
    raise RuntimeError("disk full")


@pytest.mark.parametrize("stored", [False, True], ids=["first-load", "upsert"])
def test_an_error_between_blocks_undoes_the_load_and_keeps_the_connection(engine, stored):
    with engine.begin() as conn:
        if stored:
            conn.execute(territories.insert().values(territory_id="T9", name="Old", region="EMEA",
                                                     country="POL"))
    with engine.connect() as conn:
        with pytest.raises(RuntimeError, match="disk full"):
            with conn.begin():
                # 20,000 rows announced: a first load takes the bulk path (indexes rebuilt at the end).
                load.load_table(conn, contract.spec("territories"), failing_after_one_block(),
                                rows=20_000)
        # The connection still answers, and the three copied rows are gone with the transaction.
        assert conn.execute(sa.select(territories.c.territory_id)).scalars().all() == (
            ["T9"] if stored else [])
    with engine.begin() as conn:
        written = load.load_table(conn, contract.spec("territories"), iter([typed_territories()]),
                                  rows=3)
    assert (written.inserted, written.updated) == (3, 0)


def test_stored_keys_come_back_whole(engine):
    with engine.begin() as conn:
        assert load.fetch_keys(conn, "territories", "territory_id").to_pylist() == []
        load.load_table(conn, contract.spec("territories"), typed_territories(), rows=3)
        assert sorted(load.fetch_keys(conn, "territories", "territory_id").to_pylist()) == [
            "T1", "T2", "T3"]
        # A key with a line break cannot be told apart in a line-joined list: read row by row.
        conn.execute(stages.insert().values(stage="Closed\nElsewhere", position=8, probability=0,
                                            category="lost"))
        found = load.fetch_keys(conn, "stages", "stage").to_pylist()
    assert sorted(found) == sorted([s for s, *_ in contract.DEFAULT_STAGES] + ["Closed\nElsewhere"])
