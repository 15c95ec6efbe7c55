"""The admin pages in headless Chromium: the users page drives a view-as round trip (banner,
the viewed rep's navbar, the 403 on admin pages, Stop), creates a login whose generated
password works, and every admin page is screenshot at phone width too."""
from __future__ import annotations

import re

import pytest

from app.auth.pages import ADMINISTRATION, PAGES
from tests.browser.conftest import PASSWORD, login, screenshot, wait_for_dash
from tests.browser.test_dashboard import assert_no_errors

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def admin_page(browser, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)
    return context, context.new_page()


def test_view_as_a_rep_and_stop(live_server, browser):
    context, page = admin_page(browser)
    try:
        login(page, live_server, "admin", PASSWORD, "/admin/users")
        wait_for_dash(page)
        page.click("tr:has-text('rep.poland')")
        page.wait_for_selector("#admin_users-manage:not([hidden])")
        wait_for_dash(page)
        page.click("#admin_users-view-as")
        page.wait_for_url(re.compile(r"/my-performance"))
        wait_for_dash(page)
        banner = page.locator("#shell-view-as")
        assert "Viewing as Anna Kowalczyk (Sales rep)" in banner.inner_text()
        assert page.locator("#shell-nav .dropdown-toggle").count() == 0        # no Admin menu for a rep
        screenshot(page, "admin-view-as-rep")
        assert_no_errors(page, live_server)

        page.goto(live_server.url + "/admin/users")
        page.wait_for_selector("#forbidden-message")
        assert "Viewing as" in page.locator("#shell-view-as").inner_text()

        page.click("#shell-view-as button[type=submit]")
        page.wait_for_url(re.compile(r"/admin/users"))
        wait_for_dash(page)
        assert page.locator("#forbidden-message").count() == 0
        assert page.locator("#shell-view-as").inner_text().strip() == ""
        assert page.locator("#shell-nav .dropdown-toggle").count() == 1
    finally:
        context.close()


def test_create_a_login_with_a_generated_password_that_works(live_server, browser):
    context, page = admin_page(browser)
    try:
        login(page, live_server, "admin", PASSWORD, "/admin/users")
        wait_for_dash(page)
        page.fill("#admin_users-new-username", "browser.exec")
        page.fill("#admin_users-new-name", "Browser Executive")
        page.click("#admin_users-new-role")
        page.click(".dash-dropdown-option:has(input[value='executive'])")
        page.click("#admin_users-create")
        page.wait_for_selector("#admin_users-secret-value")
        password = page.inner_text("#admin_users-secret-value").strip()
        assert "User browser.exec created." in page.inner_text("#admin_users-message")
        page.wait_for_selector("#admin_users-table tr:has-text('browser.exec')")
        screenshot(page, "admin-admin_users-created")
        assert_no_errors(page, live_server)
    finally:
        context.close()
    context, page = admin_page(browser)
    try:
        login(page, live_server, "browser.exec", password)
        wait_for_dash(page, tiles=True)
        assert "Browser Executive" in page.inner_text("#shell-user-menu")
    finally:
        context.close()


@pytest.mark.parametrize("spec", [p for p in PAGES if p.kind == ADMINISTRATION], ids=lambda p: p.key)
def test_admin_pages_at_phone_width(live_server, browser, spec):
    context, page = admin_page(browser, PHONE)
    try:
        login(page, live_server, "admin", PASSWORD, spec.path)
        wait_for_dash(page)
        screenshot(page, f"admin-{spec.key}-phone")
        assert_no_errors(page, live_server)
        # Nothing of the page sticks out sideways (wide tables scroll inside their own box).
        assert page.evaluate("document.querySelector('main').scrollWidth") <= PHONE["width"]
    finally:
        context.close()
