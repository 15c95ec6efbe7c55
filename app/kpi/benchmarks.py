"""Industry benchmarks (benchmarks.csv): reference figures a KPI can be compared with."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.schema import benchmarks


def fetch_benchmarks(conn: Connection) -> dict[str, tuple[float, str | None]]:
    """{kpi_id: (value, source)} for every KPI with a benchmark loaded.

    Reference data, the same for every viewer, so no scope applies. When a KPI
    has several rows the one loaded last wins (a re-import supersedes).
    """
    rows = conn.execute(sa.select(benchmarks.c.kpi, benchmarks.c.value, benchmarks.c.source)
                        .order_by(benchmarks.c.benchmark_id)).all()
    return {kpi: (float(value), source) for kpi, value, source in rows}
