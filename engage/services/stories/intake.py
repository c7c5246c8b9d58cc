"""Residents' stories: submitting, looking up by receipt, changing consent, withdrawing.

Consent is granular and recorded as append-only events (purpose, choice, notice
version, channel, language, time); the submission keeps the current choices alongside
for quick filtering. Contact details and equality answers are stored apart from the
story and only while the matching consent stands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage.equality import QUESTIONS
from engage.extensions import db
from engage.ids import parse_id
from engage.models import (
    AgeGroup,
    Channel,
    ConsentEvent,
    EqualityAnswers,
    EthnicGroup,
    LocalAuthority,
    Purpose,
    Submission,
    SubmissionContact,
    SubmissionStatus,
    User,
)
from engage.models.base import utcnow
from engage.models.submissions import CHANGE_MAX_LENGTH, STORY_MAX_LENGTH
from engage.services.common import audit, outbox
from engage.services.common.contact_details import (
    InvalidContactDetail,
    email_address,
    postcode_district,
    uk_phone,
)
from engage.services.common.transaction import ServiceError, transactional
from engage.services.digests import routing, story_changes
from engage.services.stories import notices, receipts, resident_sessions, submission_states
from engage.services.stories.safeguarding import erase_safeguarding_text
from engage.typed_text import (
    as_typed,
    characters_over,
    is_blank,
    length_problem,
    number,
    one_line,
)

log = logging.getLogger(__name__)

# The longest description of an "other" ethnic group or religion (the column's size).
OTHER_MAX_LENGTH = 120

HEARD_ABOUT = (
    ("community_group", _l("From a community group")),
    ("social_media", _l("Social media")),
    ("event", _l("At an event or meeting")),
    ("council_or_library", _l("From the council, a library or another public service")),
    ("friend_or_family", _l("From a friend or family member")),
    ("other", _l("Another way")),
)
HEARD_ABOUT_CODES = frozenset(code for code, _ in HEARD_ABOUT)


@dataclass
class StoryInput:
    story: str
    age_group: AgeGroup
    consents: dict[Purpose, bool]
    what_to_change: str = ""
    local_authority_id: int | None = None
    postcode: str = ""
    heard_about: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    # Cleaned values, filled in by validation.
    cleaned: dict = field(default_factory=dict)


def _validate_contact(data: StoryInput, errors: dict) -> None:
    if not data.consents.get(Purpose.CONTACT):
        return  # Never keep contact details without consent to contact.
    email, phone = data.contact_email.strip(), data.contact_phone.strip()
    if not email and not phone:
        errors["contact_email"] = _l(
            "Enter an email address or a phone number so we can contact you"
        )
        return
    if email:
        try:
            data.cleaned["email"] = email_address(email)
        except InvalidContactDetail:
            errors["contact_email"] = _l(
                "Enter an email address in the correct format, like name@example.com"
            )
    if phone:
        try:
            data.cleaned["phone"] = uk_phone(phone)
        except InvalidContactDetail:
            errors["contact_phone"] = _l("Enter a UK phone number, like 07700 900 982")


def validate_story(data: StoryInput) -> dict[str, object]:
    """Field errors for a story, empty when it can be stored. Fills data.cleaned."""
    errors: dict[str, object] = {}
    story = as_typed(data.story)
    if is_blank(story):
        errors["story"] = _l("Tell us what happened")
    elif over := characters_over(story, STORY_MAX_LENGTH):
        errors["story"] = lazy_ngettext(
            "Your story must be %(max)s characters or fewer. It has %(over)s character too "
            "many: all your words are still in the box, so you can shorten it.",
            "Your story must be %(max)s characters or fewer. It has %(over)s characters too "
            "many: all your words are still in the box, so you can shorten it.",
            over,
            max=number(STORY_MAX_LENGTH),
            over=number(over),
        )
    change = as_typed(data.what_to_change)
    if problem := length_problem(change, CHANGE_MAX_LENGTH):
        errors["what_to_change"] = problem
    if not data.consents.get(Purpose.STORE):
        errors["consent_store"] = _l(
            "Tick the box to agree that we can store and analyse your story. "
            "We cannot accept it otherwise"
        )
    if (
        data.local_authority_id is not None
        and db.session.get(LocalAuthority, data.local_authority_id) is None
    ):
        errors["local_authority_id"] = _l("Select an area from the list")
    try:
        data.cleaned["postcode_district"] = postcode_district(data.postcode)
    except InvalidContactDetail:
        errors["postcode"] = _l("Enter the first part of a postcode, like B11, or a full postcode")
    if data.heard_about and data.heard_about not in HEARD_ABOUT_CODES:
        errors["heard_about"] = _l("Select how you heard about this from the list")
    _validate_contact(data, errors)
    data.cleaned["story"] = story
    data.cleaned["what_to_change"] = None if is_blank(change) else change
    return errors


def _set_consent(
    submission: Submission,
    purpose: Purpose,
    granted: bool,
    *,
    shown: notices.ShownNotice,
    channel: Channel,
    language: str,
    recorded_by: User | None = None,
) -> None:
    """Change one consent choice and append its event: the only place either happens.
    `shown` is the notice as the page showed it, in the page's language."""
    setattr(submission, f"consent_{purpose.value}", granted)
    db.session.add(
        ConsentEvent(
            submission=submission,
            purpose=purpose,
            granted=granted,
            notice=shown.notice,
            notice_sha256=shown.sha256,
            channel=channel,
            language=language,
            recorded_by_id=recorded_by.id if recorded_by else None,
        )
    )


def _record_consents(
    submission: Submission,
    choices: dict[Purpose, bool],
    *,
    shown: notices.ShownNotice,
    channel: Channel,
    language: str,
    recorded_by: User | None,
) -> None:
    for purpose in Purpose:
        _set_consent(
            submission,
            purpose,
            bool(choices.get(purpose, False)),
            shown=shown,
            channel=channel,
            language=language,
            recorded_by=recorded_by,
        )


def find_by_receipt(code: str) -> Submission | None:
    try:
        code_hash = receipts.digest(code)
    except ValueError:
        return None
    return db.session.scalar(select(Submission).where(Submission.receipt_hash == code_hash))


def submit_story(
    data: StoryInput,
    *,
    receipt_code: str,
    channel: Channel,
    language: str,
    notice_version: int,
    entered_by: User | None = None,
    group_id: int | None = None,
) -> Submission:
    """Store a story with its consent record, once: a repeat of the same form (same
    receipt code) returns the submission already stored."""
    existing = find_by_receipt(receipt_code)
    if existing is not None:
        return existing
    if data.age_group.is_child:
        # Children's words are never quoted in public (ICO Children's Code).
        data.consents = {**data.consents, Purpose.QUOTE: False}
    errors = validate_story(data)
    if data.age_group is AgeGroup.UNDER_13 and channel is Channel.WEB:
        # Under-13s only through a group or an officer, with a parent or carer.
        errors["age_group"] = _l("Ask a parent, carer or community group to help you")
    if errors:
        raise ServiceError(errors)
    shown = notices.as_shown(notices.by_version(notice_version), language)
    submission = Submission(
        receipt_hash=receipts.digest(receipt_code),
        channel=channel,
        age_group=data.age_group,
        story=data.cleaned["story"],
        what_to_change=data.cleaned["what_to_change"],
        local_authority_id=data.local_authority_id,
        postcode_district=data.cleaned["postcode_district"],
        heard_about=data.heard_about or None,
        group_id=group_id,
        entered_by_id=entered_by.id if entered_by else None,
    )
    db.session.add(submission)
    _record_consents(
        submission,
        data.consents,
        shown=shown,
        channel=channel,
        language=language,
        recorded_by=entered_by,
    )
    if data.consents.get(Purpose.CONTACT):
        submission.contact = SubmissionContact(
            email=data.cleaned.get("email"), phone=data.cleaned.get("phone")
        )
        if submission.contact.email:
            outbox.queue_receipt_confirmation(submission.contact.email, receipt_code, language)
    try:
        if entered_by is not None:
            # Staff and group contacts entering a story for someone are audited; a
            # resident's own story is not (they are anonymous; the log is about staff).
            db.session.flush()  # the story's id, and the unique receipt checked here
            audit.record(
                "submission.entered",
                actor=entered_by,
                object_type="submission",
                object_id=submission.id,
                detail=channel.value,
            )
        db.session.commit()
    except IntegrityError:
        # The same form sent twice at once: the other request stored it first.
        db.session.rollback()
        existing = find_by_receipt(receipt_code)
        if existing is None:
            raise
        return existing
    log.info(
        "submission_received",
        extra={"submission_id": submission.id, "channel": channel.value, "group_id": group_id},
    )
    return submission


def needs_equality_answers(submission: Submission) -> bool:
    return (
        submission.consent_equality and not submission.is_withdrawn and submission.equality is None
    )


def ethnic_groups() -> list[EthnicGroup]:
    return list(db.session.scalars(select(EthnicGroup).order_by(EthnicGroup.sort_order)))


def _equality_values(
    answers: dict[str, str | None], age_group: AgeGroup
) -> tuple[dict[str, object], dict[str, object]]:
    """Check each answer against the options that agree with the age given first."""
    errors: dict[str, object] = {}
    values: dict[str, object] = {}
    for question in QUESTIONS:
        value = answers.get(question.field) or None
        allowed = {code for code, _ in question.options_for(age_group)}
        if value is not None and value not in allowed:
            errors[question.field] = _l("Select one of the answers")
        values[question.field] = value
        if question.other_field:
            other = one_line(answers.get(question.other_field)) if value == "other" else ""
            if problem := length_problem(other, OTHER_MAX_LENGTH):
                errors[question.other_field] = problem
            values[question.other_field] = other or None
    return errors, values


@transactional
def record_equality_answers(submission_id: int, answers: dict[str, str | None]) -> None:
    """Store the optional equality answers, only while the resident consents to it."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not submission.consent_equality or submission.is_withdrawn:
        raise ServiceError({"form": _l("We cannot store equality answers for this story")})
    errors, values = _equality_values(answers, submission.age_group)
    group_id = answers.get("ethnic_group_id")
    group = db.session.get(EthnicGroup, parse_id(group_id)) if parse_id(group_id) else None
    if group_id and group is None:
        errors["ethnic_group_id"] = _l("Select an ethnic group from the list")
    other = (
        one_line(answers.get("ethnic_group_other")) if group and group.allows_description else ""
    )
    if problem := length_problem(other, OTHER_MAX_LENGTH):
        errors["ethnic_group_other"] = problem
    if errors:
        raise ServiceError(errors)
    submission.equality = EqualityAnswers(
        ethnic_group=group,
        ethnic_group_other=other or None,
        **values,
    )
    log.info("equality_answers_recorded", extra={"submission_id": submission.id})


@transactional
def change_consent(
    submission_id: int,
    choices: dict[Purpose, bool],
    *,
    contact_email: str = "",
    contact_phone: str = "",
    channel: Channel,
    language: str,
) -> Submission:
    """Change the optional choices. Withdrawing consent to store is `withdraw`."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_withdrawn:
        raise ServiceError({"form": _l("This story has been withdrawn")})
    choices = {**choices, Purpose.STORE: True}
    if submission.age_group.is_child:
        choices[Purpose.QUOTE] = False  # never quoted in public (ICO Children's Code)
    check = StoryInput(
        story="x",
        age_group=submission.age_group,
        consents=choices,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    errors: dict[str, object] = {}
    if choices[Purpose.CONTACT] and not submission.consent_contact:
        _validate_contact(check, errors)
    if errors:
        raise ServiceError(errors)
    shown = notices.as_shown(notices.current(), language)
    changed = {p: v for p, v in choices.items() if getattr(submission, f"consent_{p.value}") != v}
    for purpose, granted in changed.items():
        _set_consent(submission, purpose, granted, shown=shown, channel=channel, language=language)
    if Purpose.CONTACT in changed and not choices[Purpose.CONTACT]:
        outbox.erase_for(submission.receipt_hash)
    if Purpose.CONTACT in changed:
        submission.contact = (
            SubmissionContact(email=check.cleaned.get("email"), phone=check.cleaned.get("phone"))
            if choices[Purpose.CONTACT]
            else None
        )
    if Purpose.EQUALITY in changed and not choices[Purpose.EQUALITY]:
        submission.equality = None  # erased at once
    _share_changed(submission, changed)
    log.info(
        "consent_changed",
        extra={"submission_id": submission.id, "purposes": sorted(p.value for p in changed)},
    )
    return submission


def _share_changed(submission: Submission, changed: dict[Purpose, bool]) -> None:
    """Sharing given: the story goes to the groups the rules send it to. Sharing or
    quoting taken back: it leaves them (pages and packs are read afresh; digest emails
    not yet sent are rewritten)."""
    if changed.get(Purpose.SHARE):
        routing.route(submission)
    elif Purpose.SHARE in changed or Purpose.QUOTE in changed:
        sent_digests = _sent_digest_emails_holding(submission.id)  # while still routed
        story_changes.no_longer_shown(submission.id, unroute=Purpose.SHARE in changed)
        _rewrite_without_the_story(sent_digests)


def erase_everything_said(submission: Submission) -> None:
    """Erase the resident's words, contact details and equality answers, and everything
    moderation, routing, digests and packs took from them: withdrawal, and the retention
    schedule for rejected and duplicate stories (engage.services.common.retention). Part
    of the caller's transaction. The text becomes NULL once the story is withdrawn, else
    "" (the schema keeps a value in `story` while a story is not withdrawn)."""
    outbox.erase_for(submission.receipt_hash)
    submission.story = None if submission.is_withdrawn else ""
    submission.what_to_change = None
    submission.contact = None
    submission.equality = None
    # Everything moderation wrote from the story goes too.
    submission.redacted_story = None
    submission.officer_summary = None
    submission.decision_reason = None
    submission.pii_proposals = []
    submission.claimed_by_id = None
    submission.claimed_until = None
    erase_safeguarding_text(submission.id)
    sent_digests = _sent_digest_emails_holding(submission.id)  # found while still routed
    story_changes.no_longer_shown(submission.id, unroute=True)
    _rewrite_without_the_story(sent_digests)
    resident_sessions.end_all_for(submission.id)  # no browser holds it open any more


def _sent_digest_emails_holding(submission_id: int) -> list:
    """Digest emails already sent that held the story: their group's digests whose
    period covers the time it was routed to that group."""
    from engage.models import Digest, OutboxMessage, StoryRoute

    return list(
        db.session.scalars(
            select(OutboxMessage)
            .join(Digest, Digest.id == OutboxMessage.digest_id)
            .join(StoryRoute, StoryRoute.body_id == Digest.body_id)
            .where(
                StoryRoute.submission_id == submission_id,
                StoryRoute.routed_at >= Digest.period_start,
                StoryRoute.routed_at < Digest.period_end,
                OutboxMessage.sent_at.is_not(None),
            )
        ).unique()
    )


def _rewrite_without_the_story(messages: list) -> None:
    """The outbox keeps a copy of each sent email until the purge (OUTBOX_RETENTION_DAYS):
    write it again from the data as it is now, without the story, as unsent ones are.
    The copy in members' mailboxes can't be recalled."""
    from engage.models import Digest
    from engage.services.digests import issuing

    for message in messages:
        digest = db.session.get(Digest, message.digest_id)
        _, message.body, message.html_body = issuing.render_email(
            digest, issuing.digest_link(digest.id)
        )


@transactional
def withdraw(submission_id: int, *, keep_count: bool, channel: Channel, language: str) -> None:
    """Erase the story, contact details and equality answers now. Keep an anonymous
    tombstone for counts only if the resident allows it."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_withdrawn:
        return
    shown = notices.as_shown(notices.current(), language)
    for purpose in Purpose:
        if getattr(submission, f"consent_{purpose.value}"):
            _set_consent(
                submission, purpose, False, shown=shown, channel=channel, language=language
            )
    submission_states.move(submission, SubmissionStatus.WITHDRAWN)
    erase_everything_said(submission)
    submission.withdrawn_at = utcnow()
    submission.counted = keep_count
    if not keep_count:
        submission.local_authority_id = None
        submission.postcode_district = None
        submission.heard_about = None
    log.info("submission_withdrawn", extra={"submission_id": submission.id})


# The version of the download's layout, described in docs/your-story-download.md and by
# the JSON Schema served at /your-story/download-schema.json. Change both together.
EXPORT_FORMAT = "engage-your-story/1"


def export(submission: Submission) -> dict:
    """Everything held about the resident's story (their right of access), as codes:
    the machine-readable download. Pages show the same in words (engage.labels)."""
    equality = submission.equality
    area = submission.local_authority
    return {
        "format": EXPORT_FORMAT,
        "status": submission.status.value,
        "submitted_at": submission.created_at.isoformat(),
        "withdrawn_at": submission.withdrawn_at.isoformat() if submission.withdrawn_at else None,
        "age_group": submission.age_group.value,
        "how_it_reached_us": submission.channel.value,
        "story": submission.story,
        "what_you_would_like_to_change": submission.what_to_change,
        "area": {"code": area.code, "name": area.name} if area else None,
        "postcode_district": submission.postcode_district,
        "heard_about": submission.heard_about,
        "consent": {p.value: v for p, v in submission.consents().items()},
        "consent_history": [
            {
                "purpose": event.purpose.value,
                "granted": event.granted,
                "at": event.recorded_at.isoformat(),
                "privacy_notice_version": event.notice.version,
                "channel": event.channel.value,
                "language": event.language,
            }
            for event in submission.consent_events
        ],
        "contact": (
            {"email": submission.contact.email, "phone": submission.contact.phone}
            if submission.contact
            else None
        ),
        "equality_answers": _exported_equality(equality) if equality else None,
    }


def _exported_equality(equality: EqualityAnswers) -> dict:
    group = equality.ethnic_group
    return {
        "ethnic_group": {"code": group.code, "name": group.label} if group else None,
        "ethnic_group_described": equality.ethnic_group_other,
        **{q.field: getattr(equality, q.field) for q in QUESTIONS},
        "religion_described": equality.religion_other,
    }


def get(submission_id: int) -> Submission | None:
    return db.session.get(Submission, submission_id)
