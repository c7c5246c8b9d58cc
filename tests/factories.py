"""Plain factory functions with sensible defaults. Call them inside an app context."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from engage import crypto
from engage.extensions import db
from engage.models import Body, LocalAuthority, MembershipRole, Person, Role, User
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
    **fields,
):
    """A stored story from the web form, tagged as it would be after commit."""
    from engage.models import AgeGroup, Channel, Purpose
    from engage.services.stories import intake, notices, receipts, tagging

    consents = {
        Purpose.STORE: True,
        Purpose.SHARE: share,
        Purpose.QUOTE: quote,
        Purpose.EQUALITY: equality,
    }
    stored = intake.submit_story(
        intake.StoryInput(story=text, age_group=AgeGroup.ADULT, consents=consents, **fields),
        receipt_code=receipts.new_code(),
        channel=Channel.WEB,
        language="en",
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
