"""Run the demo generators in order and collect the contract tables."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl import contract
from etl.demo import leads as leads_mod
from etl.demo.activity import activity_frame
from etl.demo.customers import account_frame, plan_accounts
from etl.demo.deals import plan_deals
from etl.demo.frames import make_ids
from etl.demo.lines import plan_lines
from etl.demo.org import build_org
from etl.demo.pipeline import WON, deal_frame, history_frame, stage_history
from etl.demo.support import customer_lifetimes, decide_churn, ticket_frame
from etl.demo.targets import forecast_frame, quota_frame, revenue_matrix, spend_frame
from etl.demo.timeline import Horizon, daily_weights, make_horizon
from etl.demo.trainings import benchmark_frame, training_frame

# One independent random stream per step: changing one generator leaves the others' draws alone.
STEPS = ("org", "leads", "accounts", "deals", "history", "lines", "opportunities", "lead_frame",
         "support", "account_frame", "activities", "targets", "trainings", "quotas")
FROM_LEADS_SHARE = 0.5      # deals that start as a converted lead; the rest are repeat business
DIRECT_ACCOUNTS_PER_DEAL = 0.12


def generate_tables(n_deals: int, seed: int, today: dt.date) -> dict[str, pd.DataFrame]:
    """Every contract table, in contract.LOAD_ORDER, for n_deals deals ending at `today`."""
    rng = dict(zip(STEPS, np.random.default_rng(seed).spawn(len(STEPS))))
    hz = make_horizon(today)
    org = build_org(rng["org"], hz, n_deals)
    weights = daily_weights(hz, org.terr_size, org.terr_growth)
    n_leads = round(n_deals * FROM_LEADS_SHARE * leads_mod.LEADS_PER_CONVERSION)
    leads = leads_mod.plan_leads(rng["leads"], hz, org, weights, n_leads)
    leads_mod.limit_conversions(leads, int(0.9 * n_deals))
    # Three installed-base accounts per territory, so every territory has someone to sell to.
    n_direct = round(n_deals * DIRECT_ACCOUNTS_PER_DEAL) + 3 * len(org.territories)
    accounts = plan_accounts(rng["accounts"], hz, org, weights, leads, n_direct)
    deals = plan_deals(rng["deals"], hz, org, weights, leads, accounts, n_deals)
    history = stage_history(rng["history"], hz, deals)
    ids = {"deal_ids": make_ids("OPP-", n_deals, 7), "lead_ids": make_ids("LEAD-", n_leads, 8),
           "account_ids": accounts.ids, "account_names": accounts.names}
    lines, ids["amount"], _ = plan_lines(rng["lines"], deals.segment, ids["deal_ids"])
    tables = {
        "territories": org.territories, "reps": org.reps, "products": org.products,
        "stages": org.stages, "opportunity_lines": lines,
        "opportunities": deal_frame(rng["opportunities"], hz, org, deals, history, ids),
        "stage_history": history_frame(history, ids["deal_ids"]),
        "leads": leads_mod.lead_frame(rng["lead_frame"], leads, org, ids),
        "activities": activity_frame(rng["activities"], hz, org, leads, deals, history, ids),
    }
    tables.update(_customer_tables(rng, hz, org, accounts, deals, history))
    tables.update(_plan_tables(rng, hz, org, deals, history, ids["amount"]))
    return {name: tables[name] for name in contract.LOAD_ORDER}


def _customer_tables(rng, hz: Horizon, org, accounts, deals, history) -> dict[str, pd.DataFrame]:
    """Churn needs the deals' outcomes; tickets need churn."""
    won_close = np.where(history.current == WON, deals.close_s, np.nan)
    last_touch = np.minimum(deals.close_s, hz.now_s)
    first_win, last = customer_lifetimes(deals.account, won_close, last_touch, accounts.ids.size)
    decide_churn(rng["support"], hz, accounts, first_win, last)
    return {"tickets": ticket_frame(rng["support"], hz, accounts, first_win),
            "accounts": account_frame(rng["account_frame"], accounts, org)}


def _plan_tables(rng, hz: Horizon, org, deals, history, amount) -> dict[str, pd.DataFrame]:
    months = hz.month_starts()
    won_close = np.where(history.current == WON, deals.close_s, np.nan)
    revenue = revenue_matrix(org.rep_ids.size, months, deals.owner, won_close, amount)
    return {
        "quotas": quota_frame(rng["quotas"], hz, org, months, revenue),
        "forecast_submissions": forecast_frame(rng["targets"], hz, org, months, revenue),
        "marketing_spend": spend_frame(rng["targets"], org, months, revenue),
        "trainings": training_frame(rng["trainings"], hz, org),
        "benchmarks": benchmark_frame(),
    }
