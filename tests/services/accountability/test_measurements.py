"""Measurements: drafts, publishing, corrections as new versions, counted figures taken
from the records and never typed."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AuditEvent,
    CommunityGroup,
    GroupEngagement,
    GroupType,
    Role,
)
from engage.models.groups import EngagementKind
from engage.services.accountability import measurements, periods
from engage.services.accountability.measurements import MeasurementInput
from engage.services.common.transaction import Conflict, ServiceError
from tests import factories

Q3 = periods.quarter(2026, 3)


@pytest.fixture
def secretary(ctx):
    return factories.user(role=Role.SECRETARIAT, email="sec@test.example")


def indicator(slug):
    return measurements.indicator_by_slug(slug)


def entered(**overrides):
    values = {
        "narrative": "Three partners changed their hiring panels.",
        "rag": "amber",
        "rag_reason": "Good progress, but only in two authorities.",
        "evidence_links": "https://www.wmca.org.uk/what-we-do/inclusive-communities/",
    }
    values.update(overrides)
    return MeasurementInput(**values)


def test_a_narrative_is_recorded_as_a_draft_then_published(secretary):
    found = indicator("resident_outcome_examples")
    draft = measurements.record(found.id, Q3, entered(), actor=secretary)
    assert (draft.version, draft.published_at, draft.computed) == (1, None, False)
    published = measurements.publish(draft.id, version=draft.row_version, actor=secretary)
    assert published.published_at is not None
    row = measurements.row(found, Q3)
    assert row.published.id == draft.id and row.draft is None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "measurement.recorded" in actions and "measurement.published" in actions


def test_a_published_measurement_is_never_edited_only_corrected(secretary):
    found = indicator("resident_outcome_examples")
    first = measurements.record(found.id, Q3, entered(), actor=secretary)
    measurements.publish(first.id, version=first.row_version, actor=secretary)
    with pytest.raises(ServiceError):
        measurements.update_draft(
            first.id, entered(narrative="Changed"), version=2, actor=secretary
        )
    with pytest.raises(ServiceError) as refused:
        measurements.correct(first.id, entered(), actor=secretary)
    assert "correction_reason" in refused.value.errors
    second = measurements.correct(
        first.id, entered(correction_reason="The third partner was counted twice."), actor=secretary
    )
    assert second.version == 2 and second.published_at is None
    assert db.session.get(type(first), first.id).narrative == entered().narrative
    # Only the latest published version may be corrected.
    measurements.publish(second.id, version=second.row_version, actor=secretary)
    with pytest.raises(ServiceError):
        measurements.correct(first.id, entered(correction_reason="again"), actor=secretary)
    assert measurements.row(found, Q3).published.version == 2


def test_a_second_first_recording_for_the_same_period_is_refused(secretary):
    found = indicator("resident_outcome_examples")
    measurements.record(found.id, Q3, entered(), actor=secretary)
    with pytest.raises(ServiceError) as refused:
        measurements.record(found.id, Q3, entered(), actor=secretary)
    assert "already has a measurement" in refused.value.errors["period"]


def test_stale_draft_edits_are_refused(secretary):
    found = indicator("resident_outcome_examples")
    draft = measurements.record(found.id, Q3, entered(), actor=secretary)
    measurements.update_draft(draft.id, entered(narrative="One"), version=1, actor=secretary)
    with pytest.raises(Conflict):
        measurements.update_draft(draft.id, entered(narrative="Two"), version=1, actor=secretary)


def test_what_is_wrong_is_said_beside_each_field(secretary):
    diversity = indicator("leadership_diversity")
    errors = measurements.problems(
        diversity,
        MeasurementInput(value="about ten", rag="purple", evidence_links="www.example.org"),
    )
    assert errors["value"] == "Enter a number, like 12 or 12.5"
    assert errors["rag"] == "Choose red, amber or green"
    assert errors["rag_reason"] == "Say why it is this colour"
    assert errors["source"] == "Say where the figure comes from"
    assert errors["evidence_links"].startswith("Line 1 is not a web address")
    narrative = measurements.problems(indicator("community_partner_feedback"), MeasurementInput())
    assert narrative["narrative"] == "Describe what happened in this period"


def test_leadership_diversity_is_entered_with_its_source(secretary):
    found = indicator("leadership_diversity")
    draft = measurements.record(
        found.id,
        periods.year(2025),
        entered(value="14.5%", source="WMCA workforce report 2025, table 3"),
        actor=secretary,
    )
    assert draft.value == Decimal("14.50") and draft.source.startswith("WMCA")


def _engagement(name: str, on: date):
    group = db.session.scalar(select(CommunityGroup).where(CommunityGroup.name == name))
    if group is None:
        group = CommunityGroup(
            name=name,
            group_type=GroupType.COMMUNITY_GROUP,
            contact_name="C",
            contact_email=f"{len(name)}@test.example",
            communities_served="Everyone",
        )
        db.session.add(group)
        db.session.flush()
    db.session.add(
        GroupEngagement(
            group_id=group.id,
            kind=EngagementKind.EVENT_ATTENDED,
            occurred_on=on,
            description="Listening event",
        )
    )
    db.session.commit()


def test_counted_indicators_ignore_typed_numbers_and_count_at_publishing(secretary):
    found = indicator("community_groups_engaged")
    _engagement("Sandwell Bangladeshi Women", date(2026, 10, 2))
    _engagement("Sandwell Bangladeshi Women", date(2026, 11, 2))
    _engagement("Coventry Refugee Voices", date(2026, 9, 30))  # Q2: not counted in Q3
    draft = measurements.record(found.id, Q3, entered(value="999"), actor=secretary)
    assert draft.computed and draft.value == 1
    _engagement("Walsall Somali Elders", date(2026, 12, 31))
    # Counted figures are published once the period is over, and counted then.
    with pytest.raises(ServiceError):
        measurements.publish(
            draft.id, version=draft.row_version, actor=secretary, today=date(2026, 12, 31)
        )
    published = measurements.publish(
        draft.id, version=draft.row_version, actor=secretary, today=date(2027, 1, 1)
    )
    assert published.value == 2
    # Fixed once published, whatever the records do later.
    _engagement("Dudley Roma Families", date(2026, 12, 1))
    assert measurements.row(found, Q3).published.value == 2
    assert measurements.row(found, Q3).live.value == 3
    labels = [r.label for r in measurements.row(found, Q3).live.records]
    assert "Walsall Somali Elders" in labels and "Coventry Refugee Voices" not in labels


def test_documents_are_checked_by_what_they_are(secretary):
    found = indicator("resident_outcome_examples")
    draft = measurements.record(found.id, Q3, entered(), actor=secretary)
    with pytest.raises(ServiceError):
        measurements.add_document(draft.id, "evidence.pdf", b"MZ\x90\x00", actor=secretary)
    document = measurements.add_document(
        draft.id, "C:\\Users\\me\\evidence.pdf", b"%PDF-1.4\n%%EOF", actor=secretary
    )
    assert document.filename == "evidence.pdf" and document.content_type == "application/pdf"
    measurements.publish(draft.id, version=draft.row_version, actor=secretary)
    with pytest.raises(ServiceError):
        measurements.add_document(draft.id, "more.txt", b"more", actor=secretary)


def test_published_series_takes_the_latest_published_version(secretary):
    found = indicator("resident_outcome_examples")
    first = measurements.record(found.id, Q3, entered(), actor=secretary)
    measurements.publish(
        first.id,
        version=first.row_version,
        actor=secretary,
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    second = measurements.correct(
        first.id, entered(correction_reason="Typo", narrative="Fixed"), actor=secretary
    )
    series = measurements.published_series([found.id], [Q3])
    assert series[(found.id, Q3)].id == first.id  # the correction is still a draft
    measurements.publish(second.id, version=second.row_version, actor=secretary)
    assert measurements.published_series([found.id], [Q3])[(found.id, Q3)].id == second.id
