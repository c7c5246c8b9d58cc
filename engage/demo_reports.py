"""Demo data for the annual progress report: last financial year's report, published
with three narrative sections, and this year's as a draft, so a newcomer sees both a
frozen report (staff and public pages, PDF) and one still being written."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from engage.extensions import db
from engage.models import AnnualReport, User
from engage.services.accountability.periods import financial_year_of, year_label
from engage.services.common import disclosure
from engage.services.common.audit import SYSTEM, as_actor
from engage.services.reports import drafts, publishing

SECRETARIAT_EMAIL = "secretariat@engage.example"


def _sections(year: int) -> list[tuple[str, str]]:
    label, next_label = year_label(year), year_label(year + 1)
    return [
        (
            "Foreword from the chair",
            f"{label} was the Race Equity Taskforce's first full year. We set out to make "
            "sure that the lived experience of Black, Asian and minority ethnic residents "
            "across the West Midlands shapes the decisions of the West Midlands Combined "
            "Authority (WMCA) and its partners.\n\n"
            "Residents told us about damp and mould in rented homes, about waiting months "
            "for repairs, about being turned away at the GP surgery without an interpreter, "
            "and about qualifications from abroad that count for nothing here. An "
            "engagement officer read every story, and took out names and contact details, "
            "before our working groups saw it.\n\n"
            "Thank you to every resident who trusted us with their story, and to the "
            "community groups who helped them tell it.",
        ),
        (
            "What we did with what you told us",
            "- Our **housing working group** took a report on damp and mould in rented "
            "homes to the WMCA Housing and Land Board.\n"
            "- Our **jobs and economy working group** worked with the WMCA's adult skills "
            "team on recognising qualifications gained overseas.\n"
            "- We asked partners to complete *Health and Equity Impact Assessments* for "
            "new programmes, and checked that they did.\n\n"
            "The figures in this report show how many stories we received, by theme, area "
            "and quarter, and what changed as a result. Small numbers are hidden so that "
            "nobody can be identified from them.",
        ),
        (
            f"Looking ahead to {next_label}",
            f"In {next_label} we will:\n\n"
            "1. review our terms of reference, as they require us to each year;\n"
            "2. publish a \u201cyou said, we did\u201d for every decision our work "
            "influenced, and tell the residents behind it;\n"
            "3. reach more residents in Dudley, Walsall and Wolverhampton, where we heard "
            "from fewest people.\n\n"
            "Find out more about the Taskforce on the "
            "[WMCA website](https://www.wmca.org.uk/).",
        ),
    ]


def _actor():
    user = db.session.scalar(select(User).where(User.email == SECRETARIAT_EMAIL))
    return as_actor(user) if user else SYSTEM


def _exists(year: int) -> bool:
    return db.session.scalar(select(AnnualReport.id).where(AnnualReport.year == year)) is not None


def load(today: date) -> None:
    """Last year's report published and this year's started; a year that already has
    a report is left alone."""
    actor = _actor()
    current = financial_year_of(today)
    settings = disclosure.from_config(current_app.config)
    previous = current - 1
    if previous in drafts.years_offered(today) and not _exists(previous):
        drafts.start(previous, actor=actor, today=today)
        for heading, markdown in _sections(previous):
            version = drafts.get(previous).version
            drafts.add_section(previous, heading, markdown, version=version, actor=actor)
        publishing.publish(
            previous,
            version=drafts.get(previous).version,
            actor=actor,
            today=today,
            settings=settings,
        )
    if not _exists(current):
        drafts.start(current, actor=actor, today=today)
        drafts.add_section(
            current,
            "Foreword from the chair",
            "To be written after the Taskforce's last meeting of the year. The figures "
            "below are read afresh from the data until the report is published.",
            version=drafts.get(current).version,
            actor=actor,
        )
