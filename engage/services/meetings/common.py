"""What the meetings services share: UK dates and times, and checks on typed text."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from engage.clock import LONDON
from engage.typed_text import as_typed, is_blank, length_problem, one_line


def local_date(moment: datetime) -> date:
    """The day in the UK on which a stored (UTC) moment falls."""
    return moment.astimezone(LONDON).date()


def london_start(on: date, at: time) -> datetime | None:
    """The UTC moment of a UK date and clock time, or None for a time that does not
    exist that day (the hour skipped when the clocks go forward). A time that happens
    twice (when they go back) is the first of the two."""
    local = datetime.combine(on, at.replace(tzinfo=None), tzinfo=LONDON)
    moment = local.astimezone(UTC)
    if moment.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


def day_bounds(on: date) -> tuple[datetime, datetime]:
    """The UTC moments at which a UK day starts and the next one starts."""
    start = datetime.combine(on, time.min, tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(on + timedelta(days=1), time.min, tzinfo=LONDON).astimezone(UTC)
    return start, end


def line(
    errors: dict[str, str],
    field: str,
    value: str | None,
    limit: int,
    *,
    required: str | None = None,
) -> str:
    """A one-line answer as typed; records a problem in `errors` (missing, too long)."""
    text = one_line(value)
    _check(errors, field, text, limit, required)
    return text


def paragraphs(
    errors: dict[str, str],
    field: str,
    value: str | None,
    limit: int,
    *,
    required: str | None = None,
) -> str:
    """A longer answer (line breaks kept) as typed; records a problem in `errors`."""
    text = as_typed(value)
    _check(errors, field, text, limit, required)
    return text


def _check(errors: dict[str, str], field: str, text: str, limit: int, required: str | None):
    if required and is_blank(text):
        errors[field] = required
        return
    problem = length_problem(text, limit)
    if problem is not None:
        errors[field] = str(problem)
