"""Money plans: monthly quotas, the reps' forecast submissions and marketing spend."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import contract
from etl.demo.frames import contract_frame, group_positions
from etl.demo.org import Org, employed
from etl.demo.timeline import DAY, MONTH_SEASON, Horizon, month_index

QUOTA_STRETCH = 1.05        # quotas sit a little above what a rep typically sells
QUOTA_SPREAD = 0.15         # log-sd of the yearly quota a rep is given against their own level
QUOTA_MONTHS_AHEAD = 12     # quotas are planned a year ahead
MIN_QUOTA_SHARE = 0.25      # nobody's quota is below a quarter of an equal split
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


def quota_frame(rng: np.random.Generator, hz: Horizon, org: Org, months: np.ndarray,
                revenue: np.ndarray) -> pd.DataFrame:
    """Monthly quota per employed seller and manager for the history's months and the
    QUOTA_MONTHS_AHEAD months after today's (so coverage of the coming period has a quota).

    A rep's quota is their share of the company's sales (over a year around the month) times
    the company's seasonal monthly level, stretched a little and set per rep and year with some
    spread (QUOTA_SPREAD): typical attainment is then about 70-130 %. An equal split of the
    company's sales would give small territories' reps 30 % and large ones' 300 %.
    """
    ahead = (np.datetime64(hz.today, "M") + 1 + np.arange(QUOTA_MONTHS_AHEAD)).astype("datetime64[D]")
    every = np.concatenate([months, ahead])
    start, end = _month_bounds(every)
    reps = np.flatnonzero(org.rep_team >= 0)
    complete = revenue[reps][:, :-1]               # today's month is still running
    level = _company_level(complete.sum(axis=0), months, every)
    share = _rep_shares(complete, every.size)
    years = every.astype("datetime64[Y]").astype(int)
    spread = np.exp(rng.normal(0.0, QUOTA_SPREAD, (reps.size, np.ptp(years) + 1)))[:, years - years.min()]
    amount = np.round(level[None, :] * share * spread * QUOTA_STRETCH, -2)
    on = employed(org, reps[:, None], ((start + end) / 2)[None, :])
    rep, month = np.nonzero(on & (amount > 0))
    return contract_frame("quotas", {"rep_id": org.rep_ids[reps[rep]], "month": every[month],
                                     "amount": amount[rep, month]})


def _company_level(sales: np.ndarray, months: np.ndarray, every: np.ndarray) -> np.ndarray:
    """The company's monthly sales level for every month: complete months smoothed over three
    months; today's and later months at the last year's mean, shaped by the season."""
    level = np.empty(every.size)
    level[:sales.size] = pd.Series(sales).rolling(3, center=True, min_periods=1).mean().to_numpy()
    calendar = every[sales.size:].astype("datetime64[M]").astype(int) % 12
    recent = sales[-12:].mean() / MONTH_SEASON[months[:sales.size][-12:].astype("datetime64[M]").astype(int) % 12].mean()
    level[sales.size:] = recent * MONTH_SEASON[calendar]
    return level


def _rep_shares(sales: np.ndarray, n_months: int) -> np.ndarray:
    """Each rep's share of the quota holders' sales over the year around each month (the last
    year's share for the latest months, whose year would run past today, and for today's and
    later months), floored so nobody carries nothing."""
    window = lambda a: pd.DataFrame(a.T).rolling(12, center=True, min_periods=6).sum().to_numpy().T  # noqa: E731
    own, total = window(sales), window(sales.sum(axis=0, keepdims=True))
    share = np.divide(own, total, out=np.zeros_like(own), where=total > 0)
    last_year = sales[:, -12:].sum(axis=1, keepdims=True) / max(sales[:, -12:].sum(), 1.0)
    share[:, -min(6, share.shape[1]):] = last_year     # windows cut short by today: the last year's
    share = np.concatenate([share, np.repeat(last_year, n_months - share.shape[1], axis=1)], axis=1)
    return np.maximum(share, MIN_QUOTA_SHARE / sales.shape[0])


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
