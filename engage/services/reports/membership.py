"""The annual report's section on the Taskforce itself: its members by role at the end
of the year (or today, while it is under way), the meetings it held and how well its
seats were filled (engage.services.meetings.attendance works the rates out). Seats are
shown by role, and a representative's by their local authority, never by name."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from engage import clock
from engage.extensions import db
from engage.models import Body, BodyKind, Membership, MembershipRole
from engage.services.accountability import periods
from engage.services.meetings import attendance
from engage.services.reports import blocks

# The secretariat serves the Taskforce; it is not a member.
NOT_MEMBERS = frozenset({MembershipRole.SECRETARIAT})


def taskforce() -> Body | None:
    return db.session.scalar(
        select(Body).where(Body.kind == BodyKind.TASKFORCE, Body.active).order_by(Body.id)
    )


def members_by_role(body_id: int, on: date) -> dict[MembershipRole, int]:
    rows = db.session.execute(
        select(Membership.role, func.count())
        .where(
            Membership.body_id == body_id,
            Membership.term_start <= on,
            or_(Membership.term_end.is_(None), Membership.term_end >= on),
            or_(Membership.ended_on.is_(None), Membership.ended_on >= on),
        )
        .group_by(Membership.role)
    ).all()
    return {role: count for role, count in rows if role not in NOT_MEMBERS}


def _seat_group(label: str) -> str:
    """A seat's label without anyone's name: "Independent member: A Name" becomes
    "Independent members"; a representative's seat keeps its authority."""
    role, named, _ = label.partition(": ")
    return f"{role}s" if named else role


COUNTS = ("expected", "present", "substitute", "apologies", "absent", "not_recorded")


def _add(into: attendance.Rate, rate: attendance.Rate) -> None:
    for name in COUNTS:
        setattr(into, name, getattr(into, name) + getattr(rate, name))


def _cells(label: str, r: attendance.Rate) -> list:
    return [label, r.expected, r.filled, r.apologies, r.absent, r.not_recorded, r.percent]


def attendance_rows(body_id: int, period: periods.Period, last_day: date) -> tuple[int, list]:
    """How many meetings were held, and each kind of seat's attendance at them."""
    rates = attendance.attendance_rates(body_id, start=period.start, end=last_day)
    groups: dict[str, attendance.Rate] = {}
    everyone = attendance.Rate(label="All seats")
    for seat in rates.seats:
        _add(groups.setdefault(_seat_group(seat.label), attendance.Rate(label="")), seat)
        _add(everyone, seat)
    rows = [_cells(label, rate) for label, rate in sorted(groups.items())]
    if groups:
        rows.append(_cells("All seats", everyone))
    return len(rates.meetings), rows


def section(period: periods.Period, last_day: date) -> dict:
    body = taskforce()
    heading = "Membership and attendance"
    if body is None:
        return {"heading": heading, "blocks": [blocks.paragraph("There is no Taskforce yet.")]}
    on = clock.format_date(last_day)
    members = members_by_role(body.id, last_day)
    rows = [[role.label, members[role]] for role in MembershipRole if role in members]
    content: list[dict] = []
    if rows:
        rows.append(["All members", sum(members.values())])
        content.append(
            blocks.table(f"Members of {body.name} on {on}, by role", ["Role", "Members"], rows)
        )
    else:
        content.append(blocks.paragraph(f"{body.name} had no members on {on}."))
    held, seats = attendance_rows(body.id, period, last_day)
    if not held:
        content.append(blocks.paragraph(f"{body.name} held no meetings in {period.label}."))
        return {"heading": heading, "blocks": content}
    content.append(
        blocks.paragraph(
            f"{body.name} held {held} meeting{'s' if held != 1 else ''} in {period.label}. "
            "A seat counts as filled when its member or their named substitute attended."
        )
    )
    content.append(
        blocks.table(
            f"Attendance at meetings of {body.name} in {period.label}, by seat",
            [
                "Seat",
                "Meetings expected",
                "Attended",
                "Apologies",
                "Absent",
                "Not recorded",
                "Attendance",
            ],
            seats,
        )
    )
    return {"heading": heading, "blocks": content}
