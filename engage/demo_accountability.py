"""Demo data for accountability: measurements of several indicators over recent quarters
and years (one corrected), a decision the Taskforce influenced linked to the housing
digest, its meeting and the stories behind it, and a published "you said, we did" whose
resident can see it at /your-story with the code DEMO_CODE."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Body,
    Channel,
    Digest,
    GroupEngagement,
    LocalAuthority,
    Meeting,
    MeetingStatus,
    Purpose,
    Submission,
    Theme,
    User,
)
from engage.models.accountability import PeriodKind
from engage.services.accountability import closing_loop, decisions, measurements, periods
from engage.services.accountability.measurements import MeasurementInput
from engage.services.common import audit
from engage.services.digests import digests as digest_service
from engage.services.stories import intake, moderation, notices, receipts, tagging

# A resident's code that opens the demo story at /your-story.
DEMO_CODE = "7RES-DENT-2026"
DEMO_RESIDENT_EMAIL = "resident@engage.example"
LOOP_STORY = (
    "Every winter the walls in our flat go black with mould. We reported it to the "
    "housing association four times and they told us to open the windows. My son has "
    "been in hospital twice with his chest."
)
LOOP_SUMMARY = (
    "Mould reported four times to a housing association, blamed on the family; a child "
    "admitted to hospital twice with breathing problems."
)

# Entered indicators: (slug, {period key: (value, narrative, rag, reason, source)}).
ENTERED = [
    (
        "leadership_diversity",
        {
            "2024": (
                "11.8",
                "",
                "red",
                "Well below the 20% ambition in the WMCA's inclusion strategy.",
                "WMCA workforce equality report 2024/25, table 4 (senior leadership, grade "
                "12 and above)",
            ),
            "2025": (
                "13.6",
                "",
                "amber",
                "Rising for the second year, but still below the 20% ambition.",
                "WMCA workforce equality report 2025/26, table 4 (senior leadership, grade "
                "12 and above)",
            ),
        },
    ),
    (
        "resident_outcome_examples",
        {
            "2026-Q1": (
                "",
                "After residents described being refused bus passes without photo ID in "
                "their name, Transport for West Midlands accepted community group letters "
                "as proof of identity for concessionary passes.",
                "green",
                "A clear change that residents can feel, traced to stories from three groups.",
                "",
            ),
            "2026-Q2": (
                "",
                "Housing stories about mould reached the Housing and Land Board; partner "
                "landlords agreed a 28-day repair standard for reported damp.",
                "green",
                "Agreed and published; the first monitoring figures are due in Q4.",
                "",
            ),
        },
    ),
    (
        "equity_data_in_outcomes",
        {
            "2025": (
                "",
                "The employment and attainment tables by ethnic group (Evidence data) were "
                "added to the outcome measures of the WMCA's Inclusive Growth framework; "
                "two programme boards now report their results by ethnic group.",
                "amber",
                "Two of five programme boards so far.",
                "",
            ),
        },
    ),
    (
        "community_partner_feedback",
        {
            "2026-Q2": (
                "",
                "Seven of nine community partners at the July forum said they could see "
                "what happened to what their members told the Taskforce; two said the "
                "forms were still hard to use on a phone.",
                "amber",
                "Mostly positive; the two concerns are being worked on.",
                "",
            ),
        },
    ),
]


def tell_story(officer: User) -> int:
    """The demo resident's story: told with consent to contact, approved, routed."""
    authority = db.session.scalar(select(LocalAuthority.id).where(LocalAuthority.name == "Dudley"))
    story = intake.submit_story(
        intake.StoryInput(
            story=LOOP_STORY,
            age_group=AgeGroup.ADULT,
            consents={
                Purpose.STORE: True,
                Purpose.SHARE: True,
                Purpose.QUOTE: True,
                Purpose.CONTACT: True,
            },
            local_authority_id=authority,
            contact_email=DEMO_RESIDENT_EMAIL,
        ),
        receipt_code=DEMO_CODE,
        channel=Channel.WEB,
        language="en",
        notice_version=notices.current().version,
    )
    tagging.tag_submission(story.id)
    story = moderation.claim(story.id, officer)
    story = moderation.confirm_redaction(
        story.id,
        officer,
        story.version,
        {p.id: True for p in story.pii_proposals},
        most_of_story_confirmed=True,
    )
    story = moderation.confirm_themes(story.id, officer, story.version, ["housing"])
    story = moderation.save_summary(story.id, officer, story.version, LOOP_SUMMARY)
    moderation.approve(story.id, officer, story.version)
    return story.id


def _measurements(secretary, today: date) -> None:
    for slug, by_period in ENTERED:
        indicator = measurements.indicator_by_slug(slug)
        for key, (value, narrative, rag, reason, source) in by_period.items():
            period = periods.parse_key(key)
            if period.start > today:
                continue
            recorded = measurements.record(
                indicator.id,
                period,
                MeasurementInput(
                    value=value,
                    narrative=narrative,
                    rag=rag,
                    rag_reason=reason,
                    source=source,
                    evidence_links="https://www.wmca.org.uk/what-we-do/inclusive-communities/",
                ),
                actor=secretary,
            )
            measurements.publish(recorded.id, version=recorded.row_version, actor=secretary)
    # A published figure corrected: the first reading of 2024/25 took the wrong row.
    diversity = measurements.indicator_by_slug("leadership_diversity")
    first = measurements.row(diversity, periods.year(2024)).published
    if first is not None:
        corrected = measurements.correct(
            first.id,
            MeasurementInput(
                value="12.1",
                rag="red",
                rag_reason=first.rag_reason,
                source=first.source,
                evidence_links=first.evidence_links,
                correction_reason="The first figure was read from the grade 13+ row of "
                "table 4, not grade 12+.",
            ),
            actor=secretary,
        )
        measurements.publish(corrected.id, version=corrected.row_version, actor=secretary)
    # Counted indicators for the last two quarters, published as they stand.
    for slug in ("community_groups_engaged", "decisions_influenced"):
        indicator = measurements.indicator_by_slug(slug)
        for period in periods.recent(today, PeriodKind.QUARTER, 2)[:1]:
            recorded = measurements.record(
                indicator.id,
                period,
                MeasurementInput(rag="amber", rag_reason="Growing, from a low start."),
                actor=secretary,
            )
            measurements.publish(recorded.id, version=recorded.row_version, actor=secretary)


def _engagements(today: date) -> None:
    """Groups taking part in decision making, for the counted indicator."""
    from engage.models import CommunityGroup, GroupStatus
    from engage.models.groups import EngagementKind

    groups = db.session.scalars(
        select(CommunityGroup).where(CommunityGroup.status == GroupStatus.VERIFIED)
    ).all()
    for n, group in enumerate(groups):
        db.session.add(
            GroupEngagement(
                group_id=group.id,
                kind=EngagementKind.MEETING_INFORMED,
                occurred_on=today - timedelta(days=70 + 35 * n),
                description="Spoke at the Taskforce's listening session on housing.",
            )
        )
    db.session.commit()


def _decision(secretary, story_id: int, today: date) -> None:
    housing = db.session.scalar(select(Body).where(Body.slug == "housing-working-group"))
    digest = db.session.scalar(
        select(Digest).where(Digest.body_id == housing.id).order_by(Digest.id.desc())
    )
    held = db.session.scalar(
        select(Meeting)
        .where(Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.starts_at.desc())
    )
    # The stories behind it: those in the housing group's latest digest.
    housing_stories = [item.submission_id for item in digest_service.stories_of(digest)]
    decision = decisions.add(
        decisions.DecisionInput(
            title="28-day repair standard for reported damp and mould",
            decided_by="WMCA Housing and Land Board",
            decided_on=today - timedelta(days=10),
            what_changed="Housing associations in the regional partnership agreed to inspect "
            "reported damp and mould within 10 working days and finish repairs within 28 "
            "days, and to stop telling tenants the cause is their lifestyle before an "
            "inspection.",
            significance="3",
            evidence_links="https://www.wmca.org.uk/what-we-do/housing-and-land/",
            meeting_ids=[held.id] if held else [],
            digest_ids=[digest.id] if digest else [],
        ),
        actor=secretary,
    )
    decisions.set_stories(
        decision.id, sorted(set(housing_stories) | {story_id}), version=1, actor=secretary
    )
    housing_theme = db.session.scalar(select(Theme.id).where(Theme.slug == "housing"))
    closure = closing_loop.write(
        decision.id,
        closing_loop.ClosureInput(
            theme_id=housing_theme,
            texts={
                "en": (
                    "Residents told us that damp and mould in their homes were ignored for "
                    "months, that they were blamed for it, and that their children's health "
                    "suffered.",
                    "The WMCA Housing and Land Board agreed a new standard: partner landlords "
                    "inspect reported damp within 10 working days and finish repairs within "
                    "28 days, without blaming tenants first.",
                ),
                "pl": (
                    "Mieszkańcy powiedzieli nam, że wilgoć i pleśń w ich domach były "
                    "ignorowane przez miesiące, że obwiniano ich za to i że cierpiało "
                    "zdrowie ich dzieci.",
                    "Rada ds. Mieszkalnictwa i Gruntów WMCA przyjęła nowy standard: "
                    "zarządcy sprawdzają zgłoszoną wilgoć w ciągu 10 dni roboczych i kończą "
                    "naprawy w ciągu 28 dni, nie obwiniając najpierw lokatorów.",
                ),
            },
        ),
        actor=secretary,
    )
    closing_loop.publish(closure.id, version=closure.version, actor=secretary)


def _earlier_decision(secretary, today: date) -> None:
    """A decision in the previous quarter, so its counted figure has something in it."""
    previous = periods.recent(today, PeriodKind.QUARTER, 2)[0]
    decisions.add(
        decisions.DecisionInput(
            title="Community group letters accepted as proof of identity for bus passes",
            decided_by="Transport for West Midlands",
            decided_on=previous.start + timedelta(days=20),
            what_changed="Residents without photo ID in their own name can apply for a "
            "concessionary bus pass with a letter from a verified community group.",
            significance="2",
            evidence_links="https://www.tfwm.org.uk/",
        ),
        actor=secretary,
    )


def load(today: date) -> None:
    """After demo_flow's meetings: engagements, decisions, measurements."""
    secretary = db.session.scalar(select(User).where(User.email == "secretariat@engage.example"))
    actor = audit.as_actor(secretary)
    story_id = db.session.scalar(
        select(Submission.id).where(Submission.receipt_hash == receipts.digest(DEMO_CODE))
    )
    _engagements(today)
    _decision(actor, story_id, today)
    _earlier_decision(actor, today)
    _measurements(actor, today)
