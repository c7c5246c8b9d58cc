"""Attendance, substitutes in their representative's seat, quorum and attendance rates."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import Attendance, AttendanceStatus, AuditEvent, MeetingStatus, MembershipRole
from engage.services.common.transaction import ServiceError
from engage.services.meetings import attendance, meetings
from tests import factories

P, S, A, X = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.SUBSTITUTE,
    AttendanceStatus.APOLOGIES,
    AttendanceStatus.ABSENT,
)
LATER = date(2026, 12, 31)


@pytest.fixture
def admin(ctx):
    return factories.user()


@pytest.fixture
def taskforce(admin):
    """Five seats: a chair, two independent members and two representatives, one of
    them (Birmingham) with a named substitute; and someone from the secretariat."""
    people = {
        "chair": factories.membership(role=MembershipRole.CHAIR, name="Chair Person"),
        "amina": factories.membership(name="Amina Yusuf"),
        "tomasz": factories.membership(name="Tomasz Nowak"),
        "rep_b": factories.membership(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            name="Rep Birmingham",
            authority_name="Birmingham",
        ),
        "rep_c": factories.membership(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            name="Rep Coventry",
            authority_name="Coventry",
        ),
        "secretariat": factories.membership(role=MembershipRole.SECRETARIAT, name="Sam Sec"),
    }
    people["sub_b"] = factories.membership(
        role=MembershipRole.SUBSTITUTE, name="Sub Birmingham", substitute_for_id=people["rep_b"].id
    )
    return people


def record(meeting, taskforce, today=LATER, **answers):
    return attendance.record_attendance(
        meeting.id,
        {taskforce[name].id: status for name, status in answers.items()},
        actor=db.session.scalar(select(factories.User)),
        today=today,
    )


def everyone(**overrides):
    answers = {"chair": P, "amina": P, "tomasz": P, "rep_b": P, "rep_c": P, "secretariat": P}
    answers.update(overrides)
    return answers


def test_everyone_current_is_expected_but_substitutes_sit_in_their_seat(taskforce):
    meeting = factories.meeting(on=date(2026, 10, 15))
    rows = attendance.expected(meeting)
    names = [r.membership.person.full_name for r in rows]
    assert "Sub Birmingham" not in names
    assert names[0] == "Chair Person" and "Sam Sec" in names
    by_name = {r.membership.person.full_name: r for r in rows}
    assert by_name["Rep Birmingham"].substitute.id == taskforce["sub_b"].id
    assert S in by_name["Rep Birmingham"].choices
    assert by_name["Rep Coventry"].substitute is None
    assert S not in by_name["Rep Coventry"].choices
    assert not by_name["Sam Sec"].counts_for_quorum
    q = attendance.quorum(meeting, rows)
    assert (q.seats, q.needed, q.recorded) == (5, 3, False)
    assert q.describe() == "Attendance not recorded yet (3 of 5 seats needed)"


def test_someone_not_yet_a_member_is_not_expected(taskforce):
    factories.membership(name="Joined Later", start=date(2026, 11, 1))
    meeting = factories.meeting(on=date(2026, 10, 15))
    assert "Joined Later" not in [
        r.membership.person.full_name for r in attendance.expected(meeting)
    ]


def test_a_substitute_counts_for_the_representatives_seat(taskforce):
    meeting = factories.meeting(on=date(2026, 10, 15))
    result = record(
        meeting, taskforce, **everyone(amina=A, tomasz=X, rep_c=A, rep_b=S, secretariat=P)
    )
    # chair + Birmingham's seat (by the substitute) = 2 of 3 needed.
    assert (result.filled, result.needed, result.quorate) == (2, 3, False)
    assert result.describe() == "Not quorate: 2 seats filled, 3 needed"
    row = db.session.scalar(
        select(Attendance).where(Attendance.membership_id == taskforce["rep_b"].id)
    )
    assert row.status is S and row.substitute_membership_id == taskforce["sub_b"].id
    assert meeting.status is MeetingStatus.HELD
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.recorded"))
    assert event.object_id == meeting.id
    assert event.detail == "present=2 substitute=1 apologies=2 absent=1"


def test_quorum_is_the_bodys_own_number_when_it_has_one(taskforce):
    body = factories.body()
    meeting = factories.meeting(on=date(2026, 10, 15))
    record(meeting, taskforce, **everyone(amina=A, rep_c=X))
    assert attendance.quorum(meeting).describe() == "Quorate: 3 seats filled, 3 needed"
    body.quorum = 4
    db.session.commit()
    assert attendance.quorum(meeting).describe() == "Not quorate: 3 seats filled, 4 needed"
    # Changing the record changes the answer: everyone came.
    record(meeting, taskforce, **everyone())
    assert attendance.quorum(meeting).describe() == "Quorate: 5 seats filled, 4 needed"
    assert len(db.session.scalars(select(Attendance)).all()) == 6


def test_a_substitute_is_refused_for_someone_without_one(taskforce):
    meeting = factories.meeting(on=date(2026, 10, 15))
    with pytest.raises(ServiceError) as refused:
        record(meeting, taskforce, **everyone(rep_c=S, amina=S))
    errors = refused.value.errors
    assert errors[f"seat-{taskforce['rep_c'].id}"] == (
        "Rep Coventry has no named substitute on 15 October 2026. "
        "Select present, apologies or absent"
    )
    assert f"seat-{taskforce['amina'].id}" in errors
    assert db.session.scalars(select(Attendance)).all() == []


def test_a_substitute_whose_term_has_ended_does_not_count(admin):
    rep = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        name="Rep Dudley",
        authority_name="Dudley",
    )
    factories.membership(
        role=MembershipRole.SUBSTITUTE,
        name="Former Sub",
        substitute_for_id=rep.id,
        end=date(2026, 9, 30),
    )
    meeting = factories.meeting(on=date(2026, 10, 15))
    (row,) = attendance.expected(meeting)
    assert row.substitute is None
    with pytest.raises(ServiceError):
        attendance.record_attendance(meeting.id, {rep.id: S}, actor=admin, today=LATER)


def test_every_member_needs_an_answer(taskforce):
    meeting = factories.meeting(on=date(2026, 10, 15))
    answers = everyone()
    del answers["tomasz"]
    with pytest.raises(ServiceError) as refused:
        record(meeting, taskforce, **answers)
    assert refused.value.errors == {
        f"seat-{taskforce['tomasz'].id}": "Select whether Tomasz Nowak attended"
    }


def test_attendance_waits_for_the_day_and_not_for_a_cancelled_meeting(taskforce, admin):
    meeting = factories.meeting(on=date(2027, 1, 14))
    with pytest.raises(ServiceError) as refused:
        record(meeting, taskforce, today=date(2027, 1, 13), **everyone())
    assert "from the day of the meeting, 14 January 2027" in refused.value.errors["meeting"]
    record(meeting, taskforce, today=date(2027, 1, 14), **everyone())
    other = factories.meeting(on=date(2026, 10, 15))
    meetings.cancel(other.id, version=other.version, actor=admin)
    with pytest.raises(ServiceError) as refused:
        record(other, taskforce, **everyone())
    assert "cancelled" in refused.value.errors["meeting"]


def test_attendance_rates_per_member_and_per_seat(admin):
    rep_b = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        name="Rep Birmingham",
        authority_name="Birmingham",
    )
    sub_b = factories.membership(
        role=MembershipRole.SUBSTITUTE, name="Sub Birmingham", substitute_for_id=rep_b.id
    )
    # Coventry's seat changes hands on 1 October.
    c1 = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        name="Rep Coventry One",
        authority_name="Coventry",
        end=date(2026, 9, 30),
    )
    c2 = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        name="Rep Coventry Two",
        authority_name="Coventry",
        start=date(2026, 10, 1),
    )
    m1 = factories.meeting(on=date(2026, 9, 10))
    m2 = factories.meeting(on=date(2026, 10, 15))
    m3 = factories.meeting(on=date(2026, 11, 12))
    factories.meeting(on=date(2026, 12, 3))  # not held: not counted
    factories.meeting(on=date(2025, 9, 1), held=True)  # before the year: not counted

    def answer(meeting, answers):
        attendance.record_attendance(meeting.id, answers, actor=admin, today=LATER)

    answer(m1, {rep_b.id: P, c1.id: P})
    answer(m2, {rep_b.id: S, c2.id: X})
    answer(m3, {rep_b.id: A, c2.id: P})
    # Someone added afterwards, back-dated: expected at m3, but nothing recorded.
    late = factories.membership(name="Back Dated", start=date(2026, 11, 1))
    assert sub_b.id not in {r.membership.id for r in attendance.expected(m3)}

    rates = attendance.attendance_rates(
        factories.body().id, start=date(2025, 12, 7), end=date(2026, 12, 6)
    )
    assert [m.id for m in rates.meetings] == [m1.id, m2.id, m3.id]
    members = {r.label: r for r in rates.members}
    b = members["Rep Birmingham"]
    assert (b.expected, b.present, b.substitute, b.apologies, b.absent) == (3, 1, 1, 1, 0)
    assert b.rate == pytest.approx(2 / 3) and b.percent == "67%"
    assert (members["Rep Coventry One"].expected, members["Rep Coventry One"].percent) == (
        1,
        "100%",
    )
    two = members["Rep Coventry Two"]
    assert (two.expected, two.present, two.absent, two.percent) == (2, 1, 1, "50%")
    back = members["Back Dated"]
    assert (back.expected, back.not_recorded, back.percent) == (1, 1, "0%")
    assert late.id
    seats = {r.label: r for r in rates.seats}
    coventry = seats["Public service representative, Coventry"]
    assert (coventry.expected, coventry.filled, coventry.percent) == (3, 2, "67%")
    birmingham = seats["Public service representative, Birmingham"]
    assert (birmingham.expected, birmingham.filled) == (3, 2)
    assert "Sub Birmingham" not in members
