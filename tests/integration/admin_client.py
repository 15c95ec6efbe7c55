"""Helpers for the admin pages' integration tests: forge the pages' callbacks as a browser
would and read the audit log."""
from __future__ import annotations

import json

import sqlalchemy as sa

from app.data.system_schema import audit_log
from layouts.pages import admin_users as users_page
from tests.dash_client import find_key, post_callback

FORM = (users_page.SELECTED, users_page.NEW_USERNAME, users_page.NEW_NAME, users_page.NEW_ROLE, users_page.NEW_REP,
        users_page.NEW_PASSWORD, users_page.ROLE, users_page.REP, users_page.PASSWORD, users_page.TOKEN_NAME)


def call(web, client, output_id: str, prop: str, values: dict, changed: str | None = None, wildcard=None):
    """POST the callback writing output_id.prop with `values` ({(id, prop): value})."""
    return post_callback(client, web.dash, find_key(web.dash, output_id, prop), values=values, changed=changed,
                         wildcard=wildcard)


def users_action(web, client, button: str, token_id: int | None = None, **form):
    """Click `button` of the users page (or a token's Revoke when token_id is given) with the form's
    fields given by their page constant's name in lower case: selected="rep.x", role="manager" …"""
    values = {(cid, "value"): form.get(_field(cid)) for cid in FORM}
    values[(users_page.CHANGED, "data")] = 0
    if token_id is None:
        values[(button, "n_clicks")] = 1
        changed = f"{button}.n_clicks"
    else:
        changed = json.dumps({"token": token_id, "type": users_page.TOKEN_REVOKE}, separators=(",", ":"),
                             sort_keys=True) + ".n_clicks"
    return call(web, client, users_page.MESSAGE, "children", values, changed=changed,
                wildcard={"token": token_id} if token_id is not None else None)


def _field(cid: str) -> str:
    return cid.removeprefix("admin_users-").replace("-", "_")


def outputs(resp) -> dict:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert "sideUpdate" not in body, body          # the friendly error was not shown
    return body["response"]


def text_of(component) -> str:
    """All the text in a serialised component tree."""
    if isinstance(component, (list, tuple)):
        return " ".join(t for t in (text_of(c) for c in component) if t)
    if isinstance(component, dict):
        return text_of(component.get("props", {}).get("children"))
    return "" if component is None else str(component)


def events(web, event: str, **where) -> list[dict]:
    """Audit events of one kind (oldest first), with details parsed; `where` matches columns."""
    with web.engine.connect() as conn:
        query = sa.select(audit_log).where(audit_log.c.event == event,
                                           *[audit_log.c[k] == v for k, v in where.items()]) \
            .order_by(audit_log.c.event_id)
        return [{**r, "details": json.loads(r["details"]) if r["details"] else {}}
                for r in conn.execute(query).mappings()]
