"""Customer support tickets with satisfaction, and churn.

Planted structure (2): an account's hidden health sets how often it raises
tickets, how satisfied it is, and how soon it churns; churning accounts also
raise a burst of unhappy tickets in the months before they leave.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import contract
from etl.demo.customers import Accounts
from etl.demo.frames import choose, contract_frame, group_positions, labels, make_ids
from etl.demo.timeline import DAY, HOUR, Horizon

YEAR = 365.25 * DAY
CHURN_HAZARD = 0.13          # per customer-year at average health
TICKETS_PER_YEAR = 1.4
BURST_TICKETS = 2.2          # extra tickets in the ~100 days before churning
CATEGORIES = ("billing", "bug", "how_to", "integration", "outage", "feature_request", "access")
# contract.CHURN_REASONS mix for unhappy (low-health) and for other churners.
REASONS_UNHAPPY = (0.12, 0.30, 0.38, 0.12, 0.03, 0.05)
REASONS_OTHER = (0.30, 0.08, 0.05, 0.25, 0.22, 0.10)


def customer_lifetimes(deal_account: np.ndarray, won_close_s: np.ndarray, last_touch_s: np.ndarray,
                       n_accounts: int) -> tuple[np.ndarray, np.ndarray]:
    """Per account: first won close (NaN for prospects) and the latest deal event.

    won_close_s: close time for won deals, NaN otherwise; last_touch_s: per deal, its
    close or (for open deals) today.
    """
    first = np.full(n_accounts, np.inf)
    np.minimum.at(first, deal_account[np.isfinite(won_close_s)], won_close_s[np.isfinite(won_close_s)])
    last = np.full(n_accounts, -np.inf)
    np.maximum.at(last, deal_account, last_touch_s)
    return np.where(np.isinf(first), np.nan, first), last


def decide_churn(rng: np.random.Generator, hz: Horizon, accounts: Accounts,
                 first_win_s: np.ndarray, last_touch_s: np.ndarray) -> None:
    """Set `accounts.churned_s` and `accounts.churn_reason` (customers only)."""
    n = first_win_s.size
    hazard = CHURN_HAZARD * np.exp(-1.1 * accounts.health)
    churn = first_win_s + 60 * DAY + rng.exponential(1.0, n) / hazard * YEAR
    # A customer still buying is not leaving: churn comes after the last deal.
    churn = np.maximum(churn, last_touch_s + rng.uniform(30, 120, n) * DAY)
    churned = churn < hz.now_s
    unhappy = accounts.health < -0.4
    reason = np.where(unhappy, choose(rng, contract.CHURN_REASONS, REASONS_UNHAPPY, n),
                      choose(rng, contract.CHURN_REASONS, REASONS_OTHER, n))
    accounts.churned_s = np.where(churned, churn, np.nan)
    accounts.churn_reason = np.where(churned, reason, -1)


def ticket_frame(rng: np.random.Generator, hz: Horizon, accounts: Accounts,
                 first_win_s: np.ndarray) -> pd.DataFrame:
    """Tickets of customers between their first purchase and churn (or today)."""
    end = np.where(np.isfinite(accounts.churned_s), accounts.churned_s, hz.now_s)
    years = np.nan_to_num(np.maximum(end - first_win_s, 0) / YEAR)
    rate = TICKETS_PER_YEAR * np.exp(-0.7 * accounts.health)
    normal = rng.poisson(rate * years)
    burst = np.where(np.isfinite(accounts.churned_s), rng.poisson(BURST_TICKETS, years.size), 0)
    account, pos = group_positions(normal + burst)
    in_burst = pos >= normal[account]
    start = np.where(in_burst, np.maximum(first_win_s, end - 100 * DAY)[account], first_win_s[account])
    opened = start + rng.random(account.size) * (end[account] - start)
    order = np.argsort(opened, kind="stable")
    account, in_burst, opened = account[order], in_burst[order], opened[order]
    health = accounts.health[account]
    first_response = opened + np.exp(rng.normal(np.log(2.5), 1.0, opened.size) - 0.3 * health) * HOUR
    resolved = first_response + np.exp(rng.normal(np.log(20), 1.0, opened.size) - 0.4 * health) * HOUR
    resolved[rng.random(opened.size) < 0.03] = np.nan
    csat = np.clip(np.round(4.0 + 0.55 * health - 0.8 * in_burst + rng.normal(0, 0.9, opened.size)), 1, 5)
    rated = (resolved < hz.now_s) & (rng.random(opened.size) < 0.55)
    past = lambda t: np.where(t < hz.now_s, t, np.nan)
    return contract_frame("tickets", {
        "ticket_id": make_ids("TCK-", opened.size, 8), "account_id": accounts.ids[account],
        "opened_at": opened, "first_response_at": past(first_response),
        "resolved_at": past(np.where(first_response < hz.now_s, resolved, np.nan)),
        "category": labels(CATEGORIES, choose(rng, CATEGORIES, (3, 4, 5, 2, 1, 2, 1), opened.size)),
        "csat": np.where(rated, csat, np.nan)})
