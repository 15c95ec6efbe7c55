"""Where one file's import time goes: its statements timed as the import runs them.

The bulk writer's call is timed whole: it holds the checks too, since blocks are
checked as the COPY asks for them (the checks across rows come first, before the
first block can be written). Whatever the file's time holds beyond the timed parts
is reading the file, with the fetching of the keys its references need overlapped.
"""
from __future__ import annotations

import time
from collections import defaultdict

import sqlalchemy as sa

from etl import bulk

KEYS, STATISTICS = "keys fetched (while the file is parsed)", "statistics (after the file)"
KINDS = [("index rebuild", "CREATE INDEX"), ("foreign keys validated", "ADD CONSTRAINT"),
         ("pipeline snapshot", "INSERT INTO pipeline_snapshots"), (STATISTICS, "ANALYZE"), (KEYS, "string_agg")]
COPY = "checks across rows, then checks of each block overlapped with COPY"
OTHER = "other statements (run log …)"


class Phases:
    """Wall seconds per kind of work during `with Phases(engine):`."""

    def __init__(self, engine):
        self.engine = engine
        self.seconds: dict[str, float] = defaultdict(float)
        self._started: dict[int, float] = {}
        self._in_copy = False

    def __enter__(self) -> Phases:
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        sa.event.listen(self.engine, "after_cursor_execute", self._after)
        self._copy_rows = bulk.copy_rows
        bulk.copy_rows = self._timed_copy
        return self

    def __exit__(self, *exc) -> None:
        bulk.copy_rows = self._copy_rows
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)

    def breakdown(self, file_seconds: float) -> dict[str, float]:
        """Seconds per phase of the file; "reading the file" is what the timed parts leave."""
        inside = sum(v for k, v in self.seconds.items() if k not in (KEYS, STATISTICS))
        return {"reading the file": file_seconds - inside, **self.seconds}

    def _timed_copy(self, *args, **kwargs):
        self._in_copy, start = True, time.perf_counter()
        try:
            return self._copy_rows(*args, **kwargs)
        finally:
            self._in_copy = False
            self.seconds[COPY] += time.perf_counter() - start

    def _before(self, conn, cursor, statement, *args) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, *args) -> None:
        seconds = time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())
        if self._in_copy:      # SQLite's inserts: already in the writer's time
            return
        kind = next((name for name, start in KINDS if statement.lstrip().startswith(start)
                     or start in statement[:80]), OTHER)
        self.seconds[kind] += seconds
