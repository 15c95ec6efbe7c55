"""The application factory: a Flask server with login, the JSON API and the Dash app."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, jsonify

from app.config import Config


def create_app(config: Config | None = None, **overrides) -> Flask:
    """Build a server. Tests pass a config; production reads the environment."""
    from app import api, caching, jobs
    from app.auth import guard, headers, identity, origin, routes, timeouts
    from app.auth.ratelimit import make_limiter
    from app.data.engine import make_engine
    from app.extensions import login_manager
    from app.kpi.cache import make_cache

    config = config or Config.from_env(**overrides)
    server = Flask(__name__)
    server.config.update(
        SECRET_KEY=config.resolved_secret_key(),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        # "Keep me signed in" is a persistent session cookie (app/auth/timeouts.py), not
        # flask-login's remember cookie; these flags only matter for clearing an old one.
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(days=config.remember_days), TESTING=config.testing,
    )
    if config.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = config.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)
    server.extensions["config"] = config
    server.extensions["engine"] = make_engine(config.database_url)
    server.extensions["kpi_cache"] = make_cache(config.redis_url, config.redis_prefix)
    server.extensions["login_limiter"] = make_limiter(config)
    jobs.bind(config)
    server.extensions["jobs"] = jobs.make_manager(config)
    login_manager.init_app(server)
    login_manager.session_protection = "basic"
    # Before the guard: a ?lang= on the way to the login page is remembered.
    from app.i18n import init_i18n
    init_i18n(server)
    server.before_request(origin.check_origin)
    server.before_request(timeouts.enforce)
    server.before_request(guard.require_login)
    server.before_request(identity.check_view_as)
    server.after_request(guard.basic_headers)
    server.register_blueprint(routes.bp)
    server.register_blueprint(api.bp)
    server.add_url_rule("/healthz", "healthz", lambda: jsonify(status="ok"))
    _register_errors(server)
    from app.dash_app import build_dash
    server.extensions["dash"] = build_dash(server)
    headers.install(server, server.extensions["dash"], secure=config.secure_cookies)
    caching.install(server, server.extensions["dash"])
    return server


def _register_errors(server: Flask) -> None:
    """No stack trace or SQL ever reaches a user."""
    from werkzeug.exceptions import HTTPException

    @server.errorhandler(HTTPException)
    def http_error(exc):
        return jsonify(error=exc.description or exc.name), exc.code

    @server.errorhandler(Exception)
    def unexpected(exc):
        server.logger.exception("unhandled error")
        return jsonify(error="Something went wrong on our side; it has been logged."), 500
