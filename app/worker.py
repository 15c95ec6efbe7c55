"""The Celery worker: `celery -A app.worker worker` (the Procfile's `worker` line).

It builds the same app as the web processes, so Dash registers the same background
callbacks as Celery tasks under the same names, and gives Celery that app's Celery
instance. It needs the web processes' REDIS_URL (queue and results), DATABASE_URL,
JOB_QUEUE, SECRET_KEY and VAR_DIR (the uploads it imports are files under it).
"""
from __future__ import annotations

from app import create_app
from app.config import Config, ConfigError

config = Config.from_env()
if not config.redis_url:
    raise ConfigError("the worker needs REDIS_URL; without it the web process runs its jobs itself")
server = create_app(config)
celery = server.extensions["jobs"].handle
