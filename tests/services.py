"""What tests that talk to outside services share: Redis (reachable, or skipped locally and
failed under CI=true), a throwaway key prefix, a free port and stopping a subprocess."""
from __future__ import annotations

import os
import socket
import subprocess
import uuid
from contextlib import contextmanager

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_client(url: str = REDIS_URL):
    """A connected client; without Redis the test is skipped locally and fails in CI."""
    import redis
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI and unreachable at {url}")
        pytest.skip(f"Redis not reachable at {url} (set TEST_REDIS_URL)")
    return client


@contextmanager
def throwaway_prefix(url: str = REDIS_URL):
    """A unique key prefix on the test Redis; its keys are deleted afterwards."""
    client = redis_client(url)
    prefix = f"spd-test-{uuid.uuid4().hex[:8]}:"
    try:
        yield prefix
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
        client.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate, and kill if it does not end within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
