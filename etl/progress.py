"""A terminal progress bar for long files; silent when output is not a terminal."""
from __future__ import annotations

import contextlib
import sys

from tqdm import tqdm


@contextlib.contextmanager
def progress_bar(total: int, label: str, enabled: bool):
    """Yields an object with update(n). Only bars files big enough to be worth watching."""
    if not enabled or total < 20_000:
        yield _Silent()
        return
    with tqdm(total=total, desc=label, unit="rows", unit_scale=True, file=sys.stderr,
              leave=False, dynamic_ncols=True) as bar:
        yield bar


class _Silent:
    def update(self, _n: int) -> None:
        pass
