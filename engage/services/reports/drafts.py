"""Annual reports in draft: the secretariat starts one for a financial year (one report
per year: starting a year that has one goes to it) and adds, changes, moves and removes
its narrative sections. Every change names the version of the report it was made
from, so that two people editing at once can't overwrite each other (the second is
told); a published report refuses every change."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from engage.extensions import db
from engage.models import AnnualReport
from engage.services.accountability import periods
from engage.services.common import audit
from engage.services.common.audit import Actor
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.reports import narrative
from engage.services.reports.narrative import Section

log = logging.getLogger(__name__)

# The terms of reference date from 2025: the first year a report can cover.
FIRST_YEAR = 2025
PUBLISHED = (
    "This report is published, so it can't be changed. Every published report stays "
    "as it was published."
)


class Published(ServiceError):
    """A change was asked of a published report."""

    def __init__(self):
        super().__init__({"report": PUBLISHED})


def years_offered(today: date) -> list[int]:
    """The years a report can be started for, newest first: up to the current one."""
    return list(range(periods.financial_year_of(today), FIRST_YEAR - 1, -1))


def all_reports() -> list[AnnualReport]:
    return list(db.session.scalars(select(AnnualReport).order_by(AnnualReport.year.desc())))


def get(year: int) -> AnnualReport:
    report = db.session.scalar(select(AnnualReport).where(AnnualReport.year == year))
    if report is None:
        raise NotFound(year)
    return report


def sections(report: AnnualReport) -> list[Section]:
    return narrative.load(report.narrative)


def year_problems(year: int | None, today: date) -> dict[str, str]:
    if year not in years_offered(today):
        return {"report_year": "Select the year the report is for"}
    return {}


@transactional
def start(year: int | None, *, actor: Actor, today: date) -> tuple[AnnualReport, bool]:
    """The year's report: a new draft, or (False) the one it already has."""
    if problems := year_problems(year, today):
        raise ServiceError(problems)
    existing = db.session.scalar(select(AnnualReport).where(AnnualReport.year == year))
    if existing is not None:
        return existing, False
    report = AnnualReport(
        year=year, narrative="[]", created_by_id=actor.user.id if actor.user else None
    )
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:
        raise ServiceError(
            {
                "report_year": "Someone started this year's report at the same moment: "
                "open it from the list"
            }
        ) from None
    audit.record(
        "annual_report.started",
        actor=actor,
        object_type="annual_report",
        object_id=report.id,
        detail=f"year={year}",
    )
    log.info("annual_report_started", extra={"report_id": report.id})
    return report, True


def _editable(year: int, version: int) -> AnnualReport:
    report = get(year)
    if report.published_at is not None:
        raise Published()
    if report.version != version:
        raise Conflict(year)
    return report


def _record(action: str, report: AnnualReport, changed: list[Section], detail: str, actor) -> None:
    """Save the sections and audit the change (named for the audit words' check)."""
    report.narrative = narrative.dump(changed)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(report.year) from None
    audit.record(
        action,
        actor=actor,
        object_type="annual_report",
        object_id=report.id,
        detail=f"year={report.year} {detail}",
    )


def _section_at(found: list[Section], index: int) -> Section:
    if not 0 <= index < len(found):
        raise NotFound(index)
    return found[index]


def section_problems(heading: str | None, markdown: str | None) -> dict[str, str]:
    return narrative.checked(heading, markdown)[1]


@transactional
def add_section(
    year: int, heading: str | None, markdown: str | None, *, version: int, actor: Actor
) -> int:
    """A new section at the end; its position (from 0)."""
    report = _editable(year, version)
    section, errors = narrative.checked(heading, markdown)
    found = sections(report)
    if len(found) >= narrative.MAX_SECTIONS:
        errors["heading"] = (
            f"A report has at most {narrative.MAX_SECTIONS} sections. Add this text to "
            "one of them instead"
        )
    if errors:
        raise ServiceError(errors)
    found.append(section)
    _record("annual_report.section_added", report, found, f"section={len(found)}", actor)
    return len(found) - 1


@transactional
def change_section(
    year: int,
    index: int,
    heading: str | None,
    markdown: str | None,
    *,
    version: int,
    actor: Actor,
) -> bool:
    """Replace a section's heading and text; False when nothing changed."""
    report = _editable(year, version)
    found = sections(report)
    current = _section_at(found, index)
    section, errors = narrative.checked(heading, markdown)
    if errors:
        raise ServiceError(errors)
    if section == current:
        return False
    found[index] = section
    _record("annual_report.section_changed", report, found, f"section={index + 1}", actor)
    return True


@transactional
def move_section(year: int, index: int, direction: str, *, version: int, actor: Actor) -> None:
    report = _editable(year, version)
    found = sections(report)
    _section_at(found, index)
    target = index - 1 if direction == "up" else index + 1 if direction == "down" else -1
    if not 0 <= target < len(found):
        raise ServiceError({"report": "That section can't move that way"})
    found[index], found[target] = found[target], found[index]
    _record(
        "annual_report.section_moved",
        report,
        found,
        f"section={index + 1} to={target + 1}",
        actor,
    )


@transactional
def remove_section(year: int, index: int, *, version: int, actor: Actor) -> Section:
    report = _editable(year, version)
    found = sections(report)
    removed = _section_at(found, index)
    del found[index]
    _record("annual_report.section_removed", report, found, f"section={index + 1}", actor)
    return removed
