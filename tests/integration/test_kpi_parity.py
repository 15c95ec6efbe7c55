"""Every KPI on the small demo set: SQLite and PostgreSQL agree, breakdowns add up,
and scope behaves (a rep's answer = the unscoped answer filtered to that rep)."""
from datetime import date

import pytest

import app.kpi.definitions  # noqa: F401
from app.auth.policy import reports_of
from app.data.queries import fetch_reporting_lines
from app.kpi.evaluate import evaluate
from app.kpi.query import KpiQuery, Scope
from app.kpi.registry import KPIS, TABLE
from tests.kpi_helpers import same

YEAR = KpiQuery.build(date(2025, 12, 1), date(2026, 11, 30))
SCALARS = sorted(k for k, v in KPIS.items() if v.kind != TABLE)


def answer(engine, ids, query, scope=Scope.everything()):
    with engine.connect() as conn:
        return evaluate(conn, ids, query, scope)


@pytest.mark.parametrize("by", [None, "region", "month"])
def test_every_kpi_is_identical_on_sqlite_and_postgresql(demo_engines, by):
    ids = list(KPIS) if by is None else SCALARS
    query = KpiQuery.build(YEAR.start, YEAR.end, by=by, compare="yoy" if by is None else None)
    lite, pg = (answer(demo_engines[b], ids, query) for b in ("sqlite", "postgresql"))
    differ = [i for i in ids if by is None and not same(lite["values"][i], pg["values"][i])]
    assert differ == []
    assert same(lite, pg)


def test_demo_year_has_real_numbers(demo_engines):
    values = answer(demo_engines["sqlite"], ["revenue", "won_deals", "win_rate", "leads_created",
                                             "calls", "pipeline_value"], YEAR)["values"]
    assert values["revenue"] > 0 and values["won_deals"] > 50 and 0.05 < values["win_rate"] < 0.95
    assert values["leads_created"] > 100 and values["calls"] > 100 and values["pipeline_value"] > 0


@pytest.mark.parametrize("by", ["region", "team", "channel", "month", "weekday", "segment"])
def test_additive_kpis_breakdown_rows_sum_to_the_total(demo_engines, by):
    engine = demo_engines["sqlite"]
    additive = [k for k, v in KPIS.items() if v.additive and v.kind != TABLE]
    total = answer(engine, additive, YEAR)["values"]
    rows = []
    for kpi_id in additive:
        try:
            rows = answer(engine, [kpi_id], KpiQuery.build(YEAR.start, YEAR.end, by=by))["rows"]
        except ValueError:          # this KPI has no such breakdown
            continue
        assert sum(r[kpi_id] or 0 for r in rows) == pytest.approx(total[kpi_id], rel=1e-9, abs=1e-6), kpi_id


def test_a_reps_answer_equals_the_unscoped_answer_filtered_to_that_rep(demo_engines):
    engine = demo_engines["postgresql"]
    from etl.demo import DEMO_USERS
    rep_id = next(u["rep_id"] for u in DEMO_USERS if u["role"] == "rep")
    mine = answer(engine, SCALARS, YEAR, Scope.reps({rep_id}, f"rep:{rep_id}"))["values"]
    filtered = answer(engine, SCALARS, KpiQuery.build(YEAR.start, YEAR.end, {"rep": rep_id}))["values"]
    assert same(mine, filtered)
    assert mine["revenue"] > 0


def test_manager_sees_exactly_their_reports_transitively(demo_engines):
    engine = demo_engines["sqlite"]
    from etl.demo import DEMO_USERS
    boss = next(u["rep_id"] for u in DEMO_USERS if u["role"] == "manager")
    with engine.connect() as conn:
        team = reports_of(fetch_reporting_lines(conn), boss)
    assert len(team) > 1
    scoped = answer(engine, ["revenue", "won_deals"], YEAR, Scope.reps(team, f"team:{boss}"))
    by_rep = answer(engine, ["revenue", "won_deals"], KpiQuery.build(YEAR.start, YEAR.end, by="rep"))
    expected = sum(r["revenue"] for r in by_rep["rows"] if r["rep"] in team)
    assert scoped["values"]["revenue"] == pytest.approx(expected)
    outside = next(r["rep"] for r in by_rep["rows"] if r["rep"] not in team)
    forged = KpiQuery.build(YEAR.start, YEAR.end, {"rep": outside})
    assert answer(engine, ["revenue"], forged, Scope.reps(team, f"team:{boss}"))["values"]["revenue"] == 0
