"""The audit log page's questions: one page of events (newest first, filtered, 50 a page),
the event names to filter by, and the filtered log as CSV (itself audited as an export)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timezone
from zoneinfo import ZoneInfo

from app.admin import acting_admin, engine, record
from app.data.audit import AuditFilter, count_events, fetch_event_types, fetch_events
from app.data.clock import utcnow
from app.data.queries import utc_bounds
from app.data.settings import fetch_settings
from app.errors import Explained
from app.i18n import N_
from app.kpi.export import safe_cell

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000          # rows in one download; narrow the filters for more
OUTCOMES = ("success", "failure")
CSV_HEADER = ["event_id", "time_utc", "time_local", "actor", "role", "ip", "event", "outcome", "details"]


class AuditQueryError(Explained):
    pass


def filter_of(event=None, actor=None, outcome=None, start=None, end=None, tz: str = "UTC") -> AuditFilter:
    """The filter for the page's controls; `start`/`end` are ISO dates in the organisation's
    zone (either may be missing). AuditQueryError for an unknown outcome or a bad date."""
    if outcome and outcome not in OUTCOMES:
        raise AuditQueryError(N_("unknown outcome '%(value)s'"), value=outcome)
    first, last = _date(start), _date(end)
    if first and last and first > last:
        raise AuditQueryError(N_("the start date is after the end date"))
    since = utc_bounds(first, first, tz)[0] if first else None
    until = utc_bounds(last, last, tz)[1] if last else None
    return AuditFilter(event=event or None, actor=(actor or "").strip() or None, outcome=outcome or None,
                       since=since, until=until)


def page_of(page: int = 1, **controls) -> dict:
    """{"rows": fetch_events rows, "total", "page" (clamped to 1…pages), "pages",
    "timezone": the organisation's}."""
    acting_admin()
    with engine().connect() as conn:
        tz = fetch_settings(conn)["org_timezone"]
        which = filter_of(**controls, tz=tz)
        total = count_events(conn, which)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(int(page or 1), 1), pages)
        rows = fetch_events(conn, which, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return {"rows": rows, "total": total, "page": page, "pages": pages, "timezone": tz}


def event_types() -> list[str]:
    acting_admin()
    with engine().connect() as conn:
        return fetch_event_types(conn)


def export_csv(**controls) -> tuple[str, str, int]:
    """(file name, CSV text, rows) of the filtered log, at most EXPORT_LIMIT rows, newest
    first; recorded as an export event with the filters and the row count."""
    admin = acting_admin()
    with engine().connect() as conn:
        tz = fetch_settings(conn)["org_timezone"]
        which = filter_of(**controls, tz=tz)
        rows = fetch_events(conn, which, 0, EXPORT_LIMIT)
    with engine().begin() as conn:
        record(conn, "export", admin, kind="audit_log", format="csv", rows=len(rows),
                     filters={k: v for k, v in controls.items() if v})
    return f"audit-log-{utcnow():%Y%m%d-%H%M%S}.csv", to_csv(rows, tz), len(rows)


def to_csv(rows: list[dict], tz: str) -> str:
    """Audit rows as CSV; text cells that a spreadsheet would run as a formula are prefixed
    with an apostrophe (a failed login records whatever username was typed)."""
    zone, buffer = ZoneInfo(tz), io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        at = r["at"].replace(tzinfo=timezone.utc)
        details = json.dumps(r["details"], ensure_ascii=False, sort_keys=True) if r["details"] else ""
        writer.writerow([safe_cell(v) if v is not None else "" for v in (
            r["event_id"], at.isoformat(timespec="seconds"), at.astimezone(zone).isoformat(timespec="seconds"),
            r["actor"], r["role"], r["ip"], r["event"], r["outcome"], details)])
    return buffer.getvalue()


def _date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise AuditQueryError(N_("'%(value)s' is not a date (use YYYY-MM-DD)"), value=value) from None
