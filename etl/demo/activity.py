"""Activities: touches on leads, touches on deals, demos and proposals, call-backs, tasks.

Deal touches are spread over the deal's life with a mean gap that grows with the
deal's hidden staleness, so stale deals (planted structure 5) show long silences.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import contract
from etl.demo import vocab
from etl.demo.calls import (INBOUND, OUTBOUND, OUTCOME, TYPE, batch, call_duration, callbacks,
                            concat, message_outcome, office_hours, select)
from etl.demo.deals import STALE_GAP, Deals
from etl.demo.frames import contract_frame, group_positions, labels, make_ids
from etl.demo.leads import Leads
from etl.demo.org import Org
from etl.demo.pipeline import History
from etl.demo.tasks import deal_tasks
from etl.demo.timeline import DAY, HOUR, Horizon

SOURCE = {s: i for i, s in enumerate(contract.LEAD_SOURCES)}
CHAT_SOURCES = [SOURCE["chat"], SOURCE["messenger"]]
MAIL_SOURCES = [SOURCE["web_form"], SOURCE["email_campaign"], SOURCE["social"]]
DEAL_TOUCH_MIX = np.array([0.45, 0.33, 0.12, 0.10])      # call, email, meeting, message
DEAL_TOUCH_TYPES = np.array([TYPE["call"], TYPE["email"], TYPE["meeting"], TYPE["message"]])
OUTBOUND_SHARE = {TYPE["call"]: 0.85, TYPE["email"]: 0.8, TYPE["message"]: 0.6}


def activity_frame(rng: np.random.Generator, hz: Horizon, org: Org, leads: Leads, deals: Deals,
                   history: History, ids: dict) -> pd.DataFrame:
    """The activities table. ids: lead_ids, deal_ids, account_ids (object arrays)."""
    touches, demos = deal_touches(rng, hz, org, deals, history)
    missed = (touches["type"] == TYPE["call"]) & (touches["direction"] == INBOUND) & (
        touches["outcome"] == OUTCOME["missed"])
    # Missed calls on leads need no extra call-back: the lead's first response is it.
    parts = lead_touches(rng, hz, org, leads) + [touches, demos, deal_tasks(rng, hz, deals),
                                                callbacks(rng, select(touches, missed), hz.now_s)]
    a = concat(parts)
    del parts, touches
    order = np.argsort(a["occurred"], kind="stable")
    for key in a:                      # one column at a time keeps the peak memory down
        a[key] = a[key][order]
    return contract_frame("activities", {
        "activity_id": make_ids("ACT-", order.size, 9), "rep_id": org.rep_ids[a["rep"]],
        "type": labels(contract.ACTIVITY_TYPES, a["type"]), "occurred_at": a["occurred"],
        "direction": labels(contract.DIRECTIONS, a["direction"]),
        "duration_seconds": a["duration"],
        "outcome": labels(contract.ACTIVITY_OUTCOMES, a["outcome"]),
        "lead_id": labels(ids["lead_ids"], a["lead"]), "opportunity_id": labels(ids["deal_ids"], a["deal"]),
        "account_id": labels(ids["account_ids"], a["account"]),
        "due_at": a["due"], "completed_at": a["completed"]})


def lead_touches(rng, hz: Horizon, org: Org, leads: Leads) -> list[dict]:
    """Inbound phone calls, the first response, and a few follow-ups within two weeks."""
    idx = np.arange(leads.created_s.size)
    answered = np.isfinite(leads.response_s)
    phone = leads.source == SOURCE["phone"]
    quick = answered & (leads.response_s - leads.created_s <= 5 * 60)
    # A phone lead answered at once is one inbound call; otherwise the call was missed.
    rang = phone & ~quick
    missed = batch(int(rang.sum()), rep=leads.owner[rang], type=TYPE["call"],
                   occurred=leads.created_s[rang], direction=INBOUND,
                   outcome=OUTCOME["missed"], duration=0.0, lead=idx[rang])
    first = _first_responses(rng, leads, answered, phone & quick)
    return [missed, first, _follow_ups(rng, hz, leads, answered)]


def _first_responses(rng, leads: Leads, answered: np.ndarray, inbound: np.ndarray) -> dict:
    """The first touch of each answered lead: a message, e-mail or call, by the source."""
    src = leads.source[answered]
    u = rng.random(src.size)
    type_ = np.where(np.isin(src, CHAT_SOURCES), TYPE["message"],
                     np.where(np.isin(src, MAIL_SOURCES) & (u < 0.4), TYPE["email"], TYPE["call"]))
    direction = np.where(inbound[answered], INBOUND, OUTBOUND)
    outcome = message_outcome(rng, type_, direction)
    outcome = np.where(inbound[answered], OUTCOME["answered"], outcome)
    duration = np.where(type_ == TYPE["call"], call_duration(rng, outcome), np.nan)
    return batch(src.size, rep=leads.owner[answered], type=type_, occurred=leads.response_s[answered],
                 direction=direction, outcome=outcome, duration=duration,
                 lead=np.flatnonzero(answered))


def _follow_ups(rng, hz: Horizon, leads: Leads, answered: np.ndarray) -> dict:
    """Outbound touches within two weeks of the first response, until conversion."""
    lead = np.repeat(np.flatnonzero(answered), rng.poisson(0.3, int(answered.sum())))
    start = leads.response_s[lead]
    stop = np.fmin(np.fmin(start + 14 * DAY, leads.converted_s[lead]), hz.now_s - 60)
    when = start + rng.random(lead.size) * np.maximum(stop - start, 0) + 10 * 60
    keep = when < np.fmin(stop + 10 * 60, hz.now_s - 1)
    lead, when = lead[keep], when[keep]
    type_ = DEAL_TOUCH_TYPES[rng.choice(4, lead.size, p=[0.5, 0.4, 0.0, 0.1])]   # no meetings yet
    direction = np.full(lead.size, OUTBOUND)
    outcome = message_outcome(rng, type_, direction)
    duration = np.where(type_ == TYPE["call"], call_duration(rng, outcome), np.nan)
    return batch(lead.size, rep=leads.owner[lead], type=type_, occurred=when, direction=direction,
                 outcome=outcome, duration=duration, lead=lead)


def deal_touches(rng, hz: Horizon, org: Org, deals: Deals, history: History) -> tuple[dict, dict]:
    """Calls, e-mails, meetings and messages over each deal's life, plus demos and proposals."""
    end = np.minimum(deals.close_s, hz.now_s - 60)
    life_days = np.maximum(end - deals.created_s, 0) / DAY
    gap = (vocab.SEGMENT_CYCLE_DAYS[deals.segment] * np.exp(STALE_GAP * deals.stale)
           / vocab.SEGMENT_TOUCHES[deals.segment])
    counts = np.minimum(1 + rng.poisson(life_days / gap), 60)
    deal, _ = group_positions(counts)
    when = deals.created_s[deal] + rng.random(deal.size) * life_days[deal] * DAY
    when = office_hours(rng, when, org.terr_offset[deals.territory[deal]],
                        deals.created_s[deal], end[deal])
    type_ = DEAL_TOUCH_TYPES[rng.choice(4, deal.size, p=DEAL_TOUCH_MIX)]
    out_share = np.select([type_ == t for t in OUTBOUND_SHARE], list(OUTBOUND_SHARE.values()), np.nan)
    direction = np.where(np.isnan(out_share), -1, np.where(rng.random(deal.size) < out_share,
                                                           OUTBOUND, INBOUND))
    outcome = message_outcome(rng, type_, direction)
    duration = np.select([type_ == TYPE["call"], type_ == TYPE["meeting"]],
                         [call_duration(rng, outcome), rng.integers(6, 19, deal.size) * 300.0], np.nan)
    touches = batch(deal.size, rep=deals.owner[deal], type=type_, occurred=when, direction=direction,
                    outcome=outcome, duration=duration, deal=deal, account=deals.account[deal])
    return touches, _stage_events(rng, hz, deals, history)


def _stage_events(rng, hz: Horizon, deals: Deals, history: History) -> dict:
    """A demo soon after entering Needs Analysis, a proposal soon after entering Proposal."""
    row = np.isin(history.position, (3, 4))
    deal, position = history.deal[row], history.position[row]
    when = history.entered_s[row] + rng.uniform(1, 48, deal.size) * HOUR
    keep = when < np.minimum(deals.close_s[deal], hz.now_s - 1)
    keep &= rng.random(deal.size) < np.where(position == 3, 0.75, 0.85)   # not every deal gets one
    deal, position, when = deal[keep], position[keep], when[keep]
    is_demo = position == 3
    return batch(deal.size, rep=deals.owner[deal],
                 type=np.where(is_demo, TYPE["demo"], TYPE["proposal"]), occurred=when,
                 duration=np.where(is_demo, rng.integers(9, 19, deal.size) * 300.0, np.nan),
                 deal=deal, account=deals.account[deal])
