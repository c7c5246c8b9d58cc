"""Only ever redirect to a path on this site (ASVS 5.1.5)."""

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    if not target:
        return fallback
    parts = urlsplit(target)
    # A local path only: no scheme, no host, and not protocol-relative or backslashed.
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
    ):
        return fallback
    if any(ord(ch) < 32 for ch in target):
        return fallback
    return target
