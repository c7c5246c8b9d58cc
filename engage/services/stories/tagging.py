"""Tag a stored story offline: themes with scores, proposed personal-data redactions and
its language. Runs after the story is committed; a failure leaves the story stored,
marks it for retry with back-off, and never reaches the resident."""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from engage.extensions import db
from engage.models import (
    PiiProposal,
    ProposalStatus,
    Submission,
    SubmissionStatus,
    SubmissionTheme,
    TaggingStatus,
    Theme,
    ThemeLabel,
)
from engage.nlp import language, pii
from engage.nlp.themes import MODEL_DIR, ThemeTagger

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=6)


@functools.cache
def _load_tagger(path: str) -> ThemeTagger:
    return ThemeTagger.load(Path(path))


def tagger() -> ThemeTagger:
    """The theme model, loaded once per process."""
    return _load_tagger(str(current_app.config.get("THEME_MODEL_DIR") or MODEL_DIR))


def tag_submission(submission_id: int) -> bool:
    """Tag one story and commit. Returns False (and schedules a retry) on failure."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not submission.story:
        return True  # withdrawn, erased on the retention schedule, or gone: nothing to do
    try:
        _apply_tags(submission)
        db.session.commit()
    except Exception as error:  # any failure: keep the story, try again later
        db.session.rollback()
        _record_failure(submission_id, error)
        return False
    log.info("submission_tagged", extra={"submission_id": submission_id})
    return True


def _apply_tags(submission: Submission) -> None:
    text = submission.story
    model = tagger()
    result = model.tag([text])[0]
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    # Update scores in place: replacing the rows would insert before deleting and break
    # the one-score-per-theme rule when a story is tagged again.
    existing = {s.theme_id: s for s in submission.theme_scores}
    for slug, score in result.scores.items():
        if slug not in themes:
            continue
        row = existing.get(themes[slug].id)
        if row is None:
            row = SubmissionTheme(theme=themes[slug])
            submission.theme_scores.append(row)
        row.score = score
        row.suggested = slug in result.themes
        row.model_version = model.version
    _replace_detected_proposals(submission, pii.find(text))
    # Anyone with the story open in moderation is looking at old suggestions: their next
    # change is refused and they see these.
    submission.version += 1
    detected = language.detect(text)
    submission.language = detected.code
    submission.language_flagged = not detected.is_english
    submission.tagging_status = TaggingStatus.DONE
    submission.tagged_at = datetime.now(UTC)
    submission.tagging_next_attempt_at = None


def _replace_detected_proposals(submission: Submission, spans: list[pii.Span]) -> None:
    """New detector findings, without undoing an officer's work: once the redaction has
    been confirmed or the story decided, the officer's choices stand; words marked by hand
    are always kept."""
    if (
        submission.redaction_confirmed_at is not None
        or submission.status is not SubmissionStatus.RECEIVED
    ):
        return
    by_hand = [p for p in submission.pii_proposals if p.status is ProposalStatus.ADDED]
    submission.pii_proposals = by_hand + [
        PiiProposal(start=span.start, end=span.end, type=span.type) for span in spans
    ]


def _record_failure(submission_id: int, error: Exception) -> None:
    submission = db.session.get(Submission, submission_id)
    submission.tagging_attempts += 1
    submission.tagging_status = TaggingStatus.FAILED
    delay = min(timedelta(minutes=2**submission.tagging_attempts), MAX_BACKOFF)
    submission.tagging_next_attempt_at = datetime.now(UTC) + delay
    db.session.commit()
    log.warning(
        "tagging_failed",
        extra={
            "submission_id": submission_id,
            "attempts": submission.tagging_attempts,
            "error_type": type(error).__name__,
        },
    )


def retry_due(*, now: datetime | None = None, limit: int = 200) -> tuple[int, int]:
    """Tag stories still waiting or due another try. Returns (tagged, failed)."""
    now = now or datetime.now(UTC)
    due = db.session.scalars(
        select(Submission.id)
        .where(
            Submission.tagging_status.in_([TaggingStatus.PENDING, TaggingStatus.FAILED]),
            Submission.story.is_not(None),
            Submission.story != "",  # erased on the retention schedule
            Submission.tagging_attempts < MAX_ATTEMPTS,
            or_(
                Submission.tagging_next_attempt_at.is_(None),
                Submission.tagging_next_attempt_at <= now,
            ),
        )
        .order_by(Submission.id)
        .limit(limit)
    ).all()
    results = [tag_submission(submission_id) for submission_id in due]
    return results.count(True), results.count(False)


def corrections_for_training() -> list[dict]:
    """Officers' themes as training items, on the text as the officer confirmed it with
    personal data removed. Stories whose redaction is not confirmed yet are left out, so
    no unchecked personal data reaches the training set; a withdrawn story's redacted
    text is erased, so its label goes with it."""
    rows = db.session.execute(
        select(Submission.redacted_story, ThemeLabel.themes)
        .join(ThemeLabel, ThemeLabel.submission_id == Submission.id)
        .where(Submission.redacted_story.is_not(None))
        .order_by(Submission.id)
    ).all()
    return [{"text": text, "themes": sorted(themes.split())} for text, themes in rows]
