"""A year's report: started once, its narrative written with optimistic locking, then
published in one go (figures and narrative frozen, PDF stored) and never changed again."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engage.extensions import db
from engage.models import AnnualReport, AuditEvent
from engage.services.common.audit import as_actor
from engage.services.common.transaction import Conflict, NotFound, ServiceError
from engage.services.reports import drafts, publishing
from engage.services.reports.drafts import Published
from tests import factories
from tests.services.reports.helpers import SETTINGS, at, stories

TODAY = date(2027, 5, 1)


@pytest.fixture
def actor(ctx):
    return as_actor(factories.user())


def _version(year: int = 2026) -> int:
    return drafts.get(year).version


def _actions() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "annual_report")
            .order_by(AuditEvent.id)
        )
    )


def test_a_year_has_one_report(actor):
    report, created = drafts.start(2026, actor=actor, today=TODAY)
    assert created and report.published_at is None and drafts.sections(report) == []
    again, created = drafts.start(2026, actor=actor, today=TODAY)
    assert (again.id, created) == (report.id, False)
    assert _actions() == ["annual_report.started"]
    assert drafts.years_offered(TODAY) == [2027, 2026, 2025]


@pytest.mark.parametrize("year", [None, 2024, 2028])
def test_only_years_from_the_first_to_the_current_one(actor, year):
    with pytest.raises(ServiceError) as refused:
        drafts.start(year, actor=actor, today=TODAY)
    assert refused.value.errors == {"report_year": "Select the year the report is for"}


def test_sections_are_added_changed_moved_and_removed(actor):
    drafts.start(2026, actor=actor, today=TODAY)
    drafts.add_section(2026, "Foreword", "First", version=_version(), actor=actor)
    drafts.add_section(2026, "Our year", "Second", version=_version(), actor=actor)
    assert drafts.change_section(
        2026, 0, "Foreword", "First, changed", version=_version(), actor=actor
    )
    assert not drafts.change_section(
        2026, 0, "Foreword", "First, changed", version=_version(), actor=actor
    )
    drafts.move_section(2026, 1, "up", version=_version(), actor=actor)
    headings = [s.heading for s in drafts.sections(drafts.get(2026))]
    assert headings == ["Our year", "Foreword"]
    removed = drafts.remove_section(2026, 0, version=_version(), actor=actor)
    assert removed.heading == "Our year"
    assert [(s.heading, s.markdown) for s in drafts.sections(drafts.get(2026))] == [
        ("Foreword", "First, changed")
    ]
    assert _actions() == [
        "annual_report.started",
        "annual_report.section_added",
        "annual_report.section_added",
        "annual_report.section_changed",
        "annual_report.section_moved",
        "annual_report.section_removed",
    ]


def test_markdown_is_stored_exactly_as_typed(actor):
    typed = "Line one\r\n<script>alert('x')</script> & [link](javascript:alert(1))\r\n\r\n- **a**"
    drafts.start(2026, actor=actor, today=TODAY)
    drafts.add_section(2026, "  <b>Heading</b> ", typed, version=_version(), actor=actor)
    stored = json.loads(db.session.scalar(select(AnnualReport.narrative)))
    assert stored == [
        {
            "heading": "<b>Heading</b>",
            "markdown": typed.replace("\r\n", "\n"),
        }
    ]


def test_a_section_needs_a_heading_and_text_within_limits(actor):
    drafts.start(2026, actor=actor, today=TODAY)
    with pytest.raises(ServiceError) as refused:
        drafts.add_section(2026, " ", "", version=_version(), actor=actor)
    assert refused.value.errors == {
        "heading": "Enter a heading",
        "markdown": "Enter the section's text",
    }
    with pytest.raises(ServiceError) as refused:
        drafts.add_section(2026, "H", "x" * 20_001, version=_version(), actor=actor)
    assert "markdown" in refused.value.errors


def test_a_stale_version_is_refused(actor):
    drafts.start(2026, actor=actor, today=TODAY)
    read_at = _version()
    drafts.add_section(2026, "Foreword", "First", version=read_at, actor=actor)
    with pytest.raises(Conflict):
        drafts.add_section(2026, "Another", "Second", version=read_at, actor=actor)
    with pytest.raises(Conflict):
        drafts.move_section(2026, 0, "down", version=read_at, actor=actor)
    assert len(drafts.sections(drafts.get(2026))) == 1


def test_moving_past_either_end_and_missing_sections(actor):
    drafts.start(2026, actor=actor, today=TODAY)
    drafts.add_section(2026, "Only", "One", version=_version(), actor=actor)
    with pytest.raises(ServiceError):
        drafts.move_section(2026, 0, "up", version=_version(), actor=actor)
    with pytest.raises(ServiceError):
        drafts.move_section(2026, 0, "sideways", version=_version(), actor=actor)
    with pytest.raises(NotFound):
        drafts.remove_section(2026, 3, version=_version(), actor=actor)
    with pytest.raises(NotFound):
        drafts.get(2030)


def _published(actor) -> AnnualReport:
    drafts.start(2026, actor=actor, today=TODAY)
    drafts.add_section(2026, "Foreword", "The **first** year.", version=_version(), actor=actor)
    stories(12, at(2026, 6), area="Walsall")
    return publishing.publish(2026, version=_version(), actor=actor, today=TODAY, settings=SETTINGS)


def test_publishing_freezes_the_figures_the_narrative_and_the_pdf(actor):
    report = _published(actor)
    assert report.published_at is not None and report.published_by_id == actor.user.id
    frozen = json.loads(report.content)
    assert frozen["narrative"] == [{"heading": "Foreword", "markdown": "The **first** year."}]
    assert frozen["figures"]["label"] == "2026/27"
    reader = PdfReader(io.BytesIO(report.pdf))
    assert "Foreword" in [entry.title for entry in reader.outline if not isinstance(entry, list)]
    before = publishing.document(report, today=TODAY, settings=SETTINGS)
    # New data after publishing changes nothing in the published report.
    stories(30, at(2026, 7), area="Walsall")
    after = publishing.document(drafts.get(2026), today=date(2028, 1, 1), settings=SETTINGS)
    assert after == before
    assert publishing.pdf_of(drafts.get(2026), today=TODAY, settings=SETTINGS) == report.pdf
    assert _actions()[-1] == "annual_report.published"


def test_a_published_report_refuses_every_change(actor):
    _published(actor)
    version = _version()
    stored = (drafts.get(2026).narrative, drafts.get(2026).content, drafts.get(2026).pdf)
    attempts = [
        lambda: drafts.add_section(2026, "More", "Text", version=version, actor=actor),
        lambda: drafts.change_section(2026, 0, "New", "Text", version=version, actor=actor),
        lambda: drafts.move_section(2026, 0, "down", version=version, actor=actor),
        lambda: drafts.remove_section(2026, 0, version=version, actor=actor),
        lambda: publishing.publish(
            2026, version=version, actor=actor, today=TODAY, settings=SETTINGS
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Published):
            attempt()
    db.session.expire_all()
    report = drafts.get(2026)
    assert (report.narrative, report.content, report.pdf) == stored
    assert report.version == version


def test_publishing_a_stale_page_is_refused(actor):
    drafts.start(2026, actor=actor, today=TODAY)
    read_at = _version()
    drafts.add_section(2026, "Foreword", "Text", version=read_at, actor=actor)
    with pytest.raises(Conflict):
        publishing.publish(2026, version=read_at, actor=actor, today=TODAY, settings=SETTINGS)
    assert drafts.get(2026).published_at is None


def test_drafts_are_read_afresh_and_the_public_see_published_ones_only(actor):
    drafts.start(2025, actor=actor, today=TODAY)
    draft = drafts.get(2025)
    first = publishing.document(draft, today=TODAY, settings=SETTINGS)
    stories(10, at(2025, 6))
    second = publishing.document(draft, today=TODAY, settings=SETTINGS)
    assert first != second
    assert second["version_label"].startswith("Draft: not published.")
    with pytest.raises(NotFound):
        publishing.get_published(2025)
    _published(actor)
    assert [r.year for r in publishing.published_reports()] == [2026]
    assert publishing.get_published(2026).year == 2026
    assert [r.year for r in drafts.all_reports()] == [2026, 2025]
