"""The dashboard in headless Chromium, as its users see it: login per role, every page of the
page table, filters in the URL, drill-down by chart click, tile values against the KPI layer,
Persian right-to-left, logout. Every test saves full-page screenshots to
test-artifacts/screenshots/<role>-<page>[-<variant>].png."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

from app.auth.pages import ADMINISTRATION, PAGES, home_page, may_open, pages_for
from app.auth.roles import Role
from app.catalogues import translations_for
from etl.demo import DEMO_USERS
from tests.browser.conftest import PHONE, login, screenshot, visible_text, wait_for_dash

pytestmark = pytest.mark.browser

# One demo login per role (the first in DEMO_USERS); manager.northamerica is kept for the
# language test, which stores the user's language.
LOGIN_OF = {}
for _spec in DEMO_USERS:
    LOGIN_OF.setdefault(_spec["role"], _spec["username"])
LANGUAGE_USER = "manager.northamerica"
ERROR_TEXTS = ("Traceback", "Something went wrong", "Internal Server Error", "Callback error",
               "Error loading", "Bad Request")


def search_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def assert_no_errors(page, server=None) -> None:
    """No error text on the page; the end of the server's log in the message when there is."""
    log = f"\nserver log:\n{server.log_tail()}" if server else ""
    text = visible_text(page)
    for bad in ERROR_TEXTS:
        assert bad not in text, f"{bad!r} on {page.url}{log}"
    error = page.locator("#shell-error")
    assert not error.is_visible(), f"{error.inner_text()} on {page.url}{log}"


def tile(page, kpi: str) -> tuple[str, str]:
    """(shown text, full value in the title) of a KPI tile."""
    el = page.locator(f"[data-kpi='{kpi}']")
    return el.inner_text().strip(), el.get_attribute("title")


def pick(page, dropdown_id: str, value: str) -> None:
    page.click(f"#{dropdown_id}")
    page.click(f".dash-dropdown-option:has(input[value='{value}'])")


def filter_bar_state(page) -> str:
    """hidden | period (the drill-down dropdowns hidden) | all."""
    bar = page.locator("#shell-filter-bar")
    if not bar.is_visible():
        return "hidden"
    return "all" if page.locator("#shell-filter-channel").is_visible() else "period"


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_opens_its_pages_and_gets_403_for_the_others(live_server, page, role):
    login(page, live_server, LOGIN_OF[role])
    allowed = pages_for(role)
    # Signing in lands on the role's first page (a rep's is My performance, not a 403).
    page.wait_for_url(lambda u: urlparse(u).path == home_page(role).path)
    for spec in PAGES:
        page.goto(live_server.url + spec.path)
        if may_open(role, spec):
            wait_for_dash(page, tiles=spec.key == "overview")
            screenshot(page, f"{role}-{spec.key}")      # first, so a failing page is seen too
            assert_no_errors(page, live_server)
            assert page.locator("#forbidden-message").count() == 0, spec.key
            assert page.locator("main").inner_text().strip(), f"{spec.key} is empty"
            expected = "all" if spec.drilldown and role != "rep" else "period"
            assert filter_bar_state(page) == (expected if spec.filters else "hidden"), spec.key
        elif spec.path == "/":
            page.wait_for_url(lambda u: urlparse(u).path == home_page(role).path)
            wait_for_dash(page)
            assert page.locator("#forbidden-message").count() == 0
        else:
            page.wait_for_selector("#forbidden-message")
            wait_for_dash(page)
            screenshot(page, f"{role}-{spec.key}-403")
            assert "403" in page.inner_text("#forbidden-message")
            assert filter_bar_state(page) == "hidden"
            assert_no_errors(page, live_server)
    # The navbar offers exactly the pages of the table, the administration pages in one menu.
    menu = page.locator("#shell-nav .dropdown-toggle")
    assert menu.count() == (1 if any(p.kind == ADMINISTRATION for p in allowed) else 0)
    if menu.count():
        menu.click()
        page.locator("#shell-nav .dropdown-item").first.wait_for()
    links = page.locator("#shell-nav a:not(.dropdown-toggle)")
    assert links.count() == len(allowed)
    assert [urlparse(links.nth(i).get_attribute("href")).path for i in range(links.count())] == \
        [p.path for p in allowed]
    # The brand leads home too, in the app (no reload): a rep to My performance.
    page.click(".navbar-brand")
    page.wait_for_url(lambda u: urlparse(u).path == home_page(role).path)
    wait_for_dash(page)
    assert page.locator("#forbidden-message").count() == 0


def test_a_filter_change_is_in_the_url_changes_the_numbers_and_survives_a_reload(live_server, executive_page):
    page = executive_page
    page.goto(live_server.url + "/")
    wait_for_dash(page, tiles=True)
    before = tile(page, "revenue")
    pick(page, "shell-filter-period", "ytd")
    page.wait_for_url(re.compile(r"[?&]period=ytd"))
    wait_for_dash(page, tiles=True)
    page.wait_for_function("t => document.querySelector(\"[data-kpi='revenue']\").title !== t", arg=before[1])
    after = tile(page, "revenue")
    assert after != before
    url = page.url
    screenshot(page, "executive-overview-ytd")

    page.reload()
    wait_for_dash(page, tiles=True)
    assert page.url == url
    assert tile(page, "revenue") == after
    assert "Year to date" in page.inner_text("#shell-filter-period")
    assert_no_errors(page, live_server)


def test_clicking_a_channel_bar_drills_down_with_a_breadcrumb_to_step_back(live_server, executive_page):
    page = executive_page
    page.goto(live_server.url + "/?period=last_12_months")
    wait_for_dash(page, tiles=True)
    company = tile(page, "revenue")
    assert page.locator("#shell-breadcrumbs .badge").count() == 0
    page.locator("#overview-channels").scroll_into_view_if_needed()    # mouse clicks are in the viewport
    bars = page.locator("#overview-channels .bars .point path")
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    box = bars.nth(widths.index(max(widths))).bounding_box()          # horizontal bars: the longest
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"[?&]channel="))
    wait_for_dash(page, tiles=True)
    channel = search_of(page.url)["channel"]
    assert search_of(page.url)["period"] == "last_12_months"
    crumb = page.locator("#shell-breadcrumbs .badge")
    crumb.first.wait_for()
    assert crumb.count() == 1 and channel.lower() in crumb.inner_text().lower() and "Channel" in crumb.inner_text()
    assert tile(page, "revenue") != company
    assert_no_errors(page, live_server)
    screenshot(page, "executive-overview-drilldown")

    crumb.locator("button").click()
    page.wait_for_url(lambda u: "channel=" not in u)
    crumb.first.wait_for(state="detached")
    wait_for_dash(page, tiles=True)
    assert tile(page, "revenue") == company
    assert search_of(page.url)["period"] == "last_12_months"


def test_clicking_a_top_rep_narrows_the_overview_to_that_rep(live_server, executive_page):
    page = executive_page
    page.goto(live_server.url + "/?period=last_12_months")
    wait_for_dash(page, tiles=True)
    row = page.locator("#overview-reps tbody tr").first
    row.scroll_into_view_if_needed()
    name = row.locator("td").nth(1).inner_text()
    row.click()
    page.wait_for_url(re.compile(r"[?&]rep="))
    wait_for_dash(page, tiles=True)
    assert search_of(page.url)["period"] == "last_12_months"
    crumb = page.locator("#shell-breadcrumbs .badge")
    crumb.first.wait_for()
    assert name.split()[0] in crumb.inner_text()
    assert_no_errors(page, live_server)


@pytest.mark.parametrize("search, lang", [("", "en"), ("?period=last_12_months&compare=yoy&channel=online", "en"),
                                          ("?period=ytd&category=Software", "fa")])
def test_tile_values_equal_the_kpi_layers(live_server, executive_page, search, lang):
    import app.kpi.definitions  # noqa: F401
    from app.auth.policy import scope_for
    from app.kpi.definitions.quota import QUOTA_KPIS, comparable_with_quota
    from app.kpi.urlstate import drilldown_filters
    from app.data import users as store
    from app.data.settings import fetch_settings
    from app.formatting import format_compact, format_value
    from app.kpi.evaluate import evaluate
    from app.kpi.registry import KPIS
    from app.kpi.urlstate import kpi_query, parse_filters
    from layouts.pages.overview import TILE_KPIS

    page = executive_page
    page.goto(live_server.url + "/" + (search + "&" if search else "?") + f"lang={lang}")
    wait_for_dash(page, tiles=True)
    filters = parse_filters(urlparse(page.url).query)
    engine = live_server.engine()
    try:
        with engine.connect() as conn:
            settings = fetch_settings(conn)
            scope = scope_for(conn, store.fetch_user(conn, LOGIN_OF["executive"]))
            answer = evaluate(conn, list(TILE_KPIS), kpi_query(filters, live_server.today), scope)
    finally:
        engine.dispose()
    assert answer["values"]["revenue"] > 0
    quota = comparable_with_quota(drilldown_filters(filters))
    for kpi in TILE_KPIS:
        value, unit = answer["values"].get(kpi), KPIS[kpi].unit
        shown, title = tile(page, kpi)
        if kpi in QUOTA_KPIS and not quota:         # under a channel filter: withheld, with the reason
            assert (shown, title) == ("—", translations_for(lang).gettext(
                "Quotas are set per rep, team and territory, not per product, channel or segment, so they "
                "are not compared with revenue filtered that way.")), kpi
            continue
        assert title == format_value(value, unit, lang, settings["currency"]), kpi
        assert shown == format_compact(value, unit, lang, settings["currency"]), kpi


def test_persian_from_the_language_switcher_is_right_to_left(live_server, page):
    login(page, live_server, LANGUAGE_USER)
    wait_for_dash(page, tiles=True)
    assert page.get_attribute("html", "dir") == "ltr"
    page.click(".dropdown-toggle:has(.bi-translate)")
    page.click("text=فارسی")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    wait_for_dash(page, tiles=True)
    fa = translations_for("fa")
    assert page.get_attribute("html", "lang") == "fa"
    nav = page.inner_text("#shell-nav")
    assert fa.gettext("Overview") != "Overview" and fa.gettext("Overview") in nav
    assert fa.gettext("Sales Performance") in page.inner_text(".navbar-brand")
    assert_no_errors(page, live_server)
    screenshot(page, "manager-overview-fa")

    # Back to English (the choice is stored for the user).
    page.click(".dropdown-toggle:has(.bi-translate)")
    page.click("text=English")
    page.wait_for_function("() => document.documentElement.dir === 'ltr'")
    wait_for_dash(page, tiles=True)
    assert "Overview" in page.inner_text("#shell-nav")


def test_lang_query_parameter_gives_persian(live_server, executive_page):
    page = executive_page
    page.goto(live_server.url + "/?lang=fa")
    wait_for_dash(page, tiles=True)
    assert page.get_attribute("html", "dir") == "rtl"
    assert translations_for("fa").gettext("Overview") in page.inner_text("#shell-nav")
    # Chart ticks and month names in Persian digits, as Babel writes them; none in Latin digits.
    page.locator("#overview-trend .ytick text").first.wait_for(state="attached")
    for axis in ("#overview-trend .ytick text", "#overview-trend .xtick text", "#overview-channels .xtick text"):
        ticks = page.evaluate(f"() => [...document.querySelectorAll({axis!r})].map(e => e.textContent)")
        assert ticks and not any(re.search(r"[0-9]", t) for t in ticks), (axis, ticks)
        assert any(re.search(r"[۰-۹]", t) for t in ticks), (axis, ticks)
    assert page.get_attribute("#shell-filter-range", "dir") == "rtl"      # the date picker runs right to left
    screenshot(page, "executive-overview-fa")
    page.set_viewport_size(PHONE)
    page.reload()
    wait_for_dash(page, tiles=True)
    screenshot(page, "executive-overview-fa-phone")


def test_the_leaderboard_highlights_the_viewer_and_opens_a_reps_page(live_server, page):
    login(page, live_server, LOGIN_OF["manager"], path="/leaderboard?period=last_12_months")
    wait_for_dash(page)
    page.wait_for_selector("#leaderboard-board tbody tr")
    me = page.locator("#leaderboard-board tr[data-me=true]")
    assert me.count() == 1 and "table-primary" in me.get_attribute("class")
    assert_no_errors(page, live_server)
    screenshot(page, "manager-leaderboard-12m")
    # Rank by another figure: its column is the marked one, and the choice outlives a filter change.
    pick(page, "leaderboard-metric", "won_deals")
    page.wait_for_function("() => document.querySelector('#leaderboard-board th[aria-sort]')?.innerText"
                           ".includes('Won deals')")
    pick(page, "shell-filter-period", "ytd")
    page.wait_for_url(re.compile(r"period=ytd"))
    wait_for_dash(page)
    page.wait_for_selector("#leaderboard-board th[aria-sort]")
    assert "Won deals" in page.inner_text("#leaderboard-board th[aria-sort]")
    # A click on someone else's row opens their My performance; leaving it leaves the rep behind.
    other = page.locator("#leaderboard-board tbody tr[role=button]:not([data-me])").first
    name = other.locator("td").nth(2).inner_text()
    other.click()
    page.wait_for_url(re.compile(r"/my-performance\?.*rep="))
    wait_for_dash(page, tiles=True)
    assert search_of(page.url)["period"] == "ytd"
    assert name in page.inner_text("#my_performance-picker")
    screenshot(page, "manager-my_performance-from-leaderboard")
    page.click("#shell-nav a[href^='/?'], #shell-nav a[href='/']")
    page.wait_for_url(lambda u: urlparse(u).path == "/")
    wait_for_dash(page, tiles=True)
    assert "rep" not in search_of(page.url) and page.locator("#shell-breadcrumbs .badge").count() == 0


@pytest.mark.parametrize("path,ready", [("/?period=last_12_months", "#overview-reps tbody tr"),
                                        ("/leaderboard?period=last_12_months", "#leaderboard-board tbody tr"),
                                        ("/my-performance?period=last_12_months", "[data-kpi]")])
def test_a_page_load_asks_the_server_only_for_what_it_shows(live_server, page, path, ready):
    """Callbacks that lead elsewhere (drill-down, picking or opening a rep) wait for a click:
    drawing the page or its rows must not cost a server round trip each."""
    login(page, live_server, LOGIN_OF["manager"], path=path)
    wait_for_dash(page)
    asked = []

    def note(request):
        if "/_dash-update-component" in request.url:
            asked.append(json.loads(request.post_data or "{}").get("output", ""))
    page.on("request", note)
    page.reload()
    wait_for_dash(page)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    assert asked, "the page asked for its data"
    assert not [o for o in asked if "-go." in o or o.startswith("shell-url.")], asked
    assert len(asked) == len(set(asked)), asked          # and nothing twice


def test_a_manager_picks_a_rep_on_my_performance_and_the_url_follows(live_server, page):
    login(page, live_server, LOGIN_OF["manager"], path="/my-performance?period=last_12_months")
    wait_for_dash(page, tiles=True)
    assert "rep" not in search_of(page.url)         # their own page, no second load to add them
    own_revenue = tile(page, "revenue")[1]
    page.click("#my_performance-rep")
    other = page.locator(".dash-dropdown-option").nth(1)
    name = other.inner_text().strip()
    other.click()
    page.wait_for_url(re.compile(r"rep="))
    wait_for_dash(page, tiles=True)
    assert search_of(page.url)["period"] == "last_12_months"
    assert name in page.inner_text("#my_performance-picker")
    assert tile(page, "revenue")[1] != own_revenue
    assert_no_errors(page, live_server)
    page.reload()
    wait_for_dash(page, tiles=True)
    assert name in page.inner_text("#my_performance-picker")


def test_a_rep_sees_the_company_board_with_only_the_ranking_figure(live_server, page):
    login(page, live_server, LOGIN_OF["rep"], path="/leaderboard?period=last_12_months&channel=online")
    wait_for_dash(page)
    page.wait_for_selector("#leaderboard-board tbody tr")
    headers = page.locator("#leaderboard-board thead th").all_inner_texts()
    assert [h.strip() for h in headers if h.strip()][-2:] == ["Rep", "Revenue"]
    assert page.locator("#leaderboard-board tr[data-me=true]").count() == 1
    assert page.locator("#leaderboard-board tr[role=button]").count() == 0
    assert filter_bar_state(page) == "period"
    assert_no_errors(page, live_server)
    screenshot(page, "rep-leaderboard-12m")


@pytest.mark.parametrize("role, path", [("executive", "/?period=last_12_months"), ("manager", "/my-performance"),
                                        ("rep", "/my-performance"), ("rep", "/leaderboard")])
def test_pages_fit_a_phone(live_server, browser, role, path):
    """390 px wide (a current phone): nothing wider than the screen but the tables' own scroll."""
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        login(page, live_server, LOGIN_OF[role], path=path)
        wait_for_dash(page, tiles=path.startswith("/?") or "my-performance" in path)
        name = urlparse(path).path.strip("/").replace("-", "_") or "overview"
        screenshot(page, f"{role}-{name}-phone")
        assert_no_errors(page, live_server)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        if filter_bar_state(page) != "hidden" and role != "rep" and path.startswith("/?"):
            # The drill-down filters wait behind "More filters" on a phone.
            assert not page.locator("#shell-filter-channel").is_visible()
            page.click("#shell-filter-toggle")
            page.locator("#shell-filter-channel").wait_for(state="visible")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        # Tiles are at least a third of the screen wide, so their labels and values are legible.
        widths = page.evaluate("() => [...document.querySelectorAll('[data-kpi]')].map("
                               "e => e.closest('.card').getBoundingClientRect().width)")
        assert all(w >= PHONE["width"] / 3 for w in widths), widths
    finally:
        context.close()


def test_lead_response_tiles_are_wide_enough_at_desktop(live_server, page):
    login(page, live_server, LOGIN_OF["rep"], path="/my-performance?period=last_12_months")
    wait_for_dash(page, tiles=True)
    widths = page.evaluate("() => [...document.querySelectorAll('#my_performance-leads [data-kpi]')].map("
                           "e => e.closest('.card').getBoundingClientRect().width)")
    assert len(widths) == 2 and min(widths) >= 200, widths


def test_logout_ends_the_session(live_server, page):
    page.goto(live_server.url + "/")
    page.wait_for_url("**/login**")
    screenshot(page, "anonymous-login")
    login(page, live_server, LOGIN_OF["admin"])
    wait_for_dash(page)
    page.click("#shell-user-menu .dropdown-toggle")
    page.click("text=Sign out")
    page.wait_for_url("**/login**")
    page.goto(live_server.url + "/")
    page.wait_for_url("**/login**")
    assert page.locator("#password").is_visible()
    response = page.request.post(live_server.url + "/_dash-update-component", data="{}",
                                 headers={"Content-Type": "application/json"})
    assert response.status in (400, 401, 403)
