"""Opportunities: who owns them, when they start, how long they take and how they end.

Planted structures: (3) the owner's skill shifts the win probability and stays
with the rep; (5) a hidden `stale` factor stretches the gaps between stage moves
and activities and lowers the win probability.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import vocab
from etl.demo.customers import Accounts
from etl.demo.frames import choose, sigmoid
from etl.demo.leads import Leads
from etl.demo.org import Org, employed, pick_sellers
from etl.demo.timeline import DAY, Horizon, business_time, quarter_end_s, sample_cells

STALE_GAP = 0.70          # log-sd of the gap multiplier between touches
STALE_WIN = -1.00         # logit change per sd of staleness
BASE_WIN = -0.45
LOST_AT_STAGE = (0.30, 0.26, 0.20, 0.14, 0.10)   # open stage where lost deals stop
QUARTER_END_PUSH = 0.30   # share of won deals pulled to the quarter's last days (Q4: more)


@dataclass
class Deals:
    """Deal arrays in id order (ids follow creation time)."""
    created_s: np.ndarray
    account: np.ndarray
    owner: np.ndarray
    lead: np.ndarray           # -1 = not from a lead
    territory: np.ndarray
    segment: np.ndarray
    stale: np.ndarray          # standard normal; high = long gaps
    planned_days: np.ndarray   # length of the whole winning path
    won_path: np.ndarray       # bool: how the deal ends (or would end, if still open)
    reached: np.ndarray        # open stages passed through on that path (1..5)
    duration_days: np.ndarray  # created → close on that path
    close_s: np.ndarray        # close on that path; ≥ now for deals still open

    def is_open(self, hz: Horizon) -> np.ndarray:
        """Bool per deal: still open today."""
        return self.close_s >= hz.now_s


def plan_deals(rng: np.random.Generator, hz: Horizon, org: Org, weights: np.ndarray,
               leads: Leads, accounts: Accounts, n_deals: int) -> Deals:
    """One deal per converted lead plus repeat deals on existing accounts; sets `leads.deal`."""
    from_lead = np.flatnonzero(leads.account >= 0)
    terr, created, account = _repeat_business(rng, hz, org, weights, accounts, n_deals - from_lead.size)
    converted = leads.converted_s[from_lead]
    lead_created = np.minimum(converted + rng.uniform(60, 1800, from_lead.size),
                              np.maximum(converted, hz.now_s - 1))
    created = np.concatenate([lead_created, created])
    account = np.concatenate([leads.account[from_lead], account])
    lead = np.concatenate([from_lead, np.full(terr.size, -1)])
    order = np.argsort(created, kind="stable")
    created, account, lead = created[order], account[order], lead[order]
    has_lead = lead >= 0
    leads.deal = np.full(leads.created_s.size, -1)
    leads.deal[lead[has_lead]] = np.flatnonzero(has_lead)
    territory = accounts.territory[account]
    owner = _owners(rng, org, accounts, account, territory, created)
    return _outcomes(rng, hz, org, created, account, owner, lead, territory, accounts.segment[account])


def _repeat_business(rng, hz: Horizon, org: Org, weights: np.ndarray, accounts: Accounts, n: int):
    """Deals on accounts that already exist (expansions, renewals, second tries)."""
    terr, day = sample_cells(rng, weights, n)
    created = business_time(rng, hz.start_s + day * DAY, org.terr_offset[terr])
    # Accounts sorted by (territory, created): a territory's accounts created a day or
    # more before the deal form one contiguous run to draw from.
    big = 1e10
    key = accounts.territory * big + accounts.created_s
    by_key = np.argsort(key, kind="stable")
    key = key[by_key]
    lo = np.searchsorted(key, terr * big, side="left")
    hi = np.searchsorted(key, terr * big + created - DAY, side="right")
    pick = lo + (rng.random(n) * np.maximum(hi - lo, 1)).astype(int)
    account = by_key[np.minimum(pick, key.size - 1)]
    # Before a territory's first account existed, start the deal just after it.
    created = np.maximum(created, accounts.created_s[account] + DAY)
    return terr, np.clip(created, hz.start_s, hz.now_s - 60), account


def _owners(rng, org: Org, accounts: Accounts, account, territory, created) -> np.ndarray:
    """Mostly the account owner; else a seller of the territory; a few go to the team manager."""
    owner = accounts.owner[account]
    other = pick_sellers(rng, org, territory, created)
    owner = np.where(employed(org, owner, created) & (rng.random(owner.size) < 0.8), owner, other)
    manager = org.team_manager[org.rep_team[org.anchor[territory]]]
    return np.where(rng.random(owner.size) < 0.06, manager, owner)


def _outcomes(rng, hz: Horizon, org: Org, created, account, owner, lead, territory, segment) -> Deals:
    """How long each deal runs, whether it is won, and where lost deals stop."""
    n = created.size
    stale = rng.standard_normal(n)
    planned = (vocab.SEGMENT_CYCLE_DAYS[segment] * np.exp(rng.normal(0, 0.45, n))
               * np.exp(STALE_GAP * stale))
    logit = BASE_WIN + org.rep_skill[owner] + vocab.SEGMENT_WIN_SHIFT[segment] + STALE_WIN * stale
    won = rng.random(n) < sigmoid(logit)
    reached = np.where(won, 5, 1 + choose(rng, LOST_AT_STAGE, LOST_AT_STAGE, n))
    duration = np.where(won, planned, planned * reached / 5 * rng.uniform(0.6, 1.2, n))
    duration = np.maximum(duration, 0.3)
    close = created + duration * DAY
    close = _quarter_end_push(rng, hz, close, won)
    duration = (close - created) / DAY
    return Deals(created, account, owner, lead, territory, segment, stale, planned, won,
                 reached, duration, close)


def _quarter_end_push(rng, hz: Horizon, close: np.ndarray, won: np.ndarray) -> np.ndarray:
    """Reps pull won deals into the quarter's last days (more so in Q4): quarter-end peaks."""
    target = quarter_end_s(close) - rng.integers(0, 9, close.size) * DAY + 12 * 3600.0
    q4 = close.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64) % 12 >= 9
    chance = np.where(q4, QUARTER_END_PUSH * 2.2, QUARTER_END_PUSH)      # December budgets
    push = won & (rng.random(close.size) < chance) & (target > close) & (target - close < 35 * DAY)
    push &= (target < hz.now_s) | (close >= hz.now_s)
    return np.where(push, target, close)
