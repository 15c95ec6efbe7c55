"""Building blocks for activities: a column batch, call outcomes, office hours, call-backs.

A batch is a dict of equal-length arrays named by BATCH_COLUMNS; indices are -1
and times NaN where a value is missing. `activity.py` concatenates batches and
turns them into the activities table.
"""
from __future__ import annotations

import numpy as np

from etl import contract
from etl.demo.timeline import DAY, HOUR, business_time

BATCH_COLUMNS = ("rep", "type", "occurred", "direction", "duration", "outcome",
                 "lead", "deal", "account", "due", "completed")
_FLOATS = {"occurred", "duration", "due", "completed"}
TYPE = {t: i for i, t in enumerate(contract.ACTIVITY_TYPES)}
OUTCOME = {o: i for i, o in enumerate(contract.ACTIVITY_OUTCOMES)}
INBOUND, OUTBOUND = 0, 1
SUCCESS_THRESHOLD_S = 60


def batch(n: int, **given) -> dict:
    """A batch of n activities; columns not given are missing (-1 / NaN).

    Index columns are int32: a million-deal demo has ~8 million activities.
    """
    out = {}
    for col in BATCH_COLUMNS:
        dtype = np.float64 if col in _FLOATS else np.int32
        value = given.get(col)
        value = (np.nan if col in _FLOATS else -1) if value is None else value
        out[col] = np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()
    return out


def call_outcome(rng: np.random.Generator, direction: np.ndarray) -> np.ndarray:
    """Outbound: answered / no answer / voicemail; inbound: answered or missed."""
    u = rng.random(direction.size)
    outbound = np.select([u < 0.55, u < 0.85], [OUTCOME["answered"], OUTCOME["no_answer"]],
                         OUTCOME["voicemail"])
    inbound = np.where(u < 0.78, OUTCOME["answered"], OUTCOME["missed"])
    return np.where(direction == OUTBOUND, outbound, inbound)


def call_duration(rng: np.random.Generator, outcome: np.ndarray) -> np.ndarray:
    """Seconds on the line: a few minutes when answered (some under a minute), short voicemails."""
    talk = np.round(np.exp(rng.normal(np.log(240), 0.9, outcome.size)))
    voicemail = rng.integers(15, 60, outcome.size)
    return np.select([outcome == OUTCOME["answered"], outcome == OUTCOME["voicemail"]],
                     [np.minimum(talk, 5400), voicemail], 0).astype(float)


def message_outcome(rng: np.random.Generator, type_: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Outcome of calls and e-mails (sent or replied); other types have none."""
    email = np.where(rng.random(type_.size) < 0.3, OUTCOME["replied"], OUTCOME["sent"])
    outcome = np.where((type_ == TYPE["email"]) & (direction == OUTBOUND), email, -1)
    is_call = type_ == TYPE["call"]
    return np.where(is_call, call_outcome(rng, direction), outcome)


def office_hours(rng: np.random.Generator, t: np.ndarray, utc_offset_h: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Move times into local office hours, mostly off weekends, kept inside [lo, hi]."""
    day = np.floor(t / DAY)
    weekday = (day.astype(np.int64) + 3) % 7          # 0 = Monday
    # Most weekend work moves to a random weekday of the same week.
    weekday_instead = day - weekday + rng.integers(0, 5, t.size)
    day = np.where((weekday >= 5) & (rng.random(t.size) < 0.85), weekday_instead, day)
    return np.clip(business_time(rng, day * DAY, utc_offset_h), lo, hi)


def callbacks(rng: np.random.Generator, missed: dict, now_s: float, share: float = 0.8) -> dict:
    """Outbound call-backs to missed inbound calls, within hours, by the same rep."""
    back = rng.random(missed["rep"].size) < share
    delay = np.maximum(rng.exponential(2.5, back.sum()), 0.1) * HOUR
    when = missed["occurred"][back] + delay
    ok = when < now_s
    n = int(ok.sum())
    direction = np.full(n, OUTBOUND)
    outcome = np.where(rng.random(n) < 0.7, OUTCOME["answered"], OUTCOME["no_answer"])
    return batch(n, rep=missed["rep"][back][ok], type=TYPE["call"], occurred=when[ok],
                 direction=direction, outcome=outcome, duration=call_duration(rng, outcome),
                 lead=missed["lead"][back][ok], deal=missed["deal"][back][ok],
                 account=missed["account"][back][ok])


def select(b: dict, mask: np.ndarray) -> dict:
    """Rows of a batch where mask is true."""
    return {k: v[mask] for k, v in b.items()}


def concat(batches: list[dict]) -> dict:
    """One batch holding the rows of all given batches, in order."""
    return {k: np.concatenate([b[k] for b in batches]) for k in BATCH_COLUMNS}
