"""Safeguarding concerns: raised by an officer, sent at once to the designated
safeguarding lead, closed with a record of what was done."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select, update

from engage.extensions import db
from engage.models import SafeguardingCategory, SafeguardingFlag, Submission, User
from engage.models.base import utcnow
from engage.services.common import audit, outbox
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.typed_text import as_typed, is_blank, length_problem

log = logging.getLogger(__name__)

CONCERN_MAX_LENGTH = 2_000


class AlreadyClosed(Conflict):
    """Someone closed the concern first."""


ERASED = "[Erased when the resident withdrew their story]"


@transactional
def flag(
    submission_id: int, officer: User, *, category: str, concern: str, link: str
) -> SafeguardingFlag:
    """Record a concern and tell the lead. Anyone moderating may flag, claim or not:
    a risk to someone must never wait behind a claim."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_withdrawn:
        raise NotFound(submission_id)
    errors = {}
    kinds = {c.value: c for c in SafeguardingCategory}
    if category not in kinds:
        errors["category"] = "Choose what kind of concern this is"
    concern = as_typed(concern)
    if is_blank(concern):
        errors["concern"] = "Say what worries you, so the safeguarding lead can act"
    elif problem := length_problem(concern, CONCERN_MAX_LENGTH):
        errors["concern"] = problem
    if errors:
        raise ServiceError(errors)
    lead = current_app.config["SAFEGUARDING_LEAD_EMAIL"]
    raised = SafeguardingFlag(
        submission_id=submission.id,
        category=kinds[category],
        concern=concern,
        raised_by_id=officer.id,
        lead_email=lead,
    )
    db.session.add(raised)
    submission.safeguarding = True
    db.session.flush()
    # The email says where to look, never what the story or the concern says.
    outbox.queue(
        to=lead,
        subject=f"Safeguarding concern: {raised.category.label} (story {submission.id})",
        body=(
            f"{officer.display_name} has raised a safeguarding concern about story "
            f"{submission.id}.\n\nKind of concern: {raised.category.label}\n\n"
            f"Read the story and the concern here (sign-in needed):\n{link}\n\n"
            "This email does not contain the story or anyone's details."
        ),
        kind="safeguarding_alert",
        urgent=True,
    )
    audit.record(
        "safeguarding.flagged",
        object_type="submission",
        object_id=submission.id,
        detail=f"flag={raised.id} category={raised.category.value}",
        actor=officer,
    )
    log.warning(
        "safeguarding_flagged",
        extra={"submission_id": submission.id, "flag_id": raised.id},
    )
    return raised


@transactional
def close(flag_id: int, officer: User, *, action_taken: str) -> SafeguardingFlag:
    found = db.session.get(SafeguardingFlag, flag_id)
    if found is None:
        raise NotFound(flag_id)
    if not found.is_open:
        raise AlreadyClosed(flag_id)
    action_taken = as_typed(action_taken)
    if is_blank(action_taken):
        raise ServiceError({"action_taken": "Say what was done about this concern"})
    if problem := length_problem(action_taken, CONCERN_MAX_LENGTH):
        raise ServiceError({"action_taken": problem})
    found.action_taken = action_taken
    found.closed_at = utcnow()
    found.closed_by_id = officer.id
    db.session.flush()
    still_open = db.session.scalar(
        select(SafeguardingFlag.id).where(
            SafeguardingFlag.submission_id == found.submission_id,
            SafeguardingFlag.closed_at.is_(None),
        )
    )
    if still_open is None:
        db.session.get(Submission, found.submission_id).safeguarding = False
    audit.record(
        "safeguarding.closed",
        object_type="submission",
        object_id=found.submission_id,
        detail=f"flag={found.id}",
        actor=officer,
    )
    return found


def open_flags() -> list[SafeguardingFlag]:
    """The urgent view: every open concern, oldest first (the longest waiting on top)."""
    return list(
        db.session.scalars(
            select(SafeguardingFlag)
            .where(SafeguardingFlag.closed_at.is_(None))
            .order_by(SafeguardingFlag.raised_at, SafeguardingFlag.id)
        )
    )


def open_flag_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SafeguardingFlag)
        .where(SafeguardingFlag.closed_at.is_(None))
    )


def flags_for(submission_id: int) -> list[SafeguardingFlag]:
    return list(
        db.session.scalars(
            select(SafeguardingFlag)
            .where(SafeguardingFlag.submission_id == submission_id)
            .order_by(SafeguardingFlag.raised_at)
        )
    )


def erase_safeguarding_text(submission_id: int) -> None:
    """Withdrawal: the officer's words may repeat the story, so they go too; the record
    that a concern was raised and acted on stays. Part of the caller's transaction."""
    db.session.execute(
        update(SafeguardingFlag)
        .where(SafeguardingFlag.submission_id == submission_id)
        .values(concern=ERASED)
    )
    db.session.execute(
        update(SafeguardingFlag)
        .where(
            SafeguardingFlag.submission_id == submission_id,
            SafeguardingFlag.action_taken.is_not(None),
        )
        .values(action_taken=ERASED)
    )
