"""Measurements of the terms of reference's indicators, per quarter or year.

A measurement is recorded as a draft, may be edited while a draft, and is then
published. A published version is never changed: a correction is the next version,
with its reason, and is itself a draft until published. Counted indicators
(engage.services.accountability.computed) take their number from the records at the
moment of publishing; nobody types it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from engage import clock
from engage.extensions import db
from engage.models import Indicator, Measurement, MeasurementDocument, TaskforceFunction
from engage.models.accountability import PeriodKind, Rag
from engage.models.base import utcnow
from engage.models.users import User
from engage.services.accountability import computed
from engage.services.accountability.periods import Period
from engage.services.common import audit
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.meetings.agenda import detect_kind
from engage.services.meetings.common import line, paragraphs

log = logging.getLogger(__name__)

ALREADY = "{period} already has a measurement. Open it to edit or correct it"
NARRATIVE_MAX = 10_000
REASON_MAX = 2_000
LINKS_MAX = 5_000
SOURCE_MAX = 1_000
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain; charset=utf-8",
}

# Entered indicators that are a number (with its source); the rest are narratives.
NUMBER_ENTERED = {"leadership_diversity"}
PERCENTAGES = {"leadership_diversity"}
# Counted for whole years only.
YEARLY_ONLY = {"annual_progress_report"}


@dataclass
class MeasurementInput:
    value: str = ""
    narrative: str = ""
    rag: str = ""
    rag_reason: str = ""
    evidence_links: str = ""
    source: str = ""
    correction_reason: str = ""


@dataclass
class PeriodRow:
    """An indicator in one period: its published version (if any), its draft (if any),
    and what the records count now for a counted indicator."""

    period: Period
    published: Measurement | None
    draft: Measurement | None
    live: computed.Figure | None = None
    versions: list[Measurement] = field(default_factory=list)


def functions() -> list[TaskforceFunction]:
    query = select(TaskforceFunction).order_by(TaskforceFunction.sort_order)
    return list(db.session.scalars(query))


def function_by_slug(slug: str) -> TaskforceFunction:
    found = db.session.scalar(select(TaskforceFunction).where(TaskforceFunction.slug == slug))
    if found is None:
        raise NotFound(slug)
    return found


def indicator_by_slug(slug: str) -> Indicator:
    found = db.session.scalar(select(Indicator).where(Indicator.slug == slug))
    if found is None:
        raise NotFound(slug)
    return found


def get(measurement_id: int) -> Measurement:
    found = db.session.get(Measurement, measurement_id)
    if found is None:
        raise NotFound(measurement_id)
    return found


def versions(indicator_id: int, period: Period) -> list[Measurement]:
    return list(
        db.session.scalars(
            select(Measurement)
            .where(Measurement.indicator_id == indicator_id)
            .where(Measurement.period_kind == period.kind)
            .where(Measurement.period_start == period.start)
            .order_by(Measurement.version)
        )
    )


def row(indicator: Indicator, period: Period) -> PeriodRow:
    found = versions(indicator.id, period)
    published = [m for m in found if m.published_at is not None]
    drafts = [m for m in found if m.published_at is None]
    return PeriodRow(
        period=period,
        published=published[-1] if published else None,
        draft=drafts[-1] if drafts else None,
        live=computed.figure(indicator.slug, period),
        versions=found,
    )


def published_series(indicator_ids: list[int], periods: list[Period]) -> dict:
    """{(indicator_id, period): latest published Measurement} for many at once."""
    if not indicator_ids or not periods:
        return {}
    kinds = {p.kind for p in periods}
    starts = {p.start for p in periods}
    rows = db.session.scalars(
        select(Measurement)
        .where(Measurement.indicator_id.in_(indicator_ids))
        .where(Measurement.period_kind.in_(kinds))
        .where(Measurement.period_start.in_(starts))
        .where(Measurement.published_at.is_not(None))
        .order_by(Measurement.version)
    )
    wanted = {(p.kind, p.start): p for p in periods}
    latest: dict = {}
    for m in rows:
        period = wanted.get((m.period_kind, m.period_start))
        if period is not None:
            latest[(m.indicator_id, period)] = m
    return latest


def is_number_indicator(indicator: Indicator) -> bool:
    return computed.is_counted(indicator.slug) or indicator.slug in NUMBER_ENTERED


def _number(errors: dict, text: str) -> Decimal | None:
    cleaned = (text or "").strip().replace(",", "").rstrip("%").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        errors["value"] = "Enter a number, like 12 or 12.5"
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        errors["value"] = "Enter a number, like 12 or 12.5"
        return None
    return value.quantize(Decimal("0.01"))


def evidence_links(errors: dict, text: str) -> str:
    kept = paragraphs(errors, "evidence_links", text, LINKS_MAX)
    for n, link in enumerate((x.strip() for x in kept.splitlines() if x.strip()), start=1):
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["evidence_links"] = (
                f"Line {n} is not a web address. Put one address a line, starting https://"
            )
            break
    return kept


def _checked(indicator: Indicator, data: MeasurementInput, *, correcting: bool) -> dict:
    errors: dict[str, str] = {}
    counted = computed.is_counted(indicator.slug)
    value = None if counted else _number(errors, data.value)
    if indicator.slug in NUMBER_ENTERED and value is None and "value" not in errors:
        errors["value"] = "Enter the figure for this period"
    if indicator.slug in PERCENTAGES and value is not None and not 0 <= value <= 100:
        errors["value"] = "Enter a percentage from 0 to 100"
    narrative = paragraphs(errors, "narrative", data.narrative, NARRATIVE_MAX)
    if not counted and indicator.slug not in NUMBER_ENTERED and not narrative.strip():
        errors["narrative"] = "Describe what happened in this period"
    rag = None
    try:
        rag = Rag(data.rag)
    except ValueError:
        errors["rag"] = "Choose red, amber or green"
    reason = paragraphs(
        errors, "rag_reason", data.rag_reason, REASON_MAX, required="Say why it is this colour"
    )
    source = paragraphs(errors, "source", data.source, SOURCE_MAX)
    if indicator.slug in NUMBER_ENTERED and not source.strip() and "source" not in errors:
        errors["source"] = "Say where the figure comes from"
    links = evidence_links(errors, data.evidence_links)
    correction = ""
    if correcting:
        correction = paragraphs(
            errors,
            "correction_reason",
            data.correction_reason,
            REASON_MAX,
            required="Say what was wrong with the published version",
        )
    return {
        "errors": errors,
        "value": value,
        "narrative": narrative,
        "rag": rag,
        "rag_reason": reason,
        "source": source,
        "evidence_links": links,
        "correction_reason": correction,
    }


def problems(indicator: Indicator, data: MeasurementInput, *, correcting: bool = False):
    return _checked(indicator, data, correcting=correcting)["errors"]


def _apply(measurement: Measurement, checked: dict, counted_value: Decimal | None) -> None:
    measurement.value = counted_value if measurement.computed else checked["value"]
    for name in ("narrative", "rag", "rag_reason", "source", "evidence_links"):
        setattr(measurement, name, checked[name])


def period_problem(indicator: Indicator, period: Period, today: date) -> str | None:
    """Why this period can't be measured for this indicator, if it can't."""
    if period.start > today:
        return f"{period.label} has not begun yet"
    if indicator.slug in YEARLY_ONLY and period.kind is not PeriodKind.YEAR:
        return "This indicator is measured for whole years only"
    return None


@transactional
def record(
    indicator_id: int,
    period: Period,
    data: MeasurementInput,
    *,
    actor: User,
    today: date | None = None,
) -> Measurement:
    """The first measurement of an indicator for a period, as a draft."""
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(indicator_id)
    if problem := period_problem(indicator, period, today or clock.today()):
        raise ServiceError({"period": problem})
    if versions(indicator.id, period):
        raise ServiceError({"period": ALREADY.format(period=period.label)})
    try:
        return _new_version(indicator, period, data, actor=actor, version=1)
    except IntegrityError:
        # Someone else recorded the same period a moment ago.
        raise ServiceError({"period": ALREADY.format(period=period.label)}) from None


def _new_version(indicator, period, data, *, actor, version, correcting=False) -> Measurement:
    checked = _checked(indicator, data, correcting=correcting)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    figure = computed.figure(indicator.slug, period)
    measurement = Measurement(
        indicator_id=indicator.id,
        period_kind=period.kind,
        period_start=period.start,
        version=version,
        computed=figure is not None,
        correction_reason=checked["correction_reason"],
        recorded_by_id=actor.id,
    )
    _apply(measurement, checked, figure.value if figure else None)
    db.session.add(measurement)
    db.session.flush()
    audit.record(
        "measurement.corrected" if correcting else "measurement.recorded",
        actor=actor,
        object_type="measurement",
        object_id=measurement.id,
        detail=f"indicator={indicator.slug} period={period.key} version={version}",
    )
    log.info("measurement_recorded", extra={"measurement_id": measurement.id})
    return measurement


@transactional
def update_draft(
    measurement_id: int, data: MeasurementInput, *, version: int, actor: User
) -> Measurement:
    measurement = get(measurement_id)
    if measurement.published_at is not None:
        raise ServiceError(
            {"published": "This version is published and cannot be changed. Correct it instead"}
        )
    if measurement.row_version != version:
        raise Conflict(measurement_id)
    checked = _checked(measurement.indicator, data, correcting=measurement.version > 1)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    period = period_of(measurement)
    figure = computed.figure(measurement.indicator.slug, period)
    _apply(measurement, checked, figure.value if figure else None)
    if measurement.version > 1:
        measurement.correction_reason = checked["correction_reason"]
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(measurement_id) from None
    audit.record(
        "measurement.edited", actor=actor, object_type="measurement", object_id=measurement.id
    )
    return measurement


@transactional
def publish(
    measurement_id: int,
    *,
    version: int,
    actor: User,
    now: datetime | None = None,
    today: date | None = None,
):
    """Publish a draft. A counted figure is counted once more and fixed as it stands,
    so only once its period is over (a count published mid-period would stay partial)."""
    measurement = get(measurement_id)
    if measurement.published_at is not None:
        return measurement
    if measurement.row_version != version:
        raise Conflict(measurement_id)
    period = period_of(measurement)
    if measurement.computed and (today or clock.today()) < period.end:
        raise ServiceError(
            {
                "published": f"A counted figure is published once its period is over: "
                f"{period.label} ends on {clock.format_date(period.end - timedelta(days=1))}"
            }
        )
    figure = computed.figure(measurement.indicator.slug, period)
    if figure is not None:
        measurement.value = figure.value
    measurement.published_at = now or utcnow()
    measurement.published_by_id = actor.id
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(measurement_id) from None
    audit.record(
        "measurement.published",
        actor=actor,
        object_type="measurement",
        object_id=measurement.id,
        detail=f"version={measurement.version}",
    )
    return measurement


@transactional
def correct(measurement_id: int, data: MeasurementInput, *, actor: User) -> Measurement:
    """A new draft version correcting the latest published one, with the reason."""
    published = get(measurement_id)
    period = period_of(published)
    found = versions(published.indicator_id, period)
    if published.published_at is None or found[-1].id != published.id:
        raise ServiceError(
            {"correction_reason": "Only the latest published version can be corrected"}
        )
    try:
        return _new_version(
            published.indicator,
            period,
            data,
            actor=actor,
            version=published.version + 1,
            correcting=True,
        )
    except IntegrityError:
        # Someone else started a correction a moment ago.
        raise ServiceError(
            {"correction_reason": "Someone has just started a correction: open it instead"}
        ) from None


def period_of(measurement: Measurement) -> Period:
    return Period(measurement.period_start, measurement.period_kind)


def input_from(measurement: Measurement) -> MeasurementInput:
    """What the form shows for an existing version (to edit it, or to start a correction)."""
    return MeasurementInput(
        value="" if measurement.value is None else f"{measurement.value:f}",
        narrative=measurement.narrative,
        rag=measurement.rag.value if measurement.rag else "",
        rag_reason=measurement.rag_reason,
        evidence_links=measurement.evidence_links,
        source=measurement.source,
    )


def document_problems(filename: str, content: bytes) -> dict[str, str]:
    if not content:
        return {"file": "Choose a file: a PDF, Word (.docx), OpenDocument (.odt) or text file"}
    if len(content) > DOCUMENT_MAX_BYTES:
        return {"file": "The file is over 10 MB. Upload a smaller file"}
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in DOCUMENT_KINDS or detect_kind(content) != extension:
        return {
            "file": "Upload a PDF, Word (.docx), OpenDocument (.odt) or text file whose "
            "name matches what it is"
        }
    return {}


@transactional
def add_document(
    measurement_id: int, filename: str, content: bytes, *, actor: User
) -> MeasurementDocument:
    measurement = get(measurement_id)
    if measurement.published_at is not None:
        raise ServiceError({"file": "This version is published. Add documents to a correction"})
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    errors = document_problems(name, content)
    name = line(errors, "file", name, 255) if not errors else name
    if errors:
        raise ServiceError(errors)
    document = MeasurementDocument(
        measurement_id=measurement.id,
        filename=name,
        content_type=DOCUMENT_KINDS[name.rpartition(".")[2].lower()],
        data=content,
        uploaded_by_id=actor.id,
    )
    db.session.add(document)
    # Publishing from a page opened before this document was added is then refused.
    flag_modified(measurement, "narrative")
    db.session.flush()
    audit.record(
        "measurement.document_added",
        actor=actor,
        object_type="measurement",
        object_id=measurement.id,
        detail=f"document={document.id}",
    )
    return document


def get_document(document_id: int) -> MeasurementDocument:
    found = db.session.get(MeasurementDocument, document_id)
    if found is None:
        raise NotFound(document_id)
    return found


def period_kinds() -> list[PeriodKind]:
    return [PeriodKind.QUARTER, PeriodKind.YEAR]


def latest_published(at: datetime) -> dict[int, Measurement]:
    """Each indicator's published figure for its latest period, as it stood at `at` (for
    the indicator dashboard in meeting packs): the period that ends last (a year when a
    year and its last quarter end together), in its latest published version."""
    rows = db.session.scalars(
        select(Measurement)
        .where(Measurement.published_at.is_not(None), Measurement.published_at <= at)
        .order_by(Measurement.id)
    )
    best: dict[int, Measurement] = {}

    def rank(m: Measurement) -> tuple:
        period = period_of(m)
        return (period.end, period.kind is PeriodKind.YEAR, m.version)

    for m in rows:
        if m.indicator_id not in best or rank(m) > rank(best[m.indicator_id]):
            best[m.indicator_id] = m
    return best


def figure_text(measurement: Measurement) -> str:
    """A measurement's figure in words: the number with its unit, or "Narrative"."""
    if measurement.value is None:
        return "Narrative"
    number = f"{measurement.value:,.2f}".rstrip("0").rstrip(".")
    unit = computed.UNITS.get(measurement.indicator.slug, "")
    return f"{number}%" if unit == "%" else f"{number} {unit}".strip()
