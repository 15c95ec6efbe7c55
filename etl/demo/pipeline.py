"""Stage history of each deal and the opportunities table.

Each deal walks the default stages in order; entries are spread over its life
(stale deals have longer gaps); won deals end in Closed Won after Negotiation,
lost deals jump to Closed Lost from the stage where they stopped, open deals
stop at the last stage entered before today.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl import contract
from etl.demo.deals import Deals
from etl.demo.frames import choose, contract_frame, group_positions, labels
from etl.demo.org import Org
from etl.demo.timeline import DAY, Horizon

STAGES = [s[0] for s in contract.DEFAULT_STAGES]
PROBABILITY = np.array([0.0] + [s[2] for s in contract.DEFAULT_STAGES])   # by position
WON, LOST = 6, 7                                                          # positions
DEAL_KINDS = ("New business", "Expansion", "Renewal", "Upgrade", "Add-on")
WIN_REASONS = ("relationship", "product_fit", "price", "timing", "champion", "references")
# contract.LOSS_REASONS mix for ordinary and for stale deals (which die of indecision).
LOSS_MIX = np.array([[0.24, 0.24, 0.15, 0.12, 0.09, 0.11, 0.05],
                     [0.12, 0.12, 0.10, 0.36, 0.20, 0.06, 0.04]])
CHANNEL_MIX = np.array([[0.45, 0.15, 0.10, 0.05, 0.05, 0.20],     # contract.DEAL_CHANNELS
                        [0.25, 0.35, 0.05, 0.10, 0.10, 0.15],
                        [0.05, 0.55, 0.00, 0.10, 0.10, 0.20]])


@dataclass
class History:
    """Stage-history rows (deal index, stage position 1..7, entered time)."""
    deal: np.ndarray
    position: np.ndarray
    entered_s: np.ndarray
    current: np.ndarray          # per deal: position of its current stage


def stage_history(rng: np.random.Generator, hz: Horizon, deals: Deals) -> History:
    """Rows for every stage each deal has entered up to today."""
    counts = deals.reached + 1
    deal, pos = group_positions(counts)
    step = np.where(pos == 0, 0.0, 0.15 + rng.exponential(1.0, deal.size))
    run = np.cumsum(step)
    run -= np.repeat(run[np.cumsum(counts) - counts], counts)     # cumulative within the deal
    total = np.repeat(run[np.cumsum(counts) - 1], counts)
    entered = deals.created_s[deal] + deals.duration_days[deal] * DAY * run / total
    last = pos == counts[deal] - 1
    entered = np.where(last, deals.close_s[deal], entered)
    position = np.where(last, np.where(deals.won_path[deal], WON, LOST), pos + 1)
    keep = entered < hz.now_s
    current = np.zeros(deals.created_s.size, dtype=int)
    np.maximum.at(current, deal[keep], position[keep])
    return History(deal[keep], position[keep], entered[keep], current)


def history_frame(history: History, deal_ids: np.ndarray) -> pd.DataFrame:
    """The stage_history table."""
    return contract_frame("stage_history", {
        "opportunity_id": deal_ids[history.deal],
        "stage": labels(STAGES, history.position - 1), "entered_at": history.entered_s})


def deal_frame(rng: np.random.Generator, hz: Horizon, org: Org, deals: Deals, history: History,
               names: dict) -> pd.DataFrame:
    """The opportunities table. names: deal_ids, lead_ids, account_ids, account_names, amount."""
    n = deals.created_s.size
    current = history.current
    status = np.where(current == WON, 1, np.where(current == LOST, 2, 0))   # DEAL_STATUSES
    is_open = status == 0
    closed = np.where(is_open, np.nan, deals.close_s)
    kind = np.where(deals.lead >= 0, 0, 1 + rng.integers(0, len(DEAL_KINDS) - 1, n))
    loss = (rng.random(n)[:, None] > np.cumsum(LOSS_MIX[(deals.stale > 0.7).astype(int)], axis=1)).sum(1)
    channel = (rng.random(n)[:, None] > np.cumsum(CHANNEL_MIX[deals.segment], axis=1)).sum(1)
    return contract_frame("opportunities", {
        "opportunity_id": names["deal_ids"], "account_id": names["account_ids"][deals.account],
        "owner_rep_id": org.rep_ids[deals.owner], "lead_id": labels(names["lead_ids"], deals.lead),
        "name": names["account_names"][deals.account] + " – " + labels(DEAL_KINDS, kind),
        "created_at": deals.created_s, "stage": labels(STAGES, current - 1),
        "status": labels(contract.DEAL_STATUSES, status), "amount": names["amount"],
        "expected_close_date": np.where(is_open, _expected_close(rng, hz, deals), np.nan),
        "closed_at": closed, "channel": labels(contract.DEAL_CHANNELS, channel),
        "forecast_category": _forecast_category(rng, current),
        "probability": PROBABILITY[current],
        "loss_reason": labels(contract.LOSS_REASONS, np.where(status == 2, loss, -1)),
        "win_reason": labels(WIN_REASONS, np.where(status == 1, choose(
            rng, WIN_REASONS, (0.25, 0.25, 0.15, 0.1, 0.15, 0.1), n), -1)),
    })


def _expected_close(rng, hz: Horizon, deals: Deals) -> np.ndarray:
    """The rep's close date: the planned one; most past-due dates get pushed out again."""
    planned = deals.created_s + deals.planned_days * DAY
    slipped = planned < hz.now_s
    moved = hz.now_s + rng.uniform(3, 45, planned.size) * DAY
    return np.where(slipped & (rng.random(planned.size) < 0.75), moved, planned)


def _forecast_category(rng, current: np.ndarray) -> np.ndarray:
    """contract.FORECAST_CATEGORIES by stage: early stages pipeline, late stages commit."""
    pipeline, best, commit, omitted = range(4)
    u = rng.random(current.size)
    by_stage = np.select(
        [current <= 2, current == 3, current == 4, current == 5, current == WON],
        [np.where(u < 0.85, pipeline, omitted), np.where(u < 0.6, pipeline, best),
         np.where(u < 0.6, best, commit), np.where(u < 0.75, commit, best), commit], omitted)
    return labels(contract.FORECAST_CATEGORIES, by_stage)
