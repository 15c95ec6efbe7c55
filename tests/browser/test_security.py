"""The security headers and session handling as a browser meets them: every page works under the
Content-Security-Policy (no violation in the console) and the policy really blocks an injected
script; a callback refused for a missing session takes the browser to the login page; the
login page switches language."""
from __future__ import annotations

import pytest

from app.auth.pages import PAGES
from app.catalogues import translations_for
from tests.browser.conftest import csp_violations, login, screenshot, wait_for_dash

pytestmark = pytest.mark.browser


def test_every_page_runs_under_the_csp_without_a_violation(live_server, page):
    login(page, live_server, "admin")
    charts = 0
    for spec in PAGES:
        response = page.goto(live_server.url + spec.path)
        policy = response.headers["content-security-policy"]
        assert "'unsafe-eval'" not in policy and "frame-ancestors 'none'" in policy
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src
        wait_for_dash(page, tiles=spec.key == "overview")
        charts += page.locator(".js-plotly-plot").count()
    assert charts >= 5      # Plotly drew under the policy (bars, lines, the map …)
    assert csp_violations(page.console_messages_seen) == []


def test_the_csp_blocks_a_script_injected_into_the_page(live_server, page):
    login(page, live_server, "admin")
    wait_for_dash(page)
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = true;'; document.body.appendChild(s); }""")
    page.wait_for_function("() => true")
    assert page.evaluate("() => window.injected === true") is False
    assert len(csp_violations(page.console_messages_seen)) == 1
    page.console_messages_seen.clear()      # the one violation this test provoked


def test_a_callback_without_a_session_takes_the_browser_to_the_login_page(live_server, page):
    login(page, live_server, "admin", path="/?period=ytd")
    wait_for_dash(page, tiles=True)
    page.context.clear_cookies()            # as when the session expired on the server
    page.click("#shell-nav a >> nth=1")     # client-side navigation: a callback answered 401
    page.wait_for_url("**/login**")
    assert page.locator("#password").is_visible()
    screenshot(page, "anonymous-login-after-401")


def test_the_login_page_switches_language_and_keeps_next(live_server, page):
    page.goto(live_server.url + "/?period=ytd")
    page.wait_for_url("**/login**")
    page.click("#login-languages a[lang=pl]")
    page.wait_for_url("**lang=pl**")
    assert page.get_attribute("html", "lang") == "pl"
    assert translations_for("pl").gettext("Sales Performance") in page.inner_text("h1")
    page.click("#login-languages a[lang=fa]")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    screenshot(page, "anonymous-login-fa")
    page.fill("#username", "executive")
    page.fill("#password", "browser test password 1")
    page.click("button[type=submit]")
    page.wait_for_url("**period=ytd**")
    wait_for_dash(page, tiles=True)
    assert page.get_attribute("html", "dir") == "rtl"      # the language chosen at login stays
