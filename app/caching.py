"""How long browsers may keep what the app serves.

- Data (Dash's layout and callbacks, the API): never stored.
- Code and styles named by their version (Dash's fingerprinted bundles, assets with `?m=`):
  kept for a year, in the browser only (they are served after login).
- Dash's bundles loaded on demand under a fixed name (Plotly's 4.8 MB, the graph and
  dropdown chunks): revalidated on every page, so an upgrade reaches the browser. Dash
  answers that by reading and hashing the whole file each time, 100 ms of a busy server
  per page load; here the tag is computed once per file and process, and a browser that
  holds the file gets its 304 without Dash.
"""
from __future__ import annotations

import pkgutil
from functools import lru_cache

from flask import Response, request
from werkzeug.http import generate_etag

DATA_PREFIXES = ("/_dash-", "/api/")
VENDOR_PREFIX = "/_dash-component-suites/"
ASSETS_PREFIX = "/assets/"
YEAR = 31536000


def install(server, dash_app) -> None:
    """Add the cache rules to `server` (after the login guard, so nothing is served to strangers)."""
    registered = dash_app.registered_paths

    def vendor_etag(package: str, path: str) -> str | None:
        """Dash's tag for a bundle it serves (SHA-1 of the file, see dash/backends/_flask.py);
        None for anything else, so the cache holds only the app's own bundles."""
        return _file_etag(package, path) if path in registered.get(package, ()) else None

    def not_modified():
        if request.method != "GET" or not request.path.startswith(VENDOR_PREFIX):
            return None
        held = request.headers.get("If-None-Match")
        package, _, path = request.path[len(VENDOR_PREFIX):].partition("/")
        if held and held == f'"{vendor_etag(package, path)}"':
            return Response(status=304)
        return None

    server.before_request(not_modified)
    server.after_request(cache_headers)


@lru_cache(maxsize=None)
def _file_etag(package: str, path: str) -> str | None:
    data = pkgutil.get_data(package, path)
    return None if data is None else generate_etag(data)


def cache_headers(response):
    path, served = request.path, response.status_code in (200, 304)
    if path.startswith(VENDOR_PREFIX) and served:
        # Dash already gives fingerprinted files a max-age and the others an ETag.
        response.cache_control.private = True
    elif path.startswith(ASSETS_PREFIX) and request.args.get("m") and served:
        response.cache_control.no_cache = None      # Flask's default for static files
        response.cache_control.private = True
        response.cache_control.max_age = YEAR
    elif path.startswith(DATA_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    return response
