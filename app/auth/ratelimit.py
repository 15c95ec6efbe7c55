"""Sign-in attempts counted per account and per address over a sliding window.

Each attempt takes a place in both windows *before* the password is checked (so a
burst of parallel guesses cannot all slip in under the limit); a failure keeps
its place until it is older than the window, a success frees it and clears the
account's window. A refused attempt takes no place, so an attacker who stops is
forgotten one window later, and a legitimate user is never locked out for longer
than that. Counts live in Redis when REDIS_URL is set (shared by every worker and
host), else in this process (the embedded server is one process).
"""
from __future__ import annotations

import hashlib
import ipaddress
import math
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from app.data import clock

EPOCH = datetime(1970, 1, 1)
ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: `refused_by` names the exhausted window (None: let through)."""
    keys: tuple[str, str]
    member: str
    refused_by: str | None = None
    retry_after: int = 0


class MemoryWindows:
    """Sliding windows in this process: {key: {member: time}}."""

    def __init__(self, max_keys: int = 100_000):
        self._data: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def reserve(self, keys, limits, now: float, window: float, member: str) -> tuple[int, float]:
        """(0, 0) after adding `member` to every key; (i, seconds to wait) when key i is full."""
        with self._lock:
            if len(self._data) > self._max_keys:
                self._sweep(now, window)
            for i, (key, limit) in enumerate(zip(keys, limits), start=1):
                entries = self._prune(key, now, window)
                if len(entries) >= limit:
                    return i, min(entries.values()) + window - now
            for key in keys:
                self._data.setdefault(key, {})[member] = now
            return 0, 0.0

    def release(self, key: str, member: str) -> None:
        with self._lock:
            self._data.get(key, {}).pop(member, None)

    def clear(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def _prune(self, key: str, now: float, window: float) -> dict[str, float]:
        entries = {m: t for m, t in self._data.get(key, {}).items() if t > now - window}
        self._data[key] = entries
        return entries

    def _sweep(self, now: float, window: float) -> None:
        for key in list(self._data):
            if not self._prune(key, now, window):
                del self._data[key]


# Check every window, then take a place in each, in one step on the Redis server (no race
# between workers). KEYS: the windows; ARGV: now, window, member, then each key's limit.
RESERVE_SCRIPT = """
local now, window, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {i, tostring(tonumber(oldest[2]) + window - now)}
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('EXPIRE', key, math.ceil(window))
end
return {0, '0'}
"""


class RedisWindows:
    """The same windows as sorted sets in Redis (score: the attempt's time)."""

    def __init__(self, url: str):
        import redis
        self._redis = redis.Redis.from_url(url)
        self._reserve = self._redis.register_script(RESERVE_SCRIPT)

    def reserve(self, keys, limits, now: float, window: float, member: str) -> tuple[int, float]:
        index, wait = self._reserve(keys=list(keys), args=[now, window, member, *limits])
        return int(index), float(wait)

    def release(self, key: str, member: str) -> None:
        self._redis.zrem(key, member)

    def clear(self, key: str) -> None:
        self._redis.delete(key)


class LoginLimiter:
    def __init__(self, windows, *, per_account: int, per_address: int, minutes: int, prefix: str = "spd:"):
        self.windows = windows
        self.limits = (per_account, per_address)
        self.window = minutes * 60
        self.prefix = prefix + "login:"

    def attempt(self, username: str, address: str | None) -> Attempt:
        """Take a place for this attempt, or say which window is full and for how long."""
        keys = (self.prefix + "account:" + hashlib.sha256(username.encode()).hexdigest()[:32],
                self.prefix + "address:" + address_key(address))
        member = uuid.uuid4().hex
        index, wait = self.windows.reserve(keys, self.limits, now(), self.window, member)
        if index:
            return Attempt(keys, member, (ACCOUNT, ADDRESS)[index - 1], max(1, math.ceil(wait)))
        return Attempt(keys, member)

    def succeeded(self, attempt: Attempt) -> None:
        """A right password: the account starts afresh; the address keeps its earlier failures."""
        self.windows.clear(attempt.keys[0])
        self.windows.release(attempt.keys[1], attempt.member)


def address_key(address: str | None) -> str:
    """An IPv4 address as is; IPv6 by its /64 (one subscriber usually holds a whole /64)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) + "/64"


def now() -> float:
    """Seconds since 1970 on the app's clock (tests move it)."""
    return (clock.utcnow() - EPOCH).total_seconds()


def make_limiter(config) -> LoginLimiter:
    windows = RedisWindows(config.redis_url) if config.redis_url else MemoryWindows()
    return LoginLimiter(windows, per_account=config.login_limit_account, per_address=config.login_limit_ip,
                        minutes=config.login_limit_minutes, prefix=config.redis_prefix)
