"""Community groups: registration, verification by an officer, their contact's
account, and the record of their engagement with the Taskforce."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    CommunityGroup,
    EngagementKind,
    GroupEngagement,
    GroupStatus,
    GroupType,
    LocalAuthority,
    Role,
    Submission,
    Theme,
    User,
)
from engage.models.base import utcnow
from engage.services.accounts import passwords
from engage.services.common import audit, outbox
from engage.services.common.contact_details import InvalidContactDetail, email_address, uk_phone
from engage.services.common.transaction import NotFound, ServiceError, transactional
from engage.typed_text import as_typed, is_blank, length_problem, one_line

log = logging.getLogger(__name__)

# England and Wales (6-7 digits, optional linked-charity suffix), Scotland, Northern Ireland.
CHARITY_NUMBER = re.compile(r"^(\d{6,7}(-\d{1,2})?|SC\d{6}|NIC\d{6})$")
# Companies House: 8 digits, or a two-letter prefix (SC, NI, OC, ...) and 6 digits.
COMPANY_NUMBER = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")
# Longest texts, as the columns hold them.
NAME_MAX_LENGTH = 160
CONTACT_NAME_MAX_LENGTH = 120
COMMUNITIES_MAX_LENGTH = 1_000
NOTE_MAX_LENGTH = 500


@dataclass
class GroupInput:
    name: str
    group_type: str
    contact_name: str
    contact_email: str
    contact_consent: bool
    area_ids: list[int] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)
    communities_served: str = ""
    charity_number: str = ""
    company_number: str = ""
    contact_phone: str = ""


def normalise_company_number(value: str) -> str:
    compact = "".join(value.split()).upper()
    return compact.zfill(8) if compact.isdigit() else compact


def _validate(data: GroupInput) -> tuple[dict, dict]:
    errors: dict[str, object] = {}
    clean: dict[str, object] = {}
    _validate_identity(data, errors, clean)
    _validate_reach(data, errors, clean)
    _validate_contact(data, errors, clean)
    return errors, clean


def _validate_identity(data: GroupInput, errors: dict, clean: dict) -> None:
    clean["name"] = one_line(data.name)
    if not clean["name"]:
        errors["name"] = _l("Enter the name of your group")
    elif problem := length_problem(clean["name"], NAME_MAX_LENGTH):
        errors["name"] = problem
    try:
        clean["group_type"] = GroupType(data.group_type)
    except ValueError:
        errors["group_type"] = _l("Select what kind of group it is")
    charity = "".join(data.charity_number.split()).upper()
    if charity and not CHARITY_NUMBER.match(charity):
        errors["charity_number"] = _l(
            "Enter a charity number like 1234567, SC012345 or NIC100002, or leave it empty"
        )
    clean["charity_number"] = charity or None
    company = normalise_company_number(data.company_number) if data.company_number.strip() else ""
    if company and not COMPANY_NUMBER.match(company):
        errors["company_number"] = _l(
            "Enter a company number of 8 characters, like 01234567 or SC123456, or leave it empty"
        )
    clean["company_number"] = company or None


def _validate_reach(data: GroupInput, errors: dict, clean: dict) -> None:
    clean["areas"] = list(
        db.session.scalars(select(LocalAuthority).where(LocalAuthority.id.in_(data.area_ids)))
    )
    if not clean["areas"]:
        errors["area_ids"] = _l("Select at least one area your group works in")
    clean["themes"] = list(db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids))))
    clean["communities_served"] = as_typed(data.communities_served)
    if is_blank(clean["communities_served"]):
        errors["communities_served"] = _l("Tell us which communities your group works with")
    elif problem := length_problem(clean["communities_served"], COMMUNITIES_MAX_LENGTH):
        errors["communities_served"] = problem


def _validate_contact(data: GroupInput, errors: dict, clean: dict) -> None:
    clean["contact_name"] = one_line(data.contact_name)
    if not clean["contact_name"]:
        errors["contact_name"] = _l("Enter the name of the person we should contact")
    elif problem := length_problem(clean["contact_name"], CONTACT_NAME_MAX_LENGTH):
        errors["contact_name"] = problem
    try:
        clean["contact_email"] = email_address(data.contact_email)
    except InvalidContactDetail:
        errors["contact_email"] = _l(
            "Enter an email address in the correct format, like name@example.com"
        )
    clean["contact_phone"] = None
    if data.contact_phone.strip():
        try:
            clean["contact_phone"] = uk_phone(data.contact_phone)
        except InvalidContactDetail:
            errors["contact_phone"] = _l("Enter a UK phone number, like 0121 496 0000")
    if not data.contact_consent:
        errors["contact_consent"] = _l(
            "Tick the box to agree that we may contact this person about the group"
        )


def registration_problems(data: GroupInput) -> dict[str, object]:
    """Everything wrong with a registration as entered, changing nothing."""
    errors, _clean = _validate(data)
    return errors


@transactional
def register(data: GroupInput, *, language: str = "en") -> CommunityGroup:
    """Register a group; `language` is the page's, and the contact's emails use it."""
    errors, clean = _validate(data)
    if errors:
        raise ServiceError(errors)
    group = CommunityGroup(**clean, language=language)
    db.session.add(group)
    with force_locale(group.language):
        outbox.queue(
            to=clean["contact_email"],
            subject=_("We have your community group's registration"),
            body=_(
                "Thank you for registering %(name)s with the Race Equity Taskforce.\n\n"
                "An engagement officer will check the details and email you when your group "
                "is verified. You do not need to reply to this email.",
                name=group.name,
            ),
            kind="group_registration_received",
        )
    db.session.flush()
    log.info("group_registered", extra={"group_id": group.id})
    return group


def get(group_id: int) -> CommunityGroup:
    group = db.session.get(CommunityGroup, group_id)
    if group is None:
        raise NotFound(group_id)
    return group


def list_by_status(status: GroupStatus | None) -> list[CommunityGroup]:
    query = select(CommunityGroup).order_by(CommunityGroup.created_at.desc())
    if status is not None:
        query = query.where(CommunityGroup.status == status)
    return list(db.session.scalars(query))


def group_for_contact(user: User) -> CommunityGroup | None:
    return db.session.scalar(
        select(CommunityGroup).where(
            CommunityGroup.contact_user_id == user.id,
            CommunityGroup.status == GroupStatus.VERIFIED,
        )
    )


@transactional
def verify(group_id: int, *, officer: User, set_password_url) -> CommunityGroup:
    """Verify a pending group and give its contact an account. `set_password_url(user)`
    builds the link, emailed through the outbox, where the contact chooses a password."""
    group = get(group_id)
    if group.status is not GroupStatus.PENDING:
        raise ServiceError({"decision": "This group has already been decided"})
    user = db.session.scalar(select(User).where(User.email == group.contact_email))
    if user is None:
        user = User(
            email=group.contact_email,
            display_name=group.contact_name,
            # Nobody knows this password: the contact sets their own through the link.
            password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
            role=Role.GROUP_CONTACT,
        )
        db.session.add(user)
        db.session.flush()
        audit.record(
            "user.created",
            actor=officer,
            object_type="user",
            object_id=user.id,
            detail="group contact",
        )
    elif user.role is not Role.GROUP_CONTACT:
        raise ServiceError(
            {"decision": "The contact's email address already belongs to a staff account"}
        )
    elif group_for_contact(user) is not None:
        raise ServiceError(
            {
                "decision": "This contact already looks after another verified group. Ask the "
                "group to name a different contact"
            }
        )
    group.status = GroupStatus.VERIFIED
    group.contact_user_id = user.id
    group.reviewed_by_id = officer.id
    group.reviewed_at = utcnow()
    with force_locale(group.language):
        outbox.queue(
            to=user.email,
            subject=_("Your community group is verified"),
            body=_(
                "%(name)s is now verified with the Race Equity Taskforce.\n\n"
                "Choose a password for your account with this link. It works once, for 3 "
                "days:\n%(link)s\n\n"
                "With your account you can send residents' stories for them, with their "
                "agreement, and see what happened to the stories your group sent.",
                name=group.name,
                link=outbox.secret_mark("link"),
            ),
            kind="group_verified",
            # The link signs a person in to set a password: never stored in the clear.
            secrets={"link": set_password_url(user)},
        )
    audit.record("group.verified", actor=officer, object_type="group", object_id=group.id)
    log.info("group_verified", extra={"group_id": group.id, "officer_id": officer.id})
    return group


@transactional
def reject(group_id: int, *, officer: User, reason: str) -> CommunityGroup:
    group = get(group_id)
    reason = one_line(reason)
    if group.status is not GroupStatus.PENDING:
        raise ServiceError({"decision": "This group has already been decided"})
    if not reason:
        raise ServiceError({"reason": "Enter why the group is not being verified"})
    if problem := length_problem(reason, NOTE_MAX_LENGTH):
        raise ServiceError({"reason": problem})
    group.status = GroupStatus.REJECTED
    group.rejection_reason = reason
    group.reviewed_by_id = officer.id
    group.reviewed_at = utcnow()
    with force_locale(group.language):
        outbox.queue(
            to=group.contact_email,
            subject=_("Your community group's registration"),
            # The officer's reason is quoted as they wrote it, in English.
            body=_(
                "Thank you for registering %(name)s. We could not verify it. The engagement "
                "officer's reason:\n\n%(reason)s\n\n"
                "You can register again with corrected details at any time.",
                name=group.name,
                reason=reason,
            ),
            kind="group_rejected",
        )
    audit.record("group.rejected", actor=officer, object_type="group", object_id=group.id)
    log.info("group_rejected", extra={"group_id": group.id, "officer_id": officer.id})
    return group


@transactional
def record_engagement(
    group_id: int,
    *,
    kind: EngagementKind,
    occurred_on: date,
    description: str,
    officer: User,
    today: date,
) -> GroupEngagement:
    group = get(group_id)
    errors: dict[str, str] = {}
    description = one_line(description)
    if group.status is not GroupStatus.VERIFIED:
        errors["kind"] = "Only verified groups can have engagement recorded"
    if not description:
        errors["description"] = "Describe what the group took part in"
    elif problem := length_problem(description, NOTE_MAX_LENGTH):
        errors["description"] = problem
    if occurred_on > today:
        errors["occurred_on"] = "The date must be today or in the past"
    if errors:
        raise ServiceError(errors)
    engagement = GroupEngagement(
        group=group,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        recorded_by_id=officer.id,
    )
    db.session.add(engagement)
    db.session.flush()
    audit.record(
        "group.engagement_recorded",
        actor=officer,
        object_type="group",
        object_id=group.id,
        detail=kind.value,
    )
    log.info("group_engagement_recorded", extra={"group_id": group.id})
    return engagement


def groups_engaged(start: date, end: date) -> int:
    """The indicator: distinct verified groups engaged in decision making in a period."""
    return db.session.scalar(
        select(func.count(func.distinct(GroupEngagement.group_id)))
        .join(CommunityGroup)
        .where(
            GroupEngagement.occurred_on >= start,
            GroupEngagement.occurred_on <= end,
            CommunityGroup.status == GroupStatus.VERIFIED,
        )
    )


def submissions_for(group: CommunityGroup) -> list[Submission]:
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.group_id == group.id)
            .order_by(Submission.created_at.desc())
        )
    )
