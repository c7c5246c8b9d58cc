"""Privacy notice versions. The newest version is the one shown and recorded."""

from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from engage.models import PrivacyNotice


def current() -> PrivacyNotice:
    notice = db.session.scalar(select(PrivacyNotice).order_by(PrivacyNotice.version.desc()))
    if notice is None:
        raise RuntimeError("no privacy notice: run the migrations")
    return notice


def by_version(version: int) -> PrivacyNotice:
    """The notice a form showed; fall back to the current one if it no longer exists."""
    notice = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == version))
    return notice or current()


def exact_version(version: int) -> PrivacyNotice | None:
    return db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == version))


def paragraphs(notice: PrivacyNotice) -> list[tuple[str, str]]:
    """(kind, text) pairs for display: a line starting "## " is a heading."""
    blocks = []
    for line in notice.body.split("\n"):
        text = line.strip()
        if text.startswith("## "):
            blocks.append(("heading", text[3:]))
        elif text:
            blocks.append(("text", text))
    return blocks
