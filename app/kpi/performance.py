"""Pure pieces of the My performance page: a rep's standing from the company leaderboard, the
team median, the commission estimate and the open-deal rows. No data access (app.kpi.service
fetches, these shape what may leave the server).

Privacy decision (docs/architecture.md: a rep sees "ranks and names (or anonymised ranks, by
setting) but no other rep's deals"): ranks are computed over the whole company on the server,
but `standing` returns only ranks, the team board's names (None for others when anonymous)
and the viewed rep's own figures; no other rep's amounts, deals or ids leave it. The company
board is reduced to the rep's own rank and the number of ranked reps.
"""
from __future__ import annotations

from datetime import date, datetime
from statistics import median

from app.kpi.definitions.quota import RepFigures, commission_of

ACTIVITY_KPIS = ("activities", "calls", "meetings")


def _rank(values: list[float | None], value: float | None) -> int | None:
    """Competition rank (1, 2, 2, 4), highest first; None for no value."""
    return None if value is None else 1 + sum(v is not None and v > value for v in values)


def standing(rows: list[dict], rep_id: str, team_ids, anonymous: bool) -> dict | None:
    """The rep's place in the company and in their team, from rep_leaderboard rows of the whole
    company. {"own": {revenue, quota_attainment, name}, "company": {rank, attainment_rank, of},
    "team": {rank, attainment_rank, of, board: [{rank, name, me}]}}; None when the rep has no row.
    Anonymous boards carry name None for everyone but the rep."""
    mine = next((r for r in rows if r.get("rep") == rep_id), None)
    if mine is None:
        return None
    ranked = [r for r in rows if r.get("rank") is not None]
    team = [r for r in rows if r.get("rep") in set(team_ids) or r.get("rep") == rep_id]
    revenue = [r.get("revenue") for r in team]
    attainment = [r.get("quota_attainment") for r in team]
    board = sorted(({"rank": _rank(revenue, r.get("revenue")), "me": r["rep"] == rep_id,
                     "name": r.get("name") if r["rep"] == rep_id or not anonymous else None}
                    for r in team if r.get("revenue") is not None),
                   key=lambda e: (e["rank"], not e["me"], e["name"] or ""))
    return {
        "own": {"name": mine.get("name"), "revenue": mine.get("revenue"),
                "quota_attainment": mine.get("quota_attainment")},
        "company": {"rank": mine.get("rank"), "attainment_rank": mine.get("attainment_rank"), "of": len(ranked)},
        "team": {"rank": _rank(revenue, mine.get("revenue")),
                 "attainment_rank": _rank(attainment, mine.get("quota_attainment")),
                 "of": sum(v is not None for v in revenue), "board": board},
    }


def team_medians(rows: list[dict], team_ids, kpis=ACTIVITY_KPIS) -> dict:
    """Median per KPI over the team's reps, from rows by rep; a rep without a row counts 0.
    {kpi: median or None for an empty team, "team_size": n}."""
    by_rep = {r.get("rep"): r for r in rows}
    team_ids = list(team_ids)
    out = {k: (median(float(by_rep.get(t, {}).get(k) or 0) for t in team_ids) if team_ids else None)
           for k in kpis}
    return {**out, "team_size": len(team_ids)}


def closing_weighted(deals: list[dict], horizon: date) -> float:
    """Σ amount × win probability of open deals expected to close by `horizon` (overdue ones too:
    still open, they are expected any day); deals without a date or probability add nothing."""
    return sum(d["amount"] * d["probability"] for d in deals
               if d.get("expected_close_date") and d["expected_close_date"] <= horizon
               and d.get("probability") is not None)


def commission_estimate(revenue, quota, rate: float, multiplier: float, weighted: float) -> float:
    """Commission if revenue so far plus the weighted open pipeline closing in the period are won,
    against the whole period's quota (the commission KPI's rule: above quota earns rate × multiplier)."""
    rep = RepFigures("", None, True, 0.0, rate or 0.0, float(revenue or 0) + weighted, float(quota or 0))
    return commission_of(rep, multiplier)


def deal_rows(deals: list[dict], today: date) -> list[dict]:
    """Deals for the table: name, stage, amount, expected close, days since last activity (None
    when there was none)."""
    def days(at: datetime | None):
        return None if at is None else max((today - at.date()).days, 0)
    return [{"name": d.get("name") or d["opportunity_id"], "stage": d["stage"], "amount": d["amount"],
             "expected_close_date": d.get("expected_close_date"), "days_idle": days(d.get("last_activity_at"))}
            for d in deals]
