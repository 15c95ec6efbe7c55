"""Vectorised parsing of text columns into typed values.

Each parser takes a Series of stripped text (missing = "") and returns
(values, bad) where `bad` marks non-empty entries that could not be parsed.

Values in the plain shapes nearly every export uses (`1234.5`, `2025-03-04`,
`2025-03-04T10:15:00Z`) are parsed by Arrow in C++, about ten times faster than
pandas; every other value takes the general path, which defines what is accepted.
The plain shapes are ones both paths read alike (tests/unit/test_parse.py compares them).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}
# Years outside this window are typos (0205, 20250) rather than history.
MIN_YEAR, MAX_YEAR = 1900, 2100
_ZONE = r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)$"
_LOCAL = (r"^(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})"
          r"(?:[ ,T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?$")
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_PLAIN_NUMBER = r"^-?\d+(?:\.\d+)?$"
_ZONED_ISO = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})$"


@dataclass(frozen=True)
class ParseOptions:
    """How a source writes numbers and dates. Presets fix these for their CRM."""
    decimal: str = "."
    thousands: str = ""
    date_order: str | None = None      # None (ISO only), "DMY", "MDY" or "YMD"
    timezone: str = "UTC"              # zone of timestamps given without an offset


def parse_decimal(text: pd.Series, opts: ParseOptions) -> tuple[pd.Series, pd.Series]:
    values = pd.Series(np.nan, index=text.index)
    rest = (text != "").to_numpy().copy()
    if opts.decimal == "." and not opts.thousands:
        fast = _arrow_parse(text, _PLAIN_NUMBER, pa.float64())
        if fast is not None:
            values = pd.Series(fast[0].to_numpy(zero_copy_only=False), index=text.index)
            rest &= ~fast[1]
    if rest.any():
        values[rest] = _general_decimal(text[rest], opts).to_numpy()
    bad = (text != "") & (values.isna() | ~np.isfinite(values.fillna(0)))
    return values.where(~bad), bad


def _general_decimal(text: pd.Series, opts: ParseOptions) -> pd.Series:
    cleaned = text
    if opts.thousands or opts.decimal != ".":
        # Spreadsheets use no-break spaces as thousands separators.
        for sep in {opts.thousands, "\u00a0", "\u202f"} - {""}:
            cleaned = cleaned.str.replace(sep, "", regex=False)
        if opts.decimal != ".":
            cleaned = cleaned.str.replace(opts.decimal, ".", regex=False)
    return pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").astype("float64")


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
    return _parsed(text, opts, _ISO_DATE, pa.date32(), _general_date)


def _parsed(text: pd.Series, opts: ParseOptions, pattern, arrow_type, general) -> tuple[pd.Series, pd.Series]:
    """(datetime64 values, failed): Arrow parses the values matching `pattern` as `arrow_type`,
    `general`(text, opts) the others; values out of range fail."""
    values = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    rest = (text != "").to_numpy().copy()
    fast = _arrow_parse(text, pattern, arrow_type)
    if fast is not None:
        values = _datetimes(fast[0], text.index)
        rest &= ~fast[1]
    if rest.any():
        values[rest] = general(text[rest], opts).to_numpy()
    values = _in_range(values)
    return values, (text != "") & values.isna()


def _general_date(text: pd.Series, opts: ParseOptions) -> pd.Series:
    iso = text.str.slice(0, 10).where(text.str.match(r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)"), "")
    values = pd.to_datetime(iso.where(iso != "", None), format="%Y-%m-%d", errors="coerce")
    if opts.date_order:
        local = _local_to_iso(text.where(values.isna(), ""), opts.date_order)
        values = values.fillna(pd.to_datetime(local.where(local != "", None), errors="coerce",
                                              format="ISO8601"))
        values = values.dt.normalize()
    return values.astype("datetime64[us]")


def parse_timestamp(text: pd.Series, opts: ParseOptions) -> tuple[pd.Series, pd.Series]:
    """Timestamps → naive UTC datetime64. Values without an offset are in `opts.timezone`."""
    # An ISO value with its offset means the same whatever the preset's zone or date order.
    return _parsed(text, opts, _ZONED_ISO, pa.timestamp("us", "UTC"), _general_timestamp)


def _general_timestamp(text: pd.Series, opts: ParseOptions) -> pd.Series:
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
    return result


def _arrow_parse(text: pd.Series, pattern: str, arrow_type) -> tuple[pa.Array, np.ndarray] | None:
    """Arrow's parse of the values matching `pattern` (others null), and the mask of those
    values; None when Arrow refuses one of them (30 February), leaving all to the general path."""
    array = pa.array(text, from_pandas=True)
    plain = pc.match_substring_regex(array, pattern)
    try:
        parsed = pc.cast(pc.if_else(plain, array, pa.scalar(None, array.type)), arrow_type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return parsed, plain.to_numpy(zero_copy_only=False)


def _datetimes(parsed: pa.Array, index: pd.Index) -> pd.Series:
    """Arrow dates or UTC timestamps → naive datetime64[us] (UTC), NaT for nulls."""
    naive = parsed.cast(pa.timestamp("us"))
    return pd.Series(naive.to_numpy(zero_copy_only=False), index=index, dtype="datetime64[us]")


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
