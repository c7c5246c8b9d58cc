"""Commitments: added and changed with their words as typed, progress recorded as a
history, overdue by the UK date, implemented within a window by their history, and
stale forms refused."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AuditEvent,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    CommitmentUpdate,
    Role,
)
from engage.services.accountability import commitments, periods
from engage.services.accountability.commitments import CommitmentInput, UpdateInput
from engage.services.common.transaction import Conflict, ServiceError
from tests import factories

TRICKY = "Publish <b>pay gap</b> data & act on it"


@pytest.fixture
def actor(ctx):
    return factories.user(role=Role.SECRETARIAT)


def add(actor, title="Publish ethnicity pay gap data", **fields) -> Commitment:
    data = CommitmentInput(
        kind=fields.pop("kind", CommitmentKind.STRATEGIC),
        title=title,
        owner=fields.pop("owner", "WMCA Director of Inclusive Communities"),
        **fields,
    )
    return commitments.add(data, actor=actor)


def move(actor, commitment, status, note="", *, at=None, today=date(2026, 11, 23), links=""):
    update = commitments.add_update(
        commitment.id,
        UpdateInput(status=status, note=note, evidence_links=links),
        version=commitment.version,
        actor=actor,
        today=today,
    )
    if at is not None:  # back-dated, as if recorded then
        update.recorded_at = at
        db.session.commit()
    return update


def created(commitment, at: datetime) -> None:
    commitment.created_at = at
    db.session.commit()


def test_a_commitment_is_added_with_its_words_as_typed_and_audited(actor):
    made = add(
        actor,
        TRICKY,
        kind=CommitmentKind.REPORT_RECOMMENDATION,
        source="  Golden Decade report  ",
        reference="R3",
        description="Line one\r\nLine <two>",
        due_on=date(2027, 3, 31),
    )
    assert made.title == TRICKY and made.description == "Line one\nLine <two>"
    assert made.source == "Golden Decade report" and made.status is CommitmentStatus.NOT_STARTED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "commitment.added"))
    assert (event.object_id, event.detail) == (made.id, "kind=report_recommendation")
    assert TRICKY not in event.detail


def test_what_is_missing_or_too_long_is_said_for_every_field(actor):
    with pytest.raises(ServiceError) as refused:
        commitments.add(
            CommitmentInput(
                kind=CommitmentKind.REPORT_RECOMMENDATION,
                title=" ",
                owner="",
                reference="x" * 61,
                due_on=date(2199, 1, 1),
            ),
            actor=actor,
        )
    errors = refused.value.errors
    assert set(errors) == {"title", "owner", "source", "reference", "due_on"}
    assert errors["source"] == "Enter the report the recommendation comes from"
    assert "1 character too many" in str(errors["reference"])
    no_kind = commitments.commitment_problems(CommitmentInput(kind=None, title="T", owner="O"))
    assert list(no_kind) == ["kind"]
    assert db.session.scalar(select(Commitment)) is None


def test_a_reference_is_used_once_per_source(actor):
    add(actor, kind=CommitmentKind.REPORT_RECOMMENDATION, source="Golden Decade", reference="R3")
    problems = commitments.commitment_problems(
        CommitmentInput(
            kind=CommitmentKind.REPORT_RECOMMENDATION,
            title="Another",
            owner="O",
            source="golden decade",
            reference="r3",
        )
    )
    assert "already on the register" in problems["reference"]
    other = CommitmentInput(
        kind=CommitmentKind.REPORT_RECOMMENDATION,
        title="Another",
        owner="O",
        source="Another report",
        reference="R3",
    )
    assert commitments.commitment_problems(other) == {}


def test_progress_is_a_history_and_closing_records_the_day(actor):
    made = add(actor)
    move(actor, made, CommitmentStatus.ON_TRACK, "Data gathered", links="https://a.example/x")
    move(actor, made, CommitmentStatus.IMPLEMENTED, "Published", today=date(2026, 12, 1))
    assert made.status is CommitmentStatus.IMPLEMENTED and made.closed_on == date(2026, 12, 1)
    move(actor, made, CommitmentStatus.AT_RISK, "Figures withdrawn for errors")
    assert made.closed_on is None
    history = [(u.status, u.note) for u in made.updates]
    assert history == [
        (CommitmentStatus.ON_TRACK, "Data gathered"),
        (CommitmentStatus.IMPLEMENTED, "Published"),
        (CommitmentStatus.AT_RISK, "Figures withdrawn for errors"),
    ]
    assert made.updates[0].evidence_links == "https://a.example/x"
    assert made.updates[0].recorded_by_id == actor.id
    details = db.session.scalars(
        select(AuditEvent.detail)
        .where(AuditEvent.action == "commitment.status_updated")
        .order_by(AuditEvent.id)
    ).all()
    assert details == [
        "from=not_started to=on_track links=1",
        "from=on_track to=implemented links=0",
        "from=implemented to=at_risk links=0",
    ]


def test_an_update_needs_a_new_status_or_a_note(actor):
    made = add(actor)
    problems = commitments.update_problems(
        made.id, UpdateInput(status=CommitmentStatus.NOT_STARTED)
    )
    assert "already not started" in problems["note"]
    assert commitments.update_problems(made.id, UpdateInput(status=None)) == {
        "status": "Select the commitment's status"
    }
    move(actor, made, CommitmentStatus.NOT_STARTED, "Owner appointed")
    assert made.updates[-1].note == "Owner appointed"


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "www.wmca.org.uk/report",
        "ftp://files.example.org/a.pdf",
        "https://wmca.org.uk/a b",
        "https://user:secret@wmca.org.uk/",
        "https://localhost/",
        "http://[::1",
        "https://" + "a" * 500 + ".org",
    ],
)
def test_evidence_links_must_be_web_links(actor, typed):
    made = add(actor)
    problems = commitments.update_problems(
        made.id,
        UpdateInput(
            status=CommitmentStatus.ON_TRACK, evidence_links=f"https://ok.example.org\n\n{typed}"
        ),
    )
    assert problems == {"evidence_links": commitments.LINK_PROBLEM.format(number=3)}


def test_evidence_links_are_kept_one_a_line(actor):
    made = add(actor)
    typed = "  https://www.wmca.org.uk/board-paper.pdf \r\n\r\nHTTP://example.org/a?b=1&c=<2>\n"
    update = move(actor, made, CommitmentStatus.ON_TRACK, links=typed)
    assert update.evidence_links == (
        "https://www.wmca.org.uk/board-paper.pdf\nHTTP://example.org/a?b=1&c=<2>"
    )
    assert commitments.links_of(update.evidence_links)[1] == "HTTP://example.org/a?b=1&c=<2>"


def test_a_stale_form_changes_nothing(actor):
    made = add(actor)
    seen = made.version
    changed = commitments.change(
        made.id,
        CommitmentInput(kind=CommitmentKind.STRATEGIC, title="New title", owner=made.owner),
        version=seen,
        actor=actor,
    )
    assert changed == ["title"] and made.version == seen + 1
    with pytest.raises(Conflict):
        commitments.change(
            made.id,
            CommitmentInput(kind=CommitmentKind.STRATEGIC, title="Stale title", owner="O"),
            version=seen,
            actor=actor,
        )
    with pytest.raises(Conflict):
        commitments.add_update(
            made.id,
            UpdateInput(status=CommitmentStatus.ON_TRACK, note="n"),
            version=seen,
            actor=actor,
            today=date(2026, 11, 23),
        )
    db.session.expire_all()
    assert db.session.get(Commitment, made.id).title == "New title"
    assert db.session.scalar(select(CommitmentUpdate)) is None
    unchanged = commitments.change(
        made.id,
        CommitmentInput(kind=CommitmentKind.STRATEGIC, title="New title", owner=made.owner),
        version=made.version,
        actor=actor,
    )
    assert unchanged == []
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("commitment.changed") == 1


def test_overdue_means_due_before_today_and_still_open(actor):
    today = date(2026, 11, 23)
    due_yesterday = add(actor, "A", due_on=today - timedelta(days=1))
    add(actor, "B", due_on=today)
    add(actor, "C")
    done = add(actor, "D", due_on=today - timedelta(days=30))
    move(actor, done, CommitmentStatus.DROPPED, "Superseded")
    at_risk = add(actor, "E", due_on=today - timedelta(days=10))
    move(actor, at_risk, CommitmentStatus.AT_RISK, "Behind")
    assert [c.title for c in commitments.overdue(today)] == ["E", "A"]
    assert commitments.days_overdue(due_yesterday, today) == 1
    assert commitments.days_overdue(done, today) == 0
    assert commitments.is_overdue(due_yesterday, today)
    assert not commitments.is_overdue(due_yesterday, today - timedelta(days=1))


def test_overdue_at_a_meeting_follows_the_history_by_uk_days(actor):
    # Late on 30 June in UTC is already 1 July in the UK (summer time).
    just_after_midnight = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    made = add(actor, "Implemented just after midnight", due_on=date(2026, 6, 1))
    created(made, datetime(2026, 5, 1, tzinfo=UTC))
    move(actor, made, CommitmentStatus.IMPLEMENTED, "Done", at=just_after_midnight)
    # Still open as 1 July began in the UK: overdue at a meeting that day, not the next.
    assert [c.id for c in commitments.overdue_at(date(2026, 7, 1))] == [made.id]
    assert commitments.overdue_at(date(2026, 7, 2)) == []
    assert commitments.status_on(made, date(2026, 6, 30)) is CommitmentStatus.NOT_STARTED
    assert commitments.status_on(made, date(2026, 7, 1)) is CommitmentStatus.IMPLEMENTED
    # Not yet on the register: not overdue at a meeting before it was added.
    later = add(actor, "Added in August", due_on=date(2026, 6, 1))
    created(later, datetime(2026, 8, 10, 9, tzinfo=UTC))
    assert commitments.overdue_at(date(2026, 8, 9)) == []
    assert [c.id for c in commitments.overdue_at(date(2026, 8, 10))] == [later.id]
    assert commitments.latest_update(made, by=date(2026, 6, 30)) is None
    assert commitments.latest_update(made, by=date(2026, 7, 1)).note == "Done"


def test_implemented_in_a_window_by_the_history(actor):
    def at(month, day):
        return datetime(2026, month, day, 12, tzinfo=UTC)

    q1 = periods.quarter(2026, 1)  # April to June 2026
    plain = add(actor, "Implemented in May")
    move(actor, plain, CommitmentStatus.ON_TRACK, at=at(4, 10))
    move(actor, plain, CommitmentStatus.IMPLEMENTED, at=at(5, 5))
    reopened_within = add(actor, "Implemented then reopened in June")
    move(actor, reopened_within, CommitmentStatus.IMPLEMENTED, at=at(5, 6))
    move(actor, reopened_within, CommitmentStatus.AT_RISK, at=at(6, 1))
    move(actor, reopened_within, CommitmentStatus.IMPLEMENTED, at=at(8, 1))
    reopened_later = add(actor, "Implemented in June, reopened in July")
    move(actor, reopened_later, CommitmentStatus.IMPLEMENTED, at=at(6, 20))
    move(actor, reopened_later, CommitmentStatus.ON_TRACK, at=at(7, 2))
    dropped = add(actor, "Dropped")
    move(actor, dropped, CommitmentStatus.DROPPED, "No budget", at=at(5, 1))
    boundary = add(actor, "Implemented as 1 July began in the UK")
    move(actor, boundary, CommitmentStatus.IMPLEMENTED, at=datetime(2026, 6, 30, 23, 1, tzinfo=UTC))

    titles = [c.title for c in commitments.implemented_in(q1.start, q1.end)]
    assert titles == ["Implemented in May", "Implemented in June, reopened in July"]
    q2 = periods.quarter(2026, 2)
    titles = [c.title for c in commitments.implemented_in(q2.start, q2.end)]
    assert titles == ["Implemented as 1 July began in the UK", "Implemented then reopened in June"]
    # A note added while implemented does not move the day it was implemented.
    move(actor, plain, CommitmentStatus.IMPLEMENTED, "Evidence added", at=at(9, 1))
    assert plain in commitments.implemented_in(q1.start, q1.end)
    assert plain not in commitments.implemented_in(q2.start, q2.end)


def test_tracked_on_and_the_summary(actor):
    def at(month, day):
        return datetime(2026, month, day, 12, tzinfo=UTC)

    first = add(actor, "Strategic, on track", due_on=date(2026, 9, 30))
    created(first, at(4, 2))
    move(actor, first, CommitmentStatus.ON_TRACK, at=at(5, 1))
    second = add(
        actor, "Recommendation", kind=CommitmentKind.REPORT_RECOMMENDATION, source="Golden Decade"
    )
    created(second, at(5, 2))
    move(actor, second, CommitmentStatus.IMPLEMENTED, at=at(6, 1))
    later = add(actor, "Added in the next quarter")
    created(later, at(8, 1))

    assert [c.title for c in commitments.tracked_on(date(2026, 5, 1))] == ["Strategic, on track"]
    assert len(commitments.tracked_on(date(2026, 8, 1))) == 3

    q1 = periods.quarter(2026, 1)
    then = commitments.summary(q1, today=date(2026, 11, 23))
    assert then["as_of"] == date(2026, 6, 30) and then["total"] == 2
    assert then["by_status"][CommitmentStatus.ON_TRACK] == 1
    assert then["by_status"][CommitmentStatus.IMPLEMENTED] == 1
    assert then["by_status"][CommitmentStatus.AT_RISK] == 0
    assert then["by_kind"] == {
        CommitmentKind.STRATEGIC: 1,
        CommitmentKind.REPORT_RECOMMENDATION: 1,
    }
    assert then["implemented_in_period"] == 1 and then["overdue"] == 0

    now = commitments.summary(today=date(2026, 11, 23))
    assert now["total"] == 3 and now["overdue"] == 1 and now["implemented_in_period"] is None
    assert now["by_kind_status"][CommitmentKind.STRATEGIC][CommitmentStatus.NOT_STARTED] == 1
    # A period still running is counted as at today.
    running = commitments.summary(periods.quarter(2026, 3), today=date(2026, 11, 23))
    assert running["as_of"] == date(2026, 11, 23) and running["overdue"] == 1
