"""Demo logins and the headline figures printed after loading demo data."""
from __future__ import annotations

from datetime import date, timedelta

from app.auth import users
from app.data import users as store
from app.data.queries import fetch_headline


def create_demo_users(engine) -> None:
    """Create (or re-key) one login per demo role and print the credentials."""
    from etl.demo import DEMO_USERS
    print("\ndemo logins (passwords are new on every run):")
    with engine.begin() as conn:
        for spec in DEMO_USERS:
            password = users.generate_password()
            if store.fetch_user(conn, spec["username"]):
                users.reset_password(conn, spec["username"], password, actor="demo-data")
            else:
                users.create_user(conn, spec["username"], spec["role"], password,
                                  rep_id=spec.get("rep_id"), display_name=spec.get("display_name"),
                                  actor="demo-data")
            print(f"  {spec['role']:<10} {spec['username']:<12} {password}")


def print_headline(engine, today: date | None) -> None:
    today = today or date.today()
    start = _year_before(today)
    with engine.connect() as conn:
        figures = fetch_headline(conn, start, today)
    print(f"\nlast 12 months ({start} – {today}):")
    for label, value in figures.items():
        print(f"  {label:<22} {value}")


def _year_before(day: date) -> date:
    """The first day of the 12 months ending on `day` (29 February falls back to the 1st of March)."""
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:
        return date(day.year - 1, 3, 1)
