"""Read an export (folder of CSVs, a .zip of them, or an .xlsx workbook) into raw text frames.

Every value stays text here; parsing belongs to the validator. A frame's index is
the source line number (header = line 1), so rejections can point at the line a
user sees in their editor.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

DELIMITERS = ",;\t|"


class UnusableInput(Exception):
    """The input cannot be imported at all; the message is one line for the user.
    run_import sets `run_id` to the refused run it recorded in the history."""
    run_id: int | None = None


@dataclass
class SourceFile:
    """One table-sized piece of an export: a CSV file or a workbook sheet, not yet parsed."""
    name: str
    sha256: str
    loader: Callable[[], pd.DataFrame] = field(repr=False)
    header: list[str] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        return self.loader()


def open_source(path: str | Path, encoding: str = "utf-8", delimiter: str | None = None) -> list[SourceFile]:
    """List the files of an export; checks encoding and CSV shape up front, parses lazily."""
    path = Path(path)
    if path.is_dir():
        return [_csv_source(p.name, p.read_bytes(), encoding, delimiter)
                for p in sorted(path.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"]
    if path.is_file() and path.suffix.lower() == ".zip":
        return _zip_sources(path, encoding, delimiter)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        return _xlsx_sources(path)
    if not path.exists():
        raise UnusableInput(f"{path} does not exist")
    raise UnusableInput(f"{path} is not a folder, a .zip of CSV files or an .xlsx workbook")


def ignored_files(path: str | Path) -> list[str]:
    """Files in a folder or zip that are not CSVs (reported as warnings)."""
    path = Path(path)
    if path.is_dir():
        return sorted(p.name for p in path.iterdir() if p.is_file() and p.suffix.lower() != ".csv"
                      and not p.name.startswith("."))
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            return sorted(n for n in archive.namelist()
                          if not n.endswith("/") and not n.lower().endswith(".csv")
                          and not n.startswith("__MACOSX"))
    return []


def _zip_sources(path: Path, encoding: str, delimiter: str | None) -> list[SourceFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnusableInput(f"{path.name} is not a readable .zip archive") from None
    with archive:
        names = sorted(n for n in archive.namelist()
                       if n.lower().endswith(".csv") and not n.startswith("__MACOSX"))
        return [_csv_source(Path(n).name, archive.read(n), encoding, delimiter) for n in names]


def _csv_source(name: str, data: bytes, encoding: str, delimiter: str | None) -> SourceFile:
    text = decode(name, data, encoding)
    delim = delimiter or sniff_delimiter(name, text)
    header = next(csv.reader([first_line(text)], delimiter=delim), [])
    digest = hashlib.sha256(data).hexdigest()
    # Kept as UTF-8 bytes, the form Arrow's reader takes: a UTF-8 file as it came (decoding
    # it proved it valid), another encoding converted once here.
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        utf8 = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    else:
        utf8 = text.encode()
    return SourceFile(name, digest, lambda: parse_csv(name, utf8, delim), [h.strip() for h in header])


def decode(name: str, data: bytes, encoding: str) -> str:
    """Bytes → text, tolerating a BOM. A file in another encoding is refused, never guessed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnusableInput(f"{name} is UTF-16 text: save it as UTF-8 (CSV UTF-8 in Excel)")
    if b"\x00" in data[:4096]:
        raise UnusableInput(f"{name} is not a CSV text file (it contains binary data)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        hint = " (looks like cp1251: pass --encoding cp1251)" if _looks_cyrillic(data) else ""
        raise UnusableInput(f"{name} is not {encoding.upper()} text: undecodable byte at "
                            f"offset {exc.start}{hint}") from None
    except LookupError:
        raise UnusableInput(f"unknown encoding {encoding!r}") from None


def _looks_cyrillic(data: bytes) -> bool:
    high = [b for b in data[:4096] if b >= 0xC0]
    return len(high) > 20


def first_line(text: str) -> str:
    """The header line, without copying the rest of a file that may be gigabytes."""
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip("\r")


def sniff_delimiter(name: str, text: str) -> str:
    """The delimiter is the candidate that splits the header into the most fields."""
    header = first_line(text)
    if not header.strip():
        raise UnusableInput(f"{name} is not a CSV file: its first line (the header) is empty")
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def parse_csv(name: str, text: str | bytes, delimiter: str) -> pd.DataFrame:
    """Parse CSV text (str, or UTF-8 bytes) into a str frame indexed by source line number.

    Arrow's multi-threaded reader takes files whose records each sit on one
    line (then line numbers are exact); anything irregular — blank lines,
    quoted line breaks, rows of the wrong width — goes to the csv module,
    which tracks physical lines and reports wrong-width rows.
    """
    data = text.encode() if isinstance(text, str) else text
    if b"\n\n" not in data and b"\n\r\n" not in data:
        frame = _parse_with_arrow(data, delimiter)
        if frame is not None:
            return frame
    return _parse_with_csv_module(name, data.decode(), delimiter)


def _parse_with_arrow(data: bytes, delimiter: str) -> pd.DataFrame | None:
    """None when the file is not regular enough for exact line numbers."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    end = data.find(b"\n")
    header = next(csv.reader([first_line(data[:end if end >= 0 else len(data)].decode())],
                             delimiter=delimiter), [])
    if len(set(header)) != len(header):
        return None
    irregular = []
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False,
                                             invalid_row_handler=lambda row: irregular.append(row) or "skip"),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    body_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if irregular or table.num_rows + 1 != body_lines:
        return None
    frame = table.to_pandas()
    frame.columns = [str(c).strip() for c in header]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    return frame


def _parse_with_csv_module(name: str, text: str, delimiter: str) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    rows, lines, ragged = [], [], []
    start = reader.line_num + 1
    for record in reader:
        if record and any(v.strip() for v in record):
            if len(record) != len(header):
                ragged.append((start, record))
            else:
                rows.append(record)
                lines.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=str)
    frame.attrs["ragged"] = [(line, len(header), rec) for line, rec in ragged]
    return frame


def _xlsx_sources(path: Path) -> list[SourceFile]:
    from etl.xlsx import read_workbook
    try:
        sheets = read_workbook(path)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnusableInput(f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__})") from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return [SourceFile(name, digest, (lambda f=frame: f), list(frame.columns))
            for name, frame in sheets.items()]
