"""Password rules (ASVS 2.1) and Argon2id hashing (ASVS 2.4.1)."""

from __future__ import annotations

import functools
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128


@functools.cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("engage").joinpath("data/common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str, *, email: str = "") -> object | None:
    """Why a new password is not acceptable, or None. No composition rules (ASVS 2.1.9)."""
    if len(password) < MIN_LENGTH:
        return _l("Password must be %(min)s characters or more", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Password must be %(max)s characters or fewer", max=MAX_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        return _l(
            "Password is too easy to guess: choose a longer phrase that others would not guess"
        )
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return _l("Password must not contain your email address")
    return None


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """A real hash to verify against when the account does not exist, so that unknown
    and known emails take the same time to refuse."""
    return PasswordHasher(time_cost, memory_cost, parallelism).hash("no-account-timing-guard")


def verify_password(stored_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    target = stored_hash or _dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    try:
        hasher.verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
