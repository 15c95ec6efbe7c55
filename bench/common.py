"""Shared helpers of the benchmark scripts: fresh databases, medians, writing figures to docs.

Benchmarks print figures and record them in docs/performance.md between
`<!-- bench:NAME -->` markers; they never assert. Machines are noisy: report
medians of several runs and ratios against a baseline measured in the same run.
"""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app.data import migrate
from app.data.engine import make_engine

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_database(backend: str, workdir: Path, prefix: str = "spd_bench", template: str | None = None):
    """A new, migrated database (SQLite file or PostgreSQL database), dropped afterwards.

    With `template` (the URL of an earlier fresh database, no longer connected to) the
    new database is a copy of it, data included.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        path = workdir / f"{name}.db"
        if template:
            shutil.copyfile(sa.engine.make_url(template).database, path)
        url = f"sqlite:///{path}"
        drop = lambda: [p.unlink(missing_ok=True) for p in workdir.glob(path.name + "*")]  # noqa: E731
    else:
        admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        copy = f' TEMPLATE "{sa.engine.make_url(template).database}"' if template else ""
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        url = admin.url.set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    engine = make_engine(url)
    if not template:
        migrate.upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        drop()


def median(values) -> float:
    return statistics.median(values)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, " \
           f"SQLAlchemy {sa.__version__}, measured {date.today().isoformat()}"


def record(name: str, markdown: str) -> None:
    """Replace the section between the markers of `name` in docs/performance.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    block = f"{start}\n{markdown.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
    print(f"recorded in {DOC.relative_to(ROOT)} ({name})")
