"""Business settings: defaults in code, overrides in the `settings` table (edited by admins)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.clock import utcnow
from app.data.system_schema import data_version, settings
from app.errors import Explained
from app.i18n import N_


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    kind: type
    description: str


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    # Descriptions are marked for the catalogue and translated where the admin page shows them.
    Setting("org_timezone", "UTC", str, N_("Time zone in which timestamps without an offset are read "
                                           "and in which a timestamp's date is taken")),
    Setting("currency", "USD", str, N_("Reporting currency (ISO 4217)")),
    Setting("call_threshold_seconds", 60, int, N_("A call this long or longer counts as successful")),
    Setting("stale_days", 3, int, N_("An open deal without activity for this many days is stale")),
    Setting("response_sla_minutes", 15, int, N_("Lead response SLA")),
    Setting("commission_multiplier", 1.5, float, N_("Commission rate multiplier above 100 % of quota")),
    Setting("leaderboard_anonymous", False, bool, N_("Show reps other reps' ranks without names")),
    Setting("freshness_warning_hours", 48, int, N_("Warn when the last successful import is older")),
)}


class SettingError(Explained):
    pass


KIND_MESSAGES = {int: N_("%(key)s must be a whole number, got '%(value)s'"),
                 float: N_("%(key)s must be a number, got '%(value)s'"),
                 bool: N_("%(key)s must be true or false, got '%(value)s'"),
                 str: N_("%(key)s must be text, got '%(value)s'")}


def parse_value(key: str, text):
    """Text (CLI, form) → a valid value of the setting, or SettingError saying what is allowed."""
    if key not in SETTINGS:
        raise SettingError(N_("unknown setting '%(key)s'; settings are: %(keys)s"), key=key, keys=", ".join(SETTINGS))
    kind = SETTINGS[key].kind
    raw = str(text).strip()
    try:
        if kind is bool:
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            value = raw.lower() in ("true", "1", "yes")
        else:
            value = kind(raw)
    except ValueError:
        raise SettingError(KIND_MESSAGES[kind], key=key, value=raw) from None
    if kind is float and not math.isfinite(value):
        raise SettingError(KIND_MESSAGES[kind], key=key, value=raw)
    if kind in (int, float) and value < 0:
        raise SettingError(N_("%(key)s cannot be negative"), key=key)
    if key == "org_timezone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(N_("unknown time zone '%(value)s' (use e.g. Europe/Warsaw)"), value=value) from None
    if key == "currency":
        import pycountry
        if pycountry.currencies.get(alpha_3=value.upper()) is None:
            raise SettingError(N_("unknown currency '%(value)s' (use an ISO 4217 code such as PLN)"), value=value)
        value = value.upper()
    return value


def fetch_settings(conn: Connection) -> dict[str, object]:
    """Every setting's current value: the stored override, else the default."""
    values = {key: s.default for key, s in SETTINGS.items()}
    for key, raw in conn.execute(sa.select(settings.c.key, settings.c.value)):
        if key in SETTINGS:
            values[key] = SETTINGS[key].kind(json.loads(raw))
    return values


def save_setting(conn: Connection, key: str, value, actor: str | None) -> None:
    """Store an override (validated by type) and bump the data version; caches key on it."""
    value = parse_value(key, value)
    now = utcnow()
    conn.execute(settings.delete().where(settings.c.key == key))
    conn.execute(settings.insert().values(key=key, value=json.dumps(value), updated_at=now,
                                          updated_by=actor))
    bump_data_version(conn)


def fetch_data_version(conn: Connection) -> int:
    return conn.execute(sa.select(data_version.c.version).where(data_version.c.id == 1)).scalar() or 0


def bump_data_version(conn: Connection) -> int:
    now = utcnow()
    conn.execute(data_version.update().where(data_version.c.id == 1).values(
        version=data_version.c.version + 1, changed_at=now))
    return fetch_data_version(conn)


def fetch_setting_changes(conn: Connection) -> dict[str, dict]:
    """{key: {"updated_at", "updated_by"}} of the settings that have a stored override."""
    rows = conn.execute(sa.select(settings.c.key, settings.c.updated_at, settings.c.updated_by)).mappings()
    return {r["key"]: {"updated_at": r["updated_at"], "updated_by": r["updated_by"]} for r in rows}
