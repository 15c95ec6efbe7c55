"""A user's language: stored, validated, audited; applied at once to their own session."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask, session
from flask_login import LoginManager, UserMixin, login_user

from app.auth.users import UserError, create_user
from app.data.system_schema import audit_log, users
from app.i18n import SESSION_KEY, current_locale, init_i18n, set_user_locale


def _locale_of(conn, username):
    return conn.execute(sa.select(users.c.locale).where(users.c.username == username)).scalar_one()


def _locale_events(conn):
    rows = conn.execute(sa.select(audit_log).where(audit_log.c.event == "user_locale_changed")
                        .order_by(audit_log.c.event_id)).mappings()
    return [dict(r) for r in rows]


@pytest.fixture
def conn(engine):
    with engine.begin() as conn:
        create_user(conn, "ola", "admin", "a long enough password 1", locale="pl")
        yield conn


def test_the_locale_is_stored_and_audited(conn):
    assert set_user_locale(conn, "ola", "fa", actor="admin1") is True
    assert _locale_of(conn, "ola") == "fa"
    [event] = _locale_events(conn)
    assert event["actor"] == "admin1"
    assert json.loads(event["details"]) == {"username": "ola", "old": "pl", "new": "fa"}


def test_setting_the_same_locale_changes_nothing(conn):
    assert set_user_locale(conn, "ola", "pl") is False
    assert _locale_events(conn) == []


@pytest.mark.parametrize("bad", ["de", "PL", "pl-PL", "", "fa_IR"])
def test_only_the_five_locales_are_accepted(conn, bad):
    with pytest.raises(UserError, match="unknown locale"):
        set_user_locale(conn, "ola", bad)
    assert _locale_of(conn, "ola") == "pl"


def test_an_unknown_user_is_refused(conn):
    with pytest.raises(UserError, match="no user"):
        set_user_locale(conn, "nobody", "ru")


class _User(UserMixin):
    def __init__(self, row):
        self.row = row

    def get_id(self):
        return "1"


def test_the_signed_in_user_sees_their_new_language_in_the_same_request(conn):
    server = Flask(__name__)
    server.config.update(SECRET_KEY="test", TESTING=True)
    LoginManager(server)
    init_i18n(server)
    with server.test_request_context("/"):
        login_user(_User({"user_id": 1, "username": "ola", "role": "admin", "locale": "pl"}))
        session[SESSION_KEY] = "ru"         # chosen earlier with ?lang=ru
        assert current_locale() == "ru"
        set_user_locale(conn, "ola", "zh")
        assert current_locale() == "zh" and session[SESSION_KEY] == "zh"
    [event] = _locale_events(conn)
    assert event["actor"] == "ola" and event["role"] == "admin"
