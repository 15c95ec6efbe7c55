"""Forecasting: how close the reps' commits and the model's forecasts came to revenue.

Accuracy is for one closed month M: the month containing P's end when P ends on
its last day, else the month before (a month still running has no actual yet).
A forecast counts only if made before M started (the latest such one), so later
knowledge never flatters it. The actual is the revenue KPI for M.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from app.data import schema as s
from app.data import system_schema as ss
from app.i18n import N_
from app.kpi.definitions.target_periods import month_end, whole_period
from app.kpi.registry import DOWN, KPIS, PERCENT, UP, Kpi, combine
from app.kpi.subjects import SUBJECTS

COMMIT = "commit"
MAPE_MONTHS = 12


def closed_month(end: date) -> date:
    """First day of the closed month accuracy is measured for, given P's end."""
    if end == month_end(end):
        return end.replace(day=1)
    return (end.replace(day=1) - timedelta(days=1)).replace(day=1)


def _month_ctx(ctx, first: date):
    """The context of month `first`, with the query's filters and breakdown."""
    q = ctx.query
    if (q.start, q.end) == (first, month_end(first)):
        return ctx
    return ctx.derived("forecast_accuracy", replace(q, start=first, end=month_end(first), compare=None))


def _accuracy(forecast: dict, actual: dict) -> dict:
    """1 − |forecast − actual| / actual per group; None without a forecast or actual."""
    return combine(lambda f, a: None if f is None or not a else 1 - abs(f - a) / a, forecast, actual)


def _commits(mctx) -> dict:
    """Σ over reps of each rep's latest commit for the month submitted before it started.
    Commits are per rep, not per product, channel or account: under such filters the
    comparison would be meaningless, so there is no answer (None)."""
    q = mctx.query
    if any(key not in SUBJECTS["reps"].dims for key, _ in q.filters):
        return {None: None} if q.by is None else {}
    view = mctx.view("submissions", "month", "forecast_accuracy")
    t, later = view.t.c, s.forecast_submissions.alias("later")
    superseded = sa.exists(sa.select(sa.literal(1)).select_from(later).where(
        later.c.rep_id == t.rep_id, later.c.month == t.month, later.c.category == t.category,
        later.c.submitted_at > t.submitted_at, later.c.submitted_at < mctx.lo))
    select = view.select(sa.func.sum(t.amount), where=[
        t.category == COMMIT, mctx.between(t.month), t.submitted_at < mctx.lo, ~superseded])
    return {g: r[0] for g, r in mctx.rows(select).items() if r and r[0] is not None}


def _latest_model(f, first: date, last: date):
    """Conditions keeping, per rep (or the company row), the latest forecast of the month
    made before it started; a tie on made_on goes to the row written last."""
    newer = ss.model_forecasts.alias("newer")
    same_rep = sa.or_(newer.c.rep_id == f.c.rep_id, sa.and_(newer.c.rep_id.is_(None), f.c.rep_id.is_(None)))
    return [f.c.month >= first, f.c.month <= last, f.c.made_on < first, ~sa.exists(
        sa.select(sa.literal(1)).select_from(newer).where(
            same_rep, newer.c.month >= first, newer.c.month <= last, newer.c.made_on < first,
            sa.or_(newer.c.made_on > f.c.made_on,
                   sa.and_(newer.c.made_on == f.c.made_on, newer.c.forecast_id > f.c.forecast_id))))]


def _model(mctx) -> dict:
    """The model's forecast for the month: its company row for an unrestricted, unfiltered,
    undivided question, else the sum of its per-rep rows for the reps in scope and filters.
    Per-rep rows cannot honour deal or account filters (product, channel…): None then."""
    q, f = mctx.query, ss.model_forecasts
    first, last = q.start, q.end
    if mctx.scope.is_all and not q.filters and q.by is None:
        total = mctx.conn.execute(sa.select(sa.func.sum(f.c.mean)).where(
            *_latest_model(f, first, last), f.c.rep_id.is_(None))).scalar()
        return {None: total}
    if any(key not in SUBJECTS["reps"].dims for key, _ in q.filters):
        return {None: None} if q.by is None else {}
    view = mctx.view("reps", None, "forecast_accuracy_model")
    view.frm = view.frm.join(f, f.c.rep_id == view.t.c.rep_id)
    rows = mctx.rows(view.select(sa.func.sum(f.c.mean), where=_latest_model(f, first, last)))
    return {g: r[0] for g, r in rows.items() if r and r[0] is not None}


def _commit_accuracy(ctx):
    mctx = _month_ctx(ctx, closed_month(ctx.query.end))
    return _accuracy(_commits(mctx), mctx.value("revenue"))


def _model_accuracy(ctx):
    mctx = _month_ctx(ctx, closed_month(ctx.query.end))
    return _accuracy(mctx.memo("model_forecast", lambda: _model(mctx)), mctx.value("revenue"))


def _mape(ctx):
    """Mean of |forecast − actual| / actual over the last 12 closed months up to P's end,
    months without a model forecast or without revenue left out."""
    first = closed_month(ctx.query.end)
    accuracies = []
    for _ in range(MAPE_MONTHS):
        accuracies.append(_month_ctx(ctx, first).value("forecast_accuracy_model"))
        first = (first - timedelta(days=1)).replace(day=1)

    def mean_error(*values):
        errors = [1 - a for a in values if a is not None]
        return sum(errors) / len(errors) if errors else None
    return combine(mean_error, *accuracies)


for kpi in (
    Kpi("forecast_accuracy", N_("Forecast accuracy (commits)"),
        N_("1 − |commit − revenue| / revenue for the last closed month, the reps' latest commits "
           "submitted before it started"), PERCENT, UP,
        whole_period("forecast_accuracy", _commit_accuracy), "submissions"),
    Kpi("forecast_accuracy_model", N_("Forecast accuracy (model)"),
        N_("1 − |forecast − revenue| / revenue for the last closed month, the model's latest "
           "forecast made before it started"), PERCENT, UP,
        whole_period("forecast_accuracy_model", _model_accuracy), "reps"),
    Kpi("forecast_mape", N_("Forecast error (MAPE)"),
        N_("Mean absolute percentage error of the model's monthly forecasts, last 12 closed months"),
        PERCENT, DOWN, whole_period("forecast_mape", _mape), "reps"),
):
    KPIS.add(kpi)
