"""Input that cannot be used at all: exit status 2, one line saying why, nothing written.

The refusal happens while planning, before any data is touched; the run history
records the attempt as "refused" with its reason. Unknown files and columns are
only warnings.
"""
import pytest

from app.cli import main
from app.data.engine import make_engine
from etl.runner import run_import
from tests.integration.import_helpers import BASE, everything, keys, runs, version, write_export

CYRILLIC_ACCOUNTS = """\
account_id,name,territory_id,owner_rep_id,created_at
A1,ООО Ромашка,T1,R2,2025-01-10T09:00:00Z
A2,Торговый дом Север,T2,R3,2025-01-11T09:00:00Z
"""


def cli(db_url, path, *options) -> int:
    return main(["--database-url", db_url, "import", str(path), "--no-progress", *options])


def _txt(tmp):
    (tmp / "export.txt").write_text(BASE["opportunities"])
    return tmp / "export.txt"


def _cp1251(tmp):
    folder = write_export(tmp / "e")
    (folder / "accounts.csv").write_bytes(CYRILLIC_ACCOUNTS.encode("cp1251"))
    return folder


def _binary(tmp):
    folder = write_export(tmp / "e")
    (folder / "opportunities.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    return folder


def _no_amount(tmp):
    header, *rows = BASE["opportunities"].splitlines()
    cut = lambda line: ",".join(v for i, v in enumerate(line.split(",")) if i != 6)  # noqa: E731
    return write_export(tmp / "e", opportunities="\n".join(cut(r) for r in [header, *rows]) + "\n")


def _bad_zip(tmp):
    (tmp / "export.zip").write_bytes(b"PK\x03\x04 truncated")
    return tmp / "export.zip"


UNUSABLE = {
    "plain .txt file": (_txt, "export.txt is not a folder, a .zip of CSV files or an .xlsx workbook"),
    "missing path": (lambda tmp: tmp / "nowhere", "nowhere does not exist"),
    "required table missing": (lambda tmp: write_export(tmp / "e", accounts=None),
                               "required table accounts is missing: add accounts.csv"),
    "cp1251 bytes": (_cp1251, "accounts.csv is not UTF-8 text"),
    "binary file named .csv": (_binary, "opportunities.csv is not a CSV text file (it contains binary data)"),
    "required column missing": (_no_amount, "opportunities.csv: required column amount is missing"),
    "no contract file": (lambda tmp: write_export(tmp / "e", base={}, notes="a,b\n1,2\n"),
                         "holds no file named after a contract table"),
    "damaged zip": (_bad_zip, "export.zip is not a readable .zip archive"),
}


@pytest.fixture(scope="module")
def untouched(module_db_url):
    """One database for every refusal: each case checks it is still empty, so none can hide."""
    engine = make_engine(module_db_url)
    yield module_db_url, engine
    engine.dispose()


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_input_exits_2_with_one_line_and_writes_nothing(untouched, tmp_path, capsys, case):
    db_url, engine = untouched
    build, reason = UNUSABLE[case]
    path = build(tmp_path)
    before, history = everything(engine), len(runs(engine))
    assert cli(db_url, path) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert reason in err
    assert everything(engine) == before and version(engine) == 0
    # The refusal is in the run history with its reason, and is the only trace it leaves.
    after = runs(engine)
    assert len(after) == history + 1
    assert after[-1]["status"] == "refused" and reason in after[-1]["message"]


def test_cp1251_file_loads_with_the_encoding_given(db_url, engine, tmp_path, capsys):
    folder = _cp1251(tmp_path)
    assert cli(db_url, folder) == 2
    assert "pass --encoding cp1251" in capsys.readouterr().err   # the hint names the fix
    assert cli(db_url, folder, "--encoding", "cp1251") == 0
    assert keys(engine, "accounts", "name") == {"ООО Ромашка", "Торговый дом Север"}


def test_required_tables_may_be_missing_when_the_database_has_them(db_url, engine, tmp_path):
    run_import(engine, write_export(tmp_path / "full"))
    deals = BASE["opportunities"].replace("O1,A1,R2,2025-02-01T10:00:00Z,Proposal,open,1000,",
                                          "O1,A1,R2,2025-02-01T10:00:00Z,Proposal,open,1100,")
    assert cli(db_url, write_export(tmp_path / "deals", base={}, opportunities=deals)) == 0
    assert ("O1", 1100) in keys(engine, "opportunities", "opportunity_id", "amount")


def test_unknown_preset_is_refused_and_the_valid_ones_are_listed(db_url, engine, tmp_path, capsys):
    assert cli(db_url, write_export(tmp_path / "e"), "--preset", "nosuchcrm") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "nosuchcrm" in err and "salesforce" in err
    assert [r["status"] for r in runs(engine)] == ["refused"]
    assert keys(engine, "opportunities", "opportunity_id") == set()


def test_unknown_files_and_columns_are_warnings_and_the_rest_loads(db_url, engine, tmp_path, capsys):
    deals = BASE["opportunities"].replace("probability\n", "probability,Colour\n", 1)
    deals = "\n".join(line + ",red" if i else line for i, line in enumerate(deals.splitlines())) + "\n"
    folder = write_export(tmp_path / "e", opportunities=deals, forecasts_old="x\n1\n")
    (folder / "notes.txt").write_text("exported by Jane")
    (folder / ".DS_Store").write_bytes(b"\x00\x00")
    assert cli(db_url, folder) == 0
    out = capsys.readouterr().out
    warnings = out[out.index("warnings:"):].splitlines()[1:]
    assert [w.strip() for w in warnings] == [
        "notes.txt: not a CSV file, ignored",
        "forecasts_old.csv: not a contract table, ignored",
        "opportunities.csv: unknown columns ignored: colour",
    ]
    assert keys(engine, "opportunities", "opportunity_id") == {"O1", "O2", "O3", "O4"}
