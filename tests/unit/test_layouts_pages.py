"""Every page renders for every role it allows, with unique ids, and every id a callback reads
or writes exists in the shell, a page layout or what a callback renders."""
import json
from datetime import datetime
from importlib import import_module

import dash_bootstrap_components as dbc
import pytest
from dash import html

from app import create_app
from app.auth.pages import ADMINISTRATION, PAGES, pages_for
from app.auth.roles import Role
from app.config import Config
from app.dash_app import PAGE_LAYOUTS
from app.kpi.tiles import tile_values
from app.kpi.leaderboard import board
from app.kpi.urlstate import query_to_filters, query_to_search
from layouts import components, ids, import_reports, shell
from layouts.pages import admin_imports, admin_users, leaderboard

SAMPLE_LEADERBOARD = [{"rep": "R1", "name": "Al", "rank": 1, "revenue": 1.0}]
SAMPLE_RUN = {"run_id": 3, "started_at": datetime(2025, 1, 2, 3, 4), "actor": "admin", "status": "partial",
              "dry_run": False, "rows_read": 10, "rows_rejected": 1, "duration_seconds": 1.5, "source": None,
              "from_upload": True, "message": None, "files": []}
SAMPLE_USER = {"username": "al", "display_name": "Al", "role": "rep", "rep_id": "R1", "rep_name": "Al", "active": True,
               "last_login_at": None, "created_at": datetime(2025, 1, 5, 9), "password_changed_at": None}
SAMPLE_TOKEN = {"token_id": 1, "name": "BI", "created_at": datetime(2025, 1, 5), "last_used_at": None,
                "revoked_at": None}


def component_ids(tree) -> list:
    nodes = [tree] + list(tree._traverse()) if hasattr(tree, "_traverse") else []
    return [n.id for n in nodes if getattr(n, "id", None) is not None]


def rendered_parts(role) -> html.Div:
    """What callbacks put into the shell and the overview (the pattern-matching ids live there)."""
    return html.Div([
        html.Div(shell.nav_links(pages_for(role), "?period=ytd", "/")),
        html.Div(components.breadcrumbs([("rep", "Rep", "Al")])),
        components.rep_table(SAMPLE_LEADERBOARD, "en"),
        leaderboard.board_table(board(SAMPLE_LEADERBOARD, [], "revenue", "R1", False), "en", clickable=True),
        components.tile_grid(tile_values(["revenue"], {"values": {"revenue": 1.0}}), "en"),
        import_reports.history_table([SAMPLE_RUN], "en", "UTC", admin_imports.ADMIN_IMPORTS_REJECTED),
        admin_users.users_table([SAMPLE_USER], "en", "UTC"),
        admin_users.tokens_table([SAMPLE_TOKEN], "en", "UTC"),
    ])


@pytest.fixture(scope="module")
def dash_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("layouts")
    server = create_app(Config(database_url=f"sqlite:///{path / 'empty.db'}", secret_key="unit-test-secret-key",
                               testing=True))
    server.test_client().get("/login")     # Dash registers its page router on the first request
    yield server.extensions["dash"]
    server.extensions["engine"].dispose()


@pytest.mark.parametrize("page,role", [(p, r) for p in PAGES for r in sorted(p.roles)],
                         ids=lambda v: getattr(v, "key", str(v)))
def test_each_page_renders_for_each_allowed_role_with_unique_ids(page, role):
    layout = import_module(PAGE_LAYOUTS[page.key]).layout
    for query in ({}, {"period": "ytd", "rep": "R1"}, {"junk": ["a", "b"], "period": "custom"}):
        tree = html.Div([shell.layout(), layout(**query), rendered_parts(role)])
        found = [json.dumps(i, sort_keys=True) for i in component_ids(tree)]
        assert len(found) == len(set(found)), sorted(i for i in found if found.count(i) > 1)
        assert all(i.strip('"').startswith(("shell-", page.key + "-", "_pages_", "{")) for i in found)


def test_every_page_in_the_table_has_a_layout_module():
    assert {p.key for p in PAGES} == set(PAGE_LAYOUTS)


def test_a_page_reads_its_filters_from_the_query_parameters_the_router_hands_it():
    assert query_to_search({"period": "ytd", "rep": "R1", "junk": "x"}) == "?period=ytd&rep=R1"
    # An unknown period is dropped; of a repeated filter the first value counts.
    assert query_to_filters({"period": "nonsense", "channel": ["online", "retail"]}) == {"channel": "online"}


def test_every_callback_targets_existing_ids(dash_app):
    pages = [import_module(PAGE_LAYOUTS[p.key]).layout() for p in PAGES]
    tree = html.Div([shell.layout(), *pages, rendered_parts(Role.ADMIN)])
    plain = {i for i in component_ids(tree) if isinstance(i, str)}
    patterns = {i["type"] for i in component_ids(tree) if isinstance(i, dict)}
    for key, entry in dash_app.callback_map.items():
        outputs = entry["output"] if isinstance(entry["output"], (list, tuple)) else [entry["output"]]
        deps = [o.component_id for o in outputs] + [d["id"] for d in entry["inputs"] + entry["state"]]
        for dep in deps:
            if isinstance(dep, dict) or str(dep).startswith("{"):
                kind = dep["type"] if isinstance(dep, dict) else json.loads(dep)["type"]
                assert kind in patterns, (key, dep)
            else:
                assert dep in plain, (key, dep)


def test_navbar_lists_exactly_the_pages_of_the_role():
    for role in Role:
        links = shell.nav_links(pages_for(role), "?rep=R1", "/")
        plain = [link.children.href for link in links if not isinstance(link, dbc.DropdownMenu)]
        menus = [link for link in links if isinstance(link, dbc.DropdownMenu)]
        in_menu = [item.href for menu in menus for item in menu.children]
        assert plain == [p.path + "?rep=R1" for p in PAGES if role in p.roles and p.kind != ADMINISTRATION]
        assert in_menu == [p.path + "?rep=R1" for p in pages_for(role) if p.kind == ADMINISTRATION]
        assert len(menus) == (1 if in_menu else 0)      # one "Admin" menu, for admins only
    assert pages_for(None) == [] and pages_for("nobody") == []
    assert [p.key for p in pages_for(Role.REP)] == [p.key for p in PAGES if Role.REP in p.roles]


def test_the_admin_menu_is_marked_while_an_admin_page_is_open():
    menu = lambda path: next(link for link in shell.nav_links(pages_for(Role.ADMIN), "", path)  # noqa: E731
                             if isinstance(link, dbc.DropdownMenu))
    assert menu("/admin/audit").toggle_class_name == "active"
    assert [item.active for item in menu("/admin/audit").children] == [
        p.path == "/admin/audit" for p in pages_for(Role.ADMIN) if p.kind == ADMINISTRATION]
    assert menu("/").toggle_class_name is None and not any(item.active for item in menu("/").children)
    # The menu sits where the first administration page would be: after every other page here.
    assert isinstance(shell.nav_links(pages_for(Role.ADMIN), "", "/")[-1], dbc.DropdownMenu)


def test_each_role_lands_on_its_first_page():
    from app.auth.pages import home_page
    assert home_page(Role.REP).key == "my_performance"
    assert {home_page(r).key for r in (Role.ADMIN, Role.EXECUTIVE, Role.MANAGER)} == {"overview"}
    assert home_page(None) is None


def test_the_filter_bar_mode_per_page_and_role():
    from app.auth.pages import ADMINISTRATION, Page, page_named
    from layouts.filter_bar import ALL_FILTERS, HIDDEN, PERIOD_ONLY, carried_filters, filter_mode
    overview, mine, board = page_named("overview"), page_named("my_performance"), page_named("leaderboard")
    admin_page = Page("settings_x", "/x", "X", ADMINISTRATION, 9, "bi-gear", filters=False)
    assert filter_mode(overview, Role.MANAGER) == ALL_FILTERS
    assert filter_mode(overview, Role.REP) == HIDDEN                  # not theirs to open
    assert filter_mode(mine, Role.EXECUTIVE) == PERIOD_ONLY
    assert (filter_mode(board, Role.REP), filter_mode(board, Role.MANAGER)) == (PERIOD_ONLY, ALL_FILTERS)
    assert filter_mode(admin_page, Role.ADMIN) == HIDDEN and filter_mode(None, Role.ADMIN) == HIDDEN
    filters = {"period": "ytd", "rep": "R1", "channel": "online"}
    assert carried_filters(filters, mine) == {"period": "ytd", "channel": "online"}
    assert carried_filters(filters, overview) == filters and carried_filters(filters, None) == filters


def test_filter_bar_hides_drilldown_controls_by_class_and_follows_the_language():
    from layouts.filter_bar import filter_bar
    bar = filter_bar("fa")
    cols = bar.children.children
    assert cols[3].className == "mb-2 filter-toggle d-md-none"
    assert [c.className for c in cols[4:]] == ["mb-2 filter-drilldown"] * len(ids.FILTER_KEYS)
    picker = cols[1].children
    assert (picker.is_RTL, picker.first_day_of_week) == (True, 6)           # Saturday
    assert (filter_bar("en").children.children[1].children.is_RTL, filter_bar("pl").children.children[1]
            .children.first_day_of_week) == (False, 1)


def test_a_withheld_tile_shows_a_dash_and_the_reason():
    from app.kpi.tiles import withheld
    tiles = tile_values(["revenue", "quota_attainment"], {"values": {"revenue": 5.0, "quota_attainment": 2.0},
                                                          "compare": {"revenue": 4.0, "quota_attainment": 1.0}})
    kept, hidden = withheld(tiles, ("quota_attainment",), "Not comparable here.")
    assert kept == tiles[0] and (hidden.value, hidden.delta, hidden.tone) == (None, None, None)
    text = str(components.kpi_tile(hidden, "en").to_plotly_json())
    assert "'—'" in text and "Not comparable here." in text and "200.0%" not in text


def test_top_reps_show_no_attainment_where_quotas_do_not_apply():
    rows = [{"rep": "R1", "name": "Al", "rank": 1, "revenue": 1.0, "quota_attainment": 1.5}]
    assert "150.0%" in str(components.rep_table(rows, "en").to_plotly_json())
    assert "150.0%" not in str(components.rep_table(rows, "en", quota=False).to_plotly_json())


def test_graphs_use_plotlys_locale_where_it_has_a_right_one():
    assert components.graph_config("ru")["locale"] == "ru" and "locale" not in components.graph_config("pl")
    assert components.graph_config("zh")["locale"] == "zh-CN"
    assert "locale" not in components.graph_config("fa") and "locale" not in components.graph_config("en")


def test_every_part_a_page_router_fills_is_in_that_pages_skeleton():
    from app.dash_app import callback_modules
    from callbacks.parts import outputs_of
    filled = 0
    for module in callback_modules():
        key = module.__name__.split(".")[-1]
        parts = getattr(module, "PARTS", None)
        if not parts:
            continue
        skeleton = set(component_ids(import_module(PAGE_LAYOUTS[key]).layout(period="ytd")))
        for outputs in parts:
            for component_id, _prop in outputs_of(outputs):
                assert component_id in skeleton, (key, component_id)
                filled += 1
    assert filled >= 15                     # the Overview's and My performance's
