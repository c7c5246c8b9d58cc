"""Demo history: a year and a half of stories already read, approved and routed, so the
public figures, the equality and intersectional breakdowns and last year's annual
progress report show real numbers rather than "fewer than 10" everywhere.

The stories are put together from short, realistic sentences per theme and inserted in
bulk (as engage.demo.bulk_submissions does), routed to the working group their themes go
to and dated before the last month, so they stay out of the moderation queue, the unrouted
list and the current digests. Never used outside the demo."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Body,
    Channel,
    ConfirmedTheme,
    EqualityAnswers,
    EthnicGroup,
    LocalAuthority,
    StoryRoute,
    Submission,
    SubmissionStatus,
    TaggingStatus,
    Theme,
)

COUNT = 420
SEED = 2021
# Themes with a routing rule in the demo (engage.demo_flow.RULES), and what residents said.
SENTENCES = {
    "housing": (
        "The damp in our bedroom came back again this winter.",
        "We waited months for the landlord to fix the boiler.",
        "The council moved us to temporary accommodation far from the children's school.",
        "Our neighbour shouts racist abuse at us on the stairs.",
    ),
    "health_wellbeing": (
        "There was no interpreter at the hospital appointment.",
        "The GP receptionist would not book me in without a photo ID.",
        "My mother waited a year for a mental health assessment.",
        "The midwife did not listen when I said something was wrong.",
    ),
    "jobs_economy": (
        "I was told my accent was not right for a customer-facing job.",
        "Every interview ends when they see my name on the form.",
        "My overseas qualifications count for nothing here.",
        "I was passed over for promotion three times.",
    ),
    "education_skills": (
        "My son was excluded for a haircut that is part of our culture.",
        "There are no ESOL classes near us in the evening.",
        "The careers adviser told my daughter university was not for people like us.",
        "The college would not recognise my nursing diploma.",
    ),
}
ROUTES = {
    "housing": "housing-working-group",
    "health_wellbeing": "housing-working-group",
    "jobs_economy": "jobs-economy-working-group",
    "education_skills": "jobs-economy-working-group",
}
# Roughly the region's mix (2021 census, West Midlands Combined Authority area), by the
# census headings, with a share who prefer not to say.
ETHNIC_HEADINGS = (
    ("Asian, Asian British or Asian Welsh", 34),
    ("Black, Black British, Black Welsh, Caribbean or African", 16),
    ("Mixed or Multiple ethnic groups", 8),
    ("White", 30),
    ("Other ethnic group", 7),
)
AREAS = (
    ("Birmingham", 40),
    ("Coventry", 12),
    ("Dudley", 8),
    ("Sandwell", 12),
    ("Solihull", 5),
    ("Walsall", 9),
    ("Wolverhampton", 14),
)
AGE_BANDS = (("18_24", 14), ("25_34", 26), ("35_44", 24), ("45_54", 17), ("55_64", 11))
SEXES = (("female", 58), ("male", 38), ("prefer_not_to_say", 4))


def _pick(rng: random.Random, weighted):
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights=weights)[0]


def load(today: date) -> int:
    """Add the history; returns how many stories. Does nothing if it is already there."""
    first = hashlib.sha256(b"demo-history-0").hexdigest()
    if db.session.scalar(select(Submission.id).where(Submission.receipt_hash == first)):
        return 0
    rng = random.Random(SEED)  # nosec B311 # repeatable demo data, not a secret
    themes = {t.slug: t.id for t in db.session.scalars(select(Theme))}
    bodies = {b.slug: b.id for b in db.session.scalars(select(Body))}
    areas = {a.name: a.id for a in db.session.scalars(select(LocalAuthority))}
    groups: dict[str, list[int]] = {}
    for group in db.session.scalars(select(EthnicGroup)):
        groups.setdefault(group.heading, []).append(group.id)
    # From the start of the last financial year (April to March).
    last_year = today.year - 1 if today.month >= 4 else today.year - 2
    start = datetime.combine(date(last_year, 4, 1), time(9), tzinfo=UTC)
    # Before the period the demo's digests cover (the last month), so they stay current.
    end = datetime.combine(today - timedelta(days=40), time(18), tzinfo=UTC)
    span = (end - start).total_seconds()
    for n in range(COUNT):
        created = start + timedelta(seconds=rng.random() * span)
        chosen = rng.sample(sorted(SENTENCES), k=1 if rng.random() < 0.7 else 2)
        text = " ".join(rng.choice(SENTENCES[slug]) for slug in chosen)
        story = Submission(
            receipt_hash=hashlib.sha256(f"demo-history-{n}".encode()).hexdigest(),
            status=SubmissionStatus.APPROVED,
            channel=Channel.WEB if rng.random() < 0.8 else Channel.OFFICER_EVENT,
            age_group=AgeGroup.ADULT,
            story=text,
            redacted_story=text,
            officer_summary=text,
            local_authority_id=areas[_pick(rng, AREAS)],
            consent_store=True,
            consent_share=True,
            consent_quote=False,
            consent_equality=rng.random() < 0.7,
            created_at=created,
            updated_at=created,
            decided_at=created + timedelta(days=3),
            themes_confirmed_at=created + timedelta(days=3),
            redaction_confirmed_at=created + timedelta(days=3),
            tagging_status=TaggingStatus.DONE,
            language="en",
        )
        if story.consent_equality:
            heading = _pick(rng, ETHNIC_HEADINGS)
            story.equality = EqualityAnswers(
                ethnic_group_id=rng.choice(groups[heading]),
                age_band=_pick(rng, AGE_BANDS),
                sex=_pick(rng, SEXES),
            )
        db.session.add(story)
        db.session.flush()
        for slug in chosen:
            db.session.add(ConfirmedTheme(submission_id=story.id, theme_id=themes[slug]))
        for body in sorted({ROUTES[slug] for slug in chosen}):
            db.session.add(
                StoryRoute(
                    submission_id=story.id,
                    body_id=bodies[body],
                    routed_at=created + timedelta(days=3),
                )
            )
    db.session.commit()
    return COUNT
