"""The page table: which pages exist, where they live and which roles may open them.

One table read by the Dash app (page registration, the 403 check), the navbar and
the tests. Roles follow docs/architecture.md by the kind of page: analysis pages
for admins, executives and managers; personal pages and the shared leaderboard
for every role; admin pages for admins. A page is added here when it is built.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.auth.roles import Role
from app.i18n import N_

ANALYSIS, PERSONAL, SHARED, ADMINISTRATION = "analysis", "personal", "shared", "administration"

KIND_ROLES: dict[str, frozenset[Role]] = {
    ANALYSIS: frozenset({Role.ADMIN, Role.EXECUTIVE, Role.MANAGER}),
    PERSONAL: frozenset(Role),
    SHARED: frozenset(Role),
    ADMINISTRATION: frozenset({Role.ADMIN}),
}


@dataclass(frozen=True)
class Page:
    key: str            # also the Dash module name suffix and the id prefix ("overview-…")
    path: str
    name: str           # marked with N_, translated when shown
    kind: str
    order: int
    icon: str           # a Bootstrap Icons class
    filters: bool = True    # whether the global filter bar applies to the page (not on admin pages)
    drilldown: bool = True  # whether its drill-down filters (territory … segment) apply, or only the period

    @property
    def roles(self) -> frozenset[Role]:
        return KIND_ROLES[self.kind]


PAGES: tuple[Page, ...] = (
    Page("overview", "/", N_("Overview"), ANALYSIS, 0, "bi-speedometer2"),
    # One rep's whole figures: `rep` in its URL names the rep shown, not a filter (docs/pages.md).
    Page("my_performance", "/my-performance", N_("My performance"), PERSONAL, 1, "bi-person-badge",
         drilldown=False),
    Page("leaderboard", "/leaderboard", N_("Leaderboard"), SHARED, 2, "bi-trophy"),
    Page("admin_imports", "/admin/imports", N_("Data import"), ADMINISTRATION, 10, "bi-cloud-arrow-up",
         filters=False),
    Page("admin_targets", "/admin/targets", N_("Targets"), ADMINISTRATION, 11, "bi-bullseye", filters=False),
    Page("admin_users", "/admin/users", N_("Users"), ADMINISTRATION, 12, "bi-people", filters=False),
    Page("admin_settings", "/admin/settings", N_("Settings"), ADMINISTRATION, 13, "bi-sliders", filters=False),
    Page("admin_audit", "/admin/audit", N_("Audit log"), ADMINISTRATION, 14, "bi-journal-text", filters=False),
)


def role_of(user: dict | None) -> Role | None:
    """The role of an active user record, else None (no pages at all)."""
    if not user or not user.get("active", True):
        return None
    try:
        return Role(user.get("role"))
    except ValueError:
        return None


def may_open(role: Role | str | None, page: Page) -> bool:
    return role is not None and role in page.roles


def pages_for(role: Role | str | None) -> list[Page]:
    """The pages a role may open, in navbar order."""
    return sorted((p for p in PAGES if may_open(role, p)), key=lambda p: p.order)


def home_page(role: Role | str | None) -> Page | None:
    """Where the role lands when it opens the site root: its first page (a rep's is My
    performance, everyone else's the Overview); None without pages."""
    pages = pages_for(role)
    return pages[0] if pages else None


def page_named(key: str) -> Page:
    return next(p for p in PAGES if p.key == key)


def page_at(path: str | None) -> Page | None:
    for page in PAGES:
        if page.path == (path or "/"):
            return page
    return None
