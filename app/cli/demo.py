"""Demo logins and the headline figures printed after loading demo data."""
from __future__ import annotations

from datetime import date

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
    start = date(today.year - 1, today.month, 1)
    with engine.connect() as conn:
        figures = fetch_headline(conn, start, today)
    print(f"\nlast 12 months ({start} – {today}):")
    for label, value in figures.items():
        print(f"  {label:<22} {value}")
