"""Telling residents about a "you said, we did": each resident behind a decision who
agreed to be contacted is emailed once, through the outbox, in the language they used
with us, with the published words only (nothing from their story or anyone else's).
Used when it is published and when a story is linked to a decision afterwards."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    ConsentEvent,
    LoopClosure,
    LoopClosureText,
    LoopNotice,
    Purpose,
    Submission,
)
from engage.services.common import outbox


def text_in(closure: LoopClosure, locale: str) -> LoopClosureText:
    """The words in `locale`, or in English when there is no translation."""
    by_locale = {t.locale: t for t in closure.texts}
    return by_locale.get(locale) or by_locale["en"]


def _resident_locale(submission: Submission) -> str:
    """The language of their latest choice about contact: the one they used with us."""
    language = db.session.scalar(
        select(ConsentEvent.language)
        .where(ConsentEvent.submission_id == submission.id)
        .where(ConsentEvent.purpose == Purpose.CONTACT)
        .order_by(ConsentEvent.recorded_at.desc(), ConsentEvent.id.desc())
        .limit(1)
    )
    available = current_app.config.get("LANGUAGES", ["en"])
    return language if language in available else "en"


def _email(closure: LoopClosure, locale: str) -> tuple[str, str]:
    words = text_in(closure, locale)
    with force_locale(locale):
        subject = _("What happened after residents spoke to the Race Equity Taskforce")
        body = _(
            "You told the Race Equity Taskforce about your experience. Your story was "
            "one of those that informed a decision, and we promised to tell you what "
            "happened.\n\n"
            "What residents told us:\n%(said)s\n\n"
            "What changed:\n%(did)s\n\n"
            "You can see this, and everything else your story fed into, at "
            "%(link)s with your reference code.\n\n"
            "You do not need to reply to this email. If you no longer want emails about "
            "your story, change what you agreed to on that page.",
            said=words.you_said,
            did=words.we_did,
            link=current_app.config["SITE_URL"].rstrip("/") + "/your-story",
        )
    return subject, body


def email_of(story: Submission) -> str | None:
    """Where a resident may be emailed about their story: only while they agree to it."""
    if story.consent_contact and story.contact is not None and story.contact.email:
        return story.contact.email
    return None


def tell(closure: LoopClosure, stories: list[Submission]) -> int:
    """Tell the residents of `stories` not yet told about this closure (part of the
    caller's transaction). One email an address, however many stories it gave; each
    story is noted as told (emailed or not). Returns how many emails were queued."""
    already = set(
        db.session.scalars(
            select(LoopNotice.submission_id).where(LoopNotice.closure_id == closure.id)
        )
    )
    emailed: set[str] = set()
    for story in stories:
        if story.id in already:
            continue
        address = email_of(story)
        if address and address.casefold() not in emailed:
            subject, body = _email(closure, _resident_locale(story))
            outbox.queue(
                to=address,
                subject=subject,
                body=body,
                kind="you_said_we_did",
                receipt_hash=story.receipt_hash,
            )
            emailed.add(address.casefold())
        db.session.add(
            LoopNotice(closure_id=closure.id, submission_id=story.id, emailed=bool(address))
        )
    return len(emailed)
