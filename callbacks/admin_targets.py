"""Targets callbacks (admins only): filters, the quotas table, inline edits and a quotas file.
Every write goes through app.admin.targets, which validates, audits and bumps the data version."""
from __future__ import annotations

import uuid

from dash import Input, Output, State, no_update

from app.admin import targets
from app.admin.uploads import UploadRefused
from app.auth.pages import page_named
from app.i18n import current_locale
from app.kpi import service
from callbacks.policy import allow
from layouts.pages import admin_imports as imports_page
from layouts.pages import admin_targets as page

ROLES = page_named("admin_targets").roles


@allow(ROLES)
def update_admin_targets_filters(_version, year):
    """Years and teams that hold quotas; keeps the chosen year while it has any."""
    options = targets.filter_options()
    chosen = page.year_choice(options["years"], year, service.org_today())
    return ([{"label": str(y), "value": y} for y in options["years"]], chosen,
            [{"label": t, "value": t} for t in options["teams"]])


@allow(ROLES)
def update_admin_targets_table(year, team, _version):
    rows, locale = targets.quota_rows(year, team), current_locale()
    return (page.table_rows(rows, locale), page.table_columns(locale),
            page.summary(rows, locale, service.settings()["currency"]))


@allow(ROLES)
def update_admin_targets_edit(_timestamp, data, previous):
    """Save each amount that differs from what the table showed; the table then reloads, so a
    refused edit shows the stored amount again."""
    before = {r.get("id"): r for r in previous or [] if isinstance(r, dict)}
    changes = []
    for row in data or []:
        old = before.get(row.get("id")) if isinstance(row, dict) else None
        if old is None or old.get("amount") == row.get("amount"):
            continue
        label = (row.get("rep"), row.get("month_label"))
        try:
            changes.append((*label, *targets.edit_quota(row.get("rep_id"), row.get("month"), row.get("amount"))))
        except targets.QuotaError as error:
            changes.append((*label, error.code))
    if not changes:
        return no_update, no_update
    return page.edit_outcome(changes, current_locale(), service.settings()["currency"]), uuid.uuid4().hex


@allow(ROLES)
def update_admin_targets_load(contents, filename):
    """Load a quotas CSV through the import; report it and reload the table."""
    if not contents:
        return no_update, no_update
    try:
        result = targets.import_quotas(contents, filename)
    except UploadRefused as error:
        return imports_page.upload_refused(error, current_locale()), no_update
    return page.load_report(result, current_locale()), uuid.uuid4().hex


def register(app) -> None:
    version = Input(page.ADMIN_TARGETS_VERSION, "data")
    app.callback(Output(page.ADMIN_TARGETS_YEAR, "options"), Output(page.ADMIN_TARGETS_YEAR, "value"),
                 Output(page.ADMIN_TARGETS_TEAM, "options"), version,
                 State(page.ADMIN_TARGETS_YEAR, "value"))(update_admin_targets_filters)
    app.callback(Output(page.ADMIN_TARGETS_TABLE, "data"), Output(page.ADMIN_TARGETS_TABLE, "columns"),
                 Output(page.ADMIN_TARGETS_SUMMARY, "children"), Input(page.ADMIN_TARGETS_YEAR, "value"),
                 Input(page.ADMIN_TARGETS_TEAM, "value"), version)(update_admin_targets_table)
    app.callback(Output(page.ADMIN_TARGETS_EDITED, "children"), Output(page.ADMIN_TARGETS_VERSION, "data"),
                 Input(page.ADMIN_TARGETS_TABLE, "data_timestamp"), State(page.ADMIN_TARGETS_TABLE, "data"),
                 State(page.ADMIN_TARGETS_TABLE, "data_previous"), prevent_initial_call=True)(update_admin_targets_edit)
    app.callback(Output(page.ADMIN_TARGETS_LOADED, "children"),
                 Output(page.ADMIN_TARGETS_VERSION, "data", allow_duplicate=True),
                 Input(page.ADMIN_TARGETS_UPLOAD, "contents"), State(page.ADMIN_TARGETS_UPLOAD, "filename"),
                 prevent_initial_call=True)(update_admin_targets_load)
