"""Security headers on every response: the Content-Security-Policy and, over HTTPS, HSTS.

The policy allows scripts only from this server plus Dash's own inline scripts,
named by their hashes (`Dash.csp_hashes()`: the renderer's start-up line and the
page router's clientside callback). Neither Dash nor Plotly's bundle needs
'unsafe-eval' for the traces this app draws (the browser tests watch the console
for violations). Styles need 'unsafe-inline': Plotly writes style attributes and
<style> elements as it draws, and React sets style attributes.
"""
from __future__ import annotations

HSTS = "max-age=31536000"       # a year; browsers keep to HTTPS for this host meanwhile

FIXED_DIRECTIVES = (
    ("default-src", "'self'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)


def content_security_policy(script_hashes) -> str:
    directives = [("script-src", " ".join(["'self'", *script_hashes])), *FIXED_DIRECTIVES]
    return "; ".join(f"{name} {value}" for name, value in directives)


def install(server, dash_app, secure: bool) -> None:
    """Add the headers to every response of `server` (whose Dash app is `dash_app`)."""

    def add_security_headers(response):
        # Computed per response: Dash adds the page router's inline script at its first
        # request, and hashing a handful of short strings costs microseconds.
        response.headers["Content-Security-Policy"] = content_security_policy(dash_app.csp_hashes())
        if secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response
    server.after_request(add_security_headers)
