"""Moderating a story: claim it, confirm what personal data is removed, confirm the
themes, write a summary, then approve, reject or mark it a duplicate.

Every change checks the version the officer was looking at (so two officers can't
overwrite each other), is refused while someone else holds a live claim, goes through
the one state machine, and writes an audit row in the same transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from engage.extensions import db
from engage.ids import MAX_ID, parse_id
from engage.models import (
    PiiProposal,
    ProposalStatus,
    Submission,
    SubmissionStatus,
    Theme,
    ThemeLabel,
    User,
)
from engage.models.base import utcnow
from engage.nlp import pii
from engage.services.common import audit, reference
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.digests import routing, story_changes
from engage.services.stories import submission_states
from engage.typed_text import as_typed, is_blank, length_problem, one_line

log = logging.getLogger(__name__)

SUMMARY_MAX_LENGTH = 2_000
REASON_MAX_LENGTH = 1_000
PHRASE_MAX_LENGTH = 200
# A redaction removing this share of the story's letters is questioned first.
MOST_OF_THE_STORY = 0.9


class ClaimedByOther(Conflict):
    def __init__(self, holder: User, until: datetime):
        super().__init__(f"claimed by {holder.id}")
        self.holder = holder
        self.until = until


class StaleVersion(Conflict):
    """The story changed since the officer loaded the page."""


# --- reading ---------------------------------------------------------------------


def get(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(submission_id)
    return submission


def open_for_review(submission_id: int, officer: User) -> Submission:
    """The review screen shows the unredacted story: every view is audited."""
    submission = get(submission_id)
    if not submission.is_withdrawn:
        audit.record_now(
            "submission.viewed", object_type="submission", object_id=submission.id, actor=officer
        )
    return submission


def theme_label(submission_id: int) -> ThemeLabel | None:
    return db.session.get(ThemeLabel, submission_id)


def confirmed_themes(submission: Submission) -> list[str]:
    """The names of the themes an officer confirmed, in the reference order ([] when
    none were confirmed, or the officer said the story has no theme)."""
    label = theme_label(submission.id)
    if submission.themes_confirmed_at is None or label is None:
        return []
    chosen = set(label.themes.split())
    return [theme.label for theme in reference.themes() if theme.slug in chosen]


def live_holder(submission: Submission, now: datetime | None = None) -> User | None:
    """Who holds the claim, if it hasn't run out."""
    now = now or utcnow()
    if submission.claimed_by_id and submission.claimed_until and submission.claimed_until > now:
        return submission.claimed_by
    return None


@dataclass(frozen=True)
class Segment:
    """A piece of the story for the review screen: plain text, or a proposal."""

    text: str
    proposal: PiiProposal | None = None


def segments(submission: Submission) -> list[Segment]:
    """The story cut at each proposal, for highlighting (overlaps shown once)."""
    text = submission.story or ""
    out, position = [], 0
    for proposal in sorted(submission.pii_proposals, key=lambda p: (p.start, -p.end)):
        if proposal.start < position:
            continue
        out.append(Segment(text[position : proposal.start]))
        out.append(Segment(text[proposal.start : proposal.end], proposal))
        position = proposal.end
    out.append(Segment(text[position:]))
    return [s for s in out if s.text]


def _removed(submission: Submission, accepted: set[int] | None = None) -> list[pii.Span]:
    """Merged spans to remove: accepted and hand-added proposals (or those given)."""
    chosen = sorted(
        (p for p in submission.pii_proposals if _is_removed(p, accepted)),
        key=lambda p: (p.start, p.end),
    )
    merged: list[pii.Span] = []
    for p in chosen:
        if merged and p.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = pii.Span(last.start, max(last.end, p.end), last.type)
        else:
            merged.append(pii.Span(p.start, p.end, p.type))
    return merged


def _is_removed(proposal: PiiProposal, accepted: set[int] | None) -> bool:
    if proposal.status is ProposalStatus.ADDED:
        return True
    if accepted is not None:
        return proposal.id in accepted
    return proposal.status in (ProposalStatus.ACCEPTED, ProposalStatus.PROPOSED)


def preview(submission: Submission) -> str:
    """The story as it would read with the current proposals removed."""
    return pii.redact(submission.story or "", _removed(submission))


# --- changing ----------------------------------------------------------------------


def _record(action: str, submission: Submission, officer: User, detail: str = "") -> None:
    """The audit row for an officer's action on a story, in the same transaction."""
    audit.record(
        action, object_type="submission", object_id=submission.id, detail=detail, actor=officer
    )


def _claim_minutes() -> timedelta:
    return timedelta(minutes=current_app.config["MODERATION_CLAIM_MINUTES"])


def _take(submission_id: int, officer: User, version: int | None) -> Submission:
    """Load the story for a change: refuse if someone else holds it or if it changed
    since `version`; otherwise claim (or extend the claim) and move the version on.

    The version check is one conditional UPDATE, so of two officers acting at once
    exactly one wins, on SQLite and PostgreSQL alike."""
    submission = get(submission_id)
    if submission.is_withdrawn:
        raise NotFound(submission_id)
    if version is None:
        raise ServiceError({"form": "This page was incomplete. Reload the story and try again"})
    if version >= MAX_ID:
        raise StaleVersion(submission_id)  # never a real version; one more wouldn't fit
    holder = live_holder(submission)
    if holder is not None and holder.id != officer.id:
        raise ClaimedByOther(holder, submission.claimed_until)
    expected = version
    moved = db.session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise StaleVersion(submission_id)
    db.session.refresh(submission)
    submission.claimed_by_id = officer.id
    submission.claimed_until = utcnow() + _claim_minutes()
    return submission


def _editable(submission: Submission) -> None:
    if submission.status is not SubmissionStatus.RECEIVED:
        raise ServiceError({"status": "This story has been decided. Reopen it to change it."})


@transactional
def claim(submission_id: int, officer: User, version: int | None = None) -> Submission:
    """Claim a story; without a version, whatever version it has now."""
    if version is None:
        version = get(submission_id).version
    submission = _take(submission_id, officer, version)
    _record("submission.claimed", submission, officer)
    return submission


@transactional
def release(submission_id: int, officer: User) -> None:
    submission = get(submission_id)
    if submission.claimed_by_id == officer.id:
        submission.claimed_by_id = None
        submission.claimed_until = None
        _record("submission.released", submission, officer)


@transactional
def confirm_redaction(
    submission_id: int,
    officer: User,
    version: int,
    decisions: dict[int, bool],
    *,
    most_of_story_confirmed: bool = False,
) -> Submission:
    """Apply the officer's accept/reject choice for every detected proposal, and fix
    the redacted text that is all working groups may ever see."""
    submission = _take(submission_id, officer, version)
    _editable(submission)
    detected = [p for p in submission.pii_proposals if p.status is not ProposalStatus.ADDED]
    undecided = [p for p in detected if p.id not in decisions]
    if undecided:
        raise ServiceError(
            {"redaction": "Choose whether to remove each piece of personal data found"}
        )
    accepted = {pid for pid, keep_out in decisions.items() if keep_out}
    spans = _removed(submission, accepted)
    story = submission.story or ""
    letters = sum(not c.isspace() for c in story) or 1
    removed = sum(not c.isspace() for s in spans for c in story[s.start : s.end])
    if removed / letters >= MOST_OF_THE_STORY and not most_of_story_confirmed:
        raise ServiceError(
            {
                "most_of_story_confirmed": (
                    f"This would remove {removed * 100 // letters}% of the story. Check "
                    "the choices, or tick the box to confirm that is right"
                )
            }
        )
    for proposal in detected:
        proposal.status = (
            ProposalStatus.ACCEPTED if proposal.id in accepted else ProposalStatus.REJECTED
        )
    submission.redacted_story = pii.redact(story, spans)
    submission.redaction_confirmed_at = utcnow()
    rejected = len(detected) - len(accepted & {p.id for p in detected})
    _record("redaction.confirmed", submission, officer, f"removed={len(spans)} kept={rejected}")
    return submission


@transactional
def add_redaction(
    submission_id: int, officer: User, version: int, *, phrase: str, kind: str
) -> int:
    """Mark by hand every place a phrase appears. The redaction must be confirmed again."""
    submission = _take(submission_id, officer, version)
    _editable(submission)
    errors = {}
    # Normalised as the story was, so that what the officer copies from it matches.
    phrase = as_typed(phrase).strip()
    if kind not in pii.TYPES:
        errors["kind"] = "Choose what kind of personal data this is"
    if not phrase:
        errors["phrase"] = "Enter the words to remove, exactly as they appear in the story"
    elif problem := length_problem(phrase, PHRASE_MAX_LENGTH):
        errors["phrase"] = problem
    if errors:
        raise ServiceError(errors)
    story = submission.story or ""
    # Search the story itself, ignoring case: lower-casing first would move offsets
    # for letters such as "İ" whose lower case is two characters.
    places = [m.span() for m in re.finditer(re.escape(phrase), story, re.IGNORECASE)]
    if not places:
        raise ServiceError(
            {"phrase": "Those words are not in the story. Copy them exactly as they appear"}
        )
    for start, end in places:
        submission.pii_proposals.append(
            PiiProposal(start=start, end=end, type=kind, status=ProposalStatus.ADDED)
        )
    submission.redaction_confirmed_at = None
    _record("redaction.added", submission, officer, f"type={kind} places={len(places)}")
    return len(places)


@transactional
def remove_added_redaction(submission_id: int, officer: User, version: int, proposal_id: int):
    submission = _take(submission_id, officer, version)
    _editable(submission)
    proposal = next((p for p in submission.pii_proposals if p.id == proposal_id), None)
    if proposal is None or proposal.status is not ProposalStatus.ADDED:
        raise NotFound(proposal_id)
    submission.pii_proposals.remove(proposal)
    submission.redaction_confirmed_at = None
    _record("redaction.removed", submission, officer, f"proposal={proposal_id}")


@transactional
def confirm_themes(submission_id: int, officer: User, version: int, slugs: list[str]) -> Submission:
    """The officer's themes, kept as a labelled example for retraining the tagger."""
    submission = _take(submission_id, officer, version)
    _editable(submission)
    known = set(db.session.scalars(select(Theme.slug).where(Theme.active.is_(True))))
    chosen = sorted(set(slugs))
    if any(slug not in known for slug in chosen):
        raise ServiceError({"themes": "Choose themes from the list"})
    suggested = sorted(s.theme.slug for s in submission.theme_scores if s.suggested)
    label = db.session.get(ThemeLabel, submission.id) or ThemeLabel(submission_id=submission.id)
    label.themes = " ".join(chosen)
    label.labelled_by_id = officer.id
    label.labelled_at = utcnow()
    db.session.add(label)
    routing.set_confirmed_themes(
        submission.id,
        set(db.session.scalars(select(Theme.id).where(Theme.slug.in_(chosen)))),
    )
    submission.themes_confirmed_at = utcnow()
    _record(
        "themes.confirmed",
        submission,
        officer,
        f"themes={','.join(chosen) or 'none'} corrected={chosen != suggested}",
    )
    return submission


@transactional
def save_summary(submission_id: int, officer: User, version: int, summary: str) -> Submission:
    submission = _take(submission_id, officer, version)
    _editable(submission)
    summary = as_typed(summary)
    if problem := length_problem(summary, SUMMARY_MAX_LENGTH):
        raise ServiceError({"summary": problem})
    submission.officer_summary = None if is_blank(summary) else summary
    _record("summary.saved", submission, officer)
    return submission


def approval_problems(submission: Submission) -> list[str]:
    """Why the story can't be approved yet (empty when it can)."""
    problems = []
    if submission.redaction_confirmed_at is None:
        problems.append("Confirm which personal data is removed before approving")
    if submission.themes_confirmed_at is None:
        problems.append("Confirm the themes before approving")
    if submission.consent_share and not submission.consent_quote and not submission.officer_summary:
        problems.append(
            "Write a summary: this story may not be quoted, so working groups will only "
            "see your summary"
        )
    return problems


def _move(submission: Submission, to: SubmissionStatus) -> None:
    """Change a story's state. One taken back from approval (reopened to fix it,
    rejected, or a duplicate) leaves every group at once: its routes go, digest emails
    not yet sent are rewritten without it and pack PDFs holding it are dropped.
    Approving it again routes it afresh, by the themes confirmed then."""
    was_approved = submission.status is SubmissionStatus.APPROVED
    submission_states.move(submission, to)
    if was_approved and to is not SubmissionStatus.APPROVED:
        story_changes.no_longer_shown(submission.id, unroute=True, forget_decisions=False)


def _decide(submission: Submission, officer: User, to: SubmissionStatus) -> None:
    _move(submission, to)
    submission.decided_by_id = officer.id
    submission.decided_at = utcnow()
    submission.claimed_by_id = None
    submission.claimed_until = None


@transactional
def approve(submission_id: int, officer: User, version: int) -> Submission:
    submission = _take(submission_id, officer, version)
    problems = approval_problems(submission)
    if problems:
        raise ServiceError({"approve": problems[0]})
    _decide(submission, officer, SubmissionStatus.APPROVED)
    submission.decision_reason = None
    _record("submission.approved", submission, officer)
    routing.route(submission)
    return submission


@transactional
def reject(submission_id: int, officer: User, version: int, reason: str) -> Submission:
    submission = _take(submission_id, officer, version)
    reason = as_typed(reason)
    if is_blank(reason):
        raise ServiceError({"reason": "Give the reason for rejecting this story"})
    if problem := length_problem(reason, REASON_MAX_LENGTH):
        raise ServiceError({"reason": problem})
    _decide(submission, officer, SubmissionStatus.REJECTED)
    submission.decision_reason = reason
    _record("submission.rejected", submission, officer)
    return submission


def _original_story(typed: str | None) -> Submission:
    """The story a duplicate repeats, or an error that says what is wrong with the number."""
    text = one_line(typed)
    if not text:
        raise ServiceError({"original": "Enter the number of the story this one repeats"})
    if re.fullmatch(r"[-+]?[0-9]+", text) is None:
        raise ServiceError(
            {"original": "Enter the story's number in figures only, like 1234 (no letters)"}
        )
    if text.startswith("-") or text.strip("+0") == "":
        raise ServiceError({"original": "Story numbers start at 1: enter a number of 1 or more"})
    number = parse_id(text.lstrip("+"))
    first = db.session.get(Submission, number) if number else None
    if first is None:
        raise ServiceError({"original": "There is no story with that number: check it"})
    if first.is_withdrawn:
        raise ServiceError(
            {
                "original": f"Story {first.id} was withdrawn by the person who told it, "
                "so it can't be the original"
            }
        )
    return first


@transactional
def mark_duplicate(submission_id: int, officer: User, version: int, original: str) -> Submission:
    submission = _take(submission_id, officer, version)
    first = _original_story(original)
    if first.id == submission.id:
        raise ServiceError({"original": "A story can't be a duplicate of itself"})
    _decide(submission, officer, SubmissionStatus.DUPLICATE)
    submission.duplicate_of_id = first.id
    _record("submission.duplicate", submission, officer, f"of={first.id}")
    return submission


@transactional
def reopen(submission_id: int, officer: User, version: int) -> Submission:
    submission = _take(submission_id, officer, version)
    _move(submission, SubmissionStatus.RECEIVED)
    submission.duplicate_of_id = None
    _record("submission.reopened", submission, officer)
    return submission
