"""The problems validation finds: (line, column, reason), gathered into one rejection per line."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


class Problems:
    """Collects (line, column, reason); the first failing column names the rejection.

    Each problem carries a rank (what kind of check found it, and which), so a row's
    reasons read in the same order whichever check ran first."""

    def __init__(self, index: pd.Index, items: list | None = None):
        self.index = index
        self.items: list[tuple[tuple, pd.DataFrame]] = items or []

    def ranked(self, *rank: int) -> Ranked:
        return Ranked(self, rank)

    def add(self, mask, column: str, reason, rank: tuple = ()) -> None:
        """`reason` is a text, or a function of `mask` giving one text per failing row:
        reasons quoting values are built only for rows that fail, never for a million good ones."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        if callable(reason):
            reason = np.asarray(reason(mask), dtype=object)
        self.items.append((rank, pd.DataFrame({"column": column, "reason": reason},
                                              index=self.index[mask])))

    def within(self, lines: pd.Index) -> Problems:
        """A collector for a block of lines, holding the problems already found there."""
        items = [(rank, found[found.index.isin(lines)]) for rank, found in self.items]
        return Problems(lines, [(rank, found) for rank, found in items if len(found)])

    def frame(self) -> pd.DataFrame:
        if not self.items:
            return pd.DataFrame({"column": pd.Series(dtype=str), "reason": pd.Series(dtype=str)},
                                index=pd.Index([], name="line"))
        found = pd.concat([f for _, f in sorted(self.items, key=lambda item: item[0])])
        grouped = found.groupby(level=0, sort=True)
        out = pd.DataFrame({"column": grouped["column"].first(),
                            "reason": grouped["reason"].agg("; ".join)})
        out.index.name = "line"
        return out


@dataclass
class Ranked:
    """A `Problems` as one check sees it: everything it adds carries the check's rank."""
    problems: Problems
    rank: tuple

    def add(self, mask, column: str, reason) -> None:
        self.problems.add(mask, column, reason, self.rank)
