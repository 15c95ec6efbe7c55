"""How far an import has got: a terminal bar for long files, and a hook for other watchers.

The hook (run_import's `progress=`) receives an ImportProgress after each file
starts, after each chunk of rows is written and after each file ends; the web
page's background job turns it into a progress bar. A hook may raise
ImportCancelled to stop the import: the file being loaded rolls back, files
already loaded stay.
"""
from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, replace
from typing import Callable

from tqdm import tqdm


class ImportCancelled(Exception):
    """Raised by a progress hook to stop an import. run_import sets `run_id` on the way out."""
    run_id: int | None = None


@dataclass(frozen=True)
class ImportProgress:
    files_total: int
    files_done: int = 0
    table: str | None = None
    file_name: str | None = None
    file_rows: int = 0              # valid rows of the current file, to be written
    file_rows_written: int = 0
    rows_read: int = 0              # over the whole run so far
    rows_written: int = 0

    @property
    def share(self) -> float:
        """0..1: finished files plus the written part of the current one, over all files."""
        if not self.files_total:
            return 1.0
        current = self.file_rows_written / self.file_rows if self.file_rows else 0.0
        return min((self.files_done + current) / self.files_total, 1.0)


class ProgressTracker:
    """Keeps an ImportProgress up to date and hands a copy to the hook at each step."""

    def __init__(self, hook: Callable[[ImportProgress], None] | None, files_total: int):
        self.hook = hook
        self.state = ImportProgress(files_total)

    def start_file(self, table: str, file_name: str) -> None:
        self._set(table=table, file_name=file_name, file_rows=0, file_rows_written=0)

    def file_checked(self, read: int, to_write: int) -> None:
        self._set(rows_read=self.state.rows_read + read, file_rows=to_write)

    def update(self, n: int) -> None:
        """Rows written (the bulk loader calls this after each chunk)."""
        self._set(file_rows_written=self.state.file_rows_written + n, rows_written=self.state.rows_written + n)

    def skip(self, n: int) -> None:
        """Rows of the file done without being written (rejected by the checks)."""
        self._set(file_rows_written=self.state.file_rows_written + n)

    def end_file(self) -> None:
        self._set(files_done=self.state.files_done + 1, file_rows_written=self.state.file_rows)

    def _set(self, **changes) -> None:
        self.state = replace(self.state, **changes)
        if self.hook is not None:
            self.hook(self.state)


class _Both:
    """Passes each update to a terminal bar and to the tracker."""

    def __init__(self, *targets):
        self.targets = targets

    def update(self, n: int) -> None:
        for target in self.targets:
            target.update(n)

    def skip(self, n: int) -> None:
        """Rows done but not written: a terminal bar advances, the written count does not."""
        for target in self.targets:
            getattr(target, "skip", target.update)(n)


@contextlib.contextmanager
def progress_bar(total: int, label: str, enabled: bool, tracker: ProgressTracker | None = None):
    """Yields an object with update(n). Only bars files big enough to be worth watching."""
    if not enabled or total < 20_000:
        yield _Both(*([tracker] if tracker else []))
        return
    with tqdm(total=total, desc=label, unit="rows", unit_scale=True, file=sys.stderr,
              leave=False, dynamic_ncols=True) as bar:
        yield _Both(bar, *([tracker] if tracker else []))
