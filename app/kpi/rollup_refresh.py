"""Rebuild the deal rollups from the CRM tables (after an import, on a time zone change, or by
hand: `python -m app db refresh-rollups`).

Each registered `Sums` (app/kpi/rollups.py) runs over all its facts — all in scope, no
filters — grouped by the local day or month of its time column and the rollup's keys, with
the very column expressions the KPIs use; the results land in one row per bucket and keys.
It all happens in SQL, in the caller's transaction: readers see the old rollups or the new.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import app.kpi.definitions  # noqa: F401  (registers the rolled-up sums)
from app.data.rollups import analyze, record_rollup
from app.data.settings import fetch_settings
from app.data.system_schema import (rollup_activities_daily, rollup_deal_products_monthly, rollup_deals_daily,
                                    rollup_deals_monthly, rollup_state)
from app.kpi.context import Ctx
from app.kpi.query import KpiQuery, Scope
from app.kpi.registry import KPIS
from app.kpi.rollups import ACTIVITIES, DAILY, MONTHLY, PRODUCTS, ROWS, column_name, rollup_columns
from app.kpi.sqltime import MonthStart
from app.kpi.subjects import SUBJECTS
from app.kpi.views import build_view

TABLES = {DAILY: rollup_deals_daily, MONTHLY: rollup_deals_monthly, PRODUCTS: rollup_deal_products_monthly,
          ACTIVITIES: rollup_activities_daily}


def refresh_rollups(conn, names=None) -> dict:
    """Rebuild the rollups named (default: all) and mark them valid for the current time zone.
    Returns {"rows": {rollup name: rows written}, "seconds": time taken, "org_timezone": zone}."""
    started = time.monotonic()
    settings = fetch_settings(conn)
    zone = settings["org_timezone"]
    rows = {}
    for rollup, table in TABLES.items():
        if names is not None and rollup.name not in names:
            continue
        began = time.monotonic()
        span = _span(conn, rollup.fact)
        calendar = _snapshot_months(span, zone) if rollup.open else []
        now = datetime.combine(date.today(), datetime.min.time())
        span = span or (now, now)
        # A product question puts the deals' view at the grain of their lines, as KPIs see them.
        question = KpiQuery(span[0].date(), span[1].date(), by="product" if rollup.lines else None)
        ctx = Ctx(conn, question, Scope.everything(), settings, KPIS)
        rows[rollup.name] = _rebuild(ctx, span, rollup, table, calendar)
        record_rollup(conn, rollup.name, zone, rows[rollup.name], time.monotonic() - began,
                      calendar[-1] if calendar else None)
    return {"rows": rows, "seconds": time.monotonic() - started, "org_timezone": zone}


def _rebuild(ctx, span, rollup, table, calendar: list[date]) -> int:
    """Replace `table`'s rows with the registered sums, one row per time bucket and keys."""
    conn = ctx.conn
    conn.execute(rollup_state.delete().where(rollup_state.c.name == rollup.name))
    conn.execute(table.delete())
    measures = rollup_columns(rollup)
    selects = [_in_bucket(ctx, span, rollup, sums, measures) for sums in rollup.sums]
    selects += [_open_at_month_start(ctx, span, rollup, sums, measures, calendar)
                for sums in rollup.open if calendar]
    union = sa.union_all(*selects).subquery()
    group = [union.c.bucket, *(union.c[k] for k in rollup.keys)]
    total = sa.select(*group, *(sa.func.sum(union.c[m]) for m in measures)).group_by(*group)
    conn.execute(table.insert().from_select([rollup.time_col, *rollup.keys, *measures], total))
    analyze(conn, table.name)
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def _in_bucket(ctx, span, rollup, sums, measures: list[str]) -> sa.Select:
    """One `Sums` over all facts per (local day or month of its time column, keys)."""
    view = build_view(ctx, sums.subject, sums.time_col, sums.kpi_id)
    conds = sums.conditions(view)
    moment = view.t.c[sums.time_col]
    day = ctx.local_date(moment, span)
    bucket = (day if rollup.daily else MonthStart(day)).label("bucket")
    keys = [bucket, *_keys(view, rollup.keys)]
    values = {ROWS: sa.func.count(), **{name: fn(view) for name, fn in sums.columns.items()}}
    return sa.select(*keys, *_padded(sums, values, measures)).select_from(view.frm) \
        .where(*view.where, *conds, moment.is_not(None)).group_by(*keys)


def _open_at_month_start(ctx, span, rollup, sums, measures: list[str], calendar: list[date]) -> sa.Select:
    """Snapshots of `sums` over the deals open at the start of each calendar month.

    A deal is open at the start of month M when its local creation month is before M and its
    closing month (if any) is M or later. So each deal adds its sums from the month after it
    was created and takes them away from the month after it closed; a snapshot is the running
    total of those changes before M. Deals created and closed in one month are never open at
    a month's start and are left out. The deals are read once, grouped by both months.
    """
    view = build_view(ctx, sums.subject, sums.time_col, sums.kpi_id)
    t = view.t.c
    created, closed = (MonthStart(ctx.local_date(col, span)) for col in (t.created_at, t.closed_at))
    keys = _keys(view, rollup.keys)
    values = {ROWS: sa.func.count(), **{name: fn(view) for name, fn in sums.columns.items()}}
    pairs = sa.select(created.label("created"), closed.label("closed"), *keys,
                      *(v.label(n) for n, v in values.items())) \
        .select_from(view.frm).where(*view.where).group_by(created, closed, *keys).cte("pairs")
    key_cols = [pairs.c[k] for k in rollup.keys]
    opened = sa.select(pairs.c.created.label("bucket"), *key_cols, *(pairs.c[n] for n in values)) \
        .where(sa.or_(pairs.c.closed.is_(None), pairs.c.closed > pairs.c.created))
    ended = sa.select(pairs.c.closed.label("bucket"), *key_cols, *((-pairs.c[n]).label(n) for n in values)) \
        .where(pairs.c.closed > pairs.c.created)
    changes = sa.union_all(opened, ended).subquery("changes")
    months = sa.union_all(*(sa.select(sa.literal(m, sa.Date).label("month")) for m in calendar)).subquery("cal")
    group = [months.c.month, *(changes.c[k] for k in rollup.keys)]
    running = sa.select(*group, *(sa.func.sum(changes.c[n]).label(n) for n in values)) \
        .select_from(changes.join(months, changes.c.bucket < months.c.month)) \
        .group_by(*group).having(sa.func.sum(changes.c[ROWS]) != 0).subquery("snapshots")
    return sa.select(running.c.month.label("bucket"), *(running.c[k] for k in rollup.keys),
                     *_padded(sums, {n: running.c[n] for n in values}, measures))


def _keys(view, keys: dict) -> list:
    """The rollup's key columns from the facts' view (a line's product from the line grain)."""
    return [(view.product.c.product_id if dim == "product" else view.dim(dim)).label(col)
            for col, dim in keys.items()]


def _padded(sums, values: dict, measures: list[str]) -> list:
    """`values` ({name: SQL}) as the rollup's measure columns, NULL for other sums' columns."""
    mine = {column_name(sums, name): value for name, value in values.items()}
    return [sa.cast(mine.get(m, sa.null()), sa.Float).label(m) for m in measures]


def _snapshot_months(span, zone: str) -> list[date]:
    """Month starts from the month after the first deal was created to the month after the
    last deal was created or closed: every month whose snapshot can differ from its neighbours."""
    if span is None:
        return []
    first, last = (_local_month(moment, zone) for moment in span)
    months, month = [], _next_month(first)
    while month <= _next_month(last):
        months.append(month)
        month = _next_month(month)
    return months


def _span(conn, fact: str) -> tuple[datetime, datetime] | None:
    """The earliest and latest moment of the fact's time columns (None without rows): the
    span the local dates are computed over."""
    t = SUBJECTS[fact].table.c
    columns = (t.created_at, t.closed_at) if fact == "deals" else (t.occurred_at,)
    ends = conn.execute(sa.select(*(f(c) for c in columns for f in (sa.func.min, sa.func.max)))).one()
    moments = [_as_datetime(m) for m in ends if m is not None]
    return (min(moments), max(moments)) if moments else None


def _local_month(moment: datetime, zone: str) -> date:
    return moment.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).date().replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))    # SQLite may hand back text for MIN/MAX
