"""Stories and records made straight in the database, many at once, for the annual
report's counts (the intake forms would take far longer and count the same)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Channel,
    ConfirmedTheme,
    LocalAuthority,
    Submission,
    SubmissionStatus,
    Theme,
)

SETTINGS = {"threshold": 10, "rounding": 5}


def at(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def stories(
    count: int,
    when: datetime,
    *,
    area: str | None = None,
    themes: tuple[str, ...] = (),
    withdrawn: bool = False,
    counted: bool = True,
    text: str = "A story about the bus.",
) -> list[Submission]:
    authority = (
        db.session.scalar(select(LocalAuthority.id).where(LocalAuthority.name == area))
        if area
        else None
    )
    theme_ids = db.session.scalars(select(Theme.id).where(Theme.slug.in_(themes))).all()
    made = []
    for _ in range(count):
        story = Submission(
            receipt_hash=secrets.token_hex(32),
            status=SubmissionStatus.WITHDRAWN if withdrawn else SubmissionStatus.APPROVED,
            channel=Channel.WEB,
            age_group=AgeGroup.ADULT,
            story=None if withdrawn else text,
            local_authority_id=authority,
            counted=counted,
            created_at=when,
        )
        db.session.add(story)
        made.append(story)
    db.session.flush()
    for story in made:
        for theme_id in theme_ids:
            db.session.add(ConfirmedTheme(submission_id=story.id, theme_id=theme_id))
    db.session.commit()
    return made


def block(section: dict, caption_start: str) -> dict:
    """The block of a section whose caption starts with the words given."""
    return next(b for b in section["blocks"] if b.get("caption", "").startswith(caption_start))


def rows(found: dict) -> dict[str, list]:
    """A table's rows by their first cell."""
    return {row[0]: row[1:] for row in found["rows"]}


def section(content: dict, heading: str) -> dict:
    return next(s for s in content["sections"] if s["heading"] == heading)
