"""What the admin pages ask of the domain: users and tokens, settings, the audit log,
imports from the browser, targets (quotas).

Like app.kpi.service for the analysis pages, these functions are the only way the admin
callbacks reach the database. Each checks again that the viewer is an admin (the callback
policy is the first check) and records changes with the acting admin as actor, their role
and address.
"""
from __future__ import annotations

from flask import current_app

from app.auth import identity
from app.auth.pages import role_of
from app.auth.roles import Role
from app.data.audit import record_event
from app.errors import Explained
from app.i18n import N_


class NotAllowed(Explained):
    pass


def acting_admin() -> dict:
    """The admin making this request; NotAllowed for anyone else, an admin viewing as
    another user included (they act as that user until they stop)."""
    row = identity.viewer()
    if role_of(row) != Role.ADMIN:
        raise NotAllowed(N_("only administrators can do this"))
    return row


def audit_of(admin: dict) -> dict:
    """actor, actor_role and ip: the keyword arguments of the domain functions' audit events."""
    return {"actor": admin["username"], "actor_role": admin["role"], "ip": identity.audit_context()["ip"]}


def engine():
    return current_app.extensions["engine"]


def record(conn, event: str, admin: dict, **details) -> None:
    """An audit event of the acting admin (actor, role, address) with `details`."""
    record_event(conn, event, actor=admin["username"], role=admin["role"], ip=identity.audit_context()["ip"],
                 **details)
