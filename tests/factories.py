"""Plain factory functions with sensible defaults. Call them inside an app context."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from engage import crypto
from engage.extensions import db
from engage.models import Body, LocalAuthority, Membership, MembershipRole, Person, Role, User
from engage.models.base import utcnow
from engage.services.accounts import accounts
from engage.services.register import memberships

PASSWORD = "correct horse battery"
# Every staff account made by the factories has this authenticator secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)


def user(
    *,
    role: Role = Role.ADMIN,
    email: str | None = None,
    password: str = PASSWORD,
    two_factor: bool | None = None,
) -> User:
    """An account; staff accounts have two-step sign-in set up unless two_factor=False."""
    n = next(_counter)
    made = accounts.create_user(
        email=email or f"user{n}@test.example",
        display_name=f"Test User {n}",
        password=password,
        role=role,
    )
    if two_factor if two_factor is not None else made.needs_two_factor:
        made.totp_secret_encrypted = crypto.encrypt(TOTP_SECRET)
        made.totp_confirmed_at = utcnow()
        db.session.commit()
    return made


def body(slug: str = "taskforce") -> Body:
    return db.session.scalar(select(Body).where(Body.slug == slug))


def authority(name: str) -> LocalAuthority:
    return db.session.scalar(select(LocalAuthority).where(LocalAuthority.name == name))


def person(name: str | None = None, **fields) -> Person:
    found = Person(full_name=name or f"Person {next(_counter)}", **fields)
    db.session.add(found)
    db.session.commit()
    return found


def membership(
    *,
    role: MembershipRole = MembershipRole.INDEPENDENT_MEMBER,
    name: str | None = None,
    body_slug: str = "taskforce",
    actor: User | None = None,
    today: date | None = None,
    start: date | None = None,
    end: date | None = None,
    signed: date | None | str = "default",
    authority_name: str | None = None,
    substitute_for_id: int | None = None,
):
    today = today or date(2026, 11, 23)
    actor = actor or db.session.scalar(select(User)) or user()
    data = memberships.MembershipInput(
        body_id=body(body_slug).id,
        role=role,
        term_start=start or today - timedelta(days=100),
        term_end=end,
        volunteers_agreement_signed_on=(
            today - timedelta(days=101) if signed == "default" else signed
        ),
        new_person_name=name or f"Member {next(_counter)}",
        local_authority_id=authority(authority_name).id if authority_name else None,
        substitute_for_id=substitute_for_id,
    )
    return memberships.add_membership(data, actor=actor, today=today)


def member_account(user_id: int, body_id: int) -> Membership:
    """A staff account's holder as a plain member of a body (its digests reach them)."""
    account = db.session.get(User, user_id)
    member = Membership(
        person=Person(full_name=account.display_name, email=account.email),
        body_id=body_id,
        role=MembershipRole.MEMBER,
        term_start=date(2026, 1, 1),
    )
    db.session.add(member)
    db.session.commit()
    return member


CONSTITUENT = [
    "Birmingham",
    "Coventry",
    "Dudley",
    "Sandwell",
    "Solihull",
    "Walsall",
    "Wolverhampton",
]


def full_taskforce(today: date = date(2026, 11, 23)) -> None:
    """A Taskforce whose composition matches its terms exactly."""
    membership(role=MembershipRole.CHAIR, name="The Chair", today=today)
    for n in range(12):
        membership(name=f"Independent {n + 1}", today=today)
    for name in CONSTITUENT:
        rep = membership(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            name=f"Rep {name}",
            authority_name=name,
            today=today,
        )
        membership(
            role=MembershipRole.SUBSTITUTE,
            name=f"Sub {name}",
            substitute_for_id=rep.id,
            today=today,
        )


STORY = (
    "The bus driver shut the doors when he saw my headscarf. My name is Amina Yusuf, "
    "ring me on 07700 900123. It happens on the 50 every week."
)


def submission(
    text: str = STORY,
    *,
    share: bool = True,
    quote: bool = True,
    equality: bool = False,
    tag: bool = True,
    contact: bool = False,
    language: str = "en",
    code: str | None = None,
    **fields,
):
    """A stored story from the web form, tagged as it would be after commit. With
    `contact`, pass contact_email or contact_phone too."""
    from engage.models import AgeGroup, Channel, Purpose
    from engage.services.stories import intake, notices, receipts, tagging

    consents = {
        Purpose.STORE: True,
        Purpose.SHARE: share,
        Purpose.QUOTE: quote,
        Purpose.EQUALITY: equality,
        Purpose.CONTACT: contact,
    }
    stored = intake.submit_story(
        intake.StoryInput(story=text, age_group=AgeGroup.ADULT, consents=consents, **fields),
        receipt_code=code or receipts.new_code(),
        channel=Channel.WEB,
        language=language,
        notice_version=notices.current().version,
    )
    if tag:
        tagging.tag_submission(stored.id)
    db.session.expire_all()
    return db.session.get(type(stored), stored.id)


def safeguarding_flag(story, *, officer: User | None = None, category: str = "risk_to_life"):
    from engage.services.stories import safeguarding

    officer = officer or user(role=Role.ENGAGEMENT_OFFICER)
    return safeguarding.flag(
        story.id,
        officer,
        category=category,
        concern="They say they feel unsafe at home.",
        link="http://localhost/moderation/1",
    )


# Routing and digests -------------------------------------------------------------


def working_group(name: str = "Housing working group", theme_slug: str | None = None) -> Body:
    from engage.models import BodyKind, Theme

    slug = name.lower().replace(" ", "-")
    found = db.session.scalar(select(Body).where(Body.slug == slug))
    if found is not None:
        return found
    theme = db.session.scalar(select(Theme).where(Theme.slug == theme_slug)) if theme_slug else None
    group = Body(slug=slug, name=name, kind=BodyKind.WORKING_GROUP, theme=theme)
    db.session.add(group)
    db.session.commit()
    return group


def routing_rule(group: Body, theme_slugs: list[str], area_names: list[str] = ()):
    from engage.models import Theme
    from engage.services.common.audit import SYSTEM
    from engage.services.digests import routing

    themes = db.session.scalars(select(Theme.id).where(Theme.slug.in_(theme_slugs))).all()
    areas = [authority(name).id for name in area_names]
    return routing.add_rule(
        routing.RuleInput(body_id=group.id, theme_ids=list(themes), area_ids=areas),
        actor=SYSTEM,
    )


def digest(group: Body, days: int = 30):
    from engage.models import Digest

    end = utcnow()
    found = Digest(body_id=group.id, period_start=end - timedelta(days=days), period_end=end)
    db.session.add(found)
    db.session.commit()
    return found


def meeting_pack(meeting_id: int, *, published: bool = False):
    """A small built pack (no PDF yet: it is made when first downloaded)."""
    import json

    from engage.models import MeetingPack

    content = {
        "title": "Test meeting pack",
        "subtitle": "Meeting on 1 January 2027",
        "version_label": "Version 1",
        "sections": [{"heading": "Agenda", "blocks": [{"type": "paragraph", "text": "Hello"}]}],
    }
    pack = MeetingPack(
        meeting_id=meeting_id,
        version=1,
        content=json.dumps(content),
        published_at=utcnow() if published else None,
    )
    db.session.add(pack)
    db.session.commit()
    return pack


def approved_story(
    text: str = STORY,
    *,
    themes: list[str] = ("housing",),
    officer: User | None = None,
    summary: str | None = "A resident describes damp and repairs that never came.",
    area: str | None = None,
    **fields,
):
    """A story taken through moderation to approval, as an officer would."""
    from engage.services.stories import moderation

    if area is not None:
        fields["local_authority_id"] = authority(area).id
    story = submission(text, **fields)
    officer = (
        officer
        or db.session.scalar(select(User).where(User.email == "approver@test.example"))
        or user(role=Role.ENGAGEMENT_OFFICER, email="approver@test.example")
    )
    story = moderation.claim(story.id, officer)
    decisions = {p.id: True for p in story.pii_proposals}
    story = moderation.confirm_redaction(
        story.id, officer, story.version, decisions, most_of_story_confirmed=True
    )
    story = moderation.confirm_themes(story.id, officer, story.version, list(themes))
    if summary:
        story = moderation.save_summary(story.id, officer, story.version, summary)
    story = moderation.approve(story.id, officer, story.version)
    db.session.expire_all()
    return db.session.get(type(story), story.id)


def meeting(
    *,
    body_slug: str = "taskforce",
    on: date = date(2026, 10, 15),
    at: str = "14:00",
    place: str = "Council House, Birmingham",
    online_link: str = "",
    held: bool = False,
    actor: User | None = None,
):
    """A meeting of a body, scheduled (or already held) at a UK date and time."""
    from datetime import time

    from engage.models import MeetingStatus
    from engage.services.meetings import meetings

    actor = actor or db.session.scalar(select(User)) or user()
    hours, minutes = (int(part) for part in at.split(":"))
    return meetings.schedule(
        meetings.MeetingInput(
            body_id=body(body_slug).id,
            on=on,
            at=time(hours, minutes),
            place=place,
            online_link=online_link,
            status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
        ),
        actor=actor,
        today=max(on, date(2026, 11, 23)),
    )


def agenda_item(meeting_id: int, title: str = "Welcome and apologies", **fields):
    from engage.services.meetings import agenda

    actor = db.session.scalar(select(User)) or user()
    return agenda.add_item(meeting_id, agenda.AgendaItemInput(title=title, **fields), actor=actor)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def paper(item_id: int, *, filename: str = "Terms of reference.pdf", content: bytes = PDF):
    from engage.services.meetings import agenda

    actor = db.session.scalar(select(User)) or user()
    return agenda.upload_paper(
        item_id, agenda.PaperInput(filename=filename, content=content), actor=actor
    )


def meeting_action(
    meeting_id: int,
    description: str = "Write to the transport authority about the 50 bus",
    *,
    owner: str = "The Secretariat",
    due_on: date | None = None,
):
    from engage.services.meetings import actions

    actor = db.session.scalar(select(User)) or user()
    return actions.raise_action(
        meeting_id,
        actions.ActionInput(description=description, owner=owner, due_on=due_on),
        actor=actor,
    )


EVIDENCE_CSV = (
    b"ethnic_group,area,period,value\n"
    b"Indian,West Midlands,2023,72.5\n"
    b"White,West Midlands,2023,76.4\n"
    b"All,West Midlands,2023,73.1\n"
)


def evidence_dataset(
    title: str = "Employment rate by ethnic group", *, content: bytes | None = EVIDENCE_CSV
):
    """An evidence dataset with one version (none when `content` is None)."""
    from engage.services.evidence import datasets

    actor = db.session.scalar(select(User)) or user()
    made = datasets.create_dataset(
        datasets.DatasetInput(title=title, measure="Employment rate, 16 to 64", unit="%"),
        actor=actor,
    )
    if content is not None:
        datasets.upload_version(
            made.id,
            datasets.VersionInput(
                filename="employment.csv",
                content=content,
                source="ONS Annual Population Survey",
                licence="Open Government Licence v3.0",
            ),
            actor=actor,
        )
    return made


def annual_report(
    year: int = 2026,
    sections: tuple = (("Foreword", "The Taskforce's **first** year."),),
    *,
    published: bool = False,
):
    """An annual report (a draft unless `published`) with narrative sections."""
    from engage.services.common.audit import SYSTEM
    from engage.services.reports import drafts, publishing

    drafts.start(year, actor=SYSTEM, today=date(year + 1, 3, 1))
    for heading, markdown in sections:
        drafts.add_section(year, heading, markdown, version=drafts.get(year).version, actor=SYSTEM)
    if published:
        publishing.publish(
            year,
            version=drafts.get(year).version,
            actor=SYSTEM,
            today=date(year + 1, 3, 1),
            settings={"threshold": 10, "rounding": 5},
        )
    return drafts.get(year)
