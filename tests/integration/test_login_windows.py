"""The sliding windows behind the login limits, in process and in Redis: the same answers from
both, nothing taken by a refused attempt, and never more places than the limit under a burst of
parallel attempts."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from app.auth.ratelimit import MemoryWindows, RedisWindows, address_key
from tests.integration.login_helpers import REDIS_URL, redis_prefix  # noqa: F401  (fixture)


@pytest.fixture(params=["memory", "redis"])
def windows(request):
    """(store, key prefix) for each kind of store."""
    if request.param == "memory":
        return MemoryWindows(), "k:"
    return RedisWindows(REDIS_URL), request.getfixturevalue("redis_prefix")


def test_places_leave_the_window_as_it_slides(windows):
    store, p = windows
    key = [p + "a"]
    assert store.reserve(key, [2], 1000.0, 60, "m1") == (0, 0)
    assert store.reserve(key, [2], 1010.0, 60, "m2") == (0, 0)
    assert store.reserve(key, [2], 1020.0, 60, "m3") == (1, 40)     # m1 leaves at 1060
    assert store.reserve(key, [2], 1059.5, 60, "m4") == (1, 0.5)
    assert store.reserve(key, [2], 1060.0, 60, "m5") == (0, 0)       # m1 has left; m2 and m5 in
    assert store.reserve(key, [2], 1061.0, 60, "m6") == (1, 9)


def test_a_refused_attempt_takes_no_place_in_any_window(windows):
    store, p = windows
    account, address = p + "account", p + "address"
    assert store.reserve([account, address], [1, 5], 0.0, 60, "m1") == (0, 0)
    for i in range(3):      # the account is full: refused, and the address is not charged
        assert store.reserve([account, address], [1, 5], 1.0, 60, f"r{i}") == (1, 59)
    assert store.reserve([p + "other", address], [1, 2], 2.0, 60, "m2") == (0, 0)
    assert store.reserve([p + "third", address], [1, 2], 3.0, 60, "m3") == (2, 57)   # m1 and m2 only


def test_release_frees_one_place_and_clear_all(windows):
    store, p = windows
    key = [p + "a"]
    for member in ("m1", "m2"):
        store.reserve(key, [2], 0.0, 60, member)
    store.release(p + "a", "m2")
    assert store.reserve(key, [2], 1.0, 60, "m3") == (0, 0)
    assert store.reserve(key, [2], 1.0, 60, "m4")[0] == 1
    store.clear(p + "a")
    assert store.reserve(key, [2], 1.0, 60, "m5") == (0, 0)


def test_a_burst_of_parallel_attempts_gets_exactly_the_limit(windows):
    store, p = windows
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: store.reserve([p + "burst"], [5], 0.0, 60, f"m{i}")[0], range(40)))
    assert answers.count(0) == 5 and answers.count(1) == 35


@pytest.mark.parametrize("address, key", [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:1:2:3", "2001:db8:1:2::/64"),    # the same subscriber's /64
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:198.51.100.4", "198.51.100.4"),             # IPv4 seen through an IPv6 socket
    ("", "unknown"), (None, "unknown"), ("not-an-address", "unknown"),
])
def test_addresses_are_counted_by_host_or_by_ipv6_subnet(address, key):
    assert address_key(address) == key
