"""Pure parts of the admin import: which uploaded files are taken, safe names, the rejected-rows
CSV, the progress share and the job's language."""
from __future__ import annotations

import pytest

from app.admin import uploads
from app.admin.imports import rejected_csv
from app.admin.uploads import UploadRefused
from app.catalogues import translations_for
from app.i18n import current_locale, gettext, job_locale
from etl.progress import ImportProgress


@pytest.mark.parametrize("names, taken", [
    (["reps.csv", "Opportunities.CSV", "notes.txt"], ("csv", ["reps.csv", "Opportunities.CSV"], ["notes.txt"])),
    (["crm.zip"], ("zip", ["crm.zip"], [])),
    (["Book.XLSX", "readme.md"], ("xlsx", ["Book.XLSX"], ["readme.md"])),
    (["export/sub/reps.csv"], ("csv", ["reps.csv"], [])),
])
def test_an_upload_is_csv_files_or_one_archive(names, taken):
    assert uploads.sort_files(names) == taken


@pytest.mark.parametrize("names, code", [
    (["a.zip", "b.zip"], "mixed"), (["a.zip", "reps.csv"], "mixed"), (["a.txt"], "nothing"),
    (["reps.csv", "x/REPS.csv"], "duplicate"), ([".."], "bad_name"), (["upload.json"], "bad_name"),
    ([".hidden.csv"], "bad_name"), ([""], "bad_name"),
])
def test_uploads_that_cannot_be_taken(names, code):
    with pytest.raises(UploadRefused) as caught:
        uploads.sort_files(names)
    assert caught.value.code == code


def test_a_name_never_leaves_the_upload_folder():
    assert uploads.safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert uploads.safe_name("C:\\Users\\me\\reps.csv") == "reps.csv"


def test_tokens_are_checked_before_any_path_is_built():
    for token in ("../../etc", "short", None, "a/b" * 20):
        assert uploads.load(token) is None
        with pytest.raises(UploadRefused):
            uploads.upload_dir(token)


def test_data_urls_decode_and_broken_ones_are_refused():
    assert uploads.decode("data:text/csv;base64,YSxiCjEsMgo=") == b"a,b\n1,2\n"
    assert uploads.encoded_size("data:text/csv;base64,YSxiCjEsMgo=") == 8
    for broken in ("no comma", "data:text/csv;base64,@@@@", None):
        with pytest.raises(UploadRefused):
            uploads.decode(broken)


def test_the_rejected_rows_csv_cannot_run_formulas_in_a_spreadsheet():
    rows = [{"file_name": "=cmd.csv", "line": 7, "column_name": "+x", "reason": "@SUM(A1)", "raw": "-1"},
            {"file_name": "reps.csv", "line": 2, "column_name": None, "reason": "expected 3 fields, found 2",
             "raw": '{"fields": ["a", "b"]}'}]
    assert rejected_csv(rows) == ("file,line,column,reason,raw\n"
                                  "'=cmd.csv,7,'+x,'@SUM(A1),'-1\n"
                                  'reps.csv,2,,"expected 3 fields, found 2","{""fields"": [""a"", ""b""]}"\n')


def test_progress_counts_finished_files_and_the_written_part_of_the_current_one():
    # 1 of 4 files done, the second half written: (1 + 0.5) / 4.
    assert ImportProgress(files_total=4, files_done=1, file_rows=200, file_rows_written=100).share == 0.375
    assert ImportProgress(files_total=0).share == 1.0


def test_a_job_translates_in_the_language_recorded_for_it():
    polish = translations_for("pl").gettext("Overview")
    assert polish not in ("", "Overview")
    with job_locale("pl"):
        assert (current_locale(), gettext("Overview")) == ("pl", polish)
    assert (current_locale(), gettext("Overview")) == ("en", "Overview")
