"""Settings (admins only): every business setting of app.data.settings with its meaning, its
default and who last changed it; one Save validates them all and stores the changed ones.
`layout(**query)` is the form (built from the SETTINGS registry, so a new setting appears by
itself); callbacks.admin_settings fills the values and saves."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.admin.settings import currency_choices, time_zone_choices
from app.data.settings import SETTINGS, Setting
from app.formatting import format_datetime
from app.i18n import N_, current_locale
from app.i18n import gettext as _

P = "admin_settings-"
SAVE, MESSAGE = P + "save", P + "message"
VALUE = {key: f"{P}value-{key}" for key in SETTINGS}
ERROR = {key: f"{P}error-{key}" for key in SETTINGS}
CHANGED = {key: f"{P}changed-{key}" for key in SETTINGS}
LABELS = {"org_timezone": N_("Organisation time zone"), "currency": N_("Currency"),
          "call_threshold_seconds": N_("Successful call, seconds"), "stale_days": N_("Stale deal, days"),
          "response_sla_minutes": N_("Lead response SLA, minutes"),
          "commission_multiplier": N_("Commission multiplier"),
          "leaderboard_anonymous": N_("Anonymous leaderboard for reps"),
          "freshness_warning_hours": N_("Data freshness warning, hours")}


def label(key: str) -> str:
    return _(LABELS[key]) if key in LABELS else key


def layout(**_query) -> html.Div:
    return html.Div([
        html.H1([html.I(className="bi bi-sliders me-2"), _("Settings")], className="h4 my-2"),
        html.P(_("Thresholds and options the KPIs use. Saving a change refreshes every cached figure."),
               className="text-muted small"),
        html.Div(id=MESSAGE, role="status"),
        dbc.Card(dbc.CardBody([setting_row(s) for s in SETTINGS.values()]), className="shadow-sm mb-3"),
        dbc.Button([html.I(className="bi bi-check2 me-1"), _("Save settings")], id=SAVE, n_clicks=0, className="mb-4"),
    ], style={"maxWidth": "60rem"})


def setting_row(setting: Setting) -> dbc.Row:
    key = setting.key
    return dbc.Row([
        dbc.Col([dbc.Label(label(key), html_for=VALUE[key], className="fw-semibold mb-0"),
                 html.Div(_(setting.description), className="small text-muted"),
                 html.Div([_("Default: %(value)s") % {"value": shown(setting.default)}, " · ",
                           html.Span(id=CHANGED[key])], className="small text-muted")], md=7),
        dbc.Col([control(setting), html.Div(id=ERROR[key], className="small text-danger mt-1")], md=5),
    ], className="py-2 border-bottom g-2 align-items-center")


def control(setting: Setting):
    """The input for a setting's kind: a switch, a number, or a list of valid choices."""
    cid = VALUE[setting.key]
    if setting.kind is bool:
        return dbc.Switch(id=cid, value=False)
    if setting.key == "org_timezone":
        return dcc.Dropdown(id=cid, options=list(time_zone_choices()), clearable=False)
    if setting.key == "currency":
        return dcc.Dropdown(id=cid, clearable=False,
                            options=[{"label": f"{code} — {name}", "value": code}
                                     for code, name in currency_choices(current_locale())])
    if setting.kind in (int, float):
        return dbc.Input(id=cid, type="number", min=0, step=1 if setting.kind is int else "any")
    return dbc.Input(id=cid, type="text")


def shown(value) -> str:
    if isinstance(value, bool):
        return _("on") if value else _("off")
    return str(value)


def changed_note(change: dict | None, locale: str, tz: str) -> str:
    """Who changed the setting last and when, or that it has its default."""
    if not change:
        return _("never changed")
    return _("changed %(when)s by %(who)s") % {"when": format_datetime(change["updated_at"], locale, tz),
                                               "who": change["updated_by"] or "—"}


def saved_message(changes: list[tuple[str, object, object]]) -> dbc.Alert:
    if not changes:
        return dbc.Alert(_("Nothing changed."), color="secondary", dismissable=True, className="py-2")
    items = [html.Li(f"{label(key)}: {shown(old)} → {shown(new)}") for key, old, new in changes]
    return dbc.Alert([html.Div(_("Saved:")), html.Ul(items, className="mb-0")], color="success", dismissable=True,
                     className="py-2")


def refused_message(text: str) -> dbc.Alert:
    return dbc.Alert([html.I(className="bi bi-exclamation-triangle me-2"), text], color="danger", dismissable=True,
                     className="py-2")
