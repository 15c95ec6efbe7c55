"""Demo CRM data in the import contract's shape (etl/contract.py).

    tables = generate(resolve_size("small"), seed=42)
    write_csvs(tables, pathlib.Path("var/demo"))

`generate` returns one frame per contract table, with exactly the contract's
columns and typed values (see `frames.py` for the dtypes); `write_csvs` writes
them in the contract's CSV format. The data has three years of history ending
at `today` and plants five structures the dashboard and models should find:
fast lead response converts better; low CSAT and many tickets precede churn;
reps differ persistently in skill; some territories grow while others shrink;
stale deals lose more often.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.demo.build import generate_tables
from etl.demo.output import write_csvs
from etl.demo.users import DEMO_USERS

__all__ = ["SIZES", "MIN_DEALS", "DEMO_USERS", "resolve_size", "generate", "write_csvs"]

SIZES = {"small": 2_000, "medium": 50_000, "large": 1_000_000}   # number of deals
MIN_DEALS = 50


def resolve_size(size: str | int) -> int:
    """Number of deals for a size name ("small", "medium", "large") or a whole number ≥ 50.

    Raises ValueError naming the accepted values otherwise.
    """
    if isinstance(size, str):
        text = size.strip().lower()
        if text in SIZES:
            return SIZES[text]
        try:
            size = int(text)
        except ValueError:
            raise ValueError(_size_message(size)) from None
    if isinstance(size, bool) or not isinstance(size, int) or size < MIN_DEALS:
        raise ValueError(_size_message(size))
    return size


def _size_message(size) -> str:
    names = ", ".join(f"{k} ({v:,} deals)" for k, v in SIZES.items())
    return f"demo size must be one of {names} or a whole number of deals ≥ {MIN_DEALS}; got {size!r}"


def generate(n_deals: int, seed: int = 42, today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Every contract table as a frame, keyed by table name in load order.

    n_deals: number of opportunities (≥ 50); other tables scale with it. The result
    is the same for the same (n_deals, seed, today); today defaults to date.today().
    """
    n_deals = resolve_size(n_deals)
    today = today or dt.date.today()
    if isinstance(today, dt.datetime):          # a datetime is a date too; keep only the day
        today = today.date()
    return generate_tables(n_deals, int(seed), today)
