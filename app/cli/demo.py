"""Demo logins and the headline figures printed after loading demo data."""
from __future__ import annotations

from datetime import date, timedelta

from app.auth import users
from app.data import users as store


def create_demo_users(engine) -> None:
    """Create (or re-key) one login per demo role and print the credentials."""
    from etl.demo import DEMO_USERS
    print("\ndemo logins (passwords are new on every run):")
    with engine.begin() as conn:
        for spec in DEMO_USERS:
            password = users.generate_password()
            set_demo_login(conn, spec, password, actor="demo-data")
            print(f"  {spec['role']:<10} {spec['username']:<22} {password}")


def set_demo_login(conn, spec: dict, password: str, actor: str) -> None:
    """Give the demo login `spec` (one of etl.demo.DEMO_USERS) `password`, creating it when missing."""
    if store.fetch_user(conn, spec["username"]):
        users.reset_password(conn, spec["username"], password, actor=actor)
    else:
        users.create_user(conn, spec["username"], spec["role"], password, rep_id=spec.get("rep_id"),
                          display_name=spec.get("display_name"), actor=actor)


HEADLINE = ["revenue", "revenue_growth_yoy", "won_deals", "win_rate", "avg_deal_size",
            "open_deals", "pipeline_value", "leads_created", "lead_response_minutes"]


def print_headline(engine, today: date | None) -> None:
    """The last 12 months' headline KPIs, from the same registry as every other view."""
    import app.kpi.definitions  # noqa: F401
    from app.kpi.evaluate import evaluate
    from app.kpi.export import to_text
    from app.kpi.query import KpiQuery, Scope

    today = today or date.today()
    query = KpiQuery.build(_year_before(today), today)
    with engine.connect() as conn:
        result = evaluate(conn, HEADLINE, query, Scope.everything())
    from app.kpi.registry import KPIS
    print("\nlast 12 months: " + to_text(result, {k: v.unit for k, v in KPIS.items()}))


def _year_before(day: date) -> date:
    """The first day of the 12 months ending on `day` (29 February falls back to the 1st of March)."""
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:
        return date(day.year - 1, 3, 1)
