"""Names shown for the data contract's fixed codes (sales channels, size segments).

The database keeps the contract's codes (`online`, `Mid-Market` …); people read these
names, in their language. A value outside the contract is shown as it is.
"""
from __future__ import annotations

from app.i18n import N_
from app.i18n import gettext as _

CHANNELS = {"online": N_("Online"), "offline": N_("Offline"), "retail": N_("Retail"),
            "wholesale": N_("Wholesale"), "agency": N_("Agency"), "partner": N_("Partner")}
SEGMENTS = {"SMB": N_("Small business"), "Mid-Market": N_("Mid-market"), "Enterprise": N_("Enterprise")}
BY_FILTER = {"channel": CHANNELS, "segment": SEGMENTS}


def label(kind: str, code) -> str:
    """The translated name of a code of `kind` ("channel", "segment"), else the code itself."""
    name = BY_FILTER.get(kind, {}).get(code)
    return _(name) if name else ("" if code is None else str(code))


def labelled_options(options: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Filter-bar options with the codes of fixed vocabularies named (sorted by the new label)."""
    out = dict(options)
    for kind in BY_FILTER:
        if kind in out:
            out[kind] = sorted(({**o, "label": label(kind, o["value"])} for o in out[kind]),
                               key=lambda o: (o["label"].lower(), o["value"]))
    return out
