"""Dates where the Taskforce works: today in the UK, and dates written the UK way, in
the reader's language ("23 November 2026", "23 listopada 2026", "23 نومبر 2026")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import has_request_context
from flask_babel import get_locale

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    return datetime.now(LONDON).date()


def format_date(value: date | datetime | None, missing: str = "Not set") -> str:
    """23 November 2026."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    # The page's language; English for the command line and the worker.
    locale = get_locale() if has_request_context() else None
    return babel_format_date(value, "d MMMM y", locale=locale or "en")


def format_month(value: date | None) -> str:
    """March 2027."""
    if value is None:
        return ""
    locale = get_locale() if has_request_context() else None
    return babel_format_date(value, "MMMM y", locale=locale or "en")


def format_time(value: datetime | None) -> str:
    """14:05, in UK time."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%H:%M")
