"""Tasks on deals: follow-ups done on time, late or cancelled, next steps, overdue ones."""
from __future__ import annotations

import numpy as np

from etl.demo.calls import OUTCOME, TYPE, batch, concat
from etl.demo.deals import Deals
from etl.demo.timeline import DAY, Horizon

TASKS_PER_DEAL = 0.35
NEXT_STEP_SHARE = 0.8      # open deals with a next step scheduled (the rest: "no next task")
OVERDUE_SHARE = 0.15       # open deals with a task that is past due and not done


def deal_tasks(rng: np.random.Generator, hz: Horizon, deals: Deals) -> dict:
    """A batch of task activities (occurred = created, due_at, completed_at, outcome)."""
    return concat([_history_tasks(rng, hz, deals), _open_deal_tasks(rng, hz, deals)])


def _history_tasks(rng, hz: Horizon, deals: Deals) -> dict:
    """Tasks during a deal's life: most done (some late), a few cancelled, some never closed."""
    deal = np.repeat(np.arange(deals.created_s.size), rng.poisson(TASKS_PER_DEAL, deals.created_s.size))
    end = np.minimum(deals.close_s, hz.now_s - 60)[deal]
    created = deals.created_s[deal] + rng.random(deal.size) * np.maximum(end - deals.created_s[deal], 0)
    due = created + rng.uniform(1, 10, deal.size) * DAY
    fate = rng.random(deal.size)
    done_at = created + (due - created) * rng.uniform(0.1, 1.4, deal.size)
    cancelled_at = created + (due - created) * rng.uniform(0.0, 1.0, deal.size)
    completed = np.select([fate < 0.82, fate < 0.88], [done_at, cancelled_at], np.nan)
    completed = np.where(completed < hz.now_s, completed, np.nan)
    outcome = np.where(np.isnan(completed), -1,
                       np.where(fate < 0.82, OUTCOME["done"], OUTCOME["cancelled"]))
    return batch(deal.size, rep=deals.owner[deal], type=TYPE["task"], occurred=created, due=due,
                 completed=completed, outcome=outcome, deal=deal, account=deals.account[deal])


def _open_deal_tasks(rng, hz: Horizon, deals: Deals) -> dict:
    """Next steps due in the coming two weeks, and tasks already overdue."""
    open_deal = np.flatnonzero(deals.is_open(hz))
    nxt = open_deal[rng.random(open_deal.size) < NEXT_STEP_SHARE]
    late = open_deal[rng.random(open_deal.size) < OVERDUE_SHARE]
    late = late[deals.created_s[late] < hz.now_s - 2 * DAY]
    created_next = np.maximum(deals.created_s[nxt], hz.now_s - rng.uniform(0.1, 5, nxt.size) * DAY)
    due_next = hz.now_s + rng.uniform(0.2, 14, nxt.size) * DAY
    created_late = np.maximum(deals.created_s[late], hz.now_s - rng.uniform(5, 20, late.size) * DAY)
    due_late = np.minimum(created_late + rng.uniform(1, 4, late.size) * DAY, hz.now_s - 3600)
    deal = np.concatenate([nxt, late])
    return batch(deal.size, rep=deals.owner[deal], type=TYPE["task"],
                 occurred=np.concatenate([created_next, created_late]),
                 due=np.concatenate([due_next, due_late]), deal=deal, account=deals.account[deal])
