"""KPI answers as CSV and XLSX downloads and as terminal tables.

CRM text is attacker-controlled: a text cell starting with = + - @ is prefixed
with an apostrophe so spreadsheets show it instead of running it.
"""
from __future__ import annotations

import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def tables(result: dict) -> list[tuple[str, list[str], list[list]]]:
    """The answer as (title, header, rows) tables: values or breakdown rows, then table KPIs."""
    out = []
    compare = "compare" in result or any("compare" in r for r in result.get("rows", []))
    if "rows" in result:
        by = result["by"]
        ids = [k for k in (result["rows"][0] if result["rows"] else {}) if k not in (by, "compare")]
        header = [by, *ids, *(f"{i} (compare)" for i in ids if compare)]
        rows = [[r[by], *(r[i] for i in ids), *((r["compare"][i] for i in ids) if compare else ())]
                for r in result["rows"]]
        out.append(("kpis", header, rows))
    scalars = {k: v for k, v in result.get("values", {}).items() if not isinstance(v, list)}
    if scalars:
        header = ["kpi", "value", *(["compare"] if compare else [])]
        out.append(("kpis", header, [[k, v, *([result["compare"].get(k)] if compare else [])]
                                     for k, v in scalars.items()]))
    for kpi_id, rows in result.get("values", {}).items():
        if isinstance(rows, list):
            header = list(rows[0]) if rows else ["(no rows)"]
            out.append((kpi_id, header, [[r.get(h) for h in header] for r in rows]))
    return out


def to_csv(result: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for n, (title, header, rows) in enumerate(tables(result)):
        if n:
            writer.writerow([])
        if title != "kpis":
            writer.writerow([f"# {title}"])
        writer.writerow(header)
        writer.writerows([[_csv_value(v) for v in row] for row in rows])
    return buffer.getvalue()


def _csv_value(value):
    return "" if value is None else safe_cell(value)


def to_xlsx(result: dict) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in tables(result):
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_text(result: dict, units: dict[str, str] | None = None) -> str:
    """Aligned plain-text tables; `units` (KPI id → unit) formats percentages as %."""
    units = units or {}
    blocks = [f"{result['from']} – {result['to']}"]
    for title, header, rows in tables(result):
        cells = [header] + [[_fmt(v, _unit(title, header, row, i, units)) for i, v in enumerate(row)]
                            for row in rows]
        widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
        lines = ["  ".join(str(v).ljust(w) for v, w in zip(r, widths)) for r in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        blocks.append(("" if title == "kpis" else f"{title}\n") + "\n".join(lines))
    return "\n\n".join(blocks)


def _unit(title: str, header: list, row: list, i: int, units: dict) -> str | None:
    """The unit of one cell: by column (breakdown rows) or by the row's KPI (value lists)."""
    if title == "kpis" and header[0] == "kpi":
        return units.get(row[0]) if i else None
    return units.get(str(header[i]).removesuffix(" (compare)"))


def _fmt(value, unit: str | None = None) -> str:
    if value is None:
        return "—"
    if unit == "percent" and isinstance(value, (int, float)):
        return f"{value * 100:,.1f} %"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.2f}"
    return str(value)
