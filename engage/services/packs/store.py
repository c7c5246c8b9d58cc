"""Keeping pack versions right after a story changes."""

from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from engage.models import MeetingPack


def forget_story(submission_id: int) -> int:
    """Drop the stored PDF of every pack version that holds the story: its HTML view
    already leaves the story out, and the PDF is built again, without it, when next
    asked for. Part of the caller's transaction."""
    packs = db.session.scalars(
        select(MeetingPack).where(
            (" " + MeetingPack.story_ids + " ").contains(f" {submission_id} ")
        )
    ).all()
    for pack in packs:
        pack.pdf = None
    return len(packs)
