"""The three small registers that indicators count: Health and Equity Impact
Assessments completed, examples of best practice shared, and community-led initiatives
supported (with the external funding each secured, in whole pence).

Windows given as (start, end) include `start` and exclude `end`, as a reporting
period's `end` is the first day after it (engage.services.accountability.periods)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from engage.extensions import db
from engage.models import RegisterEntry, RegisterKind
from engage.services.accountability.commitments import evidence_links
from engage.services.accountability.periods import financial_year_of
from engage.services.common import audit
from engage.services.common.audit import Actor
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.meetings.common import line, paragraphs

log = logging.getLogger(__name__)

# How each register is named in its address.
SLUGS = {
    "heia": RegisterKind.HEIA,
    "best-practice": RegisterKind.BEST_PRACTICE,
    "initiatives": RegisterKind.INITIATIVE,
}
TITLE_MAX_LENGTH = 300
ORGANISATION_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 5000
# The column holds a 32-bit number of pence: £21.4 million at most. No initiative the
# Taskforce supports comes near; a larger figure is a typing slip.
FUNDING_MAX_PENCE = 20_000_000 * 100
FUNDING_PROBLEM = "Enter the amount in pounds, for example 12,500 or 12500.50"
DETAIL_FIELDS = ("title", "organisation", "occurred_on", "description", "evidence_links")
# 12500, 12,500, 12500.5, 12,500.50: commas only between groups of three digits.
_POUNDS = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")


@dataclass
class EntryInput:
    title: str | None
    occurred_on: date | None
    organisation: str | None = ""
    description: str | None = ""
    evidence_links: str | None = ""
    # As typed, in pounds; initiatives only.
    funding: str | None = ""


def slug_of(kind: RegisterKind) -> str:
    return next(slug for slug, each in SLUGS.items() if each is kind)


def kind_of(slug: str) -> RegisterKind:
    try:
        return SLUGS[slug]
    except KeyError:
        raise NotFound(slug) from None


def parse_pounds(typed: str | None) -> tuple[int | None, str | None]:
    """(pence, None) for an amount in pounds as people type it ("12,500", "£12500.50",
    "12500.5"); (None, None) when nothing is typed; (None, message) otherwise."""
    text = (typed or "").strip().replace(" ", "")
    if not text:
        return None, None
    text = text.removeprefix("£")
    if not text.isascii() or not _POUNDS.fullmatch(text):
        return None, FUNDING_PROBLEM
    pounds, _, pence = text.replace(",", "").partition(".")
    total = int(pounds) * 100 + int((pence + "00")[:2])
    if total > FUNDING_MAX_PENCE:
        return None, f"Enter an amount of £{FUNDING_MAX_PENCE // 100:,} or less"
    return total, None


def format_pounds(pence: int | None, missing: str = "None recorded") -> str:
    """£12,500 or £12,500.50."""
    if pence is None:
        return missing
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{rest:02d}" if rest else "")


def typed_pounds(pence: int | None) -> str:
    """An amount as the form shows it to be changed: 12,500 or 12,500.50."""
    return "" if pence is None else format_pounds(pence).removeprefix("£")


# Reading ---------------------------------------------------------------------------------


def get_entry(entry_id: int) -> RegisterEntry:
    entry = db.session.get(RegisterEntry, entry_id)
    if entry is None:
        raise NotFound(entry_id)
    return entry


def listing(kind: RegisterKind) -> list[RegisterEntry]:
    """The register, newest first."""
    return list(
        db.session.scalars(
            select(RegisterEntry)
            .where(RegisterEntry.kind == kind)
            .order_by(RegisterEntry.occurred_on.desc(), RegisterEntry.id.desc())
        )
    )


def _window(query, start: date, end: date):
    return query.where(RegisterEntry.occurred_on >= start, RegisterEntry.occurred_on < end)


def entries(kind: RegisterKind, start: date, end: date) -> list[RegisterEntry]:
    """The entries dated in [start, end), earliest first."""
    query = select(RegisterEntry).where(RegisterEntry.kind == kind)
    return list(
        db.session.scalars(
            _window(query, start, end).order_by(RegisterEntry.occurred_on, RegisterEntry.id)
        )
    )


def count(kind: RegisterKind, start: date, end: date) -> int:
    query = select(func.count()).select_from(RegisterEntry).where(RegisterEntry.kind == kind)
    return db.session.scalar(_window(query, start, end)) or 0


def funding_pence(start: date, end: date) -> int:
    """External funding secured by initiatives dated in [start, end), in pence."""
    query = select(func.coalesce(func.sum(RegisterEntry.funding_pence), 0)).where(
        RegisterEntry.kind == RegisterKind.INITIATIVE
    )
    return int(db.session.scalar(_window(query, start, end)) or 0)


def totals_by_year(kind: RegisterKind) -> list[tuple[int, int, int | None]]:
    """(financial year, entries, funding in pence or None) for each year with entries,
    newest first."""
    years: dict[int, list[RegisterEntry]] = {}
    for entry in listing(kind):
        years.setdefault(financial_year_of(entry.occurred_on), []).append(entry)
    return [
        (
            year,
            len(rows),
            sum(e.funding_pence or 0 for e in rows) if kind is RegisterKind.INITIATIVE else None,
        )
        for year, rows in sorted(years.items(), reverse=True)
    ]


# Adding and changing -------------------------------------------------------------------


def _validate(kind: RegisterKind, data: EntryInput, today: date) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    title = line(errors, "title", data.title, TITLE_MAX_LENGTH, required="Enter a title")
    organisation = line(errors, "organisation", data.organisation, ORGANISATION_MAX_LENGTH)
    if data.occurred_on is None:
        errors["occurred_on"] = "Enter the date, for example 14 January 2027"
    elif not 2000 <= data.occurred_on.year <= 2100:
        errors["occurred_on"] = "Enter a date between 2000 and 2100, for example 14 January 2027"
    elif data.occurred_on > today:
        errors["occurred_on"] = "The date must be today or in the past"
    description = paragraphs(errors, "description", data.description, DESCRIPTION_MAX_LENGTH)
    links = evidence_links(errors, "evidence_links", data.evidence_links)
    funding = None
    if kind is RegisterKind.INITIATIVE:
        funding, problem = parse_pounds(data.funding)
        if problem:
            errors["funding"] = problem
    checked = {
        "title": title,
        "organisation": organisation,
        "occurred_on": data.occurred_on,
        "description": description,
        "evidence_links": links,
        "funding_pence": funding,
    }
    return errors, checked


def entry_problems(kind: RegisterKind, data: EntryInput, *, today: date) -> dict:
    return _validate(kind, data, today)[0]


def _user_id(actor: Actor) -> int | None:
    who = audit.as_actor(actor)
    return who.user.id if who.user else None


@transactional
def add_entry(kind: RegisterKind, data: EntryInput, *, actor: Actor, today: date) -> RegisterEntry:
    errors, checked = _validate(kind, data, today)
    if errors:
        raise ServiceError(errors)
    entry = RegisterEntry(kind=kind, recorded_by_id=_user_id(actor), **checked)
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "register_entry.added",
        actor=actor,
        object_type="register_entry",
        object_id=entry.id,
        detail=f"kind={kind.value}",
    )
    log.info("register_entry_added", extra={"entry_id": entry.id})
    return entry


@transactional
def change_entry(
    entry_id: int, data: EntryInput, *, version: int, actor: Actor, today: date
) -> list[str]:
    """Change an entry. Returns the names of the fields changed; nothing is written
    when none did."""
    entry = get_entry(entry_id)
    if entry.version != version:
        raise Conflict(entry_id)
    errors, checked = _validate(entry.kind, data, today)
    if errors:
        raise ServiceError(errors)
    fields = DETAIL_FIELDS + (("funding_pence",) if entry.kind is RegisterKind.INITIATIVE else ())
    changed = [name for name in fields if getattr(entry, name) != checked[name]]
    if not changed:
        return []
    for name in changed:
        setattr(entry, name, checked[name])
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(entry_id) from None
    audit.record(
        "register_entry.changed",
        actor=actor,
        object_type="register_entry",
        object_id=entry.id,
        detail=f"kind={entry.kind.value} changed=" + ",".join(changed),
    )
    log.info("register_entry_changed", extra={"entry_id": entry.id})
    return changed
