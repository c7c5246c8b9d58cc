"""The Taskforce's own housekeeping from its terms of reference, as dated reminders for
the secretariat:

- members who have not signed the Volunteers Agreement ("Members will sign and uphold
  the behaviours within the Volunteers Agreement"): every current membership in a role
  that signs one (engage.services.register.composition.AGREEMENT_ROLES) with no date
  signed on the register;
- the annual review of the terms of reference ("Annually from May 2027"): first due on
  31 May 2027, then a year after the last review recorded (never before 31 May 2027).

A reminder is shown on the secretariat's home page once it is due within 60 days."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from engage.clock import format_date
from engage.extensions import db
from engage.models import Membership, TermsReview
from engage.services.common import audit
from engage.services.common.audit import Actor
from engage.services.common.transaction import ServiceError, transactional
from engage.services.meetings.common import paragraphs
from engage.services.register.composition import AGREEMENT_ROLES

log = logging.getLogger(__name__)

REVIEW_FIRST_DUE = date(2027, 5, 31)
DUE_SOON = timedelta(days=60)
NOTE_MAX_LENGTH = 3000


class State(enum.Enum):
    DONE = "done"
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def tag(self) -> str:
        """The colour of its tag."""
        return {
            State.DONE: "green",
            State.UPCOMING: "blue",
            State.DUE_SOON: "yellow",
            State.OVERDUE: "red",
        }[self]


@dataclass
class ReviewStatus:
    due_on: date
    last: TermsReview | None
    state: State
    words: str

    @property
    def needs_action(self) -> bool:
        return self.state in (State.DUE_SOON, State.OVERDUE)


@dataclass
class Unsigned:
    membership: Membership
    # Since when the agreement has been outstanding: the start of the term.
    since: date
    days: int


@dataclass
class Reminders:
    unsigned: list[Unsigned]
    review: ReviewStatus

    @property
    def count(self) -> int:
        """What needs doing: each unsigned agreement, and the review once due soon."""
        return len(self.unsigned) + (1 if self.review.needs_action else 0)


def _plural_days(days: int) -> str:
    return f"{days} day" + ("" if days == 1 else "s")


def a_year_after(day: date) -> date:
    """The same day a year later (28 February after a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def reviews() -> list[TermsReview]:
    """Every review recorded, latest first."""
    return list(db.session.scalars(select(TermsReview).order_by(TermsReview.reviewed_on.desc())))


def review_status(today: date) -> ReviewStatus:
    last = db.session.scalar(select(TermsReview).order_by(TermsReview.reviewed_on.desc()).limit(1))
    due = (
        REVIEW_FIRST_DUE if last is None else max(REVIEW_FIRST_DUE, a_year_after(last.reviewed_on))
    )
    if due < today:
        state = State.OVERDUE
        words = f"Overdue by {_plural_days((today - due).days)} (due on {format_date(due)})"
    elif due - today <= DUE_SOON:
        state, words = State.DUE_SOON, f"Due on {format_date(due)}"
    elif last is not None:
        state = State.DONE
        words = f"Done on {format_date(last.reviewed_on)}; next due on {format_date(due)}"
    else:
        state, words = State.UPCOMING, f"Due on {format_date(due)}"
    return ReviewStatus(due_on=due, last=last, state=state, words=words)


def unsigned_agreements(today: date) -> list[Unsigned]:
    """Current members, of any body, in a role that signs the Volunteers Agreement, with
    no date signed on the register: longest outstanding first."""
    rows = db.session.scalars(
        select(Membership)
        .where(
            Membership.volunteers_agreement_signed_on.is_(None),
            Membership.role.in_(AGREEMENT_ROLES),
        )
        .options(joinedload(Membership.person), joinedload(Membership.body))
    ).all()
    current = [m for m in rows if m.is_current(today)]
    found = [Unsigned(m, m.term_start, (today - m.term_start).days) for m in current]
    return sorted(found, key=lambda u: (u.since, u.membership.person.full_name.lower()))


def reminders(today: date) -> Reminders:
    return Reminders(unsigned=unsigned_agreements(today), review=review_status(today))


@dataclass
class ReviewInput:
    reviewed_on: date | None
    note: str | None = ""


def _validate(data: ReviewInput, today: date) -> tuple[dict, str]:
    errors: dict[str, str] = {}
    if data.reviewed_on is None:
        errors["reviewed_on"] = "Enter the date of the review, for example 20 May 2027"
    elif not 2000 <= data.reviewed_on.year <= 2100:
        errors["reviewed_on"] = "Enter a date between 2000 and 2100, for example 20 May 2027"
    elif data.reviewed_on > today:
        errors["reviewed_on"] = "The date of the review must be today or in the past"
    elif db.session.scalar(
        select(TermsReview.id).where(TermsReview.reviewed_on == data.reviewed_on)
    ):
        errors["reviewed_on"] = f"A review on {format_date(data.reviewed_on)} is already recorded"
    note = paragraphs(errors, "note", data.note, NOTE_MAX_LENGTH)
    return errors, note


def review_problems(data: ReviewInput, *, today: date) -> dict:
    return _validate(data, today)[0]


@transactional
def record_review(data: ReviewInput, *, actor: Actor, today: date) -> TermsReview:
    errors, note = _validate(data, today)
    if errors:
        raise ServiceError(errors)
    who = audit.as_actor(actor)
    review = TermsReview(
        reviewed_on=data.reviewed_on,
        note=note,
        recorded_by_id=who.user.id if who.user else None,
    )
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:  # the same date, recorded by someone else a moment ago
        raise ServiceError(
            {"reviewed_on": f"A review on {format_date(data.reviewed_on)} is already recorded"}
        ) from None
    audit.record(
        "terms_review.recorded",
        actor=actor,
        object_type="terms_review",
        object_id=review.id,
        detail=f"on={data.reviewed_on.isoformat()}",
    )
    log.info("terms_review_recorded", extra={"review_id": review.id})
    return review
