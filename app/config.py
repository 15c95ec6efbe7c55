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


@dataclass
class Config:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL") or default_database_url())
    redis_url: str | None = field(default_factory=lambda: os.environ.get("REDIS_URL") or None)
    environment: str = field(default_factory=lambda: os.environ.get("APP_ENV", "embedded"))

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        config = cls()
        for key, value in overrides.items():
            if value is not None:
                setattr(config, key, value)
        return config
