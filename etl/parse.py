"""Vectorised parsing of text columns into typed values.

Each parser takes a Series of stripped text (missing = "") and returns
(values, bad) where `bad` marks non-empty entries that could not be parsed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}
# Years outside this window are typos (0205, 20250) rather than history.
MIN_YEAR, MAX_YEAR = 1900, 2100
_ZONE = r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)$"
_LOCAL = (r"^(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})"
          r"(?:[ ,T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?$")
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class ParseOptions:
    """How a source writes numbers and dates. Presets fix these for their CRM."""
    decimal: str = "."
    thousands: str = ""
    date_order: str | None = None      # None (ISO only), "DMY", "MDY" or "YMD"
    timezone: str = "UTC"              # zone of timestamps given without an offset


def parse_decimal(text: pd.Series, opts: ParseOptions) -> tuple[pd.Series, pd.Series]:
    cleaned = text
    if opts.thousands or opts.decimal != ".":
        # Spreadsheets use no-break spaces as thousands separators.
        for sep in {opts.thousands, "\u00a0", "\u202f"} - {""}:
            cleaned = cleaned.str.replace(sep, "", regex=False)
        if opts.decimal != ".":
            cleaned = cleaned.str.replace(opts.decimal, ".", regex=False)
    values = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").astype("float64")
    bad = (text != "") & (values.isna() | ~np.isfinite(values.fillna(0)))
    return values.where(~bad), bad


def parse_int(text: pd.Series, opts: ParseOptions) -> tuple[pd.Series, pd.Series]:
    values, bad = parse_decimal(text, opts)
    fractional = values.notna() & (values != values.round())
    bad = bad | fractional
    return values.where(~bad).round().astype("Int64"), bad


def parse_bool(text: pd.Series, _opts: ParseOptions) -> tuple[pd.Series, pd.Series]:
    lower = text.str.lower()
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[lower.isin(TRUE)] = True
    values[lower.isin(FALSE)] = False
    bad = (text != "") & values.isna()
    return values, bad


def parse_date(text: pd.Series, opts: ParseOptions) -> tuple[pd.Series, pd.Series]:
    """Dates → datetime64 at midnight. Also accepts a timestamp's date part from ISO values."""
    iso = text.str.slice(0, 10).where(text.str.match(r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)"), "")
    values = pd.to_datetime(iso.where(iso != "", None), format="%Y-%m-%d", errors="coerce")
    if opts.date_order:
        local = _local_to_iso(text.where(values.isna(), ""), opts.date_order)
        values = values.fillna(pd.to_datetime(local.where(local != "", None), errors="coerce",
                                              format="ISO8601"))
        values = values.dt.normalize()
    values = _in_range(values)
    return values, (text != "") & values.isna()


def parse_timestamp(text: pd.Series, opts: ParseOptions) -> tuple[pd.Series, pd.Series]:
    """Timestamps → naive UTC datetime64. Values without an offset are in `opts.timezone`."""
    source = text
    if opts.date_order:
        local = _local_to_iso(text, opts.date_order)
        source = local.where(local != "", text)
    zoned = source.str.contains(_ZONE, regex=True) & source.str.contains(r"\d[T ]\d", regex=True)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if zoned.any():
        parsed = pd.to_datetime(source[zoned], format="ISO8601", utc=True, errors="coerce")
        result[zoned] = parsed.dt.tz_localize(None).astype("datetime64[us]")
    naive = ~zoned & (source != "")
    if naive.any():
        parsed = pd.to_datetime(source[naive], format="ISO8601", errors="coerce")
        if opts.timezone != "UTC":
            parsed = parsed.dt.tz_localize(opts.timezone, ambiguous="NaT", nonexistent="NaT")
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        result[naive] = parsed.astype("datetime64[us]")
    result = _in_range(result)
    return result, (text != "") & result.isna()


def _in_range(values: pd.Series) -> pd.Series:
    years = values.dt.year
    return values.where((years >= MIN_YEAR) & (years <= MAX_YEAR))


def _local_to_iso(text: pd.Series, order: str) -> pd.Series:
    """`03/04/2025 10:15 PM`-style values → ISO text, by the preset's day/month order."""
    parts = text.str.extract(_LOCAL)
    if order == "YMD" or parts["y"].isna().all():
        return pd.Series("", index=text.index)
    day, month = (parts["a"], parts["b"]) if order == "DMY" else (parts["b"], parts["a"])
    hour = parts["H"].fillna("0").astype(int)
    pm = parts["ampm"].str.lower() == "pm"
    am = parts["ampm"].str.lower() == "am"
    hour = hour.where(~(pm & (hour < 12)), hour + 12).where(~(am & (hour == 12)), 0)
    iso = (parts["y"] + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + "T"
           + hour.astype(str).str.zfill(2) + ":" + parts["M"].fillna("00") + ":"
           + parts["S"].fillna("00"))
    return iso.fillna("")
