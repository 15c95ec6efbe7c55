"""Numbers, money, durations and dates as a reader of a locale expects them (Babel, CLDR data).

Every function takes the locale explicitly (pass `app.i18n.current_locale()`), so it is
pure and works outside a request. The rules, per unit and per locale, are in
docs/i18n.md#formatting; in short:

- None, NaN and infinities are "—" (an empty denominator is not a zero).
- Separators, signs and digits follow the locale's default numbering system: Persian
  gets Extended Arabic-Indic digits and separators (۱۲٬۳۴۵٫۶). Babel picks the
  symbols but leaves ASCII digits and the pattern's "-" and "%"; `_native` finishes the job.
- Percent KPIs hold fractions (0.123 is 12.3 %).
- Rounding is half-up, as people round by hand (Babel's default would be half-even).
"""
from __future__ import annotations

import copy
import decimal
import math
from datetime import date, datetime, timezone
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units

from app.i18n import DEFAULT_LOCALE, N_, normalise_locale, translate_in

EMPTY = "—"
MINUS = "\u2212"   # deltas use a true minus in every locale, the width of "+"
_NATIVE_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}
_DURATIONS = {"days": "duration-day", "hours": "duration-hour", "minutes": "duration-minute"}


def format_value(value, unit: str, locale: str, currency: str = "USD") -> str:
    """One KPI value in full: money with the currency's decimals, counts as grouped integers,
    percent (a fraction) and durations with one decimal, plain numbers with up to two."""
    if _missing(value):
        return EMPTY
    loc = _locale(locale)
    if unit == "money":
        return _money(value, currency, loc)
    if unit == "money_per_day":
        return _per_day(_money(value, currency, loc), loc)
    if unit == "percent":
        return _native(_apply(_pattern(loc, "percent", 1, 1), value, loc), loc)
    if unit in _DURATIONS:
        return _native(babel_units.format_unit(
            _rounded(value, 1), _DURATIONS[unit], length="short", format=_pattern(loc, "decimal", 1, 1),
            locale=loc, numbering_system="default"), loc)
    if unit == "count":
        return _decimal(value, loc, 0, 0)
    return _decimal(value, loc, 0, 2)


def format_compact(value, unit: str, locale: str, currency: str = "USD") -> str:
    """A short form for tiles: $1.2M, 1,2 mln zł, US$123.5万. Money and counts of a thousand
    or more are abbreviated (one decimal); anything else is format_value."""
    if _missing(value):
        return EMPTY
    loc = _locale(locale)
    money = unit in ("money", "money_per_day")
    if unit not in ("money", "money_per_day", "count", "number"):
        return format_value(value, unit, locale, currency)
    rounded = _compact_rounded(value, loc, money)
    if rounded is None:      # too small to abbreviate in this locale
        return format_value(value, unit, locale, currency)
    with _half_up():
        if money:
            text = babel_numbers.format_compact_currency(
                rounded, currency, locale=loc, fraction_digits=1, numbering_system="default")
        else:
            text = babel_numbers.format_compact_decimal(
                rounded, locale=loc, fraction_digits=1, numbering_system="default")
    text = _native(text, loc)
    return _per_day(text, loc) if unit == "money_per_day" else text


def format_axis_money(value, locale: str, currency: str = "USD") -> str:
    """A chart tick of money: 0 bare, short where the locale abbreviates ($250K, 25万), whole
    currency units below that ($500, ۵۰۰ $): ticks are round numbers, cents add nothing."""
    if _missing(value):
        return EMPTY
    loc = _locale(locale)
    if value == 0:
        return _decimal(0, loc, 0, 0)
    if _compact_rounded(value, loc, True) is not None:
        return format_compact(value, "money", locale, currency)
    pattern = copy.copy(loc.currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    with _half_up():
        text = pattern.apply(value, loc, currency=currency, currency_digits=False, numbering_system="default")
    return _native(text, loc)


def comparison_delta(current, previous, unit: str) -> float | None:
    """The change shown next to a KPI: for percent KPIs the difference of the two fractions
    (shown in percentage points), for every other unit the relative change (shown in %).
    None when either side is missing or the relative base is zero."""
    if _missing(current) or _missing(previous):
        return None
    if unit == "percent":
        return current - previous
    return None if previous == 0 else (current - previous) / abs(previous)


def format_delta(value, unit: str, locale: str) -> str:
    """A comparison_delta() with an explicit sign: "+12.3%" (relative change) or, for percent
    KPIs, "−4.1 pp" (percentage points). A change that rounds to zero has no sign."""
    if _missing(value):
        return EMPTY
    loc = _locale(locale)
    if unit == "percent":
        number = _apply(_pattern(loc, "decimal", 1, 1), abs(value) * 100, loc)
        text = translate_in(loc.language, N_("%(value)s pp"), value=number)
    else:
        text = _apply(_pattern(loc, "percent", 1, 1), abs(value), loc)
    if _rounded(abs(value) * 100, 1) == 0:
        return _native(text, loc)
    symbols = _symbols(loc)
    sign = symbols["plusSign"] if value > 0 else symbols["minusSign"].replace("-", MINUS)
    return _native(sign + text, loc)


def format_date(d, locale: str) -> str:
    """A date in the locale's medium form: Jan 5, 2025 · 5 sty 2025 · 2025年1月5日."""
    if d is None:
        return EMPTY
    loc = _locale(locale)
    if isinstance(d, datetime):
        d = d.date()
    return _native(babel_dates.format_date(d, "medium", locale=loc), loc, signs=False)


def format_month(month, locale: str, skeleton: str = "yMMM") -> str:
    """A month ("2026-01", or a date in it) as the locale names it: Jan 2026 · sty 2026 ·
    2026年1月 · ژانویه ۲۰۲۶; skeleton "MMM" gives the month alone (Jan · 1月), "y" the year.
    Text that is not a month is returned as it is."""
    if month is None:
        return EMPTY
    try:
        first = date.fromisoformat(f"{str(month)[:7]}-01") if not isinstance(month, date) else month
    except ValueError:
        return str(month)
    loc = _locale(locale)
    return _native(babel_dates.format_skeleton(skeleton, first, locale=loc), loc, signs=False)


def number_separators(locale: str) -> str:
    """The locale's decimal and group separators, in Plotly's `layout.separators` form ("., ")."""
    symbols = _symbols(_locale(locale))
    return symbols["decimal"] + symbols["group"]


def format_datetime(dt, locale: str, tz="UTC", seconds: bool = False) -> str:
    """A moment in the time zone `tz` (name or tzinfo): the medium date and the short time
    (the medium time, with seconds, when `seconds`), joined as the locale joins them. A naive
    datetime is UTC (as the database stores them)."""
    if dt is None:
        return EMPTY
    loc = _locale(locale)
    zone = babel_dates.get_timezone(tz) if isinstance(tz, str) or tz is None else tz
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    local = dt.astimezone(zone)
    joined = babel_dates.get_datetime_format("medium", locale=loc).replace("'", "").format(
        babel_dates.format_time(local, "medium" if seconds else "short", locale=loc),
        babel_dates.format_date(local.date(), "medium", locale=loc))
    return _native(joined, loc, signs=False)


# ---- helpers -------------------------------------------------------------------------------------

def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(value)
    except TypeError:
        return False


@lru_cache(maxsize=None)
def _locale(locale) -> Locale:
    return Locale.parse(normalise_locale(str(locale)) or DEFAULT_LOCALE)


def _symbols(loc: Locale):
    return loc.number_symbols[loc.default_numbering_system]


@lru_cache(maxsize=None)
def _pattern(loc: Locale, kind: str, min_frac: int, max_frac: int):
    """The locale's own decimal or percent pattern with the fraction digits we want."""
    formats = loc.percent_formats if kind == "percent" else loc.decimal_formats
    pattern = copy.copy(formats[None])
    pattern.frac_prec = (min_frac, max_frac)
    return pattern


def _decimal(value, loc: Locale, min_frac: int, max_frac: int) -> str:
    return _native(_apply(_pattern(loc, "decimal", min_frac, max_frac), value, loc), loc)


def _apply(pattern, value, loc: Locale) -> str:
    with _half_up():
        return pattern.apply(value, loc, numbering_system="default")


def _money(value, currency: str, loc: Locale) -> str:
    with _half_up():
        text = babel_numbers.format_currency(value, currency, locale=loc, numbering_system="default")
    return _native(text, loc)


def _per_day(amount: str, loc: Locale) -> str:
    """'$1,234.50 per day'; CLDR lacks the long form for some locales, so fall back to '/天'."""
    text = babel_units.format_compound_unit(amount, denominator_unit="duration-day", length="long",
                                            locale=loc)
    if not text or "duration" in text:
        text = babel_units.format_compound_unit(amount, denominator_unit="duration-day",
                                                length="short", locale=loc)
    return _native(text, loc)


def _compact_rounded(value, loc: Locale, money: bool) -> decimal.Decimal | None:
    """The value rounded as its abbreviation will show it, so 999,950 becomes 1M and not
    "1000K" (Babel picks the abbreviation before rounding); None when the locale does not
    abbreviate a number this small (below 1,000; below 10,000 in Chinese)."""
    value = decimal.Decimal(str(value))
    formats = (loc.compact_currency_formats if money else loc.compact_decimal_formats)["short"]["other"]
    for magnitude in sorted((int(m) for m in formats), reverse=True):
        if abs(value) >= magnitude:
            pattern = formats[str(magnitude)].pattern
            if pattern.replace("¤", "").strip() == "0":
                return None
            divisor = decimal.Decimal(magnitude // 10 ** (pattern.count("0") - 1))
            return _rounded(value / divisor, 1) * divisor
    return None


def _rounded(value, places: int) -> decimal.Decimal:
    return decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-places), decimal.ROUND_HALF_UP)


def _half_up():
    context = decimal.getcontext().copy()
    context.rounding = decimal.ROUND_HALF_UP
    return decimal.localcontext(context)


def _native(text: str, loc: Locale, signs: bool = True) -> str:
    """Babel's output with the locale's own digits, and (for numbers) its minus and percent signs."""
    if signs:
        symbols = _symbols(loc)
        if symbols["minusSign"] != "-" and text.startswith("-"):
            text = symbols["minusSign"] + text[1:]
        if symbols["percentSign"] != "%":
            text = text.replace("%", symbols["percentSign"])
    digits = _NATIVE_DIGITS.get(loc.default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text
