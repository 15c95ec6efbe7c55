"""Accounts: one per converted lead, plus accounts that reached the CRM another way.

Each account carries a hidden `health` (standard normal). It drives support
tickets, satisfaction and churn in `support.py`: planted structure (2).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl import contract
from etl.demo import names, vocab
from etl.demo.frames import choose, contract_frame, labels, make_ids
from etl.demo.leads import Leads
from etl.demo.org import Org, employed, pick_sellers
from etl.demo.timeline import DAY, Horizon, business_time, sample_cells

# Accounts without a lead record (outbound prospecting, partners, the installed base).
DIRECT_CHANNEL_MIX = (0.20, 0.05, 0.05, 0.03, 0.05, 0.15, 0.17, 0.30)   # ACQUISITION_CHANNELS
INSTALLED_BASE_SHARE = 0.30


@dataclass
class Accounts:
    """Account arrays in id order (ids follow creation time)."""
    created_s: np.ndarray
    territory: np.ndarray
    owner: np.ndarray
    industry: np.ndarray
    segment: np.ndarray
    channel: np.ndarray
    health: np.ndarray
    names: np.ndarray
    ids: np.ndarray
    churned_s: np.ndarray | None = None
    churn_reason: np.ndarray | None = None


def plan_accounts(rng: np.random.Generator, hz: Horizon, org: Org, weights: np.ndarray,
                  leads: Leads, n_direct: int) -> Accounts:
    """Accounts of converted leads and direct accounts; sets `leads.account`."""
    converted = np.flatnonzero(np.isfinite(leads.converted_s))
    terr, created = _direct_arrivals(rng, hz, org, weights, n_direct)
    parts = {
        "created_s": np.concatenate([leads.converted_s[converted], created]),
        "territory": np.concatenate([leads.territory[converted], terr]),
        "owner": np.concatenate([leads.owner[converted], pick_sellers(rng, org, terr, created)]),
        "industry": np.concatenate([leads.industry[converted],
                                    choose(rng, vocab.INDUSTRIES, vocab.INDUSTRY_SHARE, n_direct)]),
        "segment": np.concatenate([leads.segment[converted],
                                   choose(rng, vocab.SEGMENTS, vocab.SEGMENT_SHARE, n_direct)]),
        "channel": np.concatenate([vocab.SOURCE_CHANNEL[leads.source[converted]],
                                   choose(rng, contract.ACQUISITION_CHANNELS, DIRECT_CHANNEL_MIX,
                                          n_direct)]),
    }
    order = np.argsort(parts["created_s"], kind="stable")
    parts = {k: v[order] for k, v in parts.items()}
    country = org.territories["country"].to_numpy(dtype=object)[parts["territory"]]
    accounts = Accounts(**parts, health=rng.standard_normal(order.size),
                        names=company_names(rng, country, parts["industry"]),
                        ids=make_ids("ACC-", order.size, 7))
    position = np.empty(order.size, dtype=int)
    position[order] = np.arange(order.size)
    leads.account = np.full(leads.created_s.size, -1)
    leads.account[converted] = position[:converted.size]
    return accounts


def _direct_arrivals(rng, hz: Horizon, org: Org, weights: np.ndarray, n: int):
    """Territory and creation time of accounts created without a lead.

    The first few per territory (and a share overall) are the installed base loaded
    when the CRM started, so repeat business has accounts to land on from day one.
    """
    n_terr = weights.shape[0]
    terr, day = sample_cells(rng, weights, n)
    terr[:3 * n_terr] = np.tile(np.arange(n_terr), 3)
    base = rng.random(n) < INSTALLED_BASE_SHARE
    base[:3 * n_terr] = True
    day = np.where(base, rng.integers(0, 7, n), day)
    created = business_time(rng, hz.start_s + day * DAY, org.terr_offset[terr])
    return terr, np.clip(created, hz.start_s, hz.now_s - 3600)


def account_frame(rng: np.random.Generator, accounts: Accounts, org: Org) -> pd.DataFrame:
    """The accounts table (call after churn has been decided)."""
    n = accounts.created_s.size
    country = org.territories["country"].to_numpy(dtype=object)[accounts.territory]
    # Owners who have left hand their accounts to the territory's anchor seller.
    now = np.full(n, np.inf)
    owner = np.where(employed(org, accounts.owner, now), accounts.owner,
                     org.anchor[accounts.territory])
    employees = vocab.SEGMENT_EMPLOYEES[accounts.segment] * np.exp(rng.normal(0, 0.6, n))
    return contract_frame("accounts", {
        "account_id": accounts.ids, "name": accounts.names,
        "territory_id": org.territories["territory_id"].to_numpy(dtype=object)[accounts.territory],
        "owner_rep_id": org.rep_ids[owner],
        "industry": labels(vocab.INDUSTRIES, accounts.industry),
        "segment": labels(vocab.SEGMENTS, accounts.segment),
        "employees": np.maximum(np.round(employees), 2).astype(np.int64), "country": country,
        "acquisition_channel": labels(contract.ACQUISITION_CHANNELS, accounts.channel),
        "created_at": accounts.created_s, "churned_at": accounts.churned_s,
        "churn_reason": labels(contract.CHURN_REASONS, accounts.churn_reason),
    })


def company_names(rng: np.random.Generator, country: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """'<stem> <industry word> <legal form>' with stems and legal forms of the account's country."""
    n = country.size
    stem = _pick_per_country(rng, country, {c: names.split(p) for c, p in names.COMPANY_STEMS.items()})
    form = _pick_per_country(rng, country, names.LEGAL_FORMS)
    words = np.array([w for i in vocab.INDUSTRIES for w in names.INDUSTRY_WORDS[i]], dtype=object)
    word = words[industry * 2 + rng.integers(0, 2, n)]
    return stem + " " + word + " " + form


def _pick_per_country(rng, country: np.ndarray, pools: dict) -> np.ndarray:
    """For each row, a random entry of its country's pool (vectorised over a flat pool array)."""
    codes = list(pools)
    flat = np.array([v for c in codes for v in pools[c]], dtype=object)
    sizes = np.array([len(pools[c]) for c in codes])
    starts = np.cumsum(sizes) - sizes
    which = pd.Index(codes).get_indexer(country)
    return flat[starts[which] + (rng.random(country.size) * sizes[which]).astype(int)]
