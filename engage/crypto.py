"""Secrets kept at rest, encrypted: authenticator secrets, and reference codes and links
waiting in an email or in a resident's session.

Fernet (AES in CBC mode with an HMAC, from the `cryptography` package) with keys from
configuration (ENCRYPTION_KEYS). MultiFernet decrypts with any key listed and encrypts
with the first, so keys rotate without downtime: put a new key first, run
`engage keys rotate` (which re-encrypts everything stored), then remove the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["InvalidToken", "decrypt", "encrypt", "new_key", "rotate"]


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _fernet() -> MultiFernet:
    keys = tuple(current_app.config["ENCRYPTION_KEYS"])
    cached = current_app.extensions.get("engage_fernet")
    if cached is None or cached[0] != keys:
        cached = (keys, MultiFernet([Fernet(key.encode("ascii")) for key in keys]))
        current_app.extensions["engage_fernet"] = cached
    return cached[1]


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, ttl: int | None = None) -> str:
    """The text, or InvalidToken if it was tampered with, made with no key we hold, or
    is older than `ttl` seconds."""
    return _fernet().decrypt(token.encode("ascii"), ttl=ttl).decode("utf-8")


def rotate(token: str) -> str:
    """The same secret, encrypted with the current (first) key."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")
