"""Shared by the login, session and header tests: an app with its own settings on the web
fixture's database, a clock the tests move, Redis under a throwaway key prefix, audit counts."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import Config
from app.data.system_schema import audit_log
from tests.services import REDIS_URL, throwaway_prefix  # noqa: F401  (REDIS_URL: for the tests)

SECRET = "web-test-secret-key-0123456789"


def make_app(database_url: str, **settings):
    """A server on `database_url` with the given Config fields (the rest: defaults, no Redis)."""
    settings.setdefault("redis_url", None)
    return create_app(Config(database_url=database_url, secret_key=SECRET, testing=True, **settings))


@pytest.fixture
def apps(module_db_url):
    """make_app on the module's database; every app built is disposed of afterwards."""
    built = []

    def build(**settings):
        server = make_app(module_db_url, **settings)
        built.append(server)
        return server
    yield build
    for server in built:
        server.extensions["engine"].dispose()


class Clock:
    def __init__(self):
        self.now = datetime(2031, 3, 3, 9, 0)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """app.data.clock.utcnow, frozen until the test moves it."""
    fake = Clock()
    monkeypatch.setattr("app.data.clock.utcnow", lambda: fake.now)
    return fake


@pytest.fixture
def redis_prefix():
    """A unique key prefix on the test Redis; its keys are deleted afterwards."""
    with throwaway_prefix() as prefix:
        yield prefix


def events(engine, event: str, actor: str | None = None) -> list[dict]:
    """The audit events of one type (and actor), oldest first."""
    query = sa.select(audit_log).where(audit_log.c.event == event).order_by(audit_log.c.event_id)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def sign_in(client, username: str, password: str, **form):
    """POST the login form as a browser would (token from the page); extra fields in `form`."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, **form})


def client_from(server, address: str = "127.0.0.1"):
    """A test client whose requests come from `address`."""
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client
