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


def basic_headers(response):
    """Headers every response carries (the CSP is app/auth/headers.py, caching app/caching.py)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
