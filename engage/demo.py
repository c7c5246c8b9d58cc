"""Demo data for local use: accounts for each role and a part-filled register.

The register deliberately has gaps (two independent member places vacant, a missing
substitute, a lapsed term, an unsigned agreement) so the composition check has
something to show. Loading twice changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from engage import clock
from engage.extensions import db
from engage.models import (
    AgeGroup,
    Body,
    BodyKind,
    Channel,
    CommunityGroup,
    EngagementKind,
    GroupEngagement,
    GroupStatus,
    GroupType,
    LocalAuthority,
    MembershipRole,
    Person,
    Purpose,
    Role,
    Theme,
    User,
)
from engage.services.accounts import accounts
from engage.services.common.transaction import transactional
from engage.services.register import memberships
from engage.services.stories import intake, notices, receipts, tagging

DEMO_PASSWORD = "try-engage-locally"  # nosec B105 # demo accounts, refused in production
DEMO_ACCOUNTS = [
    ("admin@engage.example", "Demo Administrator", Role.ADMIN),
    ("secretariat@engage.example", "Demo Secretariat", Role.SECRETARIAT),
    ("officer@engage.example", "Demo Engagement Officer", Role.ENGAGEMENT_OFFICER),
    ("working-group@engage.example", "Demo Working Group Member", Role.WORKING_GROUP_MEMBER),
    ("group@engage.example", "Demo Community Group Contact", Role.GROUP_CONTACT),
]

INDEPENDENT_MEMBERS = [
    "Kwame Mensah",
    "Priya Sharma",
    "Tomasz Nowak",
    "Fatima Begum",
    "Siobhan Doyle",
    "Hassan Ali",
    "Grace Adeyemi",
    "Mei Lin Chen",
    "Jaswinder Kaur",
    "Daniel Murphy",
]
REPRESENTATIVES = {
    "Birmingham": ("Helen Carter", "Imran Hussain"),
    "Coventry": ("Marcus Reid", "Anita Patel"),
    "Dudley": ("Claire Whitehouse", "Gareth Evans"),
    "Sandwell": ("Nadia Rahman", "Paul Brooks"),
    "Solihull": ("Rebecca Stone", "Olumide Bakare"),
    "Walsall": ("Sunita Gill", None),
    "Wolverhampton": ("Tendai Moyo", "Karen Price"),
}
EXTRA_BODIES = [
    (
        "jobs-economy-working-group",
        "Jobs and economy working group",
        BodyKind.WORKING_GROUP,
        "jobs_economy",
    ),
    ("housing-working-group", "Housing working group", BodyKind.WORKING_GROUP, "housing"),
    (
        "mayoral-homelessness-taskforce",
        "Mayoral Homelessness Taskforce",
        BodyKind.MAYORAL_TASKFORCE,
        None,
    ),
]


def _person_id(name: str) -> int | None:
    return db.session.scalar(select(Person.id).where(Person.full_name == name))


@transactional
def _ensure_bodies() -> None:
    for slug, name, kind, theme_slug in EXTRA_BODIES:
        if db.session.scalar(select(Body.id).where(Body.slug == slug)) is None:
            theme = (
                db.session.scalar(select(Theme).where(Theme.slug == theme_slug))
                if theme_slug
                else None
            )
            db.session.add(Body(slug=slug, name=name, kind=kind, theme=theme, description=""))


def _add(actor: User, today: date, name: str, role: MembershipRole, **fields) -> int:
    existing = _person_id(name)
    data = memberships.MembershipInput(
        body_id=fields.pop("body_id"),
        role=role,
        term_start=fields.pop("term_start", today - timedelta(days=400)),
        term_end=fields.pop("term_end", today + timedelta(days=700)),
        volunteers_agreement_signed_on=fields.pop("signed", today - timedelta(days=395)),
        person_id=existing,
        new_person_name="" if existing else name,
        **fields,
    )
    return memberships.add_membership(data, actor=actor, today=today).id


def _load_register(actor: User, today: date) -> None:
    taskforce = memberships.get_body("taskforce")
    ids = {"body_id": taskforce.id}
    _add(actor, today, "Dr Amara Okafor", MembershipRole.CHAIR, **ids)
    _add(actor, today, "Rajesh Mistry", MembershipRole.DEPUTY_CHAIR, **ids)
    for index, name in enumerate(INDEPENDENT_MEMBERS):
        extra = {}
        if index == 0:
            extra["term_end"] = today - timedelta(days=20)  # lapsed, still open
        if index == 1:
            extra["signed"] = None  # agreement not yet signed
        if index == 2:
            extra["term_end"] = today + timedelta(days=45)  # ends soon
        _add(actor, today, name, MembershipRole.INDEPENDENT_MEMBER, **ids, **extra)
    authorities = {a.name: a.id for a in db.session.scalars(select(LocalAuthority)).all()}
    for authority, (rep, substitute) in REPRESENTATIVES.items():
        rep_id = _add(
            actor,
            today,
            rep,
            MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            local_authority_id=authorities[authority],
            **ids,
        )
        if substitute:
            _add(
                actor, today, substitute, MembershipRole.SUBSTITUTE, substitute_for_id=rep_id, **ids
            )
    _add(actor, today, "Lucy Adams", MembershipRole.SECRETARIAT, signed=None, **ids)
    housing = memberships.get_body("housing-working-group")
    _add(actor, today, "Siobhan Doyle", MembershipRole.CHAIR, body_id=housing.id)
    _add(actor, today, "Nadia Rahman", MembershipRole.MEMBER, body_id=housing.id)
    homelessness = memberships.get_body("mayoral-homelessness-taskforce")
    _add(actor, today, "Grace Adeyemi", MembershipRole.MEMBER, body_id=homelessness.id)


DEMO_GROUPS = [
    # (name, kind, contact name, contact email, verified?)
    (
        "Ladywood Somali Women's Association",
        GroupType.COMMUNITY_GROUP,
        "Hodan Ali",
        "hodan@ladywood-somali.example",
        False,
    ),
    (
        "Sandwell African Caribbean Elders",
        GroupType.REGISTERED_CHARITY,
        "Demo Group Contact",
        "group@engage.example",
        True,
    ),
]
DEMO_STORIES = [
    (
        "They saw my name on the CV and never called back. My friend sent the same CV with an "
        "English name and got an interview the next week.",
        "Birmingham",
        "B11",
    ),
    (
        "The bus from our estate stops at 7pm, so my mum cannot get to her night shifts at the "
        "hospital. We have asked the council many times.",
        "Sandwell",
        "B66",
    ),
    (
        "My son was stopped and searched three times this year walking home from college. He is "
        "scared to go out now.",
        "Wolverhampton",
        None,
    ),
    (
        "My name is Grace Adebayo and I live at 14 Stratford Road. The letting agent said the "
        "landlord does not rent to people on benefits, then showed the flat to a white couple "
        "an hour later. You can ring me on 07700 900461.",
        "Birmingham",
        "B11",
    ),
    (
        "At the hospital nobody would get an interpreter for my mother. My son Bilal, who is "
        "12, had to explain her cancer results to her. Please do something about this.",
        "Walsall",
        "WS1",
    ),
]


@transactional
def _load_groups(today: date) -> None:
    authorities = {a.name: a for a in db.session.scalars(select(LocalAuthority))}
    for name, kind, contact, email, verified in DEMO_GROUPS:
        group = CommunityGroup(
            name=name,
            group_type=kind,
            contact_name=contact,
            contact_email=email,
            communities_served="Demo data: not a real group",
            areas=[authorities["Birmingham"]],
        )
        if verified:
            group.status = GroupStatus.VERIFIED
            group.contact_user_id = db.session.scalar(select(User.id).where(User.email == email))
            group.engagements.append(
                GroupEngagement(
                    kind=EngagementKind.MEETING_INFORMED,
                    occurred_on=today - timedelta(days=30),
                    description="Spoke at the Taskforce's October meeting",
                )
            )
        db.session.add(group)


def _load_stories() -> None:
    authorities = {a.name: a.id for a in db.session.scalars(select(LocalAuthority))}
    version = notices.current().version
    for number, (text, area, district) in enumerate(DEMO_STORIES):
        stored = intake.submit_story(
            intake.StoryInput(
                story=text,
                age_group=AgeGroup.ADULT,
                # Some may be quoted and some not, to show both in moderation.
                consents={Purpose.STORE: True, Purpose.SHARE: True, Purpose.QUOTE: number % 2 == 0},
                local_authority_id=authorities[area],
                postcode=district or "",
            ),
            receipt_code=receipts.new_code(),
            channel=Channel.WEB,
            language="en",
            notice_version=version,
        )
        tagging.tag_submission(stored.id)


def load_demo_data() -> str:
    created = 0
    for email, name, role in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            accounts.create_user(email=email, display_name=name, password=DEMO_PASSWORD, role=role)
            created += 1
    _ensure_bodies()
    taskforce = memberships.get_body("taskforce")
    register_loaded = bool(taskforce.memberships)
    if not register_loaded:
        actor = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][0]))
        _load_register(actor, clock.today())
        _load_groups(clock.today())
        _load_stories()
        from engage import demo_flow

        demo_flow.load(clock.today())
    return (
        f"Demo data ready: {created} new account(s); register "
        f"{'already loaded' if register_loaded else 'loaded'}. "
        f"Sign in as {DEMO_ACCOUNTS[0][0]} with the password '{DEMO_PASSWORD}'."
    )


def bulk_submissions(count: int, *, batch: int = 20_000, seed: int = 0) -> int:
    """Load `count` synthetic stories fast, for measuring the moderation queue at
    volume (never in production). Rows go in with plain INSERTs in large batches."""
    import hashlib
    import random
    from datetime import UTC, datetime

    from engage.models import Submission, SubmissionStatus

    rng = random.Random(seed)  # nosec B311 # repeatable demo data, not a secret
    authorities = list(db.session.scalars(select(LocalAuthority.id)))
    channels = [c.value for c in Channel]
    statuses = [SubmissionStatus.RECEIVED.value] * 7 + [
        SubmissionStatus.APPROVED.value,
        SubmissionStatus.REJECTED.value,
        SubmissionStatus.DUPLICATE.value,
    ]
    start = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    span = 2 * 365 * 24 * 3600
    table = Submission.__table__
    offset = db.session.scalar(select(func.count()).select_from(Submission)) or 0
    made = 0
    while made < count:
        rows = []
        for n in range(made, min(count, made + batch)):
            ident = f"bulk-{offset + n}"
            created = datetime.fromtimestamp(start + rng.random() * span, UTC)
            rows.append(
                {
                    "receipt_hash": hashlib.sha256(ident.encode()).hexdigest(),
                    "status": rng.choice(statuses),
                    "channel": rng.choice(channels),
                    "age_group": "18_plus",
                    "story": f"Synthetic story {offset + n} for measuring the queue.",
                    "local_authority_id": rng.choice(authorities),
                    "consent_store": True,
                    "consent_share": rng.random() < 0.8,
                    "consent_quote": rng.random() < 0.5,
                    "created_at": created,
                    "updated_at": created,
                    "tagging_status": "done",
                    "language": "en" if rng.random() < 0.95 else "pl",
                    "language_flagged": False,
                    "safeguarding": rng.random() < 0.001,
                }
            )
        db.session.execute(table.insert(), rows)
        db.session.commit()
        made += len(rows)
    return made
