"""Refuse state-changing requests that a page on another site made the browser send.

Browsers put an Origin header on every POST (and a Referer on most), and a page
cannot forge either. A request whose Origin (or, without one, Referer) names
another host is refused with 403 and audited. A request with neither comes from
a script or tool rather than a web page, which cannot borrow a user's cookies,
so it passes (the API's bearer tokens are not sent automatically either).

Together with SameSite=Lax cookies (not sent on cross-site POSTs) and Dash
callbacks accepting only application/json (which a form cannot send and a
cross-site script cannot send without a CORS preflight the app never grants),
this is the CSRF defence for callbacks and /logout; the login form carries a
token as well. See docs/security.md.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

from app.data.audit import record_event
from app.i18n import gettext as _

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_source() -> str | None:
    """The Origin header, else the Referer, else None."""
    origin = request.headers.get("Origin")
    return origin if origin is not None else request.headers.get("Referer")


def same_origin(source: str) -> bool:
    """True when `source` (an origin or URL) names this server's host.

    The host (with its port) must match. The scheme must match when the app knows it is
    served over HTTPS; an https page talking to an app that sees plain http is accepted,
    as behind a TLS-terminating proxy that does not say so (TRUSTED_PROXIES unset).
    """
    try:
        parts = urlsplit(source.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return False        # "null" (sandboxed or privacy-sensitive pages), other schemes
    if parts.netloc.lower() != request.host.lower():
        return False
    return not (request.is_secure and parts.scheme != "https")


def check_origin():
    """before_request: 403 (audited) for a state-changing request from another origin."""
    if request.method in SAFE_METHODS:
        return None
    source = request_source()
    if source is None or same_origin(source):
        return None
    _audit(source)
    abort(403, description=_("This request came from another site and was refused."))


def _audit(source: str) -> None:
    from app.auth.session import engine
    user = current_user if current_user.is_authenticated else None
    with engine().begin() as conn:
        record_event(conn, "cross_origin_refused", actor=user.username if user else None,
                     role=user.role if user else None, ip=request.remote_addr, outcome="failure",
                     origin=source[:200], path=request.path[:200], method=request.method)
