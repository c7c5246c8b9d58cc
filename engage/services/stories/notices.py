"""Privacy notice versions, and their translations. The newest version is the one shown
and recorded; a resident reads it in the page's language where a translation exists,
and the consent record keeps the fingerprint of the words they were shown."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engage.extensions import db
from engage.models import PrivacyNotice, PrivacyNoticeTranslation

ORIGINAL_LANGUAGE = "en"


@dataclass(frozen=True)
class ShownNotice:
    """A notice's words in one language: what a resident reads on the page."""

    notice: PrivacyNotice
    language: str
    body: str
    sha256: str

    @property
    def is_translation(self) -> bool:
        return self.language != ORIGINAL_LANGUAGE


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


def as_shown(notice: PrivacyNotice, language: str) -> ShownNotice:
    """The notice in `language` if it has been translated, otherwise the original."""
    translation = db.session.scalar(
        select(PrivacyNoticeTranslation).where(
            PrivacyNoticeTranslation.notice_id == notice.id,
            PrivacyNoticeTranslation.language == language,
        )
    )
    if translation is not None:
        return ShownNotice(notice, language, translation.body, translation.sha256)
    return ShownNotice(notice, ORIGINAL_LANGUAGE, notice.body, notice.sha256)


def paragraphs(body: str) -> list[tuple[str, str]]:
    """(kind, text) pairs for display: a line starting "## " is a heading."""
    blocks = []
    for line in body.split("\n"):
        text = line.strip()
        if text.startswith("## "):
            blocks.append(("heading", text[3:]))
        elif text:
            blocks.append(("text", text))
    return blocks
