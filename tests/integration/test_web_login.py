"""The login view on both databases: one message for every failure, the form token, only local
`next` targets, attempts limited per account and per address (in process and in Redis), the page
in every language with its switcher, logout by POST only."""
from __future__ import annotations

import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import redis

from app.auth import users
from app.catalogues import translations_for
from app.data import users as user_store
from app.i18n import LANGUAGE_NAMES, LOCALES
from tests.integration.login_helpers import (REDIS_URL, apps, client_from, clock, events,  # noqa: F401
                                             redis_prefix, sign_in)
from tests.integration.web_fixture import LOGINS, PASSWORD, web  # noqa: F401  (fixture)

WRONG = "not the password 1"
ROOT = Path(__file__).resolve().parents[2]


def limits(attempts: list[dict]) -> list[str]:
    return [json.loads(e["details"])["limit"] for e in attempts]


# ---- the view ---------------------------------------------------------------------------------------

def test_one_message_for_every_failure_and_no_login_without_the_form_token(web, apps):
    server = apps()
    with web.engine.begin() as conn:
        if not user_store.fetch_user(conn, "gone.user"):
            users.create_user(conn, "gone.user", "executive", PASSWORD, actor="test")
            users.deactivate(conn, "gone.user", actor="test")
    answers = set()
    for name, password in ((LOGINS["rep"], WRONG), ("nobody.at.all", PASSWORD), ("gone.user", PASSWORD)):
        resp = sign_in(client_from(server), name, password)
        assert resp.status_code == 401
        answers.add(re.search(r'role="alert">([^<]+)<', resp.get_data(as_text=True)).group(1))
    assert answers == {"Wrong username or password."}
    client = client_from(server)
    client.get("/login")
    no_token = client.post("/login", data={"username": LOGINS["rep"], "password": PASSWORD})
    assert no_token.status_code == 400
    assert no_token.get_json() == {"error": "The form expired; reload the page and try again."}


def test_after_login_only_a_path_on_this_site_is_followed(web, apps):
    server = apps()
    for asked, landed in (("/my-performance?period=ytd", "/my-performance?period=ytd"),
                          ("//evil.example/x", "/"), ("https://evil.example/", "/"),
                          ("/\\evil.example", "/"), ("/x\r\nSet-Cookie:a=b", "/")):
        client = client_from(server)
        page = client.get("/login", query_string={"next": asked}).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        resp = client.post("/login", data={"username": LOGINS["executive"], "password": PASSWORD,
                                           "csrf_token": token, "next": asked})
        assert resp.status_code == 302 and resp.headers["Location"] == landed, asked


# ---- rate limit ------------------------------------------------------------------------------------

def test_after_the_limit_an_account_gets_429_even_with_the_right_password(web, apps, clock):
    server = apps(login_limit_account=3, login_limit_ip=100, login_limit_minutes=15)
    client, name = client_from(server, "10.1.0.1"), LOGINS["rep"]
    before = len(events(web.engine, "rate_limited", name))
    assert [sign_in(client, name, WRONG).status_code for _ in range(3)] == [401, 401, 401]
    refused = sign_in(client, name, PASSWORD)
    assert refused.status_code == 429
    # The clock stood still, so the oldest failure leaves the window in exactly 15 minutes.
    assert refused.headers["Retry-After"] == "900"
    assert "Too many sign-in attempts. Wait 15 minutes and try again." in refused.get_data(as_text=True)
    assert client.get("/api/v1/kpis/catalogue").status_code == 401          # not signed in
    # The limit belongs to the account, whatever address the next attempt comes from…
    assert sign_in(client_from(server, "10.1.0.2"), name, PASSWORD).status_code == 429
    new = events(web.engine, "rate_limited", name)[before:]
    assert limits(new) == ["account", "account"] and [e["ip"] for e in new] == ["10.1.0.1", "10.1.0.2"]
    assert {e["outcome"] for e in new} == {"failure"}
    # …and other accounts on the same address are not affected.
    assert sign_in(client, LOGINS["other_rep"], PASSWORD).status_code == 302


def test_the_window_slides_and_a_success_starts_the_account_afresh(web, apps, clock):
    server = apps(login_limit_account=3, login_limit_ip=100, login_limit_minutes=15)
    client, name = client_from(server, "10.2.0.1"), LOGINS["manager"]

    def attempt(password=WRONG):
        resp = sign_in(client, name, password)
        return resp.status_code, resp.headers.get("Retry-After")

    assert [attempt(), attempt()] == [(401, None)] * 2
    assert attempt(PASSWORD) == (302, None)         # two failures, then the right password…
    client.post("/logout")
    # …clears them: three new failures are all let through (without the reset the second
    # would already be refused).
    assert attempt() == (401, None)                  # t = 0
    clock.advance(minutes=5)
    assert attempt() == (401, None)                  # t = 5
    clock.advance(minutes=5)
    assert attempt() == (401, None)                  # t = 10
    clock.advance(minutes=4)
    assert attempt(PASSWORD) == (429, "60")          # t = 14: the first failure leaves at t = 15
    clock.advance(minutes=1)
    assert attempt() == (401, None)                  # t = 15: one place free again, used
    assert attempt(PASSWORD) == (429, "300")         # failures at 5, 10, 15: the next leaves at 20
    clock.advance(minutes=15)
    assert attempt(PASSWORD) == (302, None)          # t = 30: every failure has left the window


def test_an_address_gets_a_limited_number_of_failures_across_accounts(web, apps, clock):
    server = apps(login_limit_account=100, login_limit_ip=4)
    attacker = client_from(server, "203.0.113.9")
    before = len(events(web.engine, "rate_limited"))
    assert [sign_in(attacker, f"guess{i}", WRONG).status_code for i in range(4)] == [401] * 4
    assert sign_in(attacker, LOGINS["executive"], PASSWORD).status_code == 429
    assert limits(events(web.engine, "rate_limited")[before:]) == ["address"]
    assert sign_in(client_from(server, "203.0.113.10"), LOGINS["executive"], PASSWORD).status_code == 302
    # Successful logins take no place: an office behind one address signs in all day.
    office = client_from(server, "198.51.100.7")
    for _ in range(6):
        assert sign_in(office, LOGINS["admin"], PASSWORD).status_code == 302
        office.post("/logout")


def test_two_workers_on_one_redis_count_together(web, apps, clock, redis_prefix):
    settings = dict(redis_url=REDIS_URL, redis_prefix=redis_prefix, login_limit_account=3, login_limit_ip=100)
    worker_a, worker_b = client_from(apps(**settings)), client_from(apps(**settings))
    store, name = redis.Redis.from_url(REDIS_URL), LOGINS["other_manager"]

    def windows() -> dict[str, int]:
        return {k.decode().split(":")[-2]: store.zcard(k) for k in store.keys(redis_prefix + "login:*")}

    assert [sign_in(c, name, WRONG).status_code for c in (worker_a, worker_a)] == [401] * 2
    assert windows() == {"account": 2, "address": 2}
    assert sign_in(worker_b, name, PASSWORD).status_code == 302
    assert windows() == {"address": 2}          # B's success cleared the account A counted
    worker_b.post("/logout")
    assert [sign_in(c, name, WRONG).status_code for c in (worker_a, worker_b, worker_a)] == [401] * 3
    assert sign_in(worker_b, name, PASSWORD).status_code == 429
    assert windows() == {"account": 3, "address": 5}
    clock.advance(minutes=15)
    assert sign_in(worker_b, name, PASSWORD).status_code == 302
    assert windows() == {}                      # everything has left the window


# ---- the page --------------------------------------------------------------------------------------

class Texts(HTMLParser):
    """The text a reader sees (and hears: aria-label), without the language names."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.texts += [value for name, value in attrs if name == "aria-label"]

    def handle_data(self, data):
        if data.strip() and self.lasttag not in ("style",):
            self.texts += [t.strip() for t in data.split("·") if t.strip()]


def extracted_messages() -> set[str]:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in tool.extract_template() if m.id}


def test_every_text_of_the_login_page_and_its_messages_go_through_gettext(web, apps, clock):
    messages = extracted_messages()
    parser = Texts()
    parser.feed(web.client().get("/login").get_data(as_text=True))
    shown = set(parser.texts) - set(LANGUAGE_NAMES.values())
    assert {"Username", "Password", "Keep me signed in", "Sign in", "Language"} <= shown
    assert shown <= messages
    assert {"Wrong username or password.", "The form expired; reload the page and try again.",
            "Too many sign-in attempts. Wait %(num)d minute and try again.",
            "Your session has expired. Please sign in again.",
            "This request came from another site and was refused."} <= messages


def test_the_login_page_speaks_the_chosen_language_and_links_every_other(web):
    client = web.client()
    page = client.get("/login?lang=pl&next=/my-performance?period=ytd").get_data(as_text=True)
    assert '<html lang="pl" dir="ltr"' in page
    assert f"<h1>{translations_for('pl').gettext('Sales Performance')}</h1>" in page
    links = dict(re.findall(r'<a href="([^"]+)" lang="(\w+)"', page))
    assert sorted(links.values()) == sorted(LOCALES)
    for href in links:      # each keeps the page to go to after signing in
        assert href.startswith("/login?lang=") and href.endswith("&amp;next=/my-performance?period%3Dytd")
    assert re.search(r'lang="pl"[^>]*aria-current="true"', page)
    assert '<html lang="fa" dir="rtl"' in client.get("/login?lang=fa").get_data(as_text=True)
    # The choice is kept through the login (the session is renewed, the language stays).
    assert sign_in(client, LOGINS["executive"], PASSWORD).status_code == 302
    assert '<html lang="fa" dir="rtl">' in client.get("/").get_data(as_text=True)


def test_a_wrong_password_is_answered_in_the_chosen_language(web):
    client = web.client()
    client.get("/login?lang=zh")
    resp = sign_in(client, LOGINS["rep"], WRONG)
    assert resp.status_code == 401 and '<html lang="zh" dir="ltr"' in resp.get_data(as_text=True)
    assert translations_for("zh").gettext("Sales Performance") in resp.get_data(as_text=True)


# ---- logout ----------------------------------------------------------------------------------------

def test_logout_is_post_only_and_ends_the_session(web):
    client = web.client("manager")
    client.get("/logout")           # a link or an <img> on another site: Dash's page shell, no more
    assert client.get("/api/v1/kpis/catalogue").status_code == 200
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/api/v1/kpis/catalogue").status_code == 401
