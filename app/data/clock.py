"""The one definition of "now" for stored timestamps: naive UTC, as every TS column holds."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
