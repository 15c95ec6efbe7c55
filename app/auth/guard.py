"""The deny-by-default gate: every route needs a session except a short public list.

XHR/JSON routes (Dash's /_dash-*, /api/*) answer 401; pages redirect to the
login page with a safe `next`.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import jsonify, redirect, request
from flask_login import current_user

PUBLIC_PATHS = {"/login", "/healthz"}
PUBLIC_PREFIXES = ("/static/",)
JSON_PREFIXES = ("/_dash-", "/api/")
# Dash's vendor bundles (React, Plotly …): code, not data, and named by version, so the
# browser may keep them (Dash gives fingerprinted files a year) rather than fetch 6 MB per page.
VENDOR_PREFIX = "/_dash-component-suites/"


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def require_login():
    if is_public(request.path) or current_user.is_authenticated:
        return None
    if request.path.startswith(JSON_PREFIXES):
        response = jsonify(error="authentication required")
        response.status_code = 401
        return response
    target = request.full_path.rstrip("?")
    return redirect("/login?next=" + quote(target, safe="/"))


def no_store(response):
    """Data responses must not sit in shared or browser caches."""
    if request.path.startswith(VENDOR_PREFIX):
        response.cache_control.private = True       # served after login: no shared caches
    elif request.path.startswith(JSON_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
