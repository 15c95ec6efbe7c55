"""The Procfile's web command (gunicorn, --preload) with two workers on PostgreSQL and Redis.

Which worker answered a request is read from gunicorn's access log (`%(p)s`, the worker's pid,
next to a probe id the test sends in a header), so the app needs no test hook. The test proves:
a login made on one worker is honoured by the other; a KPI answer cached by one worker is served
from Redis by the other; failed logins on both workers count against one limit.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path

import pytest
import redis
import requests

from app.auth import users
from app.data import migrate
from app.data.engine import make_engine
from tests.builders import Builder
from tests.conftest import create_database
from tests.integration.login_helpers import REDIS_URL, events
from tests.services import free_port, stop, throwaway_prefix

ROOT = Path(__file__).resolve().parents[2]
PASSWORD, WRONG = "multi worker password 1", "not the password 1"
ACCOUNT_LIMIT = 6
KPI_URL = "/api/v1/kpis?ids=revenue&from=2025-01-01&to=2025-03-31"
MARKER = 4242.5          # not a revenue the data can produce: seen only if read from Redis
_probes = count()


def procfile_web_command(port: int, log: Path) -> list[str]:
    """The Procfile's `web:` line with 2 workers on 127.0.0.1:port, plus an access log of pids."""
    line = next(l for l in (ROOT / "Procfile").read_text().splitlines() if l.startswith("web:"))
    args = shlex.split(line.partition(":")[2])
    assert args[:2] == ["gunicorn", "app.wsgi:server"] and "--workers" in args, line
    args = [a.replace("${WEB_CONCURRENCY:-3}", "2").replace("0.0.0.0:${PORT:-8000}", f"127.0.0.1:{port}")
            for a in args]
    assert f"127.0.0.1:{port}" in args and args[args.index("--workers") + 1] == "2", line
    return [sys.executable, "-m", "gunicorn", *args[1:], "--no-control-socket",
            "--access-logfile", str(log), "--access-logformat", "%(p)s %({x-probe}i)s %(s)s"]


class Served:
    """The running server: requests tagged with a probe id, and who answered them."""

    def __init__(self, url: str, log: Path, master: subprocess.Popen, engine, prefix: str):
        self.url, self.log, self.master, self.engine, self.prefix = url, log, master, engine, prefix

    def request(self, method: str, path: str, cookies=None, **kwargs) -> tuple[requests.Response, int]:
        """(response, pid of the worker that answered)."""
        probe = f"p{next(_probes)}-{uuid.uuid4().hex[:6]}"
        headers = {"x-probe": probe, "Connection": "close", **kwargs.pop("headers", {})}
        resp = requests.request(method, self.url + path, cookies=cookies, headers=headers,
                                allow_redirects=False, timeout=30, **kwargs)
        return resp, self.pid_of(probe)

    def pid_of(self, probe: str) -> int:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            match = re.search(rf"^<?(\d+)>? {probe} \d+$", self.log.read_text(), flags=re.M)
            if match:
                return int(match.group(1))
            time.sleep(0.05)
        raise AssertionError(f"{probe} is not in the access log")

    def workers(self) -> set[int]:
        children = Path(f"/proc/{self.master.pid}/task/{self.master.pid}/children").read_text().split()
        return {int(pid) for pid in children}

    def login_form(self) -> tuple[dict, str]:
        resp, _pid = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', resp.text).group(1)
        return resp.cookies.get_dict(), token

    def sign_in(self, username: str, password: str, form=None) -> tuple[requests.Response, int]:
        cookies, token = form or self.login_form()
        return self.request("POST", "/login", cookies=cookies, headers={"Origin": self.url},
                            data={"username": username, "password": password, "csrf_token": token})

    def in_parallel(self, calls: list) -> list:
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(lambda call: call(), calls))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("multiworker")
    with throwaway_prefix() as prefix:
        yield from _serve(tmp, prefix)


def _serve(tmp, prefix: str):
    url, drop = create_database("postgresql", tmp)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.deal("O1", "A1", "R1", "won", 100, "2025-01-01 00:00", closed_at="2025-01-10 00:00")
        b.deal("O2", "A2", "R2", "won", 300, "2025-01-01 00:00", closed_at="2025-02-10 00:00")
        for name in ("ceo", "locked"):
            users.create_user(conn, name, "executive", PASSWORD, actor="test")
    port, log = free_port(), tmp / "access.log"
    log.touch()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix,
           "APP_ENV": "production", "SECRET_KEY": "multi-worker-secret-" + uuid.uuid4().hex,
           "LOGIN_LIMIT_ACCOUNT": str(ACCOUNT_LIMIT), "LOGIN_LIMIT_IP": "1000",
           "VAR_DIR": str(tmp / "var"), "PYTHONUNBUFFERED": "1"}
    output = open(tmp / "server.log", "w")
    master = subprocess.Popen(procfile_web_command(port, log), cwd=ROOT, env=env, stdout=output,
                              stderr=subprocess.STDOUT)
    server = Served(f"http://127.0.0.1:{port}", log, master, engine, prefix)
    try:
        deadline = time.monotonic() + 90
        while len(server.workers()) < 2 or not _healthy(server.url):
            assert master.poll() is None, (tmp / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp / "server.log").read_text()[-3000:]
            time.sleep(0.2)
        yield server
    finally:
        stop(master, timeout=20)
        output.close()
        engine.dispose()
        drop()


def _healthy(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_a_login_on_one_worker_is_valid_on_the_other(served):
    workers = served.workers()
    assert len(workers) == 2
    resp, login_pid = served.sign_in("ceo", PASSWORD)
    assert resp.status_code == 302 and login_pid in workers
    cookies = resp.cookies.get_dict()
    answered: dict[int, int] = {}
    for _round in range(30):                # parallel requests, so both workers take some
        calls = [lambda: served.request("GET", "/api/v1/kpis/catalogue", cookies=cookies)] * 4
        for reply, pid in served.in_parallel(calls):
            answered[pid] = reply.status_code
        if set(answered) == workers:
            break
    assert set(answered) == workers and set(answered.values()) == {200}


def test_a_kpi_answer_cached_by_one_worker_is_served_by_the_other(served):
    resp, _pid = served.sign_in("ceo", PASSWORD)
    cookies = resp.cookies.get_dict()
    first, computed_by = served.request("GET", KPI_URL, cookies=cookies)
    assert first.status_code == 200 and first.json()["values"] == {"revenue": 400.0}   # 100 + 300
    store = redis.Redis.from_url(REDIS_URL)
    (key,) = store.keys(served.prefix + "kpi:*")
    # Rewrite the cached answer: a worker that shows the marker read it from Redis.
    cached = json.loads(store.get(key))
    cached["values"]["revenue"] = MARKER
    store.set(key, json.dumps(cached), keepttl=True)
    served_by: set[int] = set()
    for _round in range(30):
        calls = [lambda: served.request("GET", KPI_URL, cookies=cookies)] * 4
        for reply, pid in served.in_parallel(calls):
            assert reply.json()["values"] == {"revenue": MARKER}
            served_by.add(pid)
        if served_by - {computed_by}:
            break
    assert served_by - {computed_by}, "the other worker never answered"


def test_failed_logins_on_both_workers_count_against_one_limit(served):
    form = served.login_form()
    failed_on: set[int] = set()
    for _pair in range(ACCOUNT_LIMIT // 2):          # two at a time: while one worker hashes, the other takes one
        pairs = served.in_parallel([lambda: served.sign_in("locked", WRONG, form)] * 2)
        assert [reply.status_code for reply, _pid in pairs] == [401, 401]
        failed_on |= {pid for _reply, pid in pairs}
    assert failed_on == served.workers(), "the failures did not reach both workers"
    refused_on: set[int] = set()
    for _round in range(30):         # the right password now: refused by either worker
        for reply, pid in served.in_parallel([lambda: served.sign_in("locked", PASSWORD, form)] * 2):
            assert reply.status_code == 429 and reply.headers["Retry-After"]
            refused_on.add(pid)
        if refused_on == served.workers():
            break
    assert refused_on == served.workers()
    assert len(events(served.engine, "login_failed", "locked")) == ACCOUNT_LIMIT
    assert len(events(served.engine, "rate_limited", "locked")) >= 2
