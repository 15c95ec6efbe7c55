"""Plain-text rendering of an import run for the terminal."""
from __future__ import annotations

COLUMNS = ("table", "file", "read", "inserted", "updated", "unchanged", "rejected")


def render_run(report) -> str:
    rows = [(f.table, f.file_name, f.read, f.inserted, f.updated, f.unchanged, f.rejected)
            for f in report.files]
    totals = ("total", "", *(sum(r[i] for r in rows) for i in range(2, 7)))
    lines = [_title(report), "", *_table([COLUMNS, *rows, totals])]
    if report.snapshot_rows:
        lines.append(f"open pipeline snapshot: {report.snapshot_rows:,} deals")
    if report.rollup_rows:
        lines.append("KPI rollups rebuilt: " + ", ".join(f"{name} {n:,} rows" for name, n in report.rollup_rows.items()))
    if report.warnings:
        lines += ["", "warnings:", *(f"  {w}" for w in report.warnings)]
    if report.rejections:
        total = totals[-1]
        lines += ["", f"first rejections (of {total:,}; all are in the rejected-rows table, "
                      f"run {report.run_id}):"]
        lines += [f"  {file}:{line}  {column if isinstance(column, str) else '-'}: {reason}"
                  for file, line, column, reason in report.rejections]
    return "\n".join(lines)


def _title(report) -> str:
    mode = "dry run (nothing was written)" if report.dry_run else "import"
    return (f"{mode} #{report.run_id}: {report.status} in {report.duration:.1f} s; "
            f"data version {report.data_version}")


def _table(rows: list[tuple]) -> list[str]:
    cells = [[f"{v:,}" if isinstance(v, int) else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    out = []
    for n, row in enumerate(cells):
        out.append("  ".join(v.ljust(w) if i < 2 else v.rjust(w)
                             for i, (v, w) in enumerate(zip(row, widths))))
        if n == 0 or n == len(cells) - 2:
            out.append("  ".join("-" * w for w in widths))
    return out
