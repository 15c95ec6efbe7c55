"""Session timeouts on both databases, with the app's clock moved by the tests: the idle limit
for every login, the absolute limit (12 h, or the remember-me days), what a browser restart
keeps, and API tokens left alone."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from app.auth import tokens
from app.auth.timeouts import LOGIN_AT
from tests.integration.login_helpers import apps, clock, events, sign_in  # noqa: F401  (fixtures)
from tests.integration.web_fixture import LOGINS, PASSWORD, web  # noqa: F401  (fixture)

PAGE, XHR = "/?period=ytd", "/api/v1/kpis/catalogue"


def reasons(web, who: str, before: int) -> list[str]:
    return [json.loads(e["details"])["reason"] for e in events(web.engine, "session_expired", LOGINS[who])[before:]]


def expired_count(web, who: str) -> int:
    return len(events(web.engine, "session_expired", LOGINS[who]))


def restart_browser(server, client):
    """A new client holding only the cookies that outlive the browser (those with an expiry)."""
    fresh = server.test_client()
    for cookie in ("session", "remember_token"):
        kept = client.get_cookie(cookie)
        if kept is not None and kept.expires is not None:
            fresh.set_cookie(kept.key, kept.value, domain=kept.domain, path=kept.path)
    return fresh


def test_idle_time_ends_a_session_and_a_request_keeps_it_alive(web, apps, clock):
    server = apps(session_idle_minutes=30, session_max_hours=12)
    client, before = server.test_client(), expired_count(web, "rep")
    assert sign_in(client, LOGINS["rep"], PASSWORD).status_code == 302
    for _ in range(3):                      # 87 minutes in all, never 30 without a request
        clock.advance(minutes=29)
        assert client.get(XHR).status_code == 200
    clock.advance(minutes=30)
    resp = client.get(PAGE)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=/%3Fperiod%3Dytd"
    assert reasons(web, "rep", before) == ["idle"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Your session has expired. Please sign in again." in page
    # Signed out for good: the next request is plainly anonymous (no second audit event).
    assert client.get(XHR).status_code == 401 and reasons(web, "rep", before) == ["idle"]


def test_an_idle_limit_of_zero_is_none(web, apps, clock):
    server = apps(session_idle_minutes=0, session_max_hours=12)
    client = server.test_client()
    assert sign_in(client, LOGINS["rep"], PASSWORD).status_code == 302
    clock.advance(hours=11, minutes=59)
    assert client.get(XHR).status_code == 200
    clock.advance(minutes=1)
    assert client.get(XHR).status_code == 401


def test_a_session_ends_at_the_absolute_limit_however_active(web, apps, clock):
    server = apps(session_idle_minutes=30, session_max_hours=1)
    client, before = server.test_client(), expired_count(web, "manager")
    assert sign_in(client, LOGINS["manager"], PASSWORD).status_code == 302
    for _ in range(2):
        clock.advance(minutes=20)
        assert client.get(XHR).status_code == 200
    clock.advance(minutes=20)               # one hour after the login
    resp = client.post("/_dash-update-component", json={"output": "x.children"})
    assert resp.status_code == 401 and resp.get_json() == {"error": "session expired"}
    assert reasons(web, "manager", before) == ["absolute"]


def test_remember_me_survives_a_browser_restart_an_ordinary_login_does_not(web, apps, clock):
    server = apps(session_idle_minutes=30, session_max_hours=12, remember_days=14)
    ordinary, remembered = server.test_client(), server.test_client()
    assert sign_in(ordinary, LOGINS["executive"], PASSWORD).status_code == 302
    assert sign_in(remembered, LOGINS["executive"], PASSWORD, remember="on").status_code == 302
    assert ordinary.get_cookie("session").expires is None           # a cookie that ends with the browser
    lifetime = remembered.get_cookie("session").expires - datetime.now(timezone.utc)
    assert timedelta(days=14) - timedelta(minutes=1) < lifetime <= timedelta(days=14)
    clock.advance(minutes=10)
    assert restart_browser(server, ordinary).get(XHR).status_code == 401
    after_restart = restart_browser(server, remembered)
    assert after_restart.get(XHR).status_code == 200
    # Kept over a night without use: the user asked to stay signed in.
    clock.advance(hours=10)
    assert restart_browser(server, after_restart).get(XHR).status_code == 200


def test_a_remembered_login_lasts_its_days_not_the_hours_of_an_ordinary_one(web, apps, clock):
    server = apps(session_idle_minutes=30, session_max_hours=1, remember_days=1)
    client, before = server.test_client(), expired_count(web, "admin")
    assert sign_in(client, LOGINS["admin"], PASSWORD, remember="on").status_code == 302
    for _ in range(57):                     # 23 h 45 min of steady use, far past SESSION_MAX_HOURS
        clock.advance(minutes=25)
        assert client.get(XHR).status_code == 200
    clock.advance(minutes=15)               # 24 h after the login
    assert client.get(XHR).status_code == 401
    assert reasons(web, "admin", before) == ["absolute"]


def test_a_session_without_its_login_time_is_not_trusted(web, apps, clock):
    server = apps()
    client, before = server.test_client(), expired_count(web, "other_rep")
    assert sign_in(client, LOGINS["other_rep"], PASSWORD).status_code == 302
    with client.session_transaction() as session:       # as a cookie from before this check
        del session[LOGIN_AT]
    assert client.get(XHR).status_code == 401
    assert reasons(web, "other_rep", before) == ["unstamped"]


def test_api_tokens_are_not_browser_sessions(web, apps, clock):
    server = apps(session_idle_minutes=30, session_max_hours=1)
    with web.engine.begin() as conn:
        _id, token = tokens.create_token(conn, LOGINS["other_manager"], "timeout test", actor="test")
    clock.advance(days=100)
    resp = server.test_client().get(XHR, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and expired_count(web, "other_manager") == 0
