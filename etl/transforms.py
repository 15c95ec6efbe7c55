"""The named column transforms that preset files refer to.

A preset (etl/presets/*.toml) is data; whatever needs code lives here under a
name: `Series -> Series` on one column's text, written in TOML as
`transform = "name"` or `"name:argument"` (e.g. `"sf_prefix:006"`). Derivations,
which fill a column from several others, are in etl/derivations.py.

Values stay text in the preset's own number locale: the validator parses them
with `preset.decimal` / `preset.thousands`, so numbers written here use them too.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Callable

import pandas as pd
import pycountry


@dataclass
class Context:
    """What a transform may need besides its column: the preset and where to report."""
    preset: object                      # etl.preset_file.Preset (not imported: it imports this module)
    source: str
    warnings: list[str] = field(default_factory=list)
    table: str = ""                     # the contract table being mapped

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.source}: {message}")


TRANSFORMS: dict[str, Callable[[pd.Series, Context, str | None], pd.Series]] = {}


def _transform(fn):
    TRANSFORMS[fn.__name__.lstrip("_")] = fn
    return fn


def run_transform(spec: str, series: pd.Series, ctx: Context) -> pd.Series:
    """Apply the transform `spec` ("name" or "name:argument") to a text Series."""
    name, _, arg = spec.partition(":")
    return TRANSFORMS[name](series, ctx, arg or None)


# --- Salesforce ids ---------------------------------------------------------

_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_SF_SHAPE = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")


def looks_like_sf_id(value: str) -> bool:
    """15 or 18 letters/digits with at least 4 digits (ids are mostly zeros; names are not)."""
    return bool(_SF_SHAPE.fullmatch(value)) and sum(c.isdigit() for c in value) >= 4


def sf_id18(value: str) -> str:
    """A Salesforce id in its 18-character form; anything not shaped like an id is returned as is.

    The suffix encodes, per 5-character chunk, which characters are upper case
    (bit i = character i), as an index into A-Z0-5. A 15-character id gains the
    suffix; an 18-character id whose case was lost (a spreadsheet upper-cased
    it) gets its case back from the suffix, so both spellings key the same row.
    """
    text = value.strip()
    if not looks_like_sf_id(text):
        return value
    if len(text) == 15:
        chunks = (text[i:i + 5] for i in range(0, 15, 5))
        return text + "".join(
            _SF_SUFFIX[sum(1 << i for i, c in enumerate(chunk) if "A" <= c <= "Z")] for chunk in chunks)
    body, suffix = text[:15], text[15:].upper()
    if any(c not in _SF_SUFFIX for c in suffix):
        return value
    restored = []
    for n, code in enumerate(suffix):
        bits = _SF_SUFFIX.index(code)
        for i, c in enumerate(body[n * 5:n * 5 + 5]):
            upper = bool(bits >> i & 1)
            if upper and not c.isalpha():
                return value                 # suffix does not fit the body: not ours to fix
            restored.append(c.upper() if upper else c.lower())
    return "".join(restored) + suffix


@_transform
def _sf_id(series, _ctx, _arg):
    return series.map(sf_id18)


@_transform
def _sf_prefix(series, _ctx, prefix):
    """Keep only ids of one object (key prefix, e.g. 006 = Opportunity); WhatId/WhoId are polymorphic."""
    return series.where(series.str.startswith(prefix or ""), "")


@_transform
def _sf_user(series, _ctx, _arg):
    """Blank owner ids that are not users: records owned by a queue (00G) have no rep."""
    return series.map(lambda v: "" if looks_like_sf_id(v) and not v.startswith("005") else v)


# --- numbers ------------------------------------------------------------------

def parse_number(text: str, decimal: str = ".", thousands: str = "") -> Decimal | None:
    """Locale text → Decimal, or None when it is not a number."""
    cleaned = text.strip().rstrip("%").strip()
    for sep in {thousands, "\u00a0", "\u202f", " "} - {""}:
        cleaned = cleaned.replace(sep, "")
    try:
        number = Decimal(cleaned.replace(decimal, "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def format_number(number: Decimal, decimal: str = ".") -> str:
    """Decimal → plain text in the preset's locale (no exponent, no trailing zeros)."""
    text = format(number.normalize(), "f")
    return text.replace(".", decimal)


def _rescale(series: pd.Series, ctx: Context, when: Callable[[str, Decimal], bool]) -> pd.Series:
    p = ctx.preset

    def one(value: str) -> str:
        number = parse_number(value, p.decimal, p.thousands) if value else None
        if number is None or not when(value, number):
            return value                    # unparseable text is left for the validator to reject
        return format_number(number / 100, p.decimal)
    return series.map(one)


@_transform
def _percent(series, ctx, _arg):
    """Percent (`90`, `90%`, `12,5`) → share 0..1, as CRMs store probability and discount."""
    return _rescale(series, ctx, lambda _v, _n: True)


@_transform
def _share(series, ctx, _arg):
    """Already 0..1 unless written with % or above 1 (a probability cannot be, so it is a percent)."""
    return _rescale(series, ctx, lambda v, n: v.endswith("%") or n > 1)


_CURRENCY = r"(?:[A-Z]{3}|[$€£¥₽₹₴₸]|zł|kr)"
_MONEY = re.compile(rf"^{_CURRENCY}?\s*(.*?)\s*{_CURRENCY}?$")


@_transform
def _money(series, _ctx, _arg):
    """Drop a currency code or symbol around an amount (`USD 1,200.00`, `1 200,00 €`)."""
    stripped = series.str.replace(_MONEY, r"\1", regex=True)
    # Only where an amount remains: text such as "n/a" is left for the validator to reject.
    return stripped.where(stripped.str.contains(r"\d", regex=True), series)


@_transform
def _hms_seconds(series, _ctx, _arg):
    """`HH:MM` or `HH:MM:SS` durations → whole seconds; plain numbers stay as they are."""
    def one(value: str) -> str:
        parts = value.split(":")
        if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
            return value
        seconds = 0
        for unit, part in zip((3600, 60, 1), parts):
            seconds += unit * int(part)
        return str(seconds)
    return series.map(one)


@_transform
def _first(series, _ctx, _arg):
    """First entry of a `;`- or `,`-separated list (HubSpot association columns)."""
    return series.str.split(r"[;,]", regex=True).str[0].fillna("").str.strip()


# --- countries ----------------------------------------------------------------

_COUNTRY_ALIASES = {"uk": "GBR", "great britain": "GBR", "england": "GBR", "scotland": "GBR",
                    "wales": "GBR", "russia": "RUS", "turkey": "TUR", "the netherlands": "NLD",
                    "holland": "NLD", "deutschland": "DEU", "u.s.": "USA", "u.s.a.": "USA",
                    "america": "USA", "south korea": "KOR", "korea": "KOR", "uae": "ARE"}


@lru_cache(maxsize=1024)
def country_alpha3(value: str) -> str | None:
    """Country name or ISO code → ISO 3166-1 alpha-3, or None when unknown."""
    key = value.strip().casefold()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        return None


@_transform
def _country(series, ctx, _arg):
    codes = series.map(lambda v: (country_alpha3(v) or "") if v else "")
    unknown = series[(series != "") & (codes == "")]
    if len(unknown):
        ctx.warn(f"countries not recognised, left blank: {sample(unknown)}")
    return codes


def sample(values: pd.Series, limit: int = 5) -> str:
    """The commonest values with their row counts, for a warning."""
    counts = Counter(values)
    shown = ", ".join(f"{v!r} ({n} rows)" for v, n in counts.most_common(limit))
    return shown + (f" and {len(counts) - limit} more" if len(counts) > limit else "")
