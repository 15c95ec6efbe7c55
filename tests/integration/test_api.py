"""/api/v1/kpis: authentication, scope, parameters, downloads, cache — on both databases."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app import create_app
from app.auth import tokens, users
from app.config import Config
from app.data.settings import bump_data_version
from tests.builders import Builder

URL = "/api/v1/kpis?ids=revenue,won_deals&from=2025-01-01&to=2025-03-31"


@pytest.fixture
def server(db_url, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    with engine.begin() as conn:
        b = Builder(conn)
        b.territory("T1", region="Poland", country="POL")
        b.territory("T2", region="North America", country="USA")
        b.rep("BOSS", team="Lead", territory_id="T1")
        b.rep("R1", team="East", territory_id="T1", manager_rep_id="BOSS")
        b.rep("R2", team="=2+3", territory_id="T2")     # CRM text is attacker-controlled
        b.account("A1", "T1", "R1")
        b.account("A2", "T2", "R2")
        b.deal("O1", "A1", "R1", "won", 100, "2025-01-01 00:00", closed_at="2025-01-10 00:00", channel="online")
        b.deal("O2", "A2", "R2", "won", 300, "2025-01-01 00:00", closed_at="2025-02-10 00:00",
               channel="offline")
        users.create_user(conn, "exec", "executive", "exec password 1")
        users.create_user(conn, "boss", "manager", "boss password 1", rep_id="BOSS")
        users.create_user(conn, "rep1", "rep", "rep1 password 1", rep_id="R1")
    app = create_app(Config(database_url=db_url, testing=True))
    yield app
    app.extensions["engine"].dispose()


def login(client, username, password):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def bearer(app, username):
    with app.extensions["engine"].begin() as conn:
        return {"Authorization": "Bearer " + tokens.create_token(conn, username, "test", "test")[1]}


def test_anonymous_and_bad_credentials_get_401(server):
    client = server.test_client()
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers={"Authorization": "Bearer spd_nope"}).status_code == 401
    assert client.get(URL, headers={"Authorization": "Basic abc"}).status_code == 401
    assert login(client, "rep1", "wrong password").status_code == 401
    assert client.get(URL).status_code == 401


def test_session_login_is_scoped_like_the_user(server):
    client = server.test_client()
    assert login(client, "rep1", "rep1 password 1").status_code == 302
    body = client.get(URL).get_json()
    # rep1 owns only O1 (100); O2 belongs to R2.
    assert body == {"from": "2025-01-01", "to": "2025-03-31", "values": {"revenue": 100.0, "won_deals": 1}}
    forged = client.get(URL + "&filter=rep:R2").get_json()
    assert forged["values"] == {"revenue": 0, "won_deals": 0}


def test_tokens_carry_the_owner_scope_and_can_be_revoked(server):
    client = server.test_client()
    exec_headers, boss_headers = bearer(server, "exec"), bearer(server, "boss")
    assert client.get(URL, headers=exec_headers).get_json()["values"]["revenue"] == 400.0
    # The manager sees their own rep and R1 who reports to them: 100.
    assert client.get(URL, headers=boss_headers).get_json()["values"]["revenue"] == 100.0
    with server.extensions["engine"].begin() as conn:
        tokens.revoke(conn, "boss", 2, "test")
    assert client.get(URL, headers=boss_headers).status_code == 401
    with server.extensions["engine"].begin() as conn:
        users.deactivate(conn, "exec")
    assert client.get(URL, headers=exec_headers).status_code == 401
    with server.extensions["engine"].begin() as conn:
        users.activate(conn, "exec")
    # Deactivation revoked the tokens: re-activating the login does not revive them.
    assert client.get(URL, headers=exec_headers).status_code == 401


@pytest.mark.parametrize("query, message", [
    ("ids=revenu&from=2025-01-01&to=2025-01-31", "unknown KPI id 'revenu'"),
    ("ids=revenue&from=2025-13-01&to=2025-01-31", "must be a date"),
    ("ids=revenue&to=2025-01-31", "'from' is required"),
    ("ids=revenue&from=2025-02-01&to=2025-01-31", "ends (2025-01-31) before it starts"),
    ("ids=revenue&from=2025-01-01&to=2025-01-31&by=colour", "unknown dimension 'colour'"),
    ("ids=revenue&from=2025-01-01&to=2025-01-31&filter=colour:red", "unknown filter 'colour'"),
    ("ids=revenue&from=2025-01-01&to=2025-01-31&filter=channel", "key:value"),
    ("ids=revenue&from=2025-01-01&to=2025-01-31&compare=later", "unknown comparison"),
    ("ids=revenue&from=2025-01-01&to=2025-01-31&format=pdf", "unknown format"),
    ("ids=&from=2025-01-01&to=2025-01-31", "at least one KPI"),
])
def test_bad_parameters_get_400_with_a_helpful_message(server, query, message):
    response = server.test_client().get("/api/v1/kpis?" + query, headers=bearer(server, "exec"))
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_breakdown_compare_and_downloads(server):
    client = server.test_client()
    headers = bearer(server, "exec")
    by = client.get(URL + "&by=region&compare=prev", headers=headers).get_json()
    assert by["by"] == "region"
    assert by["rows"] == [
        {"region": "North America", "revenue": 300.0, "won_deals": 1, "compare": {"revenue": 0, "won_deals": 0}},
        {"region": "Poland", "revenue": 100.0, "won_deals": 1, "compare": {"revenue": 0, "won_deals": 0}}]
    response = client.get(URL + "&by=team&format=csv", headers=headers)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    # The CRM-supplied team name is defused so a spreadsheet shows it as text.
    assert rows == [["team", "revenue", "won_deals"], ["'=2+3", "300.0", "1"], ["East", "100.0", "1"]]
    book = load_workbook(io.BytesIO(client.get(URL + "&by=region&format=xlsx", headers=headers).data))
    sheet = book.worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["region", "revenue", "won_deals"], ["North America", 300, 1], ["Poland", 100, 1]]
    with server.extensions["engine"].connect() as conn:
        exports = conn.exec_driver_sql("SELECT details FROM audit_log WHERE event = 'export'").all()
    assert len(exports) == 2


def test_cache_is_per_scope_and_per_data_version(server, monkeypatch):
    import app.kpi.cache as cache_module
    calls = []
    real = cache_module.evaluate
    monkeypatch.setattr(cache_module, "evaluate", lambda *a, **k: calls.append(a[3].key) or real(*a, **k))
    client = server.test_client()
    exec_headers, rep_headers = bearer(server, "exec"), bearer(server, "rep1")
    assert client.get(URL, headers=exec_headers).get_json()["values"]["revenue"] == 400.0
    assert client.get(URL, headers=exec_headers).get_json()["values"]["revenue"] == 400.0
    assert client.get(URL, headers=rep_headers).get_json()["values"]["revenue"] == 100.0
    assert calls == ["all", "rep:R1"]            # the second exec call was served from cache
    with server.extensions["engine"].begin() as conn:
        bump_data_version(conn)                  # as an import or a settings change does
    client.get(URL, headers=exec_headers)
    assert calls == ["all", "rep:R1", "all"]
