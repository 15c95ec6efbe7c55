"""Excel workbooks: one sheet per table, read as text like a CSV."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Sheet name (+ ".csv", so it matches like a file) → str frame indexed by row number."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {f"{sheet.title.strip()}.csv": _sheet_frame(sheet) for sheet in book.worksheets}
    finally:
        book.close()


def _sheet_frame(sheet) -> pd.DataFrame:
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v).strip() for v in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    records, lines = [], []
    for line, row in enumerate(rows, start=2):
        values = [_text(v) for v in row[:width]] + [""] * max(0, width - len(row))
        if any(v.strip() for v in values):
            records.append(values)
            lines.append(line)
    return pd.DataFrame(records, columns=header, index=pd.Index(lines, name="line"), dtype=str)


def _text(value) -> str:
    """Cell value → the text a CSV export would hold (ISO dates, no float noise)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
