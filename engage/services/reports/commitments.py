"""The annual report's section on commitments: strategic equity commitments and the
recommendations of equity-related reports, by status and kind as they stood at the end
of the year (or today, while it is under way), the overdue ones, and those implemented
during the year. A commitment's status at a moment is its last recorded update before
then; one with no update yet is as it was created."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, exists, func, literal, select

from engage import clock
from engage.extensions import db
from engage.models import Commitment, CommitmentKind, CommitmentStatus, CommitmentUpdate
from engage.services.accountability import periods
from engage.services.meetings.common import day_bounds
from engage.services.reports import blocks

CLOSED = [s for s in CommitmentStatus if s.is_closed]


def _status_at(cut):
    """The status as at the UTC moment `cut`, as an SQL expression."""
    last = (
        select(CommitmentUpdate.status)
        .where(CommitmentUpdate.commitment_id == Commitment.id, CommitmentUpdate.recorded_at < cut)
        .order_by(CommitmentUpdate.recorded_at.desc(), CommitmentUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # Updated only later: it had not started by then.
    later = exists().where(CommitmentUpdate.commitment_id == Commitment.id)
    before_any = case((later, literal(CommitmentStatus.NOT_STARTED.value)), else_=Commitment.status)
    return func.coalesce(last, before_any, type_=Commitment.status.type)


def _cut(last_day: date):
    """The UTC moment the day after `last_day` starts in the UK."""
    return day_bounds(last_day)[1]


def by_status_and_kind(last_day: date) -> dict[tuple[CommitmentStatus, CommitmentKind], int]:
    cut = _cut(last_day)
    inner = (
        select(_status_at(cut).label("status"), Commitment.kind.label("kind"))
        .where(Commitment.created_at < cut)
        .subquery()
    )
    rows = db.session.execute(
        select(inner.c.status, inner.c.kind, func.count()).group_by(inner.c.status, inner.c.kind)
    ).all()
    return {(CommitmentStatus(status), CommitmentKind(kind)): n for status, kind, n in rows}


def overdue(last_day: date, due_before: date) -> list[list]:
    cut = _cut(last_day)
    status = _status_at(cut)
    rows = db.session.execute(
        select(Commitment, status)
        .where(
            Commitment.created_at < cut,
            Commitment.due_on.is_not(None),
            Commitment.due_on < due_before,
            status.not_in([s.value for s in CLOSED]),
        )
        .order_by(Commitment.due_on, Commitment.id)
    ).all()
    return [
        [_name(c), c.owner, clock.format_date(c.due_on), CommitmentStatus(s).label] for c, s in rows
    ]


def implemented(period: periods.Period) -> list[list]:
    start, end = period.utc_bounds()
    first = (
        select(
            CommitmentUpdate.commitment_id,
            func.min(CommitmentUpdate.recorded_at).label("on"),
        )
        .where(
            CommitmentUpdate.status == CommitmentStatus.IMPLEMENTED,
            CommitmentUpdate.recorded_at >= start,
            CommitmentUpdate.recorded_at < end,
        )
        .group_by(CommitmentUpdate.commitment_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Commitment, first.c.on)
        .join(first, first.c.commitment_id == Commitment.id)
        .order_by(first.c.on, Commitment.id)
    ).all()
    return [[_name(c), c.owner, clock.format_date(on)] for c, on in rows]


def _name(commitment: Commitment) -> str:
    source = ", ".join(part for part in (commitment.source, commitment.reference) if part)
    return f"{commitment.title} ({source})" if source else commitment.title


def _counts_figure(counts: dict, on: str) -> dict:
    kinds = list(CommitmentKind)
    statuses = list(CommitmentStatus)
    rows = []
    for status in statuses:
        line = [counts.get((status, kind), 0) for kind in kinds]
        rows.append([status.label, *line, sum(line)])
    totals = [sum(counts.get((s, kind), 0) for s in statuses) for kind in kinds]
    rows.append(["All", *totals, sum(totals)])
    return blocks.figure(
        f"Commitments by status on {on}",
        labels=[s.label for s in statuses],
        series=[
            {"name": kind.label, "values": [counts.get((s, kind), 0) for s in statuses]}
            for kind in kinds
        ],
        columns=["Status", *[kind.label for kind in kinds], "All"],
        rows=rows,
        y_label="Commitments",
    )


def section(period: periods.Period, last_day: date) -> dict:
    complete = last_day >= period.end - timedelta(days=1)
    due_before = period.end if complete else last_day
    on = clock.format_date(last_day)
    counts = by_status_and_kind(last_day)
    content: list[dict] = [
        blocks.paragraph(
            "The strategic equity commitments of the combined authority and its partners, "
            "and the recommendations of equity-related reports such as the "
            "\u201cGolden Decade\u201d, that the Taskforce tracks to implementation."
        )
    ]
    if not counts:
        content.append(blocks.paragraph(f"No commitments were being tracked on {on}."))
        return {"heading": "Commitments", "blocks": content}
    content.append(_counts_figure(counts, on))
    late = overdue(last_day, due_before)
    content.append(
        blocks.table(f"Overdue on {on}", ["Commitment", "Owner", "Due", "Status"], late)
        if late
        else blocks.paragraph(f"No commitment was overdue on {on}.")
    )
    done = implemented(period)
    content.append(
        blocks.table(
            f"Implemented in {period.label}", ["Commitment", "Owner", "Implemented on"], done
        )
        if done
        else blocks.paragraph(f"No commitment was recorded as implemented in {period.label}.")
    )
    return {"heading": "Commitments", "blocks": content}
