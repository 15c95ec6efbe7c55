"""Time arithmetic in SQL that gives identical answers on SQLite and PostgreSQL.

Timestamps are stored as naive UTC. A timestamp's local date is taken in the
organisation's zone: PostgreSQL converts with its zone database; SQLite has
none, so the zone's UTC offsets over the query's span are spelled out as a
CASE of offset changes (from Python's zoneinfo). Both agree to the second.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class LocalDate(FunctionElement):
    """DATE of a UTC timestamp in a zone. Args: column; attribute `zone` and `offsets`."""
    type = sa.Date()
    inherit_cache = False

    def __init__(self, column, zone: str, offsets: list[tuple[datetime | None, int]]):
        self.zone, self.offsets = zone, offsets
        super().__init__(column)


@compiles(LocalDate, "postgresql")
def _local_date_pg(element, compiler, **kw):
    col = compiler.process(list(element.clauses)[0], **kw)
    if element.zone == "UTC":
        return f"CAST({col} AS DATE)"
    zone = element.zone.replace("'", "")
    return f"CAST(({col} AT TIME ZONE 'UTC') AT TIME ZONE '{zone}' AS DATE)"


@compiles(LocalDate, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    col = compiler.process(list(element.clauses)[0], **kw)
    if len(element.offsets) == 1:
        return f"date({col}, '{element.offsets[0][1]:+d} seconds')"
    cases = " ".join(f"WHEN {col} < '{until:%Y-%m-%d %H:%M:%S}' THEN '{off:+d} seconds'"
                     for until, off in element.offsets[:-1])
    return f"date({col}, CASE {cases} ELSE '{element.offsets[-1][1]:+d} seconds' END)"


def zone_offsets(zone: str, start: datetime, end: datetime) -> list[tuple[datetime | None, int]]:
    """[(utc_until, offset_seconds)...] covering [start, end]; the last entry has until=None."""
    tz = ZoneInfo(zone)
    t = start.replace(tzinfo=timezone.utc) - timedelta(days=2)
    stop = end.replace(tzinfo=timezone.utc) + timedelta(days=2)
    current = int(t.astimezone(tz).utcoffset().total_seconds())
    changes: list[tuple[datetime | None, int]] = []
    while t < stop:
        nxt = t + timedelta(hours=1)
        off = int(nxt.astimezone(tz).utcoffset().total_seconds())
        if off != current:
            changes.append((nxt.replace(tzinfo=None), current))
            current = off
        t = nxt
    return changes + [(None, current)]


class DaysBetween(FunctionElement):
    """(later − earlier) in days, fractional."""
    type = sa.Float()
    inherit_cache = True


@compiles(DaysBetween, "postgresql")
def _days_pg(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


@compiles(DaysBetween, "sqlite")
def _days_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


class Bucket(FunctionElement):
    """A local DATE turned into a period label: day, week (Monday), month, quarter, year, weekday."""
    type = sa.String()
    inherit_cache = False

    def __init__(self, kind: str, date_expr):
        self.kind = kind
        super().__init__(date_expr)


@compiles(Bucket, "postgresql")
def _bucket_pg(element, compiler, **kw):
    d = compiler.process(list(element.clauses)[0], **kw)
    return {
        "day": f"TO_CHAR({d}, 'YYYY-MM-DD')",
        "week": f"TO_CHAR(DATE_TRUNC('week', {d}), 'YYYY-MM-DD')",
        "month": f"TO_CHAR({d}, 'YYYY-MM')",
        "quarter": f"TO_CHAR({d}, 'YYYY') || '-Q' || TO_CHAR({d}, 'Q')",
        "year": f"TO_CHAR({d}, 'YYYY')",
        "weekday": f"CAST(EXTRACT(ISODOW FROM {d}) AS INTEGER)",
    }[element.kind]


@compiles(Bucket, "sqlite")
def _bucket_sqlite(element, compiler, **kw):
    d = compiler.process(list(element.clauses)[0], **kw)
    return {
        "day": f"strftime('%Y-%m-%d', {d})",
        # 'weekday 0' moves to the next Sunday (or stays); six days back is that week's Monday.
        "week": f"date({d}, 'weekday 0', '-6 days')",
        "month": f"strftime('%Y-%m', {d})",
        "quarter": f"strftime('%Y', {d}) || '-Q' || ((CAST(strftime('%m', {d}) AS INTEGER) + 2) / 3)",
        "year": f"strftime('%Y', {d})",
        "weekday": f"((CAST(strftime('%w', {d}) AS INTEGER) + 6) % 7 + 1)",
    }[element.kind]


class MonthStart(FunctionElement):
    """The first day of a DATE's month, as a DATE (the key of monthly rollups)."""
    type = sa.Date()
    inherit_cache = True


@compiles(MonthStart, "postgresql")
def _month_start_pg(element, compiler, **kw):
    d = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(DATE_TRUNC('month', {d}) AS DATE)"


@compiles(MonthStart, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    d = compiler.process(list(element.clauses)[0], **kw)
    return f"date({d}, 'start of month')"
