"""The demo's commitments and registers: made through the services, with histories,
two overdue, entries in this financial year and the last, and the review not yet due."""

from datetime import date

from sqlalchemy import func, select

from engage import demo_commitments
from engage.extensions import db
from engage.models import AuditEvent, Commitment, CommitmentStatus, RegisterKind, Role
from engage.services.accountability import commitments, housekeeping, periods, registers
from tests import factories


def test_the_demo_commitments_and_registers(ctx):
    today = date(2026, 12, 6)
    user = factories.user(role=Role.SECRETARIAT, email=demo_commitments.SECRETARIAT_EMAIL)
    demo_commitments.load(today)
    demo_commitments.load(today)  # once only
    assert db.session.scalar(select(func.count()).select_from(Commitment)) == len(
        demo_commitments.COMMITMENTS
    )
    late = commitments.overdue(today)
    assert [c.reference for c in late] == ["GD-R1", "GD-R9"]
    assert [u.status for u in late[0].updates] == [
        CommitmentStatus.ON_TRACK,
        CommitmentStatus.AT_RISK,
    ]
    assert late[0].created_at < late[0].updates[0].recorded_at < late[0].updates[1].recorded_at
    this_year, last_year = periods.year(2026), periods.year(2025)
    for kind in RegisterKind:
        assert registers.count(kind, this_year.start, this_year.end) >= 1
        assert registers.count(kind, last_year.start, last_year.end) >= 1
    assert registers.funding_pence(this_year.start, this_year.end) == 2_825_050
    implemented = commitments.implemented_in(date(2026, 4, 1), date(2026, 12, 7))
    assert [c.reference for c in implemented] == ["GD-R7"]
    assert not housekeeping.review_status(today).needs_action
    actors = db.session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.action != "user.created")
    )
    assert set(actors) == {user.id}


def test_a_demo_started_after_may_2027_shows_the_review_done(ctx):
    factories.user(role=Role.SECRETARIAT, email=demo_commitments.SECRETARIAT_EMAIL)
    demo_commitments.load(date(2027, 6, 15))
    status = housekeeping.review_status(date(2027, 6, 15))
    assert status.last is not None and not status.needs_action
