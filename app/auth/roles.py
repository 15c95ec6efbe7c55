"""Roles, in one enum; pages and scope are decided from these in app.auth.policy."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EXECUTIVE = "executive"
    MANAGER = "manager"
    REP = "rep"

    @classmethod
    def parse(cls, value: str) -> "Role":
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(f"unknown role {value!r}; roles are {', '.join(r.value for r in cls)}") from None
