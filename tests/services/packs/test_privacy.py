"""What a working group may read from packs and digest emails, after the story changes:
reopened or rejected after approval, re-approved with other themes, or withdrawn (the
counts, phrases and equality tables of a built pack are worked out again)."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engage import clock
from engage.extensions import db
from engage.models import (
    Channel,
    MeetingPack,
    Membership,
    MembershipRole,
    OutboxMessage,
    Person,
    Role,
    StoryRoute,
    User,
)
from engage.services.common.audit import SYSTEM
from engage.services.digests import issuing
from engage.services.packs import builder
from engage.services.stories import intake, moderation
from tests import factories

SECRET = "The caretaker at the xylophonecorp tower block ignored the damp and mould for months."


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def housing(ctx):
    group = factories.working_group("Housing working group")
    factories.routing_rule(group, ["housing"])
    return group


def member(group, name: str) -> User:
    address = f"{name.lower()}@test.example"
    account = factories.user(role=Role.WORKING_GROUP_MEMBER, email=address)
    db.session.add(
        Membership(
            person=Person(full_name=name, email=address),
            body=group,
            role=MembershipRole.MEMBER,
            term_start=date(2026, 1, 1),
        )
    )
    db.session.commit()
    return account


def officer() -> User:
    return db.session.scalar(select(User).where(User.email == "approver@test.example"))


def test_a_story_taken_back_from_approval_leaves_the_pdf_and_the_unsent_email(housing):
    member(housing, "Amira")
    story = factories.approved_story(SECRET, themes=["housing"], summary="Summary.")
    pack = builder.build(factories.meeting(on=clock.today() + timedelta(days=7)).id, actor=SYSTEM)
    digest = issuing.issue_now(housing.id, actor=SYSTEM)
    story = moderation.reopen(story.id, officer(), story.version)
    moderation.reject(story.id, officer(), story.version, "Names a third party")
    pack = db.session.get(MeetingPack, pack.id)
    assert "xylophonecorp" not in pdf_text(builder.pdf_of(pack))
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.digest_id == digest.id))
    assert "xylophonecorp" not in message.body + message.html_body
    assert db.session.scalars(select(StoryRoute)).all() == []


def test_a_working_groups_pack_holds_only_its_own_digest(housing):
    transport = factories.working_group("Transport working group")
    factories.routing_rule(transport, ["transport"])
    factories.approved_story("The bus driver shouted at my son.", themes=["transport"])
    meeting = factories.meeting(body_slug=housing.slug, on=clock.today() + timedelta(days=7))
    headings = [
        s["heading"]
        for s in builder.visible_content(builder.build(meeting.id, actor=SYSTEM))["sections"]
    ]
    assert "Digest: Housing working group" in headings
    assert "Digest: Transport working group" not in headings
    # The Taskforce's pack holds every group's.
    taskforce = factories.meeting(on=clock.today() + timedelta(days=8))
    headings = [
        s["heading"]
        for s in builder.visible_content(builder.build(taskforce.id, actor=SYSTEM))["sections"]
    ]
    assert {"Digest: Housing working group", "Digest: Transport working group"} <= set(headings)


def test_reapproval_with_corrected_themes_moves_the_story(housing):
    police = factories.working_group("Criminal justice working group")
    factories.routing_rule(police, ["criminal_justice"])
    story = factories.approved_story(themes=["criminal_justice"])
    story = moderation.reopen(story.id, officer(), story.version)
    story = moderation.confirm_themes(story.id, officer(), story.version, ["housing"])
    story = moderation.approve(story.id, officer(), story.version)
    groups = set(
        db.session.scalars(select(StoryRoute.body_id).where(StoryRoute.submission_id == story.id))
    )
    assert groups == {housing.id}


def test_a_withdrawal_reworks_the_counts_and_phrases_of_a_built_pack(housing):
    stories = [
        factories.approved_story(f"Story {n}: black mould again in the flat.", themes=["housing"])
        for n in range(3)
    ]
    pack = builder.build(factories.meeting(on=clock.today() + timedelta(days=7)).id, actor=SYSTEM)

    def housing_section(found):
        content = builder.visible_content(found)
        return next(
            s for s in content["sections"] if s["heading"] == "Digest: Housing working group"
        )

    before = str(housing_section(pack))
    assert "3 stories since the previous meeting" in before and "black mould" in before.lower()
    intake.withdraw(stories[0].id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.commit()
    after = housing_section(db.session.get(MeetingPack, pack.id))
    text = str(after)
    assert "2 stories since the previous meeting" in text
    # Only two stories say it now: no longer a phrase that keeps coming up (3 or more).
    assert "Phrases that keep coming up" not in text
    assert str(stories[0].id) not in db.session.get(MeetingPack, pack.id).story_ids.split()
