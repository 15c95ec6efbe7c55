"""Long jobs started from a web page (an import): the manager of Dash's background callbacks.

One factory serves both ends, so the web processes and the worker agree on where jobs go:

- without REDIS_URL (the embedded default) a DiskcacheManager runs each job in a child
  process of the web process and keeps results and progress in a diskcache under var/jobs;
- with REDIS_URL a CeleryManager queues jobs in Redis (queue `config.job_queue`) for the
  worker of the Procfile (`celery -A app.worker worker`), results and progress in Redis.

A job runs outside any request: no current_user, no Flask app context. It opens the
database through `job_engine()`, from the configuration of the app built in this process,
and learns who started it from the server-side record of its upload (app.admin.uploads),
never from a value the browser sent.
"""
from __future__ import annotations

import contextlib

from app.config import Config, var_dir
from app.data.engine import make_engine

# The configuration of the app built last in this process: one app per web or worker
# process in production (tests build one per test and run its jobs before the next).
_bound: list[Config] = []


def bind(config: Config) -> None:
    _bound[:] = [config]


def job_config() -> Config:
    return _bound[0] if _bound else Config.from_env()


@contextlib.contextmanager
def job_engine():
    """A fresh engine for one job (never the web process's pool: a forked child must not
    share its connections), disposed when the job ends."""
    engine = make_engine(job_config().database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def make_manager(config: Config):
    """Dash's background callback manager for `config` (see the module docstring)."""
    if config.redis_url:
        from dash import CeleryManager
        return CeleryManager(make_celery(config))
    import diskcache
    from dash import DiskcacheManager
    return DiskcacheManager(diskcache.Cache(str(var_dir() / "jobs")))


def make_celery(config: Config):
    """The Celery app: broker and results in Redis, jobs on the deployment's own queue."""
    from celery import Celery
    celery = Celery("sales_dashboard", broker=config.redis_url, backend=config.redis_url)
    celery.conf.update(
        task_default_queue=config.job_queue,
        result_expires=24 * 3600,               # Dash reads a result once; stale ones go after a day
        worker_prefetch_multiplier=1,           # imports are long: one at a time per process
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return celery
