"""The deal rollups on a hand-worked fixture, on SQLite and PostgreSQL: what their rows hold,
that KPIs read them and get the deals' answers, and when they are rebuilt or set aside
(imports, a time zone change, a failed import)."""
from datetime import date

import pytest
import sqlalchemy as sa

import app.kpi.definitions  # noqa: F401
from app.cli import main
from app.data.rollups import fetch_rollup_states
from app.data.system_schema import rollup_deals_daily, rollup_deals_monthly
from app.kpi.evaluate import evaluate
from app.kpi.query import KpiQuery, Scope
from app.kpi.rollup_refresh import refresh_rollups
from etl import load
from etl.runner import run_import
from tests.builders import Builder
from tests.integration.import_helpers import BASE, write_export
from tests.kpi_helpers import reads_a_rollup


@pytest.fixture
def deals(engine):
    """Two reps, two regions, six deals around the turns of January to April 2025 (UTC)."""
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.product("P1", unit_cost=10)
        b.deal("O1", "A1", "R1", "won", 100, "2025-01-05 10:00", closed_at="2025-01-15 10:00", channel="online")
        b.deal("O2", "A2", "R2", "won", 300, "2025-01-10 00:00", closed_at="2025-02-10 00:00", channel="offline")
        b.deal("O3", "A2", "R2", "lost", 50, "2025-01-20 00:00", closed_at="2025-02-20 00:00", channel="offline")
        b.deal("O4", "A1", "R1", "open", 500, "2025-01-25 00:00", channel="online")
        # Closes on 31 March in UTC, on 1 April in Warsaw (UTC+2).
        b.deal("O5", "A1", "R1", "won", 40, "2025-02-01 00:00", closed_at="2025-03-31 23:30", channel="online")
        b.deal("O6", "A2", "R2", "open", 70, "2025-02-15 00:00", channel="offline")
        b.line("O1", "P1", quantity=2, unit_price=50)      # revenue 100, cost 20
        b.line("O2", "P1", quantity=3, unit_price=100)     # revenue 300, cost 30
        refresh_rollups(conn)
    return engine


def monthly(engine, *columns) -> dict:
    """{month: (Σ column, …)} over the monthly rollup's rows."""
    t = rollup_deals_monthly.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.month, *(sa.func.sum(t[c]) for c in columns))
                            .group_by(t.month).order_by(t.month)).all()
    return {str(m)[:10]: tuple(None if v is None else float(v) for v in vs) for m, *vs in rows}


def ask(engine, ids, start, end, scope=Scope.everything(), **question):
    """(values, whether a rollup table was read)."""
    read = []
    with engine.connect() as conn:
        sa.event.listen(conn, "before_cursor_execute",
                        lambda _c, _cur, statement, *_: read.append(reads_a_rollup(statement)))
        answer = evaluate(conn, ids, KpiQuery.build(date.fromisoformat(start), date.fromisoformat(end),
                                                    **question), scope)
    return answer.get("values") or answer["rows"], any(read)


def test_monthly_rows_hold_each_months_closed_deals(deals):
    sums = monthly(deals, "closed_revenue", "closed_won", "closed_lost", "first_won_revenue", "margin_revenue")
    # January: O1 won 100 (A1's first win). February: O2 won 300 (A2's first), O3 lost.
    # March: O5 won 40 (A1 had won O1 before). O5 has no lines, so no margin revenue.
    assert sums["2025-01-01"] == (100, 1, 0, 100, 100)
    assert sums["2025-02-01"] == (300, 1, 1, 300, 300)
    assert sums["2025-03-01"] == (40, 1, 0, None, None)


def test_monthly_rows_hold_the_deals_open_at_each_months_start(deals):
    sums = monthly(deals, "open_count", "open_value")
    # 1 Feb: O2, O3 (closed later in February) and O4 → 850; O1 opened and closed in January.
    # 1 Mar: O4, O5 (closes 31 March), O6 → 610. 1 Apr: O4 and O6 → 570.
    assert sums["2025-02-01"] == (3, 850)
    assert sums["2025-03-01"] == (3, 610)
    assert sums["2025-04-01"] == (2, 570)
    assert "2025-01-01" not in sums or sums["2025-01-01"] == (None, None)


def test_daily_rows_are_per_local_day_and_owner(deals):
    t = rollup_deals_daily.c
    with deals.connect() as conn:
        rows = conn.execute(sa.select(t.day, t.rep_id, t.closed_revenue, t.closed_lost)
                            .order_by(t.day)).all()
    assert [(str(d)[:10], r, float(v), float(n)) for d, r, v, n in rows] == [
        ("2025-01-15", "R1", 100, 0), ("2025-02-10", "R2", 300, 0), ("2025-02-20", "R2", 0, 1),
        ("2025-03-31", "R1", 40, 0)]


def test_kpis_read_the_rollups_and_get_the_hand_worked_numbers(deals):
    values, read = ask(deals, ["revenue", "won_deals", "win_rate", "new_customer_revenue", "gross_margin_pct",
                               "sales_cycle_days"], "2025-01-10", "2025-02-28")
    # O1 (100, 10 days) and O2 (300, 31 days) won, O3 lost; both wins are first wins;
    # margin (100 − 20 + 300 − 30) / 400.
    assert read
    assert values == {"revenue": pytest.approx(400), "won_deals": 2, "win_rate": pytest.approx(2 / 3),
                      "new_customer_revenue": pytest.approx(400), "gross_margin_pct": pytest.approx(350 / 400),
                      "sales_cycle_days": pytest.approx((10 + 31) / 2)}


@pytest.mark.parametrize("end, count, value", [
    ("2025-02-14", 3, 590),     # O3, O4, O5 (O6 is created at midnight starting the 15th)
    ("2025-02-20", 3, 610),     # O4, O5, O6 (O3 closed at midnight starting the 20th)
    ("2025-03-31", 2, 570),     # O4, O6 (O5 closed at 23:30 on the 31st)
    ("2027-06-30", 2, 570),     # long after the last deal: still O4 and O6
])
def test_pipeline_from_the_nearest_snapshot_and_the_days_around_it(deals, end, count, value):
    values, read = ask(deals, ["open_deals", "pipeline_value"], "2025-01-01", end)
    assert read
    assert values == {"open_deals": count, "pipeline_value": pytest.approx(value)}


def test_scope_applies_to_the_rollups(deals):
    rep1 = Scope.reps({"R1"}, "rep:R1")
    values, read = ask(deals, ["revenue", "pipeline_value"], "2025-01-01", "2025-03-31", rep1)
    # R1: O1 100 + O5 40 won; open at the end: O4 500.
    assert read and values == {"revenue": pytest.approx(140), "pipeline_value": pytest.approx(500)}
    forged, _ = ask(deals, ["revenue", "pipeline_value"], "2025-01-01", "2025-03-31", rep1, filters={"rep": "R2"})
    assert forged == {"revenue": 0, "pipeline_value": 0}


def test_filters_the_rollups_do_not_keep_read_the_deals(deals):
    values, read = ask(deals, ["revenue"], "2025-01-01", "2025-03-31", filters={"industry": "Retail"})
    assert not read and values == {"revenue": 0}


def test_product_questions_read_the_product_rollup_while_each_answer_is_one_product(deals):
    with deals.begin() as conn:
        b = Builder(conn)
        b.product("P2", category="Other")
        b.line("O2", "P2", quantity=1, unit_price=20)      # O2: 300 on P1 and 20 on P2
        refresh_rollups(conn)
    products = {"P1", "P2", "unassigned"}
    rows, read = ask(deals, ["revenue", "won_deals", "lost_deals"], "2025-01-01", "2025-03-31", by="product")
    # P1: O1 100 and O2 300; P2: O2 20; no product: O5 won (40, its amount) and O3 lost.
    assert read and {r["product"]: (r["revenue"], r["won_deals"], r["lost_deals"]) for r in rows} == {
        "P1": (pytest.approx(400), 2, 0), "P2": (pytest.approx(20), 1, 0), "unassigned": (pytest.approx(40), 1, 1)}
    assert products == {r["product"] for r in rows}
    values, read = ask(deals, ["revenue", "won_deals"], "2025-01-01", "2025-03-31", filters={"product": "P2"})
    assert read and values == {"revenue": pytest.approx(20), "won_deals": 1}
    # Two products together count O2 once: the rollup, one row per product, would count it twice.
    values, read = ask(deals, ["revenue", "won_deals"], "2025-01-01", "2025-03-31", filters={"product": ["P1", "P2"]})
    assert not read and values == {"revenue": pytest.approx(420), "won_deals": 2}
    rows, read = ask(deals, ["won_deals"], "2025-01-01", "2025-03-31", by="category")
    assert not read and {r["category"]: r["won_deals"] for r in rows} == {"Cat": 2, "Other": 1, "unassigned": 1}


def test_a_time_zone_change_through_the_cli_rebuilds_the_rollups(deals, db_url, capsys):
    assert main(["--database-url", db_url, "settings", "set", "org_timezone", "Europe/Warsaw"]) == 0
    assert "rebuilding the KPI rollups" in capsys.readouterr().out
    with deals.connect() as conn:
        assert {s["org_timezone"] for s in fetch_rollup_states(conn)} == {"Europe/Warsaw"}
    # O5 closed at 01:30 on 1 April in Warsaw: April's revenue now.
    assert monthly(deals, "closed_revenue")["2025-04-01"] == (40,)
    values, read = ask(deals, ["revenue"], "2025-04-01", "2025-04-30")
    assert read and values == {"revenue": pytest.approx(40)}


def test_rollups_cut_in_another_zone_are_not_read(deals):
    with deals.begin() as conn:
        Builder(conn).setting("org_timezone", "Europe/Warsaw")    # no rebuild
    values, read = ask(deals, ["revenue", "pipeline_value"], "2025-04-01", "2025-04-30")
    assert not read and values == {"revenue": pytest.approx(40), "pipeline_value": pytest.approx(570)}


def test_an_import_rebuilds_the_rollups_it_made_stale(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "v1"))
    with engine.connect() as conn:
        assert {s["name"] for s in fetch_rollup_states(conn)} == {"deals_daily", "deals_monthly",
                                                                 "deal_products_monthly", "activities_daily"}
    values, read = ask(engine, ["revenue"], "2025-03-01", "2025-03-31")
    assert read and values == {"revenue": pytest.approx(2500.5)}      # O2
    newer = BASE["opportunities"].replace(",won,2500.5,", ",won,2600,")
    report = run_import(engine, write_export(tmp_path / "v2", opportunities=newer))
    assert set(report.rollup_rows) == {"deals_daily", "deals_monthly", "deal_products_monthly"}  # not activities
    values, read = ask(engine, ["revenue"], "2025-03-01", "2025-03-31")
    assert read and values == {"revenue": pytest.approx(2600)}


def test_an_import_rebuilds_only_the_rollups_of_the_tables_it_changed(engine, tmp_path):
    run_import(engine, write_export(tmp_path / "v1"))
    reps = BASE["reps"].replace("Ben Rep", "Ben Seller")
    report = run_import(engine, write_export(tmp_path / "v2", reps=reps))
    assert report.changed and report.rollup_rows is None
    calls = "activity_id,rep_id,type,occurred_at\nC1,R2,call,2025-03-01T10:00:00Z\nC2,R3,call,2025-03-02T10:00:00Z\n"
    report = run_import(engine, write_export(tmp_path / "v3", activities=calls))
    assert report.rollup_rows == {"activities_daily": 2}
    values, read = ask(engine, ["activities"], "2025-03-01", "2025-03-31", by="rep")
    assert read and values == [{"rep": "R2", "activities": 1}, {"rep": "R3", "activities": 1}]


def test_a_failed_import_leaves_the_rollups_stale_not_wrong(engine, tmp_path, monkeypatch, db_url, capsys):
    run_import(engine, write_export(tmp_path / "v1"))
    real = load.load_table

    def lines_fail(conn, spec, *args, **kwargs):
        if spec.name == "opportunity_lines":
            raise RuntimeError("disk full")
        return real(conn, spec, *args, **kwargs)
    monkeypatch.setattr(load, "load_table", lines_fail)
    newer = BASE["opportunities"].replace(",won,2500.5,", ",won,2600,")
    with pytest.raises(RuntimeError):
        run_import(engine, write_export(tmp_path / "v2", opportunities=newer))
    # The deals file committed before the lines failed: the deal rollups no longer match it.
    with engine.connect() as conn:
        assert [s["name"] for s in fetch_rollup_states(conn)] == ["activities_daily"]
    values, read = ask(engine, ["revenue"], "2025-03-01", "2025-03-31")
    assert not read and values == {"revenue": pytest.approx(2600)}
    capsys.readouterr()
    main(["--database-url", db_url, "status"])
    assert "KPI rollups not current (deals_daily, deals_monthly, deal_products_monthly)" in capsys.readouterr().out
    assert main(["--database-url", db_url, "db", "refresh-rollups"]) == 0
    assert "deals_monthly" in capsys.readouterr().out
    values, read = ask(engine, ["revenue"], "2025-03-01", "2025-03-31")
    assert read and values == {"revenue": pytest.approx(2600)}
    main(["--database-url", db_url, "status"])
    assert "KPI rollups current, rebuilt" in capsys.readouterr().out
