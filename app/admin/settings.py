"""The settings page's questions and its one action: save the changed settings.

Values are validated by app.data.settings.parse_value (the CLI's rules) and stored with
save_setting, which bumps the data version so cached KPI answers refresh. A form with any
bad value saves nothing.
"""
from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from app.admin import acting_admin, engine, record
from app.data.settings import (SettingError, fetch_setting_changes, fetch_settings, parse_value,
                               save_setting)
from app.errors import Explained
from app.i18n import N_


class SettingsRefused(Explained):
    """Some values are invalid; `errors` maps each such key to its SettingError."""

    def __init__(self, errors: dict[str, SettingError]):
        super().__init__(N_("Nothing was saved: correct the values marked below."))
        self.errors = errors


def current() -> dict:
    """{"values": every setting's value, "changes": {key: {"updated_at", "updated_by"}} of the
    settings that differ from the default, "timezone": the organisation's}."""
    acting_admin()
    with engine().connect() as conn:
        values = fetch_settings(conn)
        return {"values": values, "changes": fetch_setting_changes(conn), "timezone": values["org_timezone"]}


def save(submitted: dict[str, object]) -> list[tuple[str, object, object]]:
    """Validate every submitted value, then store those that changed, each audited as
    setting_changed (old → new). Returns [(key, old, new)]; raises SettingsRefused
    (nothing stored) when any value is invalid."""
    admin = acting_admin()
    parsed, errors = {}, {}
    for key, raw in submitted.items():
        try:
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                raise SettingError(N_("%(key)s needs a value"), key=key)
            parsed[key] = parse_value(key, raw)
        except SettingError as exc:
            errors[key] = exc
    if errors:
        raise SettingsRefused(errors)
    with engine().begin() as conn:
        old = fetch_settings(conn)
        changes = [(key, old[key], value) for key, value in parsed.items() if value != old[key]]
        for key, before, after in changes:
            save_setting(conn, key, after, actor=admin["username"])
            record(conn, "setting_changed", admin, key=key, old=before, new=after)
    return changes


@lru_cache(maxsize=1)
def time_zone_choices() -> tuple[str, ...]:
    """IANA zone names this server knows (the ones parse_value accepts), sorted."""
    return tuple(sorted(z for z in available_timezones()
                        if not z.startswith(("posix/", "right/")) and z not in ("localtime", "posixrules", "Factory")))


@lru_cache(maxsize=8)
def currency_choices(locale: str) -> tuple[tuple[str, str], ...]:
    """(ISO 4217 code, name in `locale`) of every current currency, sorted by code."""
    import pycountry
    from babel.numbers import get_currency_name
    return tuple(sorted((c.alpha_3, get_currency_name(c.alpha_3, locale=locale)) for c in pycountry.currencies))
