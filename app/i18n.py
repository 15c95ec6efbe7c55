"""Languages: the five locales, gettext and the viewer's locale (catalogues: app/catalogues.py).

A request's locale is, in order: `?lang=xx` (remembered in the session), the
logged-in user's `locale` column, the best match of the browser's
Accept-Language, English. Outside a request (CLI, tests, pure layout
functions) every function here answers in English.

A background job (an import started from the browser) runs outside any request: inside
`job_locale(locale)` gettext and current_locale answer in the language recorded for it.

`N_` marks a string for the catalogue without translating it: labels defined
at import time (KPIs, pages, presets) are translated when shown, with
`gettext(label)` or `translate_kpi(kpi)`, in the viewer's language.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import NamedTuple

from babel import Locale
from babel.core import get_global
from babel.support import NullTranslations
from flask import current_app, has_app_context, has_request_context, request, session
from flask_babel import Babel, get_domain, get_locale, refresh
from flask_babel.speaklater import LazyString

from app.catalogues import DOMAIN, catalogue_dir, translations_for

LOCALES = ("en", "pl", "ru", "fa", "zh")
DEFAULT_LOCALE = "en"
# Each language's own name, shown as is in the switcher (a reader finds their language).
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "ru": "Русский", "fa": "فارسی", "zh": "中文"}
SESSION_KEY = "locale"
BOOTSTRAP_CSS = "vendor/bootstrap/bootstrap.min.css"
BOOTSTRAP_RTL_CSS = "vendor/bootstrap/bootstrap.rtl.min.css"
ICONS_CSS = "vendor/bootstrap-icons/bootstrap-icons.min.css"
# System fonts only (nothing to download): Persian and Chinese fonts ship with Windows,
# macOS, Android and iOS; on Linux fonts-vazirmatn / fonts-noto-cjk. The same stacks are in
# assets/i18n.css; pass font_family() to Plotly, which does not inherit the page's font.
FONT_STACKS = {
    "default": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
               '"Liberation Sans", Arial, sans-serif',
    "fa": 'Vazirmatn, "Segoe UI", Tahoma, "Noto Sans Arabic", "Noto Naskh Arabic", "Geeza Pro", '
          '"DejaVu Sans", sans-serif',
    # Simplified-Chinese fonts before system-ui, which on some systems picks Japanese glyph forms.
    "zh": '-apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
          '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
          'system-ui, sans-serif',
}


_job_locale: ContextVar[str | None] = ContextVar("job_locale", default=None)


def N_(text: str) -> str:
    return text


@contextlib.contextmanager
def job_locale(locale: str | None):
    """Translate in `locale` outside a request (a background job), until the block ends."""
    token = _job_locale.set(normalise_locale(locale) or DEFAULT_LOCALE)
    try:
        yield
    finally:
        _job_locale.reset(token)


# ---- gettext: the request's language, English outside a request -------------------------------

def _translations():
    if _job_locale.get():
        return translations_for(_job_locale.get())
    if has_app_context() and "babel" in current_app.extensions:
        return get_domain().get_translations()
    return NullTranslations()


def gettext(string: str, **variables) -> str:
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """Translated when turned into text. Wrap in str() before putting it into a Dash component."""
    return LazyString(gettext, string, **variables)


_ = gettext


# ---- the request's locale ------------------------------------------------------------------------

def normalise_locale(value) -> str | None:
    """'pl', 'pl-PL', 'zh_Hans_CN' → the supported locale of that language, else None."""
    if not value or not isinstance(value, str):
        return None
    language = value.strip().replace("_", "-").split("-")[0].lower()
    return language if language in LOCALES else None


def select_locale() -> str:
    """Flask-Babel's locale selector (see the module docstring for the order)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    for candidate in (request.args.get("lang"), session.get(SESSION_KEY), _user_locale()):
        locale = normalise_locale(candidate)
        if locale:
            return locale
    # Werkzeug's best_match prefers any exact match ("en") over a regional one the reader
    # ranked higher ("fa-IR"), so walk the languages in the reader's order instead.
    for tag, _quality in request.accept_languages:
        locale = normalise_locale(tag)
        if locale:
            return locale
    return DEFAULT_LOCALE


def _user_locale() -> str | None:
    user = _current_user()
    row = getattr(user, "row", None) if user is not None else None
    return row.get("locale") if row else None


def _current_user():
    if not hasattr(current_app, "login_manager"):
        return None
    from flask_login import current_user
    return current_user if current_user.is_authenticated else None


def remember_requested_locale() -> None:
    """before_request: keep `?lang=xx` in the session, so Dash's XHRs (no query string) follow it."""
    locale = normalise_locale(request.args.get("lang"))
    if locale and session.get(SESSION_KEY) != locale:
        session[SESSION_KEY] = locale


def current_locale() -> str:
    """The locale of this request ('en' outside one, the job's inside job_locale), one of LOCALES."""
    if _job_locale.get():
        return _job_locale.get()
    if has_app_context() and "babel" in current_app.extensions:
        return normalise_locale(str(get_locale())) or DEFAULT_LOCALE
    return DEFAULT_LOCALE


def is_rtl(locale: str | None = None) -> bool:
    """True when the locale's script is written right to left (Persian)."""
    locale = current_locale() if locale is None else normalise_locale(locale)
    return locale is not None and Locale.parse(locale).text_direction == "rtl"


def html_attributes(locale: str | None = None) -> dict[str, str]:
    """`lang` and `dir` for the page's <html> element."""
    locale = normalise_locale(locale) or current_locale()
    return {"lang": locale, "dir": "rtl" if is_rtl(locale) else "ltr"}


def first_weekday(locale: str | None = None) -> int:
    """The first day of the week where the language is mostly used, 0 = Monday … 6 = Sunday
    (CLDR via Babel: Sunday in English, Saturday in Persian, Monday in the others)."""
    locale = normalise_locale(locale) or current_locale()
    likely = get_global("likely_subtags").get(locale, locale)       # "fa" → "fa_Arab_IR"
    return Locale.parse(likely).first_week_day


def font_family(locale: str | None = None) -> str:
    """The CSS font stack for a locale's script (for Plotly figures' layout.font.family)."""
    locale = normalise_locale(locale) or current_locale()
    return FONT_STACKS.get(locale, FONT_STACKS["default"])


def vendor_stylesheets(locale: str | None = None) -> list[str]:
    """Bootstrap (the right-to-left build for Persian) and Bootstrap Icons, as paths under assets/."""
    return [BOOTSTRAP_RTL_CSS if is_rtl(locale) else BOOTSTRAP_CSS, ICONS_CSS]


# ---- wiring --------------------------------------------------------------------------------------

def init_i18n(server) -> Babel:
    """Compile the catalogues if needed and attach Flask-Babel to `server`."""
    server.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    server.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalogue_dir())
    server.config["BABEL_DOMAIN"] = DOMAIN
    babel = Babel(server, locale_selector=select_locale)
    server.before_request(remember_requested_locale)
    server.context_processor(lambda: {"html_attributes": html_attributes()})
    return babel


def set_user_locale(conn, username: str, locale: str, actor: str | None = None) -> bool:
    """Store a user's language (audited); True when it changed. Raises UserError for an
    unknown locale or user. When the user is the one making this request, the rest of the
    request and their session follow the new language at once."""
    from app.auth.users import UserError
    from app.data import users as store
    from app.data.audit import record_event

    if locale not in LOCALES:
        raise UserError(f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}")
    user = store.fetch_user(conn, username)
    if not user:
        raise UserError(f"no user named {username!r}")
    me = _current_user() if has_request_context() else None
    if me is not None and me.row.get("username") == username:
        session[SESSION_KEY] = locale
        refresh()
    if user["locale"] == locale:
        return False
    store.update_user(conn, username, locale=locale)
    record_event(conn, "user_locale_changed", actor=actor or (me and me.row["username"]) or "cli",
                 role=me.row.get("role") if me else None,
                 ip=request.remote_addr if has_request_context() else None,
                 username=username, old=user["locale"], new=locale)
    return True


class KpiText(NamedTuple):
    label: str
    description: str


def translate_kpi(kpi) -> KpiText:
    """A KPI's (or KPI id's) label and description in the current locale."""
    if isinstance(kpi, str):
        import app.kpi.definitions  # noqa: F401  (fills the registry)
        from app.kpi.registry import KPIS
        kpi = KPIS[kpi]
    return KpiText(gettext(kpi.label), gettext(kpi.description))


def translate_in(locale: str, string: str, **variables) -> str:
    """`string` translated into an explicit locale (not the request's), e.g. for formatting."""
    text = translations_for(normalise_locale(locale) or DEFAULT_LOCALE).ugettext(string)
    return text % variables if variables else text
