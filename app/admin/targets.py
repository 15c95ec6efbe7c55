"""The Targets page: quotas (monthly revenue targets per rep) for the logged-in admin.

A quotas file goes through the same import as the command line (etl.runner.run_import:
validation, upsert, rejected rows kept, the run in the history). An edited amount is
checked, audited with its old and new value, and bumps the data version so cached KPI
answers are recomputed.
"""
from __future__ import annotations

import math
import re
from datetime import date

from flask import current_app, request

from app.admin import uploads
from app.admin.imports import require_admin, tidy, upload_limit_bytes
from app.admin.uploads import UploadRefused
from app.data.audit import record_event
from app.data.quotas import (fetch_quota_amount, fetch_quota_teams, fetch_quota_years, fetch_quotas,
                             update_quota_amount)
from app.data.settings import bump_data_version
from app.i18n import current_locale
from etl.read import UnusableInput
from etl.runner import run_import

MAX_AMOUNT = 1e13       # MONEY is NUMERIC(18, 2)
MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")


class QuotaError(ValueError):
    """An edit that cannot be stored; `code`: not_a_number, negative, too_large, unknown."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _engine():
    return current_app.extensions["engine"]


def filter_options() -> dict:
    """{"years": [years with quotas, newest first], "teams": [teams of reps with quotas]}."""
    require_admin()
    with _engine().connect() as conn:
        return {"years": fetch_quota_years(conn), "teams": fetch_quota_teams(conn)}


def quota_rows(year, team) -> list[dict]:
    """The quotas of a year and team (None: all) as table rows: id ("rep_id|YYYY-MM"), rep_id,
    rep (name), team, month ("YYYY-MM"), amount."""
    require_admin()
    year = year if isinstance(year, int) else None
    team = team if isinstance(team, str) and team else None
    with _engine().connect() as conn:
        rows = fetch_quotas(conn, year, team)
    return [{"id": f"{r['rep_id']}|{r['month']:%Y-%m}", "rep_id": r["rep_id"], "rep": r["name"],
             "team": r["team"], "month": f"{r['month']:%Y-%m}", "amount": r["amount"]} for r in rows]


def import_quotas(contents: str, filename: str) -> dict:
    """Load an uploaded quotas CSV through the import. Returns {"run_id", "status", "read",
    "inserted", "updated", "unchanged", "rejected", "rejections", "warnings"}, or {"run_id",
    "refused": reason} when the file cannot be used. Raises UploadRefused (not a CSV, too big,
    unreadable) before anything is stored."""
    admin = require_admin()
    name = uploads.safe_name(filename)
    if not name.lower().endswith(".csv"):
        raise UploadRefused("not_csv", names=[name])
    if uploads.encoded_size(contents) > upload_limit_bytes():
        raise UploadRefused("too_big", size=uploads.encoded_size(contents), limit=upload_limit_bytes())
    # Saved under the table's name: the import picks a file's table by its name.
    upload = uploads.store({"quotas.csv": uploads.decode(contents)}, "csv", [], admin["username"],
                           current_locale(), request.remote_addr)
    try:
        report = run_import(_engine(), upload.path, actor=admin["username"])
    except UnusableInput as exc:
        return {"run_id": exc.run_id, "refused": tidy(str(exc))}
    files = report.files
    return {"run_id": report.run_id, "status": report.status,
            **{key: sum(getattr(f, key) for f in files) for key in ("read", "inserted", "updated",
                                                                     "unchanged", "rejected")},
            "rejections": [[name, int(line), col if isinstance(col, str) else None, str(reason)]
                           for _file, line, col, reason in report.rejections],
            "warnings": [str(w).replace("quotas.csv", name) for w in report.warnings]}


def parse_amount(value) -> float:
    """A quota amount from the table: a number ≥ 0 (text may use spaces between thousands)."""
    if isinstance(value, bool):
        raise QuotaError("not_a_number")
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").strip()
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise QuotaError("not_a_number") from None
    if not math.isfinite(amount):
        raise QuotaError("not_a_number")
    if amount < 0:
        raise QuotaError("negative")
    if amount >= MAX_AMOUNT:
        raise QuotaError("too_large")
    return round(amount, 2)


def parse_month(text) -> date:
    match = MONTH.match(text) if isinstance(text, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise QuotaError("unknown")
    return date(int(match.group(1)), int(match.group(2)), 1)


def edit_quota(rep_id, month, amount) -> tuple[float, float]:
    """Set one existing quota's amount; returns (old, new). Audited and bumps the data version
    when the amount changes. Raises QuotaError for a bad amount or a quota that does not exist."""
    admin = require_admin()
    value, first = parse_amount(amount), parse_month(month)
    if not isinstance(rep_id, str):
        raise QuotaError("unknown")
    with _engine().begin() as conn:
        old = fetch_quota_amount(conn, rep_id, first)
        if old is None:
            raise QuotaError("unknown")
        if old != value:
            update_quota_amount(conn, rep_id, first, value)
            record_event(conn, "quota_changed", actor=admin["username"], role=admin["role"],
                         ip=request.remote_addr, rep_id=rep_id, month=first.isoformat(), old=old, new=value)
            bump_data_version(conn)
    return old, value
