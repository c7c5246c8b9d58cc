"""The membership register: adding, editing and ending memberships of bodies.

Rules come from the 2025 terms of reference: one chair, one public service
representative for each constituent local authority with a named substitute, and
single seats that cannot overlap in time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from engage.clock import format_date
from engage.extensions import db
from engage.models import Body, BodyKind, LocalAuthority, Membership, MembershipRole, Person
from engage.models.users import User
from engage.services.common import audit
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional

log = logging.getLogger(__name__)

# Roles that only make sense on the Taskforce itself.
TASKFORCE_ONLY_ROLES = frozenset(
    {
        MembershipRole.INDEPENDENT_MEMBER,
        MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        MembershipRole.SUBSTITUTE,
    }
)
# Seats that one person holds at a time within a body (per authority for representatives).
SINGLE_SEAT_ROLES = frozenset(
    {
        MembershipRole.CHAIR,
        MembershipRole.DEPUTY_CHAIR,
        MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        MembershipRole.SUBSTITUTE,
    }
)


@dataclass
class MembershipInput:
    """What the secretariat enters for a membership. Ids, not objects."""

    body_id: int
    # None while the form's own answer is missing or unreadable: the rest is still
    # checked, so that every problem shows at once.
    role: MembershipRole | None
    term_start: date | None
    person_id: int | None = None
    new_person_name: str = ""
    new_person_email: str = ""
    new_person_organisation: str = ""
    local_authority_id: int | None = None
    substitute_for_id: int | None = None
    term_end: date | None = None
    volunteers_agreement_signed_on: date | None = None


def with_article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def get_body(slug: str) -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == slug))
    if body is None:
        raise NotFound(slug)
    return body


def list_bodies() -> list[Body]:
    return list(db.session.scalars(select(Body).where(Body.active).order_by(Body.kind, Body.name)))


def get_membership(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(membership_id)
    return membership


def list_memberships(body: Body, *, on: date, include_past: bool = False) -> list[Membership]:
    """The body's memberships, current ones (and lapsed ones still open) by default."""
    query = (
        select(Membership)
        .where(Membership.body_id == body.id)
        .options(
            joinedload(Membership.person),
            joinedload(Membership.local_authority),
            joinedload(Membership.substitute_for).joinedload(Membership.person),
        )
    )
    rows = db.session.scalars(query).unique().all()
    if not include_past:
        rows = [m for m in rows if m.ended_on is None or m.ended_on >= on]
    return sorted(rows, key=_register_order)


_ROLE_ORDER = {role: index for index, role in enumerate(MembershipRole)}


def _register_order(m: Membership) -> tuple:
    authority = m.local_authority.name if m.local_authority else ""
    return (_ROLE_ORDER[m.role], authority, m.person.full_name.lower(), m.term_start)


def people() -> list[Person]:
    return list(db.session.scalars(select(Person).order_by(Person.full_name)))


def representatives(body_id: int, *, on: date, keep: int | None = None) -> list[Membership]:
    """Public service representative memberships that a substitute can be named for
    (plus `keep`, the one a substitute being edited already names)."""
    rows = db.session.scalars(
        select(Membership)
        .where(
            Membership.body_id == body_id,
            Membership.role == MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        )
        .options(joinedload(Membership.person), joinedload(Membership.local_authority))
    ).all()
    return [m for m in rows if m.id == keep or m.ended_on is None or m.ended_on >= on]


def _ranges_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def _validate(data: MembershipInput, *, editing: Membership | None, today: date) -> dict:
    """Check the input against the terms; return field errors and resolved objects."""
    errors: dict[str, str] = {}
    # Lock the body row so two simultaneous saves can't both take one seat (PostgreSQL;
    # SQLite serialises writers anyway).
    body = db.session.scalar(select(Body).where(Body.id == data.body_id).with_for_update())
    if body is None:
        errors["body_id"] = "Select a body"
        return {"errors": errors}

    person = None
    if editing is None:
        person = _validate_person(data, errors)
    else:
        person = editing.person

    if (
        data.term_end is not None
        and data.term_start is not None
        and data.term_end < data.term_start
    ):
        errors["term_end"] = "The term end must be on or after the term start"
    signed = data.volunteers_agreement_signed_on
    if signed is not None and signed > today:
        errors["volunteers_agreement_signed_on"] = "The date signed must be today or in the past"

    if data.role in TASKFORCE_ONLY_ROLES and body.kind is not BodyKind.TASKFORCE:
        errors["role"] = f"{data.role.label}s sit on the Taskforce itself, not on {body.name}"

    authority, principal = _validate_representation(data, body, errors, editing)
    if person is not None and principal is not None and principal.person_id == person.id:
        errors["substitute_for_id"] = "Someone cannot be their own substitute"
    if editing is not None:
        _validate_edit(data, editing, errors)

    if not errors and data.role is not None and data.term_start is not None:
        _check_seat_free(data, body, person, authority, principal, editing, errors)
    return {
        "errors": errors,
        "body": body,
        "person": person,
        "authority": authority,
        "principal": principal,
    }


def _validate_person(data: MembershipInput, errors: dict[str, str]) -> Person | None:
    name = data.new_person_name.strip()
    if data.person_id and name:
        errors["person_id"] = "Select an existing person or enter a new name, not both"
        return None
    if data.person_id:
        person = db.session.get(Person, data.person_id)
        if person is None:
            errors["person_id"] = "Select a person from the list"
        return person
    if not name:
        errors["person_id"] = "Select a person, or enter the name of someone new"
        return None
    email = data.new_person_email.strip().lower() or None
    if email and db.session.scalar(select(Person.id).where(Person.email == email)):
        errors["new_person_email"] = (
            "Someone in the register already has this email address: select them from the list"
        )
    return None


def _validate_representation(
    data: MembershipInput, body: Body, errors: dict[str, str], editing: Membership | None
) -> tuple[LocalAuthority | None, Membership | None]:
    """Resolve the authority represented and, for a substitute, whom they stand in for."""
    authority = None
    if data.local_authority_id:
        authority = db.session.get(LocalAuthority, data.local_authority_id)
        if authority is None:
            errors["local_authority_id"] = "Select a local authority from the list"
    principal = _validate_principal(data, body, errors, editing)
    if principal is not None:
        if authority is None:
            authority = principal.local_authority
        elif authority.id != principal.local_authority_id:
            errors["local_authority_id"] = (
                "A substitute represents the same local authority as the person they stand in for"
            )
    _validate_authority_for_role(data, authority, errors)
    return authority, principal


def _validate_principal(
    data: MembershipInput, body: Body, errors: dict[str, str], editing: Membership | None
) -> Membership | None:
    if data.role is None:
        return None
    if data.role is not MembershipRole.SUBSTITUTE:
        if data.substitute_for_id:
            errors["substitute_for_id"] = "Only substitutes stand in for someone"
        return None
    principal = (
        db.session.get(Membership, data.substitute_for_id) if data.substitute_for_id else None
    )
    if principal is None or principal.role is not MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE:
        errors["substitute_for_id"] = "Select the representative they substitute for"
        return None
    if principal.body_id != body.id:
        errors["substitute_for_id"] = "The representative must sit on the same body"
        return None
    if editing is not None and principal.id == editing.id:
        errors["substitute_for_id"] = "Someone cannot be their own substitute"
        return None
    return principal


def _validate_edit(data: MembershipInput, editing: Membership, errors: dict[str, str]) -> None:
    """Edits that would leave the register inconsistent are refused."""
    if editing.ended_on is not None:
        errors["term_start"] = "This membership has ended and can no longer be changed"
        return
    substitutes = [
        m
        for m in db.session.scalars(
            select(Membership).where(Membership.substitute_for_id == editing.id)
        )
        if m.ended_on is None
    ]
    representation_changes = data.role not in (None, editing.role) or (
        data.local_authority_id not in (None, editing.local_authority_id)
    )
    if substitutes and representation_changes:
        errors["role"] = (
            f"{substitutes[0].person.full_name} is named as substitute for this representative. "
            "End or change the substitute's membership first"
        )


def _validate_authority_for_role(
    data: MembershipInput, authority: LocalAuthority | None, errors: dict[str, str]
) -> None:
    if "local_authority_id" in errors or data.role is None:
        return
    if data.role.needs_local_authority:
        if authority is None:
            errors["local_authority_id"] = "Select the local authority they represent"
        elif not authority.constituent:
            errors["local_authority_id"] = (
                "Public service representatives come from the seven constituent authorities"
            )
    elif authority is not None and data.role is not MembershipRole.MEMBER:
        errors["local_authority_id"] = (
            f"{with_article(data.role.label.lower()).capitalize()} does not represent an authority"
        )


def _check_seat_free(
    data: MembershipInput,
    body: Body,
    person: Person | None,
    authority: LocalAuthority | None,
    principal: Membership | None,
    editing: Membership | None,
    errors: dict[str, str],
) -> None:
    others = db.session.scalars(
        select(Membership)
        .where(Membership.body_id == body.id)
        .options(joinedload(Membership.person), joinedload(Membership.local_authority))
    ).all()
    for other in others:
        if editing is not None and other.id == editing.id:
            continue
        if not _ranges_overlap(data.term_start, data.term_end, other.term_start, other.last_day()):
            continue
        if person is not None and other.person_id == person.id and other.role is data.role:
            errors["term_start"] = (
                f"{person.full_name} is already {with_article(data.role.label.lower())} "
                f"of {body.name} for part of this term"
            )
            return
        if data.role in SINGLE_SEAT_ROLES and other.role is data.role:
            same_seat = (
                (
                    data.role is MembershipRole.SUBSTITUTE
                    and principal is not None
                    and other.substitute_for_id == principal.id
                )
                or (
                    data.role is MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE
                    and authority is not None
                    and other.local_authority_id == authority.id
                )
                or data.role in (MembershipRole.CHAIR, MembershipRole.DEPUTY_CHAIR)
            )
            if same_seat:
                errors["term_start"] = _seat_taken_message(other, body)
                return


def _seat_taken_message(other: Membership, body: Body) -> str:
    seat = other.role.label.lower()
    if other.local_authority is not None:
        seat = f"{seat} for {other.local_authority.name}"
    until = other.last_day()
    when = f"until {format_date(until)}" if until else "with no end date"
    return (
        f"{other.person.full_name} is the {seat} on {body.name} {when}. End that membership "
        f"first, or start this term after it ends"
    )


def _person_for(data: MembershipInput, person: Person | None) -> Person:
    if person is not None:
        return person
    person = Person(
        full_name=data.new_person_name.strip(),
        email=data.new_person_email.strip().lower() or None,
        organisation=data.new_person_organisation.strip(),
    )
    db.session.add(person)
    return person


def membership_problems(
    data: MembershipInput, *, editing_id: int | None = None, today: date
) -> dict[str, str]:
    """Everything wrong with a membership as entered, changing nothing: the form shows
    these beside its own errors, all at once."""
    editing = db.session.get(Membership, editing_id) if editing_id is not None else None
    if editing is not None:
        data.body_id = editing.body_id
    return _validate(data, editing=editing, today=today)["errors"]


@transactional
def add_membership(data: MembershipInput, *, actor: User, today: date) -> Membership:
    checked = _validate(data, editing=None, today=today)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    membership = Membership(
        person=_person_for(data, checked["person"]),
        body=checked["body"],
        role=data.role,
        local_authority=checked["authority"],
        substitute_for=checked["principal"],
        term_start=data.term_start,
        term_end=data.term_end,
        volunteers_agreement_signed_on=data.volunteers_agreement_signed_on,
    )
    db.session.add(membership)
    db.session.flush()
    audit.record("membership.added", actor=actor, object_type="membership", object_id=membership.id)
    log.info(
        "membership_added",
        extra={"membership_id": membership.id, "body_id": membership.body_id, "actor_id": actor.id},
    )
    return membership


@transactional
def update_membership(
    membership_id: int, data: MembershipInput, *, version: int, actor: User, today: date
) -> Membership:
    membership = get_membership(membership_id)
    if membership.version != version:
        raise Conflict(membership_id)
    data.body_id = membership.body_id
    checked = _validate(data, editing=membership, today=today)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    membership.role = data.role
    membership.local_authority = checked["authority"]
    membership.substitute_for = checked["principal"]
    membership.term_start = data.term_start
    membership.term_end = data.term_end
    membership.volunteers_agreement_signed_on = data.volunteers_agreement_signed_on
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(membership_id) from None
    audit.record(
        "membership.updated", actor=actor, object_type="membership", object_id=membership.id
    )
    log.info("membership_updated", extra={"membership_id": membership.id, "actor_id": actor.id})
    return membership


def suggested_end_date(membership: Membership, *, today: date) -> date:
    """Today, or the end of the term if that has already passed."""
    if membership.term_end is not None and membership.term_end < today:
        return membership.term_end
    return max(today, membership.term_start)


@transactional
def end_membership(
    membership_id: int, *, ended_on: date, reason: str, version: int, actor: User
) -> Membership:
    membership = get_membership(membership_id)
    if membership.version != version:
        raise Conflict(membership_id)
    if membership.ended_on is not None:
        raise ServiceError({"ended_on": "This membership has already ended"})
    if ended_on < membership.term_start:
        raise ServiceError(
            {"ended_on": f"The end date must be on or after {format_date(membership.term_start)}"}
        )
    if membership.term_end is not None and ended_on > membership.term_end:
        raise ServiceError(
            {
                "ended_on": "The end date must be on or before the end of the term, "
                f"{format_date(membership.term_end)}"
            }
        )
    reason = reason.strip()
    if not reason:
        raise ServiceError({"reason": "Enter why the membership is ending"})
    membership.ended_on = ended_on
    membership.end_reason = reason
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(membership_id) from None
    audit.record("membership.ended", actor=actor, object_type="membership", object_id=membership.id)
    log.info("membership_ended", extra={"membership_id": membership.id, "actor_id": actor.id})
    return membership
