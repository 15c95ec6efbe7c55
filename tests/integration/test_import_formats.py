"""How files are read: time zones, BOMs, delimiters, header spelling, .zip and .xlsx sources."""
import csv
import io
import zipfile
from datetime import datetime

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.data.schema import CRM_TABLES
from app.data.settings import save_setting
from etl.contract import LOAD_ORDER
from etl.runner import run_import
from tests.integration.import_helpers import BASE, everything, keys, rejections, write_export

ACCOUNT_HEADER = "account_id,name,territory_id,owner_rep_id,created_at\n"


def created_at(engine) -> dict[str, datetime]:
    return dict(keys(engine, "accounts", "account_id", "created_at"))


def test_a_timestamp_with_an_offset_is_stored_as_utc(engine, tmp_path):
    accounts = ACCOUNT_HEADER + "A1,Acme,T1,R2,2025-03-04T23:30:00-02:00\n" \
                                "A2,Globex,T2,R3,2025-03-04T10:15:00+01:00\n"
    run_import(engine, write_export(tmp_path / "e", accounts=accounts))
    # 23:30 at UTC−2 is 01:30 UTC the next day; 10:15 at UTC+1 is 09:15 UTC.
    assert created_at(engine) == {"A1": datetime(2025, 3, 5, 1, 30), "A2": datetime(2025, 3, 4, 9, 15)}


def test_a_timestamp_without_offset_is_read_in_the_org_time_zone(engine, tmp_path):
    with engine.begin() as conn:
        save_setting(conn, "org_timezone", "Europe/Warsaw", "test")
    accounts = ACCOUNT_HEADER + "A1,Acme,T1,R2,2025-03-04 10:15:00\n" \
                                "A2,Globex,T2,R3,2025-07-01T12:00:00\n" \
                                "A3,Initech,T1,R2,2025-07-01T12:00:00Z\n"
    run_import(engine, write_export(tmp_path / "e", accounts=accounts))
    assert rejections(engine) == []
    # Warsaw is UTC+1 in March (CET) and UTC+2 in July (CEST); an explicit Z stays as given.
    assert created_at(engine) == {"A1": datetime(2025, 3, 4, 9, 15), "A2": datetime(2025, 7, 1, 10, 0),
                                  "A3": datetime(2025, 7, 1, 12, 0)}


def test_without_the_setting_a_timestamp_without_offset_is_utc(engine, tmp_path):
    accounts = ACCOUNT_HEADER + "A1,Acme,T1,R2,2025-03-04 10:15:00\n" \
                                "A2,Globex,T2,R3,2025-07-01T12:00:00\n"
    run_import(engine, write_export(tmp_path / "e", accounts=accounts))
    assert created_at(engine) == {"A1": datetime(2025, 3, 4, 10, 15), "A2": datetime(2025, 7, 1, 12, 0)}


def test_bom_semicolons_crlf_and_loose_header_spelling_are_read(engine, tmp_path):
    folder = write_export(tmp_path / "e", accounts=None)
    # Excel's "CSV UTF-8" on a European locale: BOM, ";" and CRLF; headers as someone typed them.
    text = (" Account_ID ;NAME;Territory_Id; OWNER_REP_ID ;Created_At\r\n"
            "A1;Acme, Inc.;T1;R2;2025-01-10T09:00:00Z\r\n"
            "A2;Globex;T2;R3;2025-01-11T09:00:00Z\r\n")
    (folder / "Accounts.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = run_import(engine, folder)
    assert rejections(engine) == []
    assert report.warnings == []   # every column matched a contract column
    assert keys(engine, "accounts", "account_id", "name", "territory_id", "owner_rep_id") == {
        ("A1", "Acme, Inc.", "T1", "R2"), ("A2", "Globex", "T2", "R3")}
    # The deals that point at A1/A2 load too, so the accounts file really was the accounts table.
    assert keys(engine, "opportunities", "opportunity_id") == {"O1", "O2", "O3", "O4"}


def _wipe(engine) -> None:
    with engine.begin() as conn:
        for table in reversed(LOAD_ORDER):
            if table != "stages":   # seeded by the migration, untouched by the export
                conn.execute(sa.delete(CRM_TABLES[table]))


def _zip(folder, target):
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"crm-export/{path.name}")
        # macOS adds resource forks; they are not CSVs and must not trip the reader.
        archive.writestr("__MACOSX/crm-export/._accounts.csv", b"\x00\x05\x16\x07binary")
    return target


def _cell(text: str):
    """Text as a person's spreadsheet would hold it: numbers, datetimes, booleans, text."""
    if text == "":
        return None
    if text == "true":
        return True
    if text.endswith("Z"):
        return datetime.fromisoformat(text[:-1])   # Excel has no zones; the org zone is UTC
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def _xlsx(target):
    book = Workbook()
    book.remove(book.active)
    for table, text in BASE.items():
        sheet = book.create_sheet(table)
        header, *rows = csv.reader(io.StringIO(text))
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    book.save(target)
    return target


@pytest.mark.parametrize("kind", ["zip", "xlsx"])
def test_zip_and_workbook_load_the_same_rows_as_the_folder(engine, tmp_path, kind):
    folder = write_export(tmp_path / "folder")
    run_import(engine, folder)
    from_folder = everything(engine, drop_surrogates=True)
    assert len(from_folder["opportunity_lines"]) == 4   # the base export loaded whole
    _wipe(engine)
    source = _zip(folder, tmp_path / "export.zip") if kind == "zip" else _xlsx(tmp_path / "export.xlsx")
    report = run_import(engine, source)
    assert rejections(engine) == []
    assert report.warnings == []
    assert everything(engine, drop_surrogates=True) == from_folder
