"""The admin pages under test: a served app per test with one login per role, a tiny export whose
every row is known, and a client that drives a Dash background callback as the browser does
(start, then poll with the signed handles until the result arrives, collecting progress)."""
from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa

from app import create_app
from app.auth.passwords import hash_password
from app.config import Config
from app.data import users as user_store
from app.data.clock import utcnow
from app.data.schema import CRM_TABLES
from app.data.system_schema import audit_log, import_runs
from tests.dash_client import callback_body, find_key, login

PASSWORD = "admin page test password"
ROLES = {"admin": ("admin", None), "manager": ("manager", "R1"), "rep": ("rep", "R2")}

# 2 territories, 2 reps, 2 accounts, 4 deals of which 2 are refused (line 4: unknown owner R9;
# line 5: amount "abc"), 3 quotas: 5 files, 13 rows read, 11 written, 2 rejected.
EXPORT = {
    "territories.csv": "territory_id,name,region,country\nT1,Warsaw,EMEA,POL\nT2,Boston,North America,USA\n",
    "reps.csv": "rep_id,name,team,territory_id,manager_rep_id\nR1,Anna Nowak,Poland,T1,\nR2,Bob Smith,USA,T2,R1\n",
    "accounts.csv": "account_id,name,territory_id,created_at\nA1,Acme,T1,2025-01-05T10:00:00Z\n"
                    "A2,Globex,T2,2025-01-06T10:00:00Z\n",
    "opportunities.csv": "opportunity_id,account_id,owner_rep_id,created_at,stage,status,amount,closed_at\n"
                         "O1,A1,R1,2025-01-10T10:00:00Z,Closed Won,won,1000,2025-02-01T10:00:00Z\n"
                         "O2,A2,R2,2025-01-11T10:00:00Z,Proposal,open,2500.50,\n"
                         "O3,A1,R9,2025-01-12T10:00:00Z,Proposal,open,300,\n"
                         "O4,A2,R2,2025-01-13T10:00:00Z,Proposal,open,abc,\n",
    "quotas.csv": "rep_id,month,amount\nR1,2025-01-01,5000\nR1,2025-02-01,6000\nR2,2025-01-01,7000\n",
}


def data_url(data: bytes | str, mime: str = "text/csv") -> str:
    raw = data.encode() if isinstance(data, str) else data
    return f"data:{mime};base64," + base64.b64encode(raw).decode()


def make_server(db_url: str, **config):
    """An app on `db_url` with an admin, a manager (rep R1) and a rep (R2); the logins are
    stored directly, as the reps they belong to may not be imported yet."""
    server = create_app(Config(database_url=db_url, secret_key="admin-test-secret-key-0123456789",
                               testing=True, **config))
    with server.extensions["engine"].begin() as conn:
        for name, (role, rep_id) in ROLES.items():
            user_store.insert_user(conn, username=name, role=role, rep_id=rep_id, created_at=utcnow(),
                                   password_hash=hash_password(PASSWORD))
    server.test_client().get("/login")     # Dash registers its page router on the first request
    return server


@dataclass
class Browser:
    """A logged-in client that posts callbacks as the Dash renderer does (with the page's endId)."""
    client: object
    dash: object
    end_id: str

    @classmethod
    def open(cls, server, who: str) -> "Browser":
        client = server.test_client()
        assert login(client, who, PASSWORD).status_code == 302
        page = client.get("/admin/imports").get_data(as_text=True)
        end_id = re.search(r'"end_id":\s*"([^"]+)"', page).group(1)
        return cls(client, server.extensions["dash"], end_id)

    def post(self, output_id: str, prop: str, values: dict, args: str = "", **kwargs):
        body = callback_body(self.dash, find_key(self.dash, output_id, prop), values=values, **kwargs)
        return self.client.post(f"/_dash-update-component?endId={quote(self.end_id)}{args}", json=body)

    def run_background(self, output_id: str, prop: str, values: dict, timeout: float = 90) -> tuple[dict, list]:
        """(the final response body, every progress update seen) of a background callback."""
        key = find_key(self.dash, output_id, prop)
        started = self.post(output_id, prop, values)
        assert started.status_code == 200, started.get_data(as_text=True)[:300]
        handles = started.get_json()
        assert {"cacheKey", "job"} <= set(handles), handles
        args = f"&cacheKey={quote(handles['cacheKey'])}&job={quote(handles['job'])}"
        # The renderer polls with the same body, its values blanked.
        body = callback_body(self.dash, key, values={})
        progress, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            resp = self.client.post(f"/_dash-update-component?endId={quote(self.end_id)}{args}", json=body)
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
            data = resp.get_json() or {}
            if data.get("progress"):
                progress.append(data["progress"])
            if "response" in data:
                return data, progress
            time.sleep(0.2)
        raise AssertionError("the background callback did not finish in time")


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                for name, table in CRM_TABLES.items()
                if name in ("territories", "reps", "accounts", "opportunities", "quotas")}


def runs(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(import_runs).order_by(import_runs.c.run_id)).mappings()]


def events(engine, event: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(audit_log).where(audit_log.c.event == event)
                                              .order_by(audit_log.c.event_id)).mappings()]
