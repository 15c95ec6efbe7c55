"""Leads: arrival, first response, qualification and conversion.

Planted structure (1): the chance to convert falls with the time to first
response, smoothly, for every source.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl import contract
from etl.demo import vocab
from etl.demo.frames import choose, contract_frame, labels
from etl.demo.org import Org, pick_sellers
from etl.demo.timeline import DAY, Horizon, business_time, sample_cells

# Per contract.LEAD_SOURCES: share of leads, share never answered, median minutes to
# first response, conversion multiplier (referrals close better than social clicks).
SOURCE_MIX = np.array([
    (0.20, 0.10, 45, 0.90),    # web_form
    (0.10, 0.04, 4, 1.20),     # phone
    (0.08, 0.05, 3, 1.00),     # chat
    (0.06, 0.05, 12, 1.10),    # callback_widget
    (0.06, 0.08, 25, 0.85),    # messenger
    (0.10, 0.15, 240, 0.70),   # email_campaign
    (0.08, 0.15, 180, 0.60),   # social
    (0.06, 0.08, 1400, 1.00),  # trade_show
    (0.08, 0.04, 150, 1.50),   # referral
    (0.06, 0.05, 300, 1.30),   # partner
    (0.12, 0.00, 2, 0.75),     # outbound: the rep created the lead, so answered at once
])
LEADS_PER_CONVERSION = 1 / 0.205   # measured share of leads converted by today
DISQUALIFY_REASONS = ("no_budget", "not_a_fit", "no_response", "duplicate", "competitor",
                      "timing", "spam")
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS = ("female", "male", "undisclosed")
EDUCATION = ("secondary", "vocational", "bachelor", "master", "doctorate")
B2C_SOURCES = ("web_form", "chat", "messenger", "social")


@dataclass
class Leads:
    """Lead arrays; `account`/`deal` (indices, -1 = none) are filled in when deals are planned."""
    created_s: np.ndarray
    territory: np.ndarray
    source: np.ndarray
    owner: np.ndarray
    response_s: np.ndarray
    qualified_s: np.ndarray
    converted_s: np.ndarray
    status: np.ndarray
    industry: np.ndarray
    segment: np.ndarray
    account: np.ndarray | None = None
    deal: np.ndarray | None = None


def conversion_chance(minutes: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """Probability that a lead converts, given minutes to first response (NaN = never)."""
    fast = 0.06 + 0.40 / (1.0 + (np.nan_to_num(minutes) / 20.0) ** 0.8)
    return multiplier * np.where(np.isnan(minutes), 0.03, fast)


def plan_leads(rng: np.random.Generator, hz: Horizon, org: Org, weights: np.ndarray, n: int) -> Leads:
    """Draw n leads over the window, following the territories' demand curves."""
    terr, day = sample_cells(rng, weights, n)
    created = business_time(rng, hz.start_s + day * DAY, org.terr_offset[terr])
    created = np.clip(created, hz.start_s, hz.now_s - 60)
    order = np.argsort(created, kind="stable")      # lead ids follow creation time
    terr, created = terr[order], created[order]
    source = choose(rng, contract.LEAD_SOURCES, SOURCE_MIX[:, 0], n)
    owner = pick_sellers(rng, org, terr, created)
    minutes = _response_minutes(rng, source, org.rep_speed[owner])
    response = created + minutes * 60.0
    converts = rng.random(n) < conversion_chance(minutes, SOURCE_MIX[source, 3])
    qualified, converted = _progress(rng, response, converts)
    status = _status(rng, hz, created, response, qualified, converted, converts)
    visible = lambda t: np.where(t < hz.now_s, t, np.nan)
    return Leads(created, terr, source, owner, visible(response), visible(qualified),
                 visible(converted), status,
                 choose(rng, vocab.INDUSTRIES, vocab.INDUSTRY_SHARE, n),
                 choose(rng, vocab.SEGMENTS, vocab.SEGMENT_SHARE, n))


def _response_minutes(rng, source: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """Minutes from creation to first touch: lognormal around the source's median; NaN = never."""
    median = SOURCE_MIX[source, 2] * speed
    minutes = np.minimum(median * np.exp(rng.normal(0.0, 1.5, source.size)), 30 * 24 * 60)
    never = rng.random(source.size) < SOURCE_MIX[source, 1]
    return np.where(never, np.nan, np.maximum(minutes, 0.5))


def _progress(rng, response: np.ndarray, converts: np.ndarray):
    """Qualification and conversion times; some non-converting leads qualify too."""
    n = response.size
    qualifies = converts | (rng.random(n) < 0.22)
    qualified = response + np.exp(rng.normal(np.log(2.0), 0.8, n)) * DAY
    converted = qualified + np.exp(rng.normal(np.log(5.0), 0.7, n)) * DAY
    return np.where(qualifies, qualified, np.nan), np.where(converts, converted, np.nan)


def _status(rng, hz: Horizon, created, response, qualified, converted, converts) -> np.ndarray:
    """Index into contract.LEAD_STATUSES of each lead's state as of today."""
    now = hz.now_s
    new, working, qual, conv, disq = range(5)
    recent = lambda t, days: t > now - days * DAY
    status = np.full(created.size, disq)
    answered = response < now
    status[~answered & (recent(created, 45) | (rng.random(created.size) < 0.5))] = new
    idle = answered & ~(qualified < now)
    status[idle & recent(response, 30)] = working
    in_hand = answered & (qualified < now) & ~(converted < now)
    status[in_hand & (converts | recent(qualified, 60))] = qual
    status[converted < now] = conv
    return status


def limit_conversions(leads: Leads, most: int) -> None:
    """Keep at most `most` conversions (the latest extra ones stay qualified), so that
    converted leads never outnumber the deals asked for."""
    extra = np.flatnonzero(np.isfinite(leads.converted_s))[most:]
    leads.converted_s[extra] = np.nan
    leads.status[extra] = contract.LEAD_STATUSES.index("qualified")


def lead_frame(rng: np.random.Generator, leads: Leads, org: Org, ids: dict) -> pd.DataFrame:
    """The leads table; account/opportunity ids are set on converted leads.

    ids: lead_ids, account_ids, deal_ids (object arrays).
    """
    n = leads.created_s.size
    disq = leads.status == contract.LEAD_STATUSES.index("disqualified")
    reason = choose(rng, DISQUALIFY_REASONS, (0.22, 0.24, 0.2, 0.08, 0.1, 0.12, 0.04), n)
    reason[np.isnan(leads.response_s)] = DISQUALIFY_REASONS.index("no_response")
    b2c = np.isin(leads.source, [contract.LEAD_SOURCES.index(s) for s in B2C_SOURCES])
    b2c &= rng.random(n) < 0.35
    attr = lambda values, p: labels(values, np.where(b2c, choose(rng, values, p, n), -1))
    territory = org.territories["territory_id"].to_numpy(dtype=object)
    return contract_frame("leads", {
        "lead_id": ids["lead_ids"], "created_at": leads.created_s,
        "source": labels(contract.LEAD_SOURCES, leads.source),
        "owner_rep_id": org.rep_ids[leads.owner], "territory_id": territory[leads.territory],
        "status": labels(contract.LEAD_STATUSES, leads.status),
        "first_response_at": leads.response_s, "qualified_at": leads.qualified_s,
        "converted_at": leads.converted_s,
        "account_id": labels(ids["account_ids"], leads.account),
        "opportunity_id": labels(ids["deal_ids"], leads.deal),
        "disqualify_reason": labels(DISQUALIFY_REASONS, np.where(disq, reason, -1)),
        "industry": labels(vocab.INDUSTRIES, leads.industry),
        "segment": labels(vocab.SEGMENTS, leads.segment),
        "country": org.territories["country"].to_numpy(dtype=object)[leads.territory],
        "age_band": attr(AGE_BANDS, (0.12, 0.28, 0.25, 0.18, 0.12, 0.05)),
        "gender": attr(GENDERS, (0.48, 0.48, 0.04)),
        "education": attr(EDUCATION, (0.25, 0.2, 0.33, 0.18, 0.04)),
    })
