"""Dates where the Taskforce works: today in the UK, and dates written the UK way."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    return datetime.now(LONDON).date()


def format_date(value: date | datetime | None, missing: str = "Not set") -> str:
    """23 November 2026."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def format_time(value: datetime | None) -> str:
    """14:05, in UK time."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%H:%M")
