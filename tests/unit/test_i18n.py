"""Translations: every marked string is translated in every language; the viewer's locale.

The catalogue test extracts the messages from the sources (app/, layouts/, callbacks/)
here and now, never from translations/messages.pot, so a string added without a
translation fails it. To fix: `python tools/i18n.py extract`, then
`python tools/i18n.py missing` (or `missing --json` → fill in → `fill FILE`).
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from flask import Flask
from flask_login import LoginManager, UserMixin, login_user

from app import catalogues
from app.i18n import (LOCALES, current_locale, gettext, html_attributes, init_i18n, is_rtl,
                      lazy_gettext, ngettext, translate_in, translate_kpi, vendor_stylesheets)

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ("pl", "ru", "fa", "zh")


def _load_tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def template():
    return tool.extract_template()


# ---- catalogues -----------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", TARGETS)
def test_every_extracted_message_is_translated(template, locale):
    gaps = tool.missing(template, tool.read_catalogue(locale))
    assert not gaps, (f"{len(gaps)} message(s) without a {locale} translation (run "
                      f"`python tools/i18n.py extract` and `python tools/i18n.py missing -l {locale}`):\n"
                      + "\n".join(gaps))


@pytest.mark.parametrize("locale", TARGETS)
def test_translations_keep_the_placeholders_of_their_source(template, locale):
    errors = tool.placeholder_errors(template, tool.read_catalogue(locale))
    assert not errors, "\n".join(errors)


def test_the_extractor_reads_layouts_and_callbacks_with_every_keyword(tmp_path):
    (tmp_path / "babel.cfg").write_text((ROOT / "babel.cfg").read_text())
    for folder in ("app", "layouts", "callbacks", "tests"):
        (tmp_path / folder).mkdir()
    (tmp_path / "layouts" / "page.py").write_text(
        'from app.i18n import _, gettext, lazy_gettext, ngettext, N_\n'
        'A = _("Underscore")\nB = gettext("Gettext %(who)s", who=1)\nC = lazy_gettext("Lazy")\n'
        'D = N_("Marked")\nE = ngettext("%(num)d deal", "%(num)d deals", 2)\n')
    (tmp_path / "callbacks" / "page.py").write_text('from app.i18n import _\nX = _("From a callback")\n')
    (tmp_path / "tests" / "test_x.py").write_text('_("Not a user-visible string")\n')
    ids = {m.id for m in tool.extract_template(tmp_path) if m.id}
    assert ids == {"Underscore", "Gettext %(who)s", "Lazy", "Marked", ("%(num)d deal", "%(num)d deals"),
                   "From a callback"}


def test_the_check_catches_missing_fuzzy_and_placeholder_errors():
    template = Catalog()
    for msgid in ("Done", "Fuzzy", "Empty", "Absent", "Rep #%(rank)s", "{n} deals"):
        template.add(msgid)
    catalog = Catalog(locale="pl")
    catalog.add("Done", "Gotowe")
    catalog.add("Fuzzy", "Rozmyte", flags=["fuzzy"])
    catalog.add("Empty", "  ")
    catalog.add("Rep #%(rank)s", "Handlowiec nr %(rang)s")
    catalog.add("{n} deals", "{n} transakcji")
    assert tool.missing(template, catalog) == ["Fuzzy", "Empty", "Absent"]
    errors = tool.placeholder_errors(template, catalog)
    assert len(errors) == 1 and "%(rang)s" in errors[0]


def test_placeholders_are_found_in_both_styles():
    assert tool.placeholders("%(b)s and %(a)d, %s, 100%% and {name} {{literal}}") == \
        ["%(a)d", "%(b)s", "%s", "{name}"]


def test_catalogues_compile_and_stale_ones_are_rebuilt(tmp_path):
    target = tmp_path / "compiled"
    assert catalogues.compile_catalogues(target=target) == target
    mo = target / "pl" / "LC_MESSAGES" / "messages.mo"
    assert {p.parent.parent.name for p in target.glob("*/LC_MESSAGES/messages.mo")} == set(TARGETS)
    from babel.support import Translations
    assert Translations.load(str(target), ["pl"]).gettext("Revenue") == "Przychód"
    before = mo.stat().st_mtime_ns
    catalogues.compile_catalogues(target=target)
    assert mo.stat().st_mtime_ns == before            # fresh: left alone
    po = ROOT / "translations" / "pl" / "LC_MESSAGES" / "messages.po"
    old = po.stat().st_mtime_ns - 10 ** 9
    os.utime(mo, ns=(old, old))                       # older than its .po: rebuilt
    catalogues.compile_catalogues(target=target)
    assert mo.stat().st_mtime_ns > old


# ---- the viewer's locale --------------------------------------------------------------------------

class FakeUser(UserMixin):
    def __init__(self, row):
        self.row = row

    def get_id(self):
        return str(self.row["user_id"])


@pytest.fixture
def server():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    users = {"1": FakeUser({"user_id": 1, "username": "ola", "role": "rep", "locale": "pl"})}
    manager = LoginManager()
    manager.init_app(app)
    manager.user_loader(users.get)
    init_i18n(app)

    @app.get("/whoami")
    def whoami():
        return {"locale": current_locale(), "rtl": is_rtl(), "revenue": gettext("Revenue"),
                "lazy": str(lazy_gettext("Win rate")), "html": html_attributes()}

    @app.get("/ping")
    def ping():      # like Dash's index page: translates nothing itself
        return "pong"

    @app.get("/login/<uid>")
    def login(uid):
        login_user(users[uid])
        return "ok"

    return app


def _locale(client, url="/whoami", **headers):
    return client.get(url, headers=headers).get_json()["locale"]


def test_english_without_any_hint(server):
    assert _locale(server.test_client()) == "en"


@pytest.mark.parametrize("header, expected", [
    ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
    ("fa-IR,en;q=0.5", "fa"),            # Werkzeug's best_match would say "en" here
    ("zh-TW,zh;q=0.9", "zh"),
    ("de-DE,pl;q=0.7", "pl"),
    ("de-DE,de;q=0.9", "en"),
    ("*", "en"),
])
def test_the_browser_language_is_matched_in_the_readers_order(server, header, expected):
    assert _locale(server.test_client(), **{"Accept-Language": header}) == expected


def test_a_signed_in_users_locale_beats_the_browser(server):
    client = server.test_client()
    client.get("/login/1")
    assert _locale(client, **{"Accept-Language": "ru"}) == "pl"


def test_lang_parameter_beats_the_user_and_is_remembered(server):
    client = server.test_client()
    client.get("/login/1")
    assert _locale(client, "/whoami?lang=fa", **{"Accept-Language": "ru"}) == "fa"
    assert _locale(client, **{"Accept-Language": "ru"}) == "fa"     # the next request, no parameter
    assert _locale(client, "/whoami?lang=zh-CN") == "zh"


def test_lang_is_remembered_even_by_a_request_that_translates_nothing(server):
    """Dash's XHRs carry no query string: the index request must store the choice."""
    client = server.test_client()
    client.get("/ping?lang=ru")
    assert _locale(client) == "ru"


def test_an_unknown_lang_is_ignored(server):
    client = server.test_client()
    assert _locale(client, "/whoami?lang=xx", **{"Accept-Language": "pl"}) == "pl"
    assert _locale(client, "/whoami?lang=", **{"Accept-Language": "pl"}) == "pl"


@pytest.mark.parametrize("locale, revenue, rtl", [
    ("en", "Revenue", False), ("pl", "Przychód", False), ("ru", "Выручка", False),
    ("fa", "درآمد", True), ("zh", "收入", False),
])
def test_a_request_is_translated_and_persian_is_right_to_left(server, locale, revenue, rtl):
    body = server.test_client().get(f"/whoami?lang={locale}").get_json()
    assert body["revenue"] == revenue and body["rtl"] is rtl
    assert body["html"] == {"lang": locale, "dir": "rtl" if rtl else "ltr"}


def test_lazy_strings_translate_when_rendered(server):
    body = server.test_client().get("/whoami?lang=ru").get_json()
    assert body["lazy"] == "Конверсия в сделку"


def test_is_rtl_for_explicit_locales():
    assert [is_rtl(loc) for loc in LOCALES] == [False, False, False, True, False]
    assert is_rtl("fa-IR") and not is_rtl("xx")
    assert vendor_stylesheets("fa")[0].endswith("bootstrap.rtl.min.css")
    assert vendor_stylesheets("pl")[0].endswith("bootstrap.min.css")


def test_outside_a_request_everything_is_english():
    assert current_locale() == "en"
    assert gettext("Revenue") == "Revenue"
    assert gettext("Data as of %(when)s", when="today") == "Data as of today"
    assert ngettext("%(num)d deal", "%(num)d deals", 1) == "1 deal"
    assert ngettext("%(num)d deal", "%(num)d deals", 3) == "3 deals"
    assert translate_kpi("win_rate").label == "Win rate"
    assert not is_rtl() and html_attributes() == {"lang": "en", "dir": "ltr"}


def test_inside_an_app_without_flask_babel_it_is_english_too():
    with Flask(__name__).test_request_context("/?lang=pl"):
        assert current_locale() == "en" and gettext("Revenue") == "Revenue"


KPI_TEXT = {
    "en": ("Revenue", "Win rate", "Sum of won deal amounts closed in the period"),
    "pl": ("Przychód", "Wskaźnik wygranych", "Suma kwot wygranych transakcji zamkniętych w okresie"),
    "ru": ("Выручка", "Конверсия в сделку", "Сумма выигранных сделок, закрытых за период"),
    "fa": ("درآمد", "نرخ موفقیت معاملات", "مجموع مبالغ معاملات موفقِ بسته‌شده در دوره"),
    "zh": ("收入", "赢单率", "期间内成交赢单的金额合计"),
}


@pytest.mark.parametrize("locale", LOCALES)
def test_translate_kpi_in_each_locale(server, locale):
    import app.kpi.definitions  # noqa: F401  (fills the registry)
    from app.kpi.registry import KPIS
    revenue, win_rate, description = KPI_TEXT[locale]
    with server.test_request_context(f"/?lang={locale}"):
        assert translate_kpi(KPIS["revenue"]) == (revenue, description)
        assert translate_kpi("win_rate").label == win_rate
        assert translate_kpi("revenue").description == description


def test_translate_in_an_explicit_locale_without_a_request():
    assert translate_in("zh", "Revenue") == "收入"
    assert translate_in("pl", "%(value)s pp", value="4,1") == "4,1 p.p."
    assert translate_in("en", "Revenue") == translate_in("xx", "Revenue") == "Revenue"


def test_first_day_of_the_week_where_each_language_is_mostly_used():
    from app.i18n import first_weekday
    # 0 = Monday … 6 = Sunday: Sunday in (US) English, Saturday in (Iranian) Persian.
    assert {code: first_weekday(code) for code in LOCALES} == {"en": 6, "pl": 0, "ru": 0, "fa": 5, "zh": 0}
