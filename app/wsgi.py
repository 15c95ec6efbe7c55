"""WSGI entry point for gunicorn: `gunicorn app.wsgi:server` (the Procfile adds --preload).

With --preload the app is built once in gunicorn's master and the workers are
forked from it. A database connection opened before the fork would then be
shared by every worker, so each child drops the pool it inherited (without
closing the parent's sockets) and opens its own. Redis clients notice the fork
themselves.
"""
import os

from app import create_app

server = create_app()


def _fresh_pool_in_child() -> None:
    server.extensions["engine"].dispose(close=False)


os.register_at_fork(after_in_child=_fresh_pool_in_child)
