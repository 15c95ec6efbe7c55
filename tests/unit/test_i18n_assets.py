"""The vendored CSS and fonts work offline: no external URL, every url() resolves to a shipped file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import i18n

ASSETS = Path(__file__).resolve().parents[2] / "assets"
VENDOR = ASSETS / "vendor"
OWN_CSS = [ASSETS / "i18n.css"]
VENDOR_CSS = sorted(VENDOR.rglob("*.css"))
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.S)
_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""")


def _code(css: Path) -> str:
    """The CSS without comments (licence banners, source-map hints)."""
    return _COMMENT.sub("", css.read_text(encoding="utf-8"))


def test_the_files_the_app_links_are_shipped_with_their_licences():
    for path in (i18n.BOOTSTRAP_CSS, i18n.BOOTSTRAP_RTL_CSS, i18n.ICONS_CSS):
        assert (ASSETS / path).is_file(), path
        assert (ASSETS / path).parent.joinpath("LICENSE").is_file()
    assert (VENDOR / "bootstrap-icons" / "fonts" / "bootstrap-icons.woff2").stat().st_size > 50_000
    assert (VENDOR / "README.md").is_file()


@pytest.mark.parametrize("css", VENDOR_CSS + OWN_CSS, ids=lambda p: str(p.relative_to(ASSETS)))
def test_css_references_only_local_files(css):
    code = _code(css)
    refs = [m.group(2) for m in _URL.finditer(code)] + _IMPORT.findall(code)
    for ref in refs:
        if ref.startswith("data:"):
            continue
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", ref, re.I), f"external reference {ref!r}"
        target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
        assert target.is_file(), f"{ref!r} does not resolve to a shipped file"
    without_data = _URL.sub("", code)
    assert "http" not in without_data.lower()


def test_the_icon_font_is_loaded_from_the_shipped_files():
    code = _code(ASSETS / i18n.ICONS_CSS)
    fonts = [m.group(2).split("?")[0] for m in _URL.finditer(code)]
    assert "fonts/bootstrap-icons.woff2" in fonts


def test_the_vendor_readme_names_the_shipped_versions():
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for css in (i18n.BOOTSTRAP_CSS, i18n.BOOTSTRAP_RTL_CSS, i18n.ICONS_CSS):
        version = re.search(r"v(\d+\.\d+\.\d+)", (ASSETS / css).read_text(encoding="utf-8")[:300]).group(1)
        assert version in readme, f"{css} is v{version}; update assets/vendor/README.md"


@pytest.mark.parametrize("locale", ["default", "fa", "zh"])
def test_the_css_font_stacks_match_the_ones_given_to_plotly(locale):
    assert i18n.FONT_STACKS[locale] in (ASSETS / "i18n.css").read_text(encoding="utf-8")
    assert i18n.font_family("pl") == i18n.FONT_STACKS["default"]
    assert i18n.font_family("fa") == i18n.FONT_STACKS["fa"]


def test_plotly_locales_the_graphs_ask_for_are_shipped_offline():
    from layouts.components import PLOTLY_LOCALES
    folder = VENDOR / "plotly-locales"
    assert (folder / "LICENSE").is_file()
    for name in PLOTLY_LOCALES.values():
        code = (folder / f"plotly-locale-{name.lower()}.js").read_text(encoding="utf-8")
        assert f'name:"{name}"' in code and "http" not in code
        assert "window.PlotlyLocales" in code          # queues itself when Plotly loads later
    # Plotly of the same version as the one Dash serves.
    import plotly
    served = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")[:100]
    version = re.search(r"v(\d+\.\d+\.\d+)", served).group(1)
    assert f"| {version} |" in (VENDOR / "README.md").read_text(encoding="utf-8")
