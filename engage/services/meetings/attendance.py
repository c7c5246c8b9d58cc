"""Who attended a meeting, whether it was quorate, and attendance rates over a year.

Everyone whose membership is in force on the day of the meeting is expected, except
substitutes, who sit in their representative's seat: when a public service
representative's named substitute comes instead, the seat counts as filled. The
secretariat's attendance is recorded too but counts for neither quorum nor rates.

Quorum is the body's own number if it has one, otherwise more than half of the seats."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engage.clock import format_date
from engage.extensions import db
from engage.models import (
    Attendance,
    AttendanceStatus,
    Body,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
)
from engage.models.users import User
from engage.services.common import audit
from engage.services.common.transaction import ServiceError, transactional
from engage.services.meetings.common import day_bounds, local_date
from engage.services.meetings.meetings import get_meeting

log = logging.getLogger(__name__)

# Memberships that are not seats: substitutes sit in someone else's; the secretariat
# serves the body.
NOT_SEATS = frozenset({MembershipRole.SUBSTITUTE, MembershipRole.SECRETARIAT})
# Seats that pass from one holder to the next (a representative's is per authority).
_ROLE_ORDER = {role: index for index, role in enumerate(MembershipRole)}


@dataclass
class Expected:
    """One membership expected at a meeting, with its named substitute (if any)."""

    membership: Membership
    substitute: Membership | None
    record: Attendance | None

    @property
    def counts_for_quorum(self) -> bool:
        return self.membership.role not in NOT_SEATS

    @property
    def choices(self) -> list[AttendanceStatus]:
        statuses = [AttendanceStatus.PRESENT]
        if self.substitute is not None:
            statuses.append(AttendanceStatus.SUBSTITUTE)
        return statuses + [AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT]


@dataclass
class Quorum:
    seats: int
    needed: int
    filled: int
    recorded: bool

    @property
    def quorate(self) -> bool:
        return self.recorded and self.filled >= self.needed

    def describe(self) -> str:
        if not self.recorded:
            return f"Attendance not recorded yet ({self.needed} of {self.seats} seats needed)"
        words = "Quorate" if self.quorate else "Not quorate"
        return f"{words}: {self.filled} seats filled, {self.needed} needed"


def _memberships(body_id: int) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.body_id == body_id)
            .options(joinedload(Membership.person), joinedload(Membership.local_authority))
        ).unique()
    )


def _order(m: Membership) -> tuple:
    authority = m.local_authority.name if m.local_authority else ""
    return (_ROLE_ORDER[m.role], authority, m.person.full_name.lower(), m.id)


def _expected_from(
    memberships: list[Membership], on: date, records: dict[int, Attendance]
) -> list[Expected]:
    current = [m for m in memberships if m.is_current(on)]
    substitutes = {m.substitute_for_id: m for m in current if m.role is MembershipRole.SUBSTITUTE}
    rows = []
    for m in sorted(current, key=_order):
        if m.role is MembershipRole.SUBSTITUTE:
            continue
        substitute = (
            substitutes.get(m.id)
            if m.role is MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE
            else None
        )
        rows.append(Expected(m, substitute, records.get(m.id)))
    return rows


def _records(meeting_id: int) -> dict[int, Attendance]:
    return {
        a.membership_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id))
    }


def expected(meeting: Meeting) -> list[Expected]:
    """Everyone expected at the meeting, in register order, with what is recorded."""
    on = local_date(meeting.starts_at)
    return _expected_from(_memberships(meeting.body_id), on, _records(meeting.id))


def needed_for_quorum(body: Body, seats: int) -> int:
    return body.quorum if body.quorum else seats // 2 + 1


QUORUM_PROBLEM = "Enter how many seats make a meeting quorate, from 1 to 100, or leave it empty"


def quorum_problems(typed: str | None) -> dict[str, str]:
    text = (typed or "").strip()
    if text and not (text.isascii() and text.isdigit() and 1 <= int(text) <= 100):
        return {"quorum": QUORUM_PROBLEM}
    return {}


@transactional
def set_quorum(body_id: int, typed: str | None, *, actor: User) -> Body:
    """The seats a body's meetings need (its terms of reference say); empty means more
    than half of the seats."""
    if problems := quorum_problems(typed):
        raise ServiceError(problems)
    body = db.session.get(Body, body_id)
    if body is None:
        raise ServiceError({"quorum": "There is no such body"})
    text = (typed or "").strip()
    body.quorum = int(text) if text else None
    audit.record(
        "body.quorum_set",
        actor=actor,
        object_type="body",
        object_id=body.id,
        detail=f"quorum={body.quorum or 'half'}",
    )
    return body


def quorum(meeting: Meeting, rows: list[Expected] | None = None) -> Quorum:
    rows = expected(meeting) if rows is None else rows
    seats = [r for r in rows if r.counts_for_quorum]
    filled = sum(1 for r in seats if r.record is not None and r.record.status.seat_filled)
    return Quorum(
        seats=len(seats),
        needed=needed_for_quorum(meeting.body, len(seats)),
        filled=filled,
        recorded=any(r.record is not None for r in rows),
    )


def _answer_problems(
    rows: list[Expected], answers: dict[int, AttendanceStatus | None], on: date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for row in rows:
        status = answers.get(row.membership.id)
        name = row.membership.person.full_name
        if status is None:
            errors[f"seat-{row.membership.id}"] = f"Select whether {name} attended"
        elif status is AttendanceStatus.SUBSTITUTE and row.substitute is None:
            errors[f"seat-{row.membership.id}"] = (
                f"{name} has no named substitute on {format_date(on)}. "
                "Select present, apologies or absent"
            )
    if set(answers) - {row.membership.id for row in rows}:
        errors["meeting"] = (
            "Someone in this form is not a member on the day of the meeting. "
            "Open the attendance page again"
        )
    return errors


@transactional
def record_attendance(
    meeting_id: int,
    answers: dict[int, AttendanceStatus | None],
    *,
    actor: User,
    today: date,
) -> Quorum:
    """Record each expected member's attendance (membership id -> status). Every
    expected member needs an answer. A scheduled meeting becomes held."""
    meeting = get_meeting(meeting_id)
    on = local_date(meeting.starts_at)
    if meeting.status is MeetingStatus.CANCELLED:
        raise ServiceError({"meeting": "This meeting was cancelled, so nobody attended it"})
    if on > today:
        when = format_date(on)
        raise ServiceError(
            {"meeting": f"Attendance can be recorded from the day of the meeting, {when}"}
        )
    rows = expected(meeting)
    errors = _answer_problems(rows, answers, on)
    if errors:
        raise ServiceError(errors)
    counts: Counter[str] = Counter()
    for row in rows:
        status = answers[row.membership.id]
        substitute_id = row.substitute.id if status is AttendanceStatus.SUBSTITUTE else None
        record = row.record
        if record is None:
            record = Attendance(meeting=meeting, membership_id=row.membership.id, status=status)
            db.session.add(record)
        record.status = status
        record.substitute_membership_id = substitute_id
        row.record = record
        counts[status.value] += 1
    if meeting.status is MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.HELD
    db.session.flush()
    audit.record(
        "attendance.recorded",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        detail=" ".join(f"{s.value}={counts[s.value]}" for s in AttendanceStatus),
    )
    log.info("attendance_recorded", extra={"meeting_id": meeting.id, "actor_id": actor.id})
    return quorum(meeting, rows)


# Attendance rates


@dataclass
class Rate:
    """Attendance of one member, or one seat, over the meetings it was expected at."""

    label: str
    detail: str = ""
    expected: int = 0
    present: int = 0
    substitute: int = 0
    apologies: int = 0
    absent: int = 0
    not_recorded: int = 0

    @property
    def filled(self) -> int:
        return self.present + self.substitute

    @property
    def rate(self) -> float | None:
        """Seat filled / expected, from 0 to 1 (None if never expected)."""
        return self.filled / self.expected if self.expected else None

    @property
    def percent(self) -> str:
        return "No meetings" if self.rate is None else f"{round(self.rate * 100)}%"

    def count(self, record: Attendance | None) -> None:
        self.expected += 1
        if record is None:
            self.not_recorded += 1
        else:
            setattr(self, record.status.value, getattr(self, record.status.value) + 1)


@dataclass
class Rates:
    body: Body
    start: date
    end: date
    meetings: list[Meeting] = field(default_factory=list)
    members: list[Rate] = field(default_factory=list)
    seats: list[Rate] = field(default_factory=list)


def _seat_of(m: Membership) -> tuple[str, str]:
    """(key, label) of the seat a membership holds: a representative's seat is their
    authority's, a chair's is the chair; anyone else's is their own."""
    if m.role is MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE and m.local_authority:
        return f"authority-{m.local_authority_id}", (
            f"Public service representative, {m.local_authority.name}"
        )
    if m.role in (MembershipRole.CHAIR, MembershipRole.DEPUTY_CHAIR):
        return m.role.value, m.role.label
    return f"membership-{m.id}", f"{m.role.label}: {m.person.full_name}"


def attendance_rates(body_id: int, *, start: date, end: date) -> Rates:
    # The page's dates are checked by its form (2000 to 2100); clamp anything else.
    start, end = max(start, date(2000, 1, 1)), min(end, date(2100, 12, 31))
    """Rates per member and per seat over the meetings held from `start` to `end`."""
    body = db.session.get(Body, body_id)
    if body is None:
        raise ServiceError({"body": "Select a body"})
    first, _ = day_bounds(start)
    _, after = day_bounds(end)
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.body_id == body.id,
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at >= first,
                Meeting.starts_at < after,
            )
            .order_by(Meeting.starts_at)
        )
    )
    result = Rates(body=body, start=start, end=end, meetings=meetings)
    memberships = _memberships(body.id)
    members: dict[int, Rate] = {}
    seats: dict[str, Rate] = {}
    for meeting in meetings:
        on = local_date(meeting.starts_at)
        for row in _expected_from(memberships, on, _records(meeting.id)):
            m = row.membership
            if not row.counts_for_quorum:
                continue
            if m.id not in members:
                detail = m.local_authority.name if m.local_authority else ""
                members[m.id] = Rate(label=m.person.full_name, detail=_member_detail(m, detail))
            members[m.id].count(row.record)
            key, label = _seat_of(m)
            seats.setdefault(key, Rate(label=label)).count(row.record)
    by_membership = {m.id: m for m in memberships}
    result.members = [members[i] for i in sorted(members, key=lambda i: _order(by_membership[i]))]
    result.seats = sorted(seats.values(), key=lambda r: r.label.lower())
    return result


def _member_detail(m: Membership, authority: str) -> str:
    return f"{m.role.label}, {authority}" if authority else m.role.label
