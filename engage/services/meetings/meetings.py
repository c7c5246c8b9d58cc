"""Scheduling meetings: one at a time, or a year's in one step; editing and cancelling.

Dates and times are entered as UK clock time and stored in UTC. A body meets at most
once a day: a second meeting on a day that already has one (not cancelled) is refused,
and a year's schedule skips such days and says which."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engage.clock import format_date, format_time
from engage.extensions import db
from engage.models import Body, BodyKind, Meeting, MeetingStatus
from engage.models.users import User
from engage.services.common import audit
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.meetings.common import day_bounds, line, local_date, london_start

log = logging.getLogger(__name__)

PLACE_MAX_LENGTH = 300
LINK_MAX_LENGTH = 500
# A year's schedule: how many meetings at most, and how far apart.
SERIES_MAX_MEETINGS = 24
INTERVAL_UNITS = {"weeks": 52, "months": 12}
TASKFORCE_MEETINGS_A_YEAR = 6


@dataclass
class MeetingInput:
    """What the secretariat enters for a meeting. None where the form's own answer is
    missing or unreadable: the rest is still checked, so every problem shows at once."""

    body_id: int | None
    on: date | None
    at: time | None
    place: str = ""
    online_link: str = ""
    status: MeetingStatus | None = MeetingStatus.SCHEDULED


@dataclass
class SeriesInput:
    """A run of meetings of one body: the first on `first_on`, then one every
    `every` weeks or months, `count` in all, at the same time and place."""

    body_id: int | None
    first_on: date | None
    at: time | None
    count: int | None = TASKFORCE_MEETINGS_A_YEAR
    every: int | None = 2
    unit: str | None = "months"
    place: str = ""
    online_link: str = ""


@dataclass
class SeriesPlan:
    body: Body | None = None
    # The UTC start of each meeting to be made.
    starts: list[datetime] = field(default_factory=list)
    # (day, why it is left out)
    skipped: list[tuple[date, str]] = field(default_factory=list)
    place: str = ""
    online_link: str = ""


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(meeting_id)
    return meeting


def bodies() -> list[Body]:
    """Bodies that can meet: the active ones, the Taskforce first."""
    kinds = list(BodyKind)
    rows = db.session.scalars(select(Body).where(Body.active))
    return sorted(rows, key=lambda b: (kinds.index(b.kind), b.name))


def body_by_slug(slug: str) -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == slug))
    if body is None:
        raise NotFound(slug)
    return body


def meeting_date(meeting: Meeting) -> date:
    """The day of the meeting in the UK."""
    return local_date(meeting.starts_at)


def meetings_between(
    start: datetime | None, end: datetime | None, *, body_id: int | None = None
) -> list[Meeting]:
    """Meetings starting in [start, end), earliest first (either end may be open)."""
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.id)
    if start is not None:
        query = query.where(Meeting.starts_at >= start)
    if end is not None:
        query = query.where(Meeting.starts_at < end)
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    return list(db.session.scalars(query))


def recent_meetings(now: datetime, *, body_id: int | None = None, limit: int = 20) -> list:
    """The latest meetings that have started, newest first."""
    query = select(Meeting).where(Meeting.starts_at < now)
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    return list(db.session.scalars(query.order_by(Meeting.starts_at.desc()).limit(limit)))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting of the same body before this one (held or scheduled, never a
    cancelled one): what a meeting pack looks back to."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.id != meeting.id,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at < meeting.starts_at,
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    )


def _same_day(body_id: int, on: date, *, ignore: int | None = None) -> Meeting | None:
    """A meeting of the body (not cancelled) already on that UK day."""
    start, end = day_bounds(on)
    query = select(Meeting).where(
        Meeting.body_id == body_id,
        Meeting.status != MeetingStatus.CANCELLED,
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
    )
    if ignore is not None:
        query = query.where(Meeting.id != ignore)
    return db.session.scalar(query.limit(1))


def _check_link(errors: dict[str, str], field_name: str, link: str) -> None:
    if not link or field_name in errors:
        return
    parts = urlsplit(link)
    if (
        parts.scheme.lower() != "https"
        or not parts.hostname
        or any(c.isspace() for c in link)
        or parts.username
        or parts.password
    ):
        errors[field_name] = (
            "Enter the online link as the full address the meeting invitation gives, "
            "starting with https://"
        )


def _where(errors: dict[str, str], place: str | None, online_link: str | None) -> tuple[str, str]:
    place = line(errors, "place", place, PLACE_MAX_LENGTH)
    link = line(errors, "online_link", online_link, LINK_MAX_LENGTH)
    _check_link(errors, "online_link", link)
    if not place and not link and "place" not in errors and "online_link" not in errors:
        errors["place"] = "Enter where the meeting is, an online link, or both"
    return place, link


def _active_body(errors: dict[str, str], body_id: int | None) -> Body | None:
    body = db.session.get(Body, body_id) if body_id else None
    if body is None or not body.active:
        errors["body_id"] = "Select the body that is meeting"
        return None
    return body


# Services check the range too: a date near year 9999 can't have days added to it.
OUT_OF_RANGE = "Enter a date between 2000 and 2100, for example 14 January 2027"


def sensible_year(day: date) -> bool:
    return 2000 <= day.year <= 2100


def _status_problem(data: MeetingInput, *, editing: Meeting | None, today: date) -> str | None:
    status = data.status
    allowed = (
        set(MeetingStatus) if editing is not None else {MeetingStatus.SCHEDULED, MeetingStatus.HELD}
    )
    if status is None or status not in allowed:
        return "Select whether the meeting is scheduled, held or cancelled"
    if (
        editing is not None
        and editing.status is MeetingStatus.HELD
        and status is not MeetingStatus.HELD
    ):
        # As cancel() says: its attendance, decisions and actions belong to a held meeting.
        return "This meeting has been held, so it stays held"
    if status is MeetingStatus.HELD and data.on is not None and data.on > today:
        return "A meeting on a date still to come cannot have been held yet"
    return None


def _validate(
    data: MeetingInput, *, editing: Meeting | None, today: date
) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    if editing is not None:
        body = editing.body
    else:
        body = _active_body(errors, data.body_id)
    if data.on is None:
        errors["meeting_on"] = "Enter the date of the meeting"
    elif not sensible_year(data.on):
        errors["meeting_on"] = OUT_OF_RANGE
    if data.at is None:
        errors["start_time"] = "Enter the time the meeting starts, for example 14:00"
    starts = None
    if data.on is not None and data.at is not None and "meeting_on" not in errors:
        starts = london_start(data.on, data.at)
        if starts is None:
            errors["start_time"] = (
                f"{data.at.strftime('%H:%M')} does not exist on {format_date(data.on)}: the "
                "clocks go forward that night. Choose another time"
            )
    place, link = _where(errors, data.place, data.online_link)
    status = data.status
    if problem := _status_problem(data, editing=editing, today=today):
        errors["status"] = problem
    if body is not None and data.on is not None and "meeting_on" not in errors:
        clash = _same_day(body.id, data.on, ignore=editing.id if editing else None)
        if clash is not None and status is not MeetingStatus.CANCELLED:
            errors["meeting_on"] = (
                f"{body.name} already has a meeting on {format_date(data.on)} at "
                f"{format_time(clash.starts_at)}. Choose another date, or change that meeting"
            )
    return errors, {"body": body, "starts": starts, "place": place, "link": link}


def meeting_problems(
    data: MeetingInput, *, editing_id: int | None = None, today: date
) -> dict[str, str]:
    """Everything wrong with a meeting as entered, changing nothing (the form shows these
    beside its own errors, all at once)."""
    editing = db.session.get(Meeting, editing_id) if editing_id is not None else None
    return _validate(data, editing=editing, today=today)[0]


@transactional
def schedule(data: MeetingInput, *, actor: User, today: date) -> Meeting:
    errors, checked = _validate(data, editing=None, today=today)
    if errors:
        raise ServiceError(errors)
    meeting = Meeting(
        body=checked["body"],
        starts_at=checked["starts"],
        place=checked["place"],
        online_link=checked["link"],
        status=data.status,
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "meeting.scheduled",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        detail=f"body={meeting.body.slug} on={data.on.isoformat()}",
    )
    log.info("meeting_scheduled", extra={"meeting_id": meeting.id, "actor_id": actor.id})
    return meeting


def _flush(meeting_id: int) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(meeting_id) from None


@transactional
def update(
    meeting_id: int, data: MeetingInput, *, version: int, actor: User, today: date
) -> list[str]:
    """Change a meeting's date, time, place, link or status. Returns what changed (an
    empty list when nothing did: then nothing is written)."""
    meeting = get_meeting(meeting_id)
    if meeting.version != version:
        raise Conflict(meeting_id)
    errors, checked = _validate(data, editing=meeting, today=today)
    if errors:
        raise ServiceError(errors)
    changes = {
        "starts_at": checked["starts"],
        "place": checked["place"],
        "online_link": checked["link"],
        "status": data.status,
    }
    changed = [name for name, value in changes.items() if getattr(meeting, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(meeting, name, changes[name])
    _flush(meeting_id)
    audit.record(
        "meeting.updated",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        detail="changed=" + ",".join(changed),
    )
    log.info("meeting_updated", extra={"meeting_id": meeting.id, "actor_id": actor.id})
    return changed


@transactional
def cancel(meeting_id: int, *, version: int, actor: User) -> Meeting:
    meeting = get_meeting(meeting_id)
    if meeting.version != version:
        raise Conflict(meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise ServiceError({"meeting": "This meeting is already cancelled"})
    if meeting.status is MeetingStatus.HELD:
        raise ServiceError({"meeting": "This meeting has been held, so it cannot be cancelled"})
    meeting.status = MeetingStatus.CANCELLED
    _flush(meeting_id)
    audit.record("meeting.cancelled", actor=actor, object_type="meeting", object_id=meeting.id)
    log.info("meeting_cancelled", extra={"meeting_id": meeting.id, "actor_id": actor.id})
    return meeting


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later; the month's last day where it is
    shorter (31 January + 1 month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def series_dates(first_on: date, *, count: int, every: int, unit: str) -> list[date]:
    """The days of a run of meetings, each counted from the first so none drifts."""
    if unit == "weeks":
        return [first_on + timedelta(weeks=every * n) for n in range(count)]
    return [add_months(first_on, every * n) for n in range(count)]


def _plan_days(plan: SeriesPlan, data: SeriesInput) -> None:
    """Each day of the run, made or left out (with why)."""
    days = series_dates(data.first_on, count=data.count, every=data.every, unit=data.unit)
    for day in days:
        starts = london_start(day, data.at)
        clash = _same_day(plan.body.id, day)
        if clash is not None:
            why = f"{plan.body.name} already meets that day, at {format_time(clash.starts_at)}"
            plan.skipped.append((day, why))
        elif starts is None:
            why = f"{data.at.strftime('%H:%M')} does not exist that day (the clocks go forward)"
            plan.skipped.append((day, why))
        else:
            plan.starts.append(starts)


def _validate_series(data: SeriesInput) -> tuple[dict[str, str], SeriesPlan]:
    errors: dict[str, str] = {}
    plan = SeriesPlan(body=_active_body(errors, data.body_id))
    if data.first_on is None:
        errors["first_on"] = "Enter the date of the first meeting"
    elif not sensible_year(data.first_on):
        errors["first_on"] = OUT_OF_RANGE
    if data.at is None:
        errors["start_time"] = "Enter the time the meetings start, for example 14:00"
    if data.count is None or not 1 <= data.count <= SERIES_MAX_MEETINGS:
        errors["count"] = f"Enter how many meetings, from 1 to {SERIES_MAX_MEETINGS}"
    most = INTERVAL_UNITS.get(data.unit or "")
    if most is None:
        errors["unit"] = "Select weeks or months"
    elif data.every is None or not 1 <= data.every <= most:
        errors["every"] = f"Enter how many {data.unit} apart, from 1 to {most}"
    plan.place, plan.online_link = _where(errors, data.place, data.online_link)
    if errors:
        return errors, plan
    _plan_days(plan, data)
    if not plan.starts:
        errors["first_on"] = (
            "Every one of these dates already has a meeting. Choose another first date"
        )
    return errors, plan


def plan_series(data: SeriesInput) -> tuple[dict[str, str], SeriesPlan]:
    """The meetings a year's schedule would make and the days it would skip, changing
    nothing: the page shows this before anything is saved."""
    return _validate_series(data)


@transactional
def schedule_series(data: SeriesInput, *, actor: User) -> SeriesPlan:
    """Make the run of meetings (checked again now: a day taken since the preview is
    skipped too). Returns the plan as carried out."""
    errors, plan = _validate_series(data)
    if errors:
        raise ServiceError(errors)
    made = []
    for starts in plan.starts:
        meeting = Meeting(
            body=plan.body,
            starts_at=starts,
            place=plan.place,
            online_link=plan.online_link,
            status=MeetingStatus.SCHEDULED,
        )
        db.session.add(meeting)
        made.append(meeting)
    db.session.flush()
    for meeting in made:
        audit.record(
            "meeting.scheduled",
            actor=actor,
            object_type="meeting",
            object_id=meeting.id,
            detail=f"body={plan.body.slug} on={meeting_date(meeting).isoformat()} "
            f"series={len(made)}",
        )
    log.info(
        "meetings_scheduled",
        extra={"body_id": plan.body.id, "count": len(made), "actor_id": actor.id},
    )
    return plan
