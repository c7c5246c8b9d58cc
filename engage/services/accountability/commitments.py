"""Commitments: strategic equity commitments of the combined authority and the
recommendations of equity-related reports (the terms of reference name the "Golden
Decade"), each tracked to implementation through a history of status updates.

A commitment's status changes only by adding an update (a note and its evidence), so
its history says who moved it, when and why. It is overdue on a day when its due date
is before that day and it is neither implemented nor dropped.

Days are UK days (engage.clock): an update made at 00:30 on 1 April in summer time is
an update of 1 April, though stored as 23:30 UTC on 31 March. Windows given as
(start, end) include `start` and exclude `end`, as a reporting period's `end` is the
first day after it (engage.services.accountability.periods)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from engage import clock
from engage.extensions import db
from engage.models import Commitment, CommitmentKind, CommitmentStatus, CommitmentUpdate
from engage.services.accountability.periods import Period
from engage.services.common import audit
from engage.services.common.audit import Actor
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.meetings.common import line, paragraphs

log = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 300
SOURCE_MAX_LENGTH = 300
REFERENCE_MAX_LENGTH = 60
OWNER_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 3000
LINKS_MAX_LENGTH = 5000
LINK_MAX_LENGTH = 500
OUT_OF_RANGE = "Enter a date between 2000 and 2100, for example 31 March 2027"
LINK_PROBLEM = (
    "Line {number} is not a web link. Enter each link in full, starting with https:// "
    "or http://, one on each line"
)
# The fields a change of details may touch, in the order the audit log names them.
DETAIL_FIELDS = ("kind", "source", "reference", "title", "description", "owner", "due_on")


@dataclass
class CommitmentInput:
    """What the secretariat enters. None where the form's own answer is missing or
    unreadable: the rest is still checked, so every problem shows at once."""

    kind: CommitmentKind | None
    title: str | None
    owner: str | None
    source: str | None = ""
    reference: str | None = ""
    description: str | None = ""
    due_on: date | None = None


@dataclass
class UpdateInput:
    status: CommitmentStatus | None
    note: str | None = ""
    evidence_links: str | None = ""


# Evidence links, shared with the registers ------------------------------------------


def _link_problem(link: str) -> bool:
    if len(link) > LINK_MAX_LENGTH or any(c.isspace() for c in link):
        return True
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:  # such as an unclosed "[" in the host
        return True
    return (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or "." not in host
        or parts.username is not None
        or parts.password is not None
    )


def evidence_links(errors: dict[str, str], field: str, value: str | None) -> str:
    """Links typed one a line, as stored: each line trimmed, blank lines dropped.
    Records a problem in `errors` for the first line that is not an http(s) link."""
    text = paragraphs(errors, field, value, LINKS_MAX_LENGTH)
    if field in errors:
        return text
    links = []
    for number, typed in enumerate(text.split("\n"), start=1):
        link = typed.strip()
        if not link:
            continue
        if _link_problem(link):
            errors[field] = LINK_PROBLEM.format(number=number)
            return text
        links.append(link)
    return "\n".join(links)


def links_of(stored: str) -> list[str]:
    return [link for link in (stored or "").split("\n") if link]


# Days and history -----------------------------------------------------------------------


def _utc(day: date) -> datetime:
    """The UTC moment a UK day begins."""
    return datetime.combine(day, time.min, tzinfo=clock.LONDON).astimezone(UTC)


def _local(moment: datetime) -> date:
    return moment.astimezone(clock.LONDON).date()


def _history(commitment: Commitment) -> list[CommitmentUpdate]:
    return sorted(commitment.updates, key=lambda u: (u.recorded_at, u.id))


def status_before(commitment: Commitment, moment: datetime) -> CommitmentStatus | None:
    """Its status just before `moment` (None if it was not yet on the register)."""
    if commitment.created_at >= moment:
        return None
    earlier = [u for u in _history(commitment) if u.recorded_at < moment]
    return earlier[-1].status if earlier else CommitmentStatus.NOT_STARTED


def status_on(commitment: Commitment, day: date) -> CommitmentStatus | None:
    """Its status at the end of the UK day `day` (None if added later)."""
    return status_before(commitment, _utc(day + timedelta(days=1)))


def latest_update(commitment: Commitment, by: date | None = None) -> CommitmentUpdate | None:
    """The last update made on or before the day `by` (any day if None)."""
    history = _history(commitment)
    if by is not None:
        end = _utc(by + timedelta(days=1))
        history = [u for u in history if u.recorded_at < end]
    return history[-1] if history else None


def is_overdue(commitment: Commitment, today: date) -> bool:
    return (
        commitment.due_on is not None
        and commitment.due_on < today
        and not commitment.status.is_closed
    )


def days_overdue(commitment: Commitment, today: date) -> int:
    """Days since its due date (0 when it is not overdue)."""
    return (today - commitment.due_on).days if is_overdue(commitment, today) else 0


def _with_updates():
    return select(Commitment).options(selectinload(Commitment.updates))


def _register_order(c: Commitment) -> tuple:
    return (c.due_on is None, c.due_on or date.max, c.reference.lower(), c.id)


# Reading ---------------------------------------------------------------------------------


def get(commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(commitment_id)
    return commitment


OPEN = "open"  # the list's filter for "neither implemented nor dropped"


def listing(
    today: date,
    *,
    status: CommitmentStatus | str | None = None,
    kind: CommitmentKind | None = None,
    overdue_only: bool = False,
) -> list[Commitment]:
    """The register as the list shows it: open ones first, earliest due first.
    `status` is a status, OPEN, or None for any."""
    query = _with_updates()
    if status == OPEN:
        query = query.where(Commitment.status.not_in([s for s in CommitmentStatus if s.is_closed]))
    elif status is not None:
        query = query.where(Commitment.status == status)
    if kind is not None:
        query = query.where(Commitment.kind == kind)
    if overdue_only:
        query = query.where(
            Commitment.due_on < today,
            Commitment.status.not_in([s for s in CommitmentStatus if s.is_closed]),
        )
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda c: (c.status.is_closed, *_register_order(c)))


def overdue(today: date) -> list[Commitment]:
    """Open commitments whose due date is before `today`, most overdue first."""
    return listing(today, overdue_only=True)


def overdue_at(day: date) -> list[Commitment]:
    """Commitments overdue as the day `day` began, from their history: on the register
    by that day, due before it, and not implemented or dropped before it. (One closed
    on the day itself was still overdue when a meeting that day began.) For a day still
    to come, the history so far is all there is: so a pack built before its meeting
    shows what will be overdue by then unless something changes."""
    start = _utc(day)
    end = _utc(day + timedelta(days=1))
    rows = db.session.scalars(
        _with_updates().where(Commitment.due_on < day, Commitment.created_at < end)
    ).all()
    found = []
    for commitment in rows:
        before = status_before(commitment, start)
        if before is None or not before.is_closed:
            found.append(commitment)
    return sorted(found, key=_register_order)


def tracked_on(day: date) -> list[Commitment]:
    """Every commitment on the register by the end of the day `day`, whatever its
    status then (use status_on for that): what the Taskforce was tracking."""
    end = _utc(day + timedelta(days=1))
    rows = db.session.scalars(_with_updates().where(Commitment.created_at < end)).all()
    return sorted(rows, key=_register_order)


def implemented_in(start: date, end: date) -> list[Commitment]:
    """Commitments that became implemented on a day in [start, end) and were still
    implemented at the end of it (one reopened within the window does not count; one
    reopened later still counts for this window). Earliest implemented first."""
    lower, upper = _utc(start), _utc(end)
    candidates = db.session.scalars(
        _with_updates().where(
            Commitment.id.in_(
                select(CommitmentUpdate.commitment_id).where(
                    CommitmentUpdate.status == CommitmentStatus.IMPLEMENTED,
                    CommitmentUpdate.recorded_at >= lower,
                    CommitmentUpdate.recorded_at < upper,
                )
            )
        )
    ).all()
    found = []
    for commitment in candidates:
        history = [u for u in _history(commitment) if u.recorded_at < upper]
        if not history or history[-1].status is not CommitmentStatus.IMPLEMENTED:
            continue
        first = len(history) - 1
        while first > 0 and history[first - 1].status is CommitmentStatus.IMPLEMENTED:
            first -= 1
        if history[first].recorded_at >= lower:
            found.append((history[first].recorded_at, commitment.id, commitment))
    return [commitment for *_, commitment in sorted(found)]


def summary(period: Period | None = None, *, today: date | None = None) -> dict:
    """Counts by status and by kind: now (no period), or as at the end of a period (or
    at `today`, for the period still running), with how many were implemented in it.

    {"as_of": date, "total": int, "overdue": int,
     "by_status": {CommitmentStatus: int}, "by_kind": {CommitmentKind: int},
     "by_kind_status": {CommitmentKind: {CommitmentStatus: int}},
     "implemented_in_period": int | None}
    Every status and kind is a key, in their order, zeros included."""
    today = today or clock.today()
    if period is None:
        as_of = today
        rows = [(c, c.status) for c in db.session.scalars(_with_updates()).all()]
        overdue_count = sum(1 for c, _ in rows if is_overdue(c, today))
        implemented = None
    else:
        as_of = min(period.end - timedelta(days=1), today)
        rows = [(c, status_on(c, as_of)) for c in tracked_on(as_of)]
        # A finished period: overdue the morning after it; one still running: today.
        overdue_day = as_of + timedelta(days=1) if as_of < today else today
        overdue_count = sum(
            1
            for c, s in rows
            if c.due_on is not None and c.due_on < overdue_day and not s.is_closed
        )
        implemented = len(implemented_in(period.start, period.end))
    by_status = {status: 0 for status in CommitmentStatus}
    by_kind = {kind: 0 for kind in CommitmentKind}
    by_kind_status = {kind: {status: 0 for status in CommitmentStatus} for kind in CommitmentKind}
    for commitment, status in rows:
        by_status[status] += 1
        by_kind[commitment.kind] += 1
        by_kind_status[commitment.kind][status] += 1
    return {
        "as_of": as_of,
        "total": len(rows),
        "overdue": overdue_count,
        "by_status": by_status,
        "by_kind": by_kind,
        "by_kind_status": by_kind_status,
        "implemented_in_period": implemented,
    }


# Adding and changing -------------------------------------------------------------------


def _validate(data: CommitmentInput, *, editing: Commitment | None) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    if data.kind is None:
        errors["kind"] = "Select whether it is a strategic commitment or a report's recommendation"
    source = line(errors, "source", data.source, SOURCE_MAX_LENGTH)
    if data.kind is CommitmentKind.REPORT_RECOMMENDATION and not source and "source" not in errors:
        errors["source"] = "Enter the report the recommendation comes from"
    reference = line(errors, "reference", data.reference, REFERENCE_MAX_LENGTH)
    title = line(
        errors, "title", data.title, TITLE_MAX_LENGTH, required="Enter what was committed to"
    )
    description = paragraphs(errors, "description", data.description, DESCRIPTION_MAX_LENGTH)
    owner = line(
        errors, "owner", data.owner, OWNER_MAX_LENGTH, required="Enter who is responsible for it"
    )
    if data.due_on is not None and not 2000 <= data.due_on.year <= 2100:
        errors["due_on"] = OUT_OF_RANGE
    if reference and "reference" not in errors and "source" not in errors:
        query = select(Commitment.id).where(
            func.lower(Commitment.source) == source.lower(),
            func.lower(Commitment.reference) == reference.lower(),
        )
        if editing is not None:
            query = query.where(Commitment.id != editing.id)
        if db.session.scalar(query.limit(1)) is not None:
            errors["reference"] = (
                f"{reference} of {source or 'this source'} is already on the register. "
                "Enter another reference, or change that commitment"
            )
    checked = {
        "kind": data.kind,
        "source": source,
        "reference": reference,
        "title": title,
        "description": description,
        "owner": owner,
        "due_on": data.due_on,
    }
    return errors, checked


def commitment_problems(data: CommitmentInput, *, editing_id: int | None = None) -> dict:
    """Everything wrong with a commitment as entered, changing nothing."""
    editing = db.session.get(Commitment, editing_id) if editing_id is not None else None
    return _validate(data, editing=editing)[0]


def _user_id(actor: Actor) -> int | None:
    who = audit.as_actor(actor)
    return who.user.id if who.user else None


@transactional
def add(data: CommitmentInput, *, actor: Actor) -> Commitment:
    errors, checked = _validate(data, editing=None)
    if errors:
        raise ServiceError(errors)
    commitment = Commitment(
        **checked, status=CommitmentStatus.NOT_STARTED, created_by_id=_user_id(actor)
    )
    db.session.add(commitment)
    db.session.flush()
    audit.record(
        "commitment.added",
        actor=actor,
        object_type="commitment",
        object_id=commitment.id,
        detail=f"kind={commitment.kind.value}",
    )
    log.info("commitment_added", extra={"commitment_id": commitment.id})
    return commitment


def _flush(commitment_id: int) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(commitment_id) from None


@transactional
def change(commitment_id: int, data: CommitmentInput, *, version: int, actor: Actor) -> list:
    """Change a commitment's details (not its status: that is an update). Returns the
    names of the fields changed; nothing is written when none did."""
    commitment = get(commitment_id)
    if commitment.version != version:
        raise Conflict(commitment_id)
    errors, checked = _validate(data, editing=commitment)
    if errors:
        raise ServiceError(errors)
    changed = [name for name in DETAIL_FIELDS if getattr(commitment, name) != checked[name]]
    if not changed:
        return []
    for name in changed:
        setattr(commitment, name, checked[name])
    _flush(commitment_id)
    audit.record(
        "commitment.changed",
        actor=actor,
        object_type="commitment",
        object_id=commitment.id,
        detail="changed=" + ",".join(changed),
    )
    log.info("commitment_changed", extra={"commitment_id": commitment.id})
    return changed


def _validate_update(commitment: Commitment, data: UpdateInput) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    if data.status is None:
        errors["status"] = "Select the commitment's status"
    note = paragraphs(errors, "note", data.note, NOTE_MAX_LENGTH)
    links = evidence_links(errors, "evidence_links", data.evidence_links)
    if (
        data.status is commitment.status
        and not note.strip()
        and "status" not in errors
        and "note" not in errors
    ):
        errors["note"] = (
            f"The commitment is already {commitment.status.label.lower()}. Choose a new "
            "status, or write a note about its progress"
        )
    return errors, {"note": note, "links": links}


def update_problems(commitment_id: int, data: UpdateInput) -> dict:
    return _validate_update(get(commitment_id), data)[0]


@transactional
def add_update(
    commitment_id: int, data: UpdateInput, *, version: int, actor: Actor, today: date
) -> CommitmentUpdate:
    """Record progress: the new status (or the same, with a note) and its evidence.
    Moving to implemented or dropped records the day it closed; reopening clears it."""
    commitment = get(commitment_id)
    if commitment.version != version:
        raise Conflict(commitment_id)
    errors, checked = _validate_update(commitment, data)
    if errors:
        raise ServiceError(errors)
    previous = commitment.status
    if data.status is not previous:
        commitment.status = data.status
        commitment.closed_on = today if data.status.is_closed else None
    update = CommitmentUpdate(
        commitment=commitment,
        status=data.status,
        note=checked["note"],
        evidence_links=checked["links"],
        recorded_by_id=_user_id(actor),
    )
    db.session.add(update)
    _flush(commitment_id)
    audit.record(
        "commitment.status_updated",
        actor=actor,
        object_type="commitment",
        object_id=commitment.id,
        detail=f"from={previous.value} to={data.status.value} "
        f"links={len(links_of(checked['links']))}",
    )
    log.info("commitment_updated", extra={"commitment_id": commitment.id})
    return update
