"""Publishing the annual report, and reading it as a page or a PDF.

A draft is read afresh from the data every time it is shown. Publishing, in one
transaction, freezes the figures and the narrative as JSON, builds the PDF and stores
it, and dates the report; from then on the page and the PDF show exactly that, and no
service changes it again (engage.services.reports.drafts refuses). The site keeps every
year's report; the public see published ones only."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engage import clock
from engage.extensions import db
from engage.models import AnnualReport
from engage.models.base import utcnow
from engage.packs.report_pdf import render_report_pdf
from engage.services.common import audit
from engage.services.common.audit import Actor
from engage.services.common.transaction import Conflict, NotFound, transactional
from engage.services.reports import annual, narrative
from engage.services.reports.drafts import Published, get, sections

log = logging.getLogger(__name__)

CONTENT_FORMAT = "engage-annual-report/1"


def published_reports() -> list[AnnualReport]:
    return list(
        db.session.scalars(
            select(AnnualReport)
            .where(AnnualReport.published_at.is_not(None))
            .order_by(AnnualReport.year.desc())
        )
    )


def get_published(year: int) -> AnnualReport:
    """A published report; NotFound for a draft, as for a year with none."""
    report = get(year)
    if report.published_at is None:
        raise NotFound(year)
    return report


def _frozen(report: AnnualReport) -> dict:
    return json.loads(report.content or "{}")


def document(report: AnnualReport, *, today: date, settings: Mapping[str, int]) -> dict:
    """Everything the page and the PDF show: the frozen content of a published report,
    or a draft's figures worked out now. Shape: engage.packs.pdf's content, with the
    narrative sections first as "markdown" blocks, then the figures' sections."""
    if report.published_at is not None:
        frozen = _frozen(report)
        figures, written = frozen["figures"], frozen["narrative"]
        status = f"Published on {clock.format_date(report.published_at)}."
    else:
        figures = annual.gather(report.year, today=today, settings=settings)
        written = [{"heading": s.heading, "markdown": s.markdown} for s in sections(report)]
        status = "Draft: not published."
    narrative_sections = [
        {"heading": s["heading"], "blocks": [{"type": "markdown", "markdown": s["markdown"]}]}
        for s in written
    ]
    return {
        "title": figures["title"],
        "subtitle": figures["dates"],
        "version_label": f"{status} {figures['as_at']}",
        "year": report.year,
        "label": figures["label"],
        "published": report.published_at is not None,
        "sections": narrative_sections + figures["sections"],
    }


def pdf_of(report: AnnualReport, *, today: date, settings: Mapping[str, int]) -> bytes:
    """The stored PDF of a published report; a draft's, built now."""
    if report.published_at is not None and report.pdf:
        return report.pdf
    return render_report_pdf(document(report, today=today, settings=settings))


@transactional
def publish(
    year: int, *, version: int, actor: Actor, today: date, settings: Mapping[str, int]
) -> AnnualReport:
    """Freeze the report as it stands: figures, narrative and PDF, dated."""
    report = get(year)
    if report.published_at is not None:
        raise Published()
    if report.version != version:
        raise Conflict(year)
    figures = annual.gather(report.year, today=today, settings=settings)
    written = [{"heading": s.heading, "markdown": s.markdown} for s in sections(report)]
    report.content = json.dumps(
        {"format": CONTENT_FORMAT, "figures": figures, "narrative": written},
        ensure_ascii=False,
    )
    report.published_at = utcnow()
    report.published_by_id = actor.user.id if actor.user else None
    report.pdf = render_report_pdf(document(report, today=today, settings=settings))
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(year) from None
    audit.record(
        "annual_report.published",
        actor=actor,
        object_type="annual_report",
        object_id=report.id,
        detail=f"year={report.year} sections={len(written)}",
    )
    log.info("annual_report_published", extra={"report_id": report.id})
    return report


def narrative_html(markdown: str):
    """A narrative section's body as safe HTML (for the page)."""
    return narrative.to_html(markdown)
