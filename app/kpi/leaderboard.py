"""Pure pieces of the Leaderboard page: reps ranked by a chosen KPI of the rep_leaderboard
table, their movement since the comparison period, and what a viewer may see of it. No data
access (app.kpi.service fetches the boards and calls `board`).

Privacy decision (docs/architecture.md: a rep sees "ranks and names (or anonymised ranks, by
setting) but no other rep's deals"): for a rep the board is the whole company's, but each
row carries only the rank, the movement, the name (None when anonymous, except their own)
and the one figure the board is ranked by, which is revenue or quota attainment, the two
ranks the rep_leaderboard KPI defines. No other rep's id, deals or other figures leave it.
"""
from __future__ import annotations

from app.kpi.definitions.team import LEADERBOARD_KPIS

METRICS = LEADERBOARD_KPIS
REP_METRICS = ("revenue", "quota_attainment")
DEFAULT_METRIC = "revenue"
QUOTA_METRIC = "quota_attainment"


def metrics_for(restricted: bool, quota: bool = True) -> tuple[str, ...]:
    """The KPIs a viewer may rank by: a rep (`restricted`) the two official ranks, others every
    column; quota attainment only where the filters are ones quotas are set for (`quota`)."""
    return tuple(m for m in (REP_METRICS if restricted else METRICS) if quota or m != QUOTA_METRIC)


def chosen_metric(requested, restricted: bool, quota: bool = True) -> str:
    """The requested metric when the viewer may rank by it, else revenue."""
    return requested if requested in metrics_for(restricted, quota) else DEFAULT_METRIC


def ranks(rows: list[dict], metric: str) -> dict[str, int | None]:
    """Competition rank (1, 2, 2, 4) of each rep by `metric`, highest first; None without a value."""
    values = [r.get(metric) for r in rows if r.get(metric) is not None]
    return {r["rep"]: (None if r.get(metric) is None else 1 + sum(v > r[metric] for v in values))
            for r in rows}


def board(rows: list[dict], previous: list[dict] | None, metric: str, me: str | None, restricted: bool,
          anonymous: bool = False, quota: bool = True) -> dict:
    """The board for rep_leaderboard `rows` ranked by `metric`, with each rep's movement since the
    `previous` board (None: no comparison asked).

    {"metric", "columns": the figures each row carries, "compared": bool, "ranked": reps with a
    rank, "rows": [{"position", "rank", "movement", "rep", "name", "me", <column>: value}]} in
    rank order (unranked last). movement = previous rank − rank (up is positive), None when
    either is missing. `restricted` rows carry only `metric` and no rep id but the viewer's;
    `anonymous` (with restricted) leaves out every name but the viewer's. Without `quota`,
    attainment is None (the filters are ones quotas are not set for).
    """
    if not quota:
        rows = [{**r, QUOTA_METRIC: None} for r in rows]
    now = ranks(rows, metric)
    before = ranks(previous, metric) if previous is not None else {}
    ordered = sorted(rows, key=lambda r: (now[r["rep"]] is None, now[r["rep"]] or 0, str(r.get("name") or "")))
    columns = (metric,) if restricted else METRICS
    out = []
    for position, r in enumerate(ordered, start=1):
        mine = me is not None and r["rep"] == me
        rank, earlier = now[r["rep"]], before.get(r["rep"])
        out.append({"position": position, "rank": rank, "me": mine,
                    "movement": None if rank is None or earlier is None else earlier - rank,
                    "rep": r["rep"] if mine or not restricted else None,
                    "name": r.get("name") if mine or not (restricted and anonymous) else None,
                    **{c: r.get(c) for c in columns}})
    return {"metric": metric, "columns": columns, "compared": previous is not None,
            "ranked": sum(v is not None for v in now.values()), "rows": out}
