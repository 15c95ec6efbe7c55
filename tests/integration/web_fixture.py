"""A served app on a small demo CRM with one login per role, once per module and database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app import create_app
from app.auth import users
from app.config import Config
from app.data import users as user_store
from app.data.engine import make_engine
from etl import demo
from etl.demo import DEMO_USERS
from etl.runner import run_import
from tests.dash_client import login

PASSWORD = "web test password 1"
SPEC = {u["username"]: u for u in DEMO_USERS}
LOGINS = {"admin": "admin", "executive": "executive", "manager": "manager.poland",
          "other_manager": "manager.northamerica", "rep": "rep.poland", "other_rep": "rep.northamerica"}


@dataclass
class Web:
    server: object
    engine: object

    @property
    def dash(self):
        return self.server.extensions["dash"]

    def client(self, who: str | None = None):
        """A test client, logged in as LOGINS[who] when given."""
        client = self.server.test_client()
        if who:
            assert login(client, LOGINS[who], PASSWORD).status_code == 302
        return client

    def user(self, who: str) -> dict:
        with self.engine.connect() as conn:
            return user_store.fetch_user(conn, LOGINS[who])

    def rep_name(self, who: str) -> str:
        from app.data.schema import reps
        with self.engine.connect() as conn:
            return conn.execute(reps.select().where(reps.c.rep_id == self.user(who)["rep_id"])).mappings().one()["name"]

    def team(self, who: str) -> str:
        from app.data.schema import reps
        with self.engine.connect() as conn:
            return conn.execute(reps.select().where(reps.c.rep_id == self.user(who)["rep_id"])).mappings().one()["team"]


@pytest.fixture(scope="module")
def web(module_db_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo.write_csvs(demo.generate(300, seed=11, today=date.today()), folder)
    engine = make_engine(module_db_url)
    run_import(engine, folder, actor="test")
    with engine.begin() as conn:
        for username in LOGINS.values():
            spec = SPEC[username]
            users.create_user(conn, username, spec["role"], PASSWORD, rep_id=spec["rep_id"],
                              display_name=spec["display_name"], actor="test")
    server = create_app(Config(database_url=module_db_url, secret_key="web-test-secret-key-0123456789",
                               testing=True))
    server.test_client().get("/login")     # Dash registers its page router on the first request
    yield Web(server, engine)
    server.extensions["engine"].dispose()
    engine.dispose()
