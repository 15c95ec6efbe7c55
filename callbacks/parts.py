"""Pages rendered whole: the parts of a page that follow only from its URL are computed with
its layout, in the page router's request.

Filled by one callback each, every page load and filter change took two round trips: the
skeleton, then its parts (bench/page_speed.py). A page's callbacks module lists its parts
in `PARTS` — {output or (outputs…): fn(search) → value(s)} — and the page router
(app/dash_app.py) fills the skeleton with them. The functions are the page's plain update
functions, asked in the viewer's scope like any callback. Callbacks remain for what the
page's own controls change (a dropdown on the page, a click).
"""
from __future__ import annotations

import logging

from app.i18n import gettext as _
from layouts.components import PART_FAILED, error_alert
from layouts.figures import empty_figure

log = logging.getLogger(__name__)


KEEP = object()      # a failed part leaves this output as the skeleton has it


def outputs_of(key) -> tuple:
    """The (component id, prop) pairs a PARTS key names: one pair, or a tuple of them."""
    return key if isinstance(key[0], tuple) else (key,)


def _by_id(layout) -> dict:
    """The components of `layout` that have a plain id (`_traverse` is how Dash walks a tree)."""
    return {c.id: c for c in [layout, *layout._traverse()] if isinstance(getattr(c, "id", None), str)}


def missing(layout, parts: dict) -> list[str]:
    """The ids `parts` fill that `layout` lacks (checked once, when the app is built)."""
    present = _by_id(layout)
    return [cid for key in parts for cid, _prop in outputs_of(key) if cid not in present]


def fill(layout, parts: dict, search: str):
    """`layout` with each part's outputs set to what its function returns for `search`. A part
    that fails is logged and shows a friendly message; the others are shown."""
    by_id = _by_id(layout)
    for key, render in parts.items():
        targets = outputs_of(key)
        try:
            values = render(search)
            values = tuple(values) if len(targets) > 1 else (values,)
            if len(values) != len(targets):
                raise ValueError(f"{render.__name__} gave {len(values)} values for {len(targets)} outputs")
        except Exception:       # noqa: BLE001 — one part's failure must not blank the page
            log.exception("page part %s failed", targets)
            values = tuple(_failed(prop) for _cid, prop in targets)
        for (component_id, prop), value in zip(targets, values):
            if value is not KEEP:
                setattr(by_id[component_id], prop, value)
    return layout


def shielded(render, fallback=None):
    """render(), or `fallback` when it fails (logged): for a piece that shares a callback with
    pieces that must show whatever happens to it (the view-as banner, the navbar)."""
    try:
        return render()
    except Exception:       # noqa: BLE001
        log.exception("%s failed", getattr(render, "__name__", "a piece of the page"))
        return fallback


def _failed(prop: str):
    """What a failed part's output shows: the message where there is room for one; other
    outputs (a picker's value, a class) stay as the skeleton has them."""
    if prop == "figure":
        return empty_figure(_(PART_FAILED))
    return error_alert() if prop == "children" else [] if prop == "options" else KEEP
