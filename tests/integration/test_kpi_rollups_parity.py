"""Rollups give the answers the deals give: many periods, filters, breakdowns and scopes on
the small demo, each KPI asked with the rollups valid and again with them marked stale (so
read from the deals alone), on SQLite and PostgreSQL, in UTC and in a zone with DST."""
from datetime import date
from itertools import cycle

import pytest
import sqlalchemy as sa

import app.kpi.definitions  # noqa: F401
from app.data.rollups import invalidate_rollups
from app.data.settings import save_setting
from app.kpi.evaluate import evaluate
from app.kpi.query import KpiQuery, Scope
from app.kpi.rollup_refresh import refresh_rollups
from app.kpi.rollups import whole_months
from etl.demo import DEMO_USERS
from tests.kpi_helpers import reads_a_rollup, same

# Every KPI the rollups serve, and some built on them.
DEAL_KPIS = ["revenue", "won_deals", "lost_deals", "avg_deal_size", "win_rate", "sales_cycle_days",
             "new_customer_revenue", "repeat_revenue", "gross_margin_pct", "open_deals", "pipeline_value",
             "avg_open_deal", "quota_attainment", "revenue_growth", "sales_velocity", "activities"]
PERIODS = [
    (date(2025, 12, 1), date(2026, 11, 30)),    # whole months, running past the data's last day
    (date(2025, 11, 26), date(2026, 11, 25)),   # days before and after the whole months
    (date(2026, 2, 10), date(2026, 2, 20)),     # inside one month
    (date(2024, 3, 15), date(2024, 6, 30)),     # ends on a month's last day
    (date(2023, 10, 1), date(2024, 1, 31)),     # starts before the first deal
    (date(2026, 12, 1), date(2027, 3, 31)),     # after the last deal: pipeline still open
    (date(2026, 1, 31), date(2026, 3, 1)),      # one whole month and a day either side
]
REP = next(u["rep_id"] for u in DEMO_USERS if u["role"] == "rep")
BOSS = next(u["rep_id"] for u in DEMO_USERS if u["role"] == "manager")
# (filters, scope); the last two are answered from the deals alone.
QUESTIONS = [
    ({}, Scope.everything()),
    ({"rep": REP}, Scope.everything()),
    ({"team": "__team__"}, Scope.everything()),
    ({"region": "__region__"}, Scope.everything()),
    ({"channel": ["online", "partner"]}, Scope.everything()),
    ({"segment": "SMB", "country": "__country__"}, Scope.everything()),
    ({}, Scope.reps({REP}, f"rep:{REP}")),
    ({"region": "__region__"}, "__team_scope__"),
    ({"rep": "__outsider__"}, Scope.reps({REP}, f"rep:{REP}")),     # forged: must see nothing
    ({}, Scope.nothing()),
    ({"industry": "__industry__"}, Scope.everything()),
    ({"product": ["__product__", "__product2__"]}, Scope.everything()),
]
BREAKDOWNS = [None, "rep", "month", "region", "channel", "quarter", "team", "week", "segment", "year"]
# Product questions: (filters, scope, breakdown, whether the product rollup may answer).
PRODUCT_QUESTIONS = [
    ({}, Scope.everything(), "product", True),
    ({"category": "__category__"}, Scope.everything(), "product", True),
    ({"region": "__region__"}, "__team_scope__", "product", True),
    ({"product": "__product__"}, Scope.everything(), None, True),
    ({"product": "__product__", "rep": REP}, Scope.everything(), "month", True),
    ({"product": "__product__"}, Scope.reps({REP}, f"rep:{REP}"), "quarter", True),
    ({"product": "__product__", "team": "__team__"}, Scope.everything(), "rep", True),
    ({"product": "__product__"}, Scope.everything(), "week", False),        # weeks: not in months
    ({"product": "__product__", "channel": "online"}, Scope.everything(), None, False),
    ({}, Scope.everything(), "category", False),            # a deal's lines lumped per category
    ({"category": "__category__"}, Scope.everything(), None, False),
    ({"product": ["__product__", "__product2__"]}, Scope.everything(), "month", False),
    ({"rep": "__outsider__"}, Scope.reps({REP}, f"rep:{REP}"), "product", True),    # forged: nothing
]


@pytest.fixture(scope="module")
def names(demo_engines):
    """Real values from the demo for the placeholders above."""
    from app.auth.policy import reports_of
    from app.data.queries import fetch_reporting_lines
    with demo_engines["sqlite"].connect() as conn:
        one = lambda sql: conn.execute(sa.text(sql)).scalar()  # noqa: E731
        team = reports_of(fetch_reporting_lines(conn), BOSS)
        return {
            "__team__": one(f"SELECT team FROM reps WHERE rep_id = '{REP}'"),
            "__region__": one("SELECT region FROM territories ORDER BY region LIMIT 1"),
            "__country__": one("SELECT country FROM territories ORDER BY country DESC LIMIT 1"),
            "__outsider__": one(f"SELECT rep_id FROM reps WHERE rep_id <> '{REP}' ORDER BY rep_id LIMIT 1"),
            "__industry__": one("SELECT industry FROM accounts WHERE industry IS NOT NULL ORDER BY industry LIMIT 1"),
            "__product__": one("SELECT product_id FROM products ORDER BY product_id LIMIT 1"),
            "__product2__": one("SELECT product_id FROM products ORDER BY product_id LIMIT 1 OFFSET 1"),
            "__category__": one("SELECT category FROM products ORDER BY category LIMIT 1"),
            "__team_scope__": Scope.reps(team, f"team:{BOSS}"),
        }


def _fill(value, names):
    if isinstance(value, list):
        return [names.get(v, v) for v in value]
    return names.get(value, value) if isinstance(value, str) else value


def questions(names):
    """Each period with each filter set, breakdowns cycling through the list."""
    by = cycle(BREAKDOWNS)
    for start, end in PERIODS:
        for filters, scope in QUESTIONS:
            filters = {k: _fill(v, names) for k, v in filters.items()}
            scope = _fill(scope, names)
            for breakdown in (next(by), next(by)):
                compare = "prev" if breakdown is None else "yoy" if breakdown == "region" else None
                yield KpiQuery.build(start, end, filters, breakdown, compare), scope


def product_questions(names):
    """Each period with each product question: (query, scope, whether a rollup may answer)."""
    for start, end in PERIODS:
        for filters, scope, breakdown, rolled in PRODUCT_QUESTIONS:
            filters = {k: _fill(v, names) for k, v in filters.items()}
            compare = "prev" if breakdown is None else None
            yield KpiQuery.build(start, end, filters, breakdown, compare), _fill(scope, names), rolled


def both_ways(conn, query, scope, tables=None) -> tuple[dict, dict, bool]:
    """(answer with the rollups, answer from the deals alone, whether a rollup (of `tables`)
    was read)."""
    # Quotas and activities have no channel, segment or product, so cannot be broken down by them.
    ids = [k for k in DEAL_KPIS if not (k in ("quota_attainment", "activities")
                                        and query.by in ("channel", "segment", "product", "category"))]
    read = []

    def spy(_conn, _cursor, statement, *_):
        read.append(reads_a_rollup(statement) if tables is None else any(t in statement for t in tables))
    sa.event.listen(conn, "before_cursor_execute", spy)
    try:
        with_rollups = evaluate(conn, ids, query, scope)
    finally:
        sa.event.remove(conn, "before_cursor_execute", spy)
    stale = conn.begin_nested()
    invalidate_rollups(conn)
    from_deals = evaluate(conn, ids, query, scope)
    stale.rollback()
    return with_rollups, from_deals, any(read)


def check_all(conn, names) -> int:
    """Every question both ways; returns how many read a rollup."""
    used = 0
    for query, scope in questions(names):
        fast, slow, read = both_ways(conn, query, scope)
        assert same(fast, slow), (query, scope.key)
        if not any(key in ("industry", "product") for key, _ in query.filters):
            # Pipeline as of the period's end always fits a rollup here, unless broken down by time.
            assert read or query.by in ("week", "month", "quarter", "year") and query.filters, (query, scope.key)
        else:
            assert not read, query
        used += read
    return used


def check_products(conn, names) -> int:
    """Every product question both ways; returns how many read the product rollup."""
    used = 0
    for query, scope, rolled in product_questions(names):
        fast, slow, read = both_ways(conn, query, scope, tables=("rollup_deal_products_monthly",))
        assert same(fast, slow), (query, scope.key)
        # Read exactly when the question is the rollup's and the period holds a whole month.
        assert read == (rolled and whole_months(query.start, query.end) is not None), query
        used += read
    return used


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_rollup_answers_equal_the_deals_answers(demo_engines, names, backend):
    with demo_engines[backend].connect() as conn:
        with conn.begin():
            assert check_all(conn, names) > 100
            assert check_products(conn, names) >= 40


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_rollup_answers_equal_the_deals_answers_in_a_zone_with_summer_time(demo_engines, names, backend):
    """Local days and months move by the zone's offset, which changes twice a year."""
    with demo_engines[backend].connect() as conn:
        outer = conn.begin()
        try:
            save_setting(conn, "org_timezone", "America/New_York", actor="test")
            refresh_rollups(conn)
            assert check_all(conn, names) > 100
            assert check_products(conn, names) >= 40
        finally:
            outer.rollback()
