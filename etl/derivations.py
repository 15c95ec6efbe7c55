"""Derivations: fill contract columns of a mapped file from several of its columns.

A preset names them per file (`derive = ["deal_status", "close_dates"]`); they
run after every column and helper field of the file is read, transformed and
translated, in the order listed. Each takes the working frame (contract columns
and helper fields, all text) and the Context, and sets columns in place.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from etl import contract
from etl.transforms import Context, parse_number

DERIVATIONS: dict[str, Callable[[pd.DataFrame, Context], None]] = {}


def _derivation(fn):
    DERIVATIONS[fn.__name__.lstrip("_")] = fn
    return fn


def column(work: pd.DataFrame, name: str) -> pd.Series:
    """A mapped column, or blanks when the export did not have it."""
    return work[name] if name in work.columns else pd.Series("", index=work.index, dtype=str)


_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f"}


def flag(value: str) -> bool | None:
    """A CRM checkbox as True/False, or None when blank or unreadable."""
    text = value.strip().casefold()
    return True if text in _TRUE else False if text in _FALSE else None


def _status_of(explicit: str, closed: str, won: str, lost: str, stage_category: str | None) -> str:
    if explicit:
        return explicit
    closed_f, won_f, lost_f = flag(closed), flag(won), flag(lost)
    if won_f:
        return "won"
    if lost_f or (closed_f and won_f is False):
        return "lost"
    if closed_f is False:
        return "open"
    # Flags missing or not decisive (closed but won unknown): the stage's own category says it.
    return stage_category or ""


@_derivation
def _deal_status(work, ctx):
    """status ← the export's status, else IsClosed/IsWon-style flags, else the stage's category."""
    categories = ctx.preset.stage_categories()
    stages = column(work, "stage").map(lambda s: categories.get(s.casefold()))
    work["status"] = [
        _status_of(*row) for row in zip(column(work, "status"), column(work, "is_closed"),
                                        column(work, "is_won"), column(work, "is_lost"), stages)]


@_derivation
def _close_dates(work, _ctx):
    """One close date in the CRM: the actual close for closed deals, the expected one for open deals."""
    close, status = column(work, "close_date"), column(work, "status")
    closed_at, expected = column(work, "closed_at"), column(work, "expected_close_date")
    work["closed_at"] = closed_at.mask((closed_at == "") & status.isin(["won", "lost"]), close)
    work["expected_close_date"] = expected.mask((expected == "") & (status == "open"), close)


@_derivation
def _territory(work, ctx):
    """territory_id ← the record's country (alpha-3); where the table requires one, else the fallback."""
    current = column(work, "territory_id")
    derived = current.mask(current == "", column(work, "country"))
    if not contract.spec(ctx.table).col("territory_id").required:
        work["territory_id"] = derived          # a lead without a country simply has no territory
        return
    fallback = ctx.preset.territory_fallback
    missing = int((derived == "").sum())
    # Reps without a country are placed by their accounts in the synthesis step, which reports them.
    if missing and "country" in work.columns and ctx.table != "reps":
        ctx.warn(f"{missing} rows have no country; territory {fallback} assigned")
    work["territory_id"] = derived.mask(derived == "", fallback)


def _count(value: str) -> int:
    number = parse_number(value) if value else None
    return int(number) if number is not None else 0


@_derivation
def _lead_status(work, _ctx):
    """status ← converted when any conversion sign is present, else the status, else the lifecycle."""
    converted = (column(work, "is_converted").map(lambda v: flag(v) is True)
                 | (column(work, "converted_at") != "")
                 | (column(work, "lifecycle") == "converted"))
    deals = sum(column(work, c).map(_count) for c in ("open_deals", "won_deals", "lost_deals"))
    status = column(work, "status")
    status = status.mask(status == "", column(work, "lifecycle"))
    work["status"] = status.mask(converted | (deals > 0), "converted")


@_derivation
def _activity_time(work, _ctx):
    """occurred_at ← creation for tasks (the contract's rule), else the scheduled date and time."""
    when = column(work, "when")
    at = column(work, "when_time")
    when = when.mask((when != "") & (at != ""), when + " " + at)
    is_task = column(work, "type") == "task"
    chosen = when.mask(is_task | (when == ""), column(work, "created"))
    current = column(work, "occurred_at")
    work["occurred_at"] = current.mask(current == "", chosen)


@_derivation
def _full_name(work, _ctx):
    """name ← first + last name where the export has no full-name column."""
    full = (column(work, "first_name") + " " + column(work, "last_name")).str.strip()
    name = column(work, "name")
    work["name"] = name.mask(name == "", full)


@_derivation
def _one_currency(work, ctx):
    """Amounts are summed as one currency; say so when an export mixes several."""
    codes = sorted(set(column(work, "currency")) - {""})
    if len(codes) > 1:
        ctx.warn(f"amounts in several currencies ({', '.join(codes)}); they are summed as they are")
