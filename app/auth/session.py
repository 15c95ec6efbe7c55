"""The logged-in user as flask-login sees it, re-read from the database on every request.

The session stores "user_id:epoch"; resetting a password or deactivating a user
bumps the epoch, so every existing session of theirs stops being valid at once.
"""
from __future__ import annotations

from flask import current_app, request
from flask_login import UserMixin

from app.auth import tokens
from app.data.engine import writing
from app.data.tokens import fetch_user_by_id
from app.extensions import login_manager


class User(UserMixin):
    def __init__(self, row: dict, via_token: bool = False):
        self.row = row
        self.via_token = via_token

    def get_id(self) -> str:
        return f"{self.row['user_id']}:{self.row['session_epoch']}"

    @property
    def is_active(self) -> bool:
        return bool(self.row["active"])

    def __getattr__(self, name):
        try:
            return self.__dict__["row"][name]
        except KeyError:
            raise AttributeError(name) from None


def engine():
    return current_app.extensions["engine"]


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.lstrip("-").isdigit():
        return None
    with engine().connect() as conn:
        row = fetch_user_by_id(conn, int(user_id))
    if not row or not row["active"] or row["session_epoch"] != int(epoch):
        return None
    return User(row)


@login_manager.request_loader
def load_user_from_token(req):
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with writing(engine()) as conn:     # reads the token, then stamps its last use
        row = tokens.user_for_token(conn, token.strip())
    return User(row, via_token=True) if row else None


def client_ip() -> str | None:
    return request.remote_addr
