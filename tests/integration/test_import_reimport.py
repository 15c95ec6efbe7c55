"""Re-importing an export is a no-op; a newer export changes exactly what changed in it."""
import sqlalchemy as sa

from app.data.schema import opportunity_lines
from etl.runner import run_import
from tests.integration.import_helpers import (BASE, contents, counts, everything, files_of,
                                              version, write_export)

# Tables with composite, date and NULL-able keys, and a second child set, on top of the base.
MORE = {
    "quotas": "rep_id,month,amount\nR2,2025-03-01,8000\nR3,2025-03-01,9000\n",
    "marketing_spend": "month,channel,territory_id,amount\n"
                       "2025-03-01,paid_search,,1500\n2025-03-01,paid_search,T1,500\n",
    "stage_history": "opportunity_id,stage,entered_at\nO1,Prospecting,2025-02-01T10:00:00Z\n"
                     "O1,Proposal,2025-02-10T10:00:00+01:00\nO2,Closed Won,2025-03-01T12:00:00Z\n",
}
FULL = {**BASE, **MORE}
ROWS = {"territories": 2, "reps": 3, "products": 2, "accounts": 2, "opportunities": 4,
        "opportunity_lines": 4, "stage_history": 3, "quotas": 2, "marketing_spend": 2}


def test_reimporting_the_same_export_changes_nothing(engine, tmp_path):
    folder = write_export(tmp_path / "e", base=FULL)
    first = run_import(engine, folder)
    assert counts(first) == {t: (n, 0, 0, 0) for t, n in ROWS.items()}
    loaded, v1 = everything(engine), version(engine)

    again = run_import(engine, folder)
    # Every row found as it is stored, including a spend row whose territory is NULL.
    assert counts(again) == {t: (0, 0, n, 0) for t, n in ROWS.items()}
    assert {t: (f["inserted"], f["updated"]) for t, f in files_of(engine, again.run_id).items()} \
        == {t: (0, 0) for t in ROWS}
    assert again.status == "succeeded"
    assert version(engine) == v1 == first.data_version == again.data_version
    assert everything(engine) == loaded   # surrogate ids included: nothing was rewritten


def _lines(engine) -> dict[str, list[tuple]]:
    """Deal → its line rows, surrogate line_id first."""
    by_deal: dict[str, list[tuple]] = {}
    for row in contents(engine, "opportunity_lines"):
        by_deal.setdefault(row[1], []).append(row)
    return by_deal


def test_a_newer_export_updates_one_deal_inserts_one_and_replaces_one_line_set(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "v1"))
    lines_before, deals_before, v1 = _lines(engine), contents(engine, "opportunities"), version(engine)

    deals = BASE["opportunities"].replace(",won,2500.5,", ",won,2600,") + \
        "O5,A2,R3,2025-02-05T10:00:00Z,Prospecting,open,700,,,\n"
    lines = BASE["opportunity_lines"].replace("O2,P2,8,250,0", "O2,P2,9,250,0") + "O5,P1,7,100,0\n"
    report = run_import(engine, write_export(tmp_path / "v2", opportunities=deals, opportunity_lines=lines))

    # O2 updated, O5 inserted, O1/O3/O4 as they were.
    assert counts(report)["opportunities"] == (1, 1, 3, 0)
    # O2's set of 2 lines is rewritten (counted as updated), O5's 1 line is new, O1's and O3's stay.
    assert counts(report)["opportunity_lines"] == (1, 2, 2, 0)
    assert all(counts(report)[t] == (0, 0, n, 0) for t, n in
               {"territories": 2, "reps": 3, "products": 2, "accounts": 2}.items())
    assert version(engine) == v1 + 1   # one bump per run, not per file

    deals_after = {d[0]: d for d in contents(engine, "opportunities")}
    assert deals_after["O2"][8] == 2600 and deals_after["O5"][8] == 700
    assert [deals_after[d[0]] for d in deals_before if d[0] != "O2"] == \
        [d for d in deals_before if d[0] != "O2"]

    lines_after = _lines(engine)
    # Untouched sets keep their rows, surrogate ids included.
    assert lines_after["O1"] == lines_before["O1"] and lines_after["O3"] == lines_before["O3"]
    assert sorted(r[2:4] for r in lines_after["O2"]) == [("P1", 5), ("P2", 9)]
    assert [r[2:4] for r in lines_after["O5"]] == [("P1", 7)]


def test_a_line_set_that_differs_only_in_how_often_a_row_repeats_is_replaced(engine, tmp_path):
    # O4 first has P1 twice and P2 once, then P1 once and P2 twice: same rows, same count,
    # different deal. A "does each row exist on the other side" check would call it unchanged.
    first = BASE["opportunity_lines"] + "O4,P1,1,100,0\nO4,P1,1,100,0\nO4,P2,1,250,0\n"
    second = BASE["opportunity_lines"] + "O4,P1,1,100,0\nO4,P2,1,250,0\nO4,P2,1,250,0\n"
    run_import(engine, write_export(tmp_path / "v1", opportunity_lines=first))
    report = run_import(engine, write_export(tmp_path / "v2", opportunity_lines=second))
    assert counts(report)["opportunity_lines"] == (0, 3, 4, 0)
    with engine.connect() as conn:
        products = conn.execute(sa.select(opportunity_lines.c.product_id)
                                .where(opportunity_lines.c.opportunity_id == "O4")).scalars().all()
    assert sorted(products) == ["P1", "P2", "P2"]


def test_a_line_dropped_from_a_deal_is_deleted_and_deals_absent_from_the_file_keep_theirs(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "v1"))
    before = _lines(engine)
    # The newer lines file lists O2 with one line fewer and does not mention O1 or O3 at all.
    lines = "opportunity_id,product_id,quantity,unit_price,discount\nO2,P1,5,100,0.1\n"
    report = run_import(engine, write_export(tmp_path / "v2", opportunity_lines=lines))
    assert counts(report)["opportunity_lines"] == (0, 1, 0, 0)
    after = _lines(engine)
    assert [r[2] for r in after["O2"]] == ["P1"]
    assert after["O1"] == before["O1"] and after["O3"] == before["O3"]
