"""Money plans: monthly quotas, the reps' forecast submissions and marketing spend."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import contract
from etl.demo.frames import contract_frame, group_positions
from etl.demo.org import Org, employed
from etl.demo.timeline import DAY, Horizon, month_index

QUOTA_STRETCH = 1.08        # quotas sit a little above what the team typically sells
MANAGER_QUOTA_SHARE = 0.35  # managers carry a personal quota for their own deals
RAMP = (0.4, 0.6, 0.8)      # quota share in a new hire's first months
SPEND_SHARE_OF_REVENUE = 0.08
# contract.ACQUISITION_CHANNELS: share of the marketing budget, chance of spend in a month.
CHANNEL_BUDGET = ((0.05, 1.0), (0.10, 1.0), (0.30, 1.0), (0.15, 1.0), (0.07, 0.9),
                  (0.18, 0.35), (0.10, 0.8), (0.05, 1.0))


def revenue_matrix(n_reps: int, months: np.ndarray, owner, won_close_s, amount) -> np.ndarray:
    """Won revenue per rep (rows) and month (columns); won_close_s is NaN for deals not won."""
    m = month_index(won_close_s, months)
    ok = m >= 0
    flat = np.bincount(owner[ok] * months.size + m[ok], weights=amount[ok],
                       minlength=n_reps * months.size)
    return flat.reshape(n_reps, months.size)


def _month_bounds(months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    start = months.astype("datetime64[s]").astype(np.int64).astype(float)
    end = (months.astype("datetime64[M]") + 1).astype("datetime64[s]").astype(np.int64).astype(float)
    return start, end


def quota_frame(org: Org, months: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
    """Monthly quota per employed seller and manager, from the team's smoothed sales."""
    start, end = _month_bounds(months)
    mid = (start + end) / 2
    reps = np.flatnonzero(org.rep_team >= 0)
    on = employed(org, reps[:, None], mid[None, :])
    sellers = on & org.rep_is_seller[reps][:, None]
    smooth = pd.Series(revenue.sum(axis=0)).rolling(3, center=True, min_periods=1).mean().to_numpy()
    per_seller = smooth / np.maximum(sellers.sum(axis=0) + MANAGER_QUOTA_SHARE * org.team_manager.size, 1) * QUOTA_STRETCH
    tenure = np.floor((start[None, :] - org.rep_hire_s[reps][:, None]) / (30.44 * DAY)).astype(int)
    ramp = np.where(tenure < len(RAMP), np.take(RAMP, np.clip(tenure, 0, len(RAMP) - 1)), 1.0)
    level = np.where(org.rep_is_seller[reps], 1.0, MANAGER_QUOTA_SHARE)[:, None]
    amount = np.round(per_seller[None, :] * ramp * level, -2)
    rep, month = np.nonzero(on)
    return contract_frame("quotas", {"rep_id": org.rep_ids[reps[rep]], "month": months[month],
                                     "amount": amount[rep, month]})


def forecast_frame(rng: np.random.Generator, hz: Horizon, org: Org, months: np.ndarray,
                   revenue: np.ndarray) -> pd.DataFrame:
    """Commit and best-case submissions per rep and month, made before the month starts.

    Some months get one early and one final submission; the final one is closer.
    """
    start, end = _month_bounds(months)
    elapsed = np.clip((hz.now_s - start) / (end - start), 1e-3, 1.0)
    actual = revenue / elapsed[None, :]           # the running month at its full-month pace
    typical = actual.mean(axis=1, keepdims=True)
    reps = np.flatnonzero(org.rep_team >= 0)
    bias = rng.normal(-0.08, 0.1, org.rep_ids.size)[reps][:, None]   # most reps sandbag a bit
    rep, month = np.nonzero(employed(org, reps[:, None], start[None, :] - 14 * DAY))
    month_ok = month >= 1                          # the first month's would predate the data
    rep, month = rep[month_ok], month[month_ok]
    twice = rng.random(rep.size) < 0.6
    sub_rep, round_ = group_positions(1 + twice)
    final = (round_ == 1) | ~twice[sub_rep]
    lead_days = np.where(final, rng.uniform(1, 4, sub_rep.size), rng.uniform(8, 12, sub_rep.size))
    noise = rng.normal(0, np.where(final, 0.2, 0.35))
    r, m = rep[sub_rep], month[sub_rep]
    guess = (0.55 * actual[reps[r], m] + 0.45 * typical[reps[r], 0]) * np.exp(bias[r, 0] + noise)
    commit = np.round(guess, -2)
    best = np.round(commit * rng.uniform(1.15, 1.6, commit.size), -2)
    submitted = np.floor((start[m] - lead_days * DAY) / 60) * 60
    two = lambda a: np.concatenate([a, a])
    return contract_frame("forecast_submissions", {
        "rep_id": two(org.rep_ids[reps[r]]), "month": two(months[m]), "submitted_at": two(submitted),
        "category": np.repeat(np.array(contract.SUBMISSION_CATEGORIES, dtype=object), commit.size),
        "amount": np.concatenate([commit, best])})


def spend_frame(rng: np.random.Generator, org: Org, months: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
    """Marketing spend per month × acquisition channel × territory (months without spend omitted)."""
    n_terr, n_chan, n_month = org.terr_size.size, len(CHANNEL_BUDGET), months.size
    years = (np.arange(n_month) - n_month / 2) / 12
    terr_share = org.terr_size[:, None] * np.exp(np.outer(org.terr_growth, years))
    terr_share /= terr_share.sum(axis=0, keepdims=True)
    total = pd.Series(revenue.sum(axis=0)).rolling(6, min_periods=1).mean().to_numpy()
    budget, chance = np.array(CHANNEL_BUDGET).T
    amount = (total[None, None, :] * SPEND_SHARE_OF_REVENUE * terr_share[:, None, :]
              * (budget / chance)[None, :, None] * np.exp(rng.normal(0, 0.2, (n_terr, n_chan, n_month))))
    spent = rng.random(amount.shape) < chance[None, :, None]
    t, c, m = np.nonzero(spent & (amount >= 1))
    return contract_frame("marketing_spend", {
        "month": months[m], "channel": np.array(contract.ACQUISITION_CHANNELS, dtype=object)[c],
        "territory_id": org.territories["territory_id"].to_numpy(dtype=object)[t],
        "amount": np.round(amount[t, c, m], 2)})
