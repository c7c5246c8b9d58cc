"""Only ever redirect to a path on this site (ASVS 5.1.5)."""

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    # A local path only: not protocol-relative or backslashed, no scheme, no host.
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. a "host" that is invalid under NFKC normalisation ("//／")
        return fallback
    if parts.scheme or parts.netloc:
        return fallback
    if any(ord(ch) < 32 for ch in target):
        return fallback
    return target
