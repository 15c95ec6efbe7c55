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


def fill(layout, parts: dict, search: str):
    """`layout` with each part's output set to what its function returns for `search`. A part
    that fails is logged and shows a friendly message; the others are shown."""
    by_id = {c.id: c for c in [layout, *layout._traverse()] if isinstance(getattr(c, "id", None), str)}
    for outputs, render in parts.items():
        many = isinstance(outputs[0], tuple)
        targets = outputs if many else (outputs,)
        try:
            values = render(search)
        except Exception:       # noqa: BLE001 — one part's failure must not blank the page
            log.exception("page part %s failed", targets)
            values = [_failed(prop) for _, prop in targets] if many else _failed(targets[0][1])
        for (component_id, prop), value in zip(targets, values if many else (values,)):
            setattr(by_id[component_id], prop, value)
    return layout


def _failed(prop: str):
    """What a failed part's output shows: the message where there is room for one."""
    if prop == "figure":
        return empty_figure(_(PART_FAILED))
    return error_alert() if prop == "children" else [] if prop == "options" else None
