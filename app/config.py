"""Settings read from the environment (12-factor), with embedded defaults.

The embedded default needs no service: a SQLite file under `var/`. Production
sets DATABASE_URL (PostgreSQL) and REDIS_URL.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    """Where the embedded default keeps its database, secrets and job files."""
    path = Path(os.environ.get("VAR_DIR", PROJECT_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    return f"sqlite:///{var_dir() / 'sales.db'}"


def embedded_secret_key() -> str:
    """The embedded default's key: generated once, kept under var/ (owner-only)."""
    path = var_dir() / "secret_key"
    if not path.exists():
        import secrets
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """A whole number from the environment; a clear ConfigError for anything else."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


@dataclass
class Config:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL") or default_database_url())
    redis_url: str | None = field(default_factory=lambda: os.environ.get("REDIS_URL") or None)
    environment: str = field(default_factory=lambda: os.environ.get("APP_ENV", "embedded"))
    secret_key: str | None = field(default_factory=lambda: os.environ.get("SECRET_KEY") or None)
    # Set when served over HTTPS (directly or behind a TLS-terminating proxy).
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("SECURE_COOKIES", "") == "1")
    # Proxies in front of the app that set X-Forwarded-For/-Proto/-Host (the client's address
    # counts login attempts per address; the host is what the Origin check compares with).
    trusted_proxies: int = field(default_factory=lambda: env_int("TRUSTED_PROXIES", 0))
    # Keys in Redis start with this, so several deployments (or test runs) can share one server.
    redis_prefix: str = field(default_factory=lambda: os.environ.get("REDIS_KEY_PREFIX") or "spd:")
    # Failed sign-ins allowed per account and per address within a sliding window.
    login_limit_account: int = field(default_factory=lambda: env_int("LOGIN_LIMIT_ACCOUNT", 5, 1))
    login_limit_ip: int = field(default_factory=lambda: env_int("LOGIN_LIMIT_IP", 20, 1))
    login_limit_minutes: int = field(default_factory=lambda: env_int("LOGIN_LIMIT_MINUTES", 15, 1))
    # Browser sessions: idle and absolute limits of ordinary logins (idle 0: none),
    # and the life of a "keep me signed in" login (docs/security.md#sessions).
    session_idle_minutes: int = field(default_factory=lambda: env_int("SESSION_IDLE_MINUTES", 30))
    session_max_hours: int = field(default_factory=lambda: env_int("SESSION_MAX_HOURS", 12, 1))
    remember_days: int = field(default_factory=lambda: env_int("REMEMBER_DAYS", 14, 1))
    # The Celery queue of background jobs (imports from the browser) when REDIS_URL is set;
    # deployments sharing one Redis give each its own.
    job_queue: str = field(default_factory=lambda: os.environ.get("JOB_QUEUE") or "sales-dashboard-jobs")
    # The largest upload the import page takes (all files together); bigger exports go through the CLI.
    upload_limit_mb: int = field(default_factory=lambda: env_int("UPLOAD_LIMIT_MB", 50, 1))
    testing: bool = False

    def resolved_secret_key(self) -> str:
        """Production refuses to start without a real key shared by every worker."""
        if self.secret_key and self.secret_key not in ("dev", "changeme", "secret"):
            return self.secret_key
        if self.environment == "production":
            raise ConfigError("SECRET_KEY must be set (the same value on every worker) in production")
        return embedded_secret_key()

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        config = cls()
        for key, value in overrides.items():
            if value is not None:
                setattr(config, key, value)
        return config
