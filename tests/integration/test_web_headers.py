"""Response headers and the Origin check at the HTTP level, on both databases: the CSP names
every inline script the page holds and allows no other, HSTS only behind HTTPS, and
state-changing requests from another origin refused (403, audited)."""
from __future__ import annotations

import base64
import hashlib
import json
import pkgutil
import re

import pytest

from layouts import ids
from tests.dash_client import callback_body
from tests.integration.login_helpers import apps, client_from, clock, events, sign_in  # noqa: F401
from tests.integration.web_fixture import LOGINS, PASSWORD, web  # noqa: F401  (fixture)

STATUS = f"..{ids.USER_MENU}.children...{ids.FRESHNESS}.children...{ids.VIEW_AS}.children.."   # a shell callback


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def inline_scripts(html: str) -> list[str]:
    """Bodies of the <script> elements that run (not JSON data, not src=, not in a comment such
    as Dash's `<!--[if IE]>` warning)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    found = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    return [body for attrs, body in found if "src=" not in attrs and "application/json" not in attrs]


def test_the_csp_allows_exactly_the_inline_scripts_of_the_page(web):
    resp = web.client("executive").get("/")
    csp = directives(resp)
    scripts = inline_scripts(resp.get_data(as_text=True))
    assert any("new DashRenderer" in s for s in scripts)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts}
    assert set(csp["script-src"]) == {"'self'"} | hashes        # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert "'unsafe-eval'" not in resp.headers["Content-Security-Policy"]


def test_every_kind_of_response_carries_the_headers(web):
    client = web.client("rep")
    for resp in (client.get("/login"), client.get("/healthz"), client.get("/api/v1/kpis/catalogue"),
                 client.post("/_dash-update-component", json=callback_body(web.dash, STATUS))):
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in resp.headers      # plain HTTP here


def test_hsts_when_served_over_https(web, apps):
    server = apps(secure_cookies=True)
    resp = server.test_client().get("/login", base_url="https://dash.example")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in resp.headers["Set-Cookie"] and "HttpOnly" in resp.headers["Set-Cookie"]


def test_posts_from_another_origin_are_refused_and_audited(web):
    client = web.client("manager")
    body = callback_body(web.dash, STATUS, values={(ids.PAGES_LOCATION, "pathname"): "/"})
    before = len(events(web.engine, "cross_origin_refused"))
    ok = {"Origin": "http://localhost"}
    assert client.post("/_dash-update-component", json=body, headers=ok).status_code == 200
    assert client.post("/_dash-update-component", json=body).status_code == 200        # a script, no browser
    assert client.post("/_dash-update-component", json=body,
                       headers={"Referer": "http://localhost/overview"}).status_code == 200
    refused = [{"Origin": "https://evil.example"}, {"Origin": "null"},
               {"Origin": "http://localhost.evil.example"}, {"Origin": "http://localhost:8080"},
               {"Referer": "https://evil.example/page"},
               {"Origin": "https://evil.example", "Referer": "http://localhost/"}]    # Origin decides
    for headers in refused:
        resp = client.post("/_dash-update-component", json=body, headers=headers)
        assert resp.status_code == 403, headers
        assert resp.get_json() == {"error": "This request came from another site and was refused."}
    # Logout and login are state changes too; the session survives the forged logout.
    assert client.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.get("/api/v1/kpis/catalogue").status_code == 200
    new = events(web.engine, "cross_origin_refused")[before:]
    assert len(new) == len(refused) + 1
    assert {e["actor"] for e in new} == {LOGINS["manager"]} and {e["outcome"] for e in new} == {"failure"}
    assert json.loads(new[-1]["details"]) == {"origin": "https://evil.example", "path": "/logout",
                                              "method": "POST"}
    anonymous = web.server.test_client()
    resp = anonymous.post("/login", data={"username": "x", "password": "y"},
                          headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403


def test_an_https_app_refuses_an_http_origin(web, apps):
    client = apps(secure_cookies=True).test_client()
    page = client.get("/login", base_url="https://localhost")
    assert page.status_code == 200
    plain = client.post("/login", base_url="https://localhost", headers={"Origin": "http://localhost"},
                        data={"username": "x", "password": "y"})
    assert plain.status_code == 403


def test_behind_a_proxy_the_forwarded_host_and_address_count(web, apps, clock):
    server = apps(trusted_proxies=1, login_limit_ip=2)
    proxied = {"X-Forwarded-Host": "dash.example", "X-Forwarded-Proto": "https"}
    client = client_from(server, "10.9.9.9")            # every request arrives from the proxy

    def attempt(address: str, password: str):
        page = client.get("/login", headers=proxied).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client.post("/login", headers={**proxied, "Origin": "https://dash.example",
                                              "X-Forwarded-For": address},
                           data={"username": LOGINS["rep"], "password": password, "csrf_token": token})

    assert [attempt("198.51.100.1", "wrong password 1").status_code for _ in range(2)] == [401, 401]
    assert attempt("198.51.100.1", PASSWORD).status_code == 429      # that client's address is full
    assert attempt("198.51.100.2", PASSWORD).status_code == 302      # another client behind the proxy
    assert events(web.engine, "rate_limited", LOGINS["rep"])[-1]["ip"] == "198.51.100.1"


def test_vendor_bundles_are_kept_by_the_browser_and_data_is_not(web, monkeypatch):
    """Without this the browser fetched React, Dash and Plotly (6 MB) on every page load."""
    client = web.client("executive")
    page = client.get("/").get_data(as_text=True)
    bundles = re.findall(r'src="(/_dash-component-suites/[^"]+\.v[0-9_]+m[0-9]+[^"]*\.js)"', page)
    assert bundles, "the page links Dash's versioned bundles"
    cached = client.get(bundles[0])
    assert cached.status_code == 200
    assert cached.cache_control.max_age == 31536000 and cached.cache_control.private
    assert not cached.cache_control.no_store
    # Plotly's bundle is loaded on demand under a name without a version: kept, but
    # revalidated by its ETag, so an upgrade reaches the browser.
    lazy = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert lazy.status_code == 200 and lazy.headers["ETag"] and not lazy.cache_control.no_store
    held = {"If-None-Match": lazy.headers["ETag"]}
    again = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js", headers=held)
    assert again.status_code == 304 and not again.get_data()
    # Answered from the tag the app keeps, not by Dash reading and hashing 4.8 MB again.
    monkeypatch.setattr(pkgutil, "get_data", lambda *a: pytest.fail("the bundle was read again"))
    assert client.get("/_dash-component-suites/plotly/package_data/plotly.min.js", headers=held).status_code == 304
    monkeypatch.undo()
    stale = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js", headers={"If-None-Match": '"x"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == lazy.headers["ETag"]
    # Styles and scripts of assets/ are named by version (?m=): kept for a year.
    styles = re.findall(r'href="(/assets/[^"]+\?m=[^"]+)"', page)
    for url in styles:
        kept = client.get(url).cache_control
        assert kept.max_age == 31536000 and kept.private and not kept.no_cache, url
    for data in (client.get("/_dash-layout"), client.get("/api/v1/kpis/catalogue")):
        assert data.headers["Cache-Control"] == "no-store"
    for stranger in (web.client().get(bundles[0]), web.client().get(styles[0]),
                     web.client().get("/_dash-component-suites/plotly/package_data/plotly.min.js", headers=held)):
        assert stranger.status_code in (401, 302)           # still behind the login
