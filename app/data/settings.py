"""Business settings: defaults in code, overrides in the `settings` table (edited by admins)."""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.data.clock import utcnow
from app.data.system_schema import data_version, settings


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    kind: type
    description: str


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("org_timezone", "UTC", str, "Time zone in which timestamps without an offset are read "
            "and in which a timestamp's date is taken"),
    Setting("currency", "USD", str, "Reporting currency (ISO 4217)"),
    Setting("call_threshold_seconds", 60, int, "A call this long or longer counts as successful"),
    Setting("stale_days", 3, int, "An open deal without activity for this many days is stale"),
    Setting("response_sla_minutes", 15, int, "Lead response SLA"),
    Setting("commission_multiplier", 1.5, float, "Commission rate multiplier above 100 % of quota"),
    Setting("leaderboard_anonymous", False, bool, "Show reps other reps' ranks without names"),
    Setting("freshness_warning_hours", 48, int, "Warn when the last successful import is older"),
)}


class SettingError(ValueError):
    pass


def parse_value(key: str, text):
    """Text (CLI, form) → a valid value of the setting, or SettingError saying what is allowed."""
    if key not in SETTINGS:
        raise SettingError(f"unknown setting {key!r}; settings are: {', '.join(SETTINGS)}")
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
        raise SettingError(f"{key} must be {kind.__name__}, got {raw!r}") from None
    if kind in (int, float) and value < 0:
        raise SettingError(f"{key} cannot be negative")
    if key == "org_timezone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(f"unknown time zone {value!r} (use e.g. Europe/Warsaw)") from None
    if key == "currency":
        import pycountry
        if pycountry.currencies.get(alpha_3=value.upper()) is None:
            raise SettingError(f"unknown currency {value!r} (use an ISO 4217 code such as PLN)")
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
