"""Password hashing (argon2id, library defaults) and the password policy.

Policy as in NIST SP 800-63B: at least 8 characters, long passphrases allowed,
no composition rules, common passwords refused.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import Explained
from app.i18n import N_

MIN_LENGTH, MAX_LENGTH = 8, 256
_hasher = PasswordHasher()
# Hashed once so unknown users cost as much as known ones (no timing oracle).
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


class WeakPassword(Explained):
    pass


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(N_("password must be at least %(count)s characters"), count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(N_("password must be at most %(count)s characters"), count=MAX_LENGTH)
    if password.lower() in common_passwords():
        raise WeakPassword(N_("this password is too common; choose another"))


def hash_password(password: str) -> str:
    check_policy(password)
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends one hash verification."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
