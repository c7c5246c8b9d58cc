"""Meeting packs: built from the data, versioned, published; resident text escaped in
the PDF; a withdrawn story gone from the page at once and from the next PDF; a PDF that
fails leaves the page working."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engage import clock
from engage.extensions import db
from engage.models import AuditEvent, Channel, MeetingPack, Role
from engage.services.common.audit import SYSTEM
from engage.services.packs import builder
from engage.services.stories import intake
from tests import factories

TRICKY = "The agent said <b>no</b> & then <para>ignored</para> us </font> again."


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def meeting(ctx):
    housing = factories.working_group("Housing working group")
    factories.routing_rule(housing, ["housing"])
    soon = clock.today() + timedelta(days=7)
    return factories.meeting(on=soon)


def story_texts(content: dict) -> list[str]:
    return [
        block.get("quote") or ""
        for section in content["sections"]
        for block in section["blocks"]
        if block["type"] == "story"
    ]


def test_a_pack_gathers_the_digests_and_escapes_resident_text_in_the_pdf(meeting):
    story = factories.approved_story(TRICKY, themes=["housing"], summary="Agent & <i>landlord</i>.")
    pack = builder.build(meeting.id, actor=SYSTEM)
    assert pack.version == 1 and pack.pdf_error is None and pack.story_ids == str(story.id)
    headings = [s["heading"] for s in builder.visible_content(pack)["sections"]]
    assert headings[:3] == ["Agenda", "The previous meeting", "Open actions"]
    assert "Digest: Housing working group" in headings and headings[-1] == "Figures"
    reader = PdfReader(io.BytesIO(pack.pdf))
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Digest: Housing working group" in outline
    text = " ".join(pdf_text(pack.pdf).split())
    assert "<b>no</b> & then <para>ignored</para> us </font> again." in text
    assert "Agent & <i>landlord</i>." in text
    assert "Page 1 of" in text


def test_rebuilding_makes_a_new_version_and_one_is_published(meeting):
    first = builder.build(meeting.id, actor=SYSTEM)
    second = builder.build(meeting.id, actor=SYSTEM)
    assert (first.version, second.version) == (1, 2)
    builder.publish(first.id, actor=SYSTEM)
    builder.publish(second.id, actor=SYSTEM)
    published = [p.version for p in builder.versions(meeting.id) if p.published_at]
    assert published == [2]
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "meeting_pack")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["pack.built", "pack.built", "pack.published", "pack.published"]


def test_a_withdrawn_story_leaves_the_page_at_once_and_the_next_pdf(meeting):
    kept = factories.approved_story("The bus driver was kind to us.", themes=["housing"])
    gone = factories.approved_story(TRICKY, themes=["housing"])
    pack = builder.build(meeting.id, actor=SYSTEM)
    assert "then <para>ignored" in pdf_text(pack.pdf)
    intake.withdraw(gone.id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.commit()
    pack = db.session.get(MeetingPack, pack.id)
    assert pack.pdf is None  # dropped in the withdrawal's transaction
    ids = [
        block["submission_id"]
        for section in builder.visible_content(pack)["sections"]
        for block in section["blocks"]
        if block["type"] == "story"
    ]
    assert ids == [kept.id]
    again = builder.pdf_of(pack)
    assert "ignored" not in pdf_text(again) and "bus driver" in pdf_text(again)
    rebuilt = builder.build(meeting.id, actor=SYSTEM)
    assert str(gone.id) not in rebuilt.story_ids.split()


def test_a_quote_no_longer_allowed_is_dropped_from_the_page(meeting):
    story = factories.approved_story(TRICKY, themes=["housing"], summary="Summary stays.")
    pack = builder.build(meeting.id, actor=SYSTEM)
    from engage.models import Purpose

    intake.change_consent(
        story.id,
        {
            Purpose.QUOTE: False,
            Purpose.SHARE: True,
            Purpose.CONTACT: False,
            Purpose.EQUALITY: False,
        },
        channel=Channel.WEB,
        language="en",
    )
    db.session.commit()
    content = builder.visible_content(db.session.get(MeetingPack, pack.id))
    assert story_texts(content) == [""]
    assert db.session.get(MeetingPack, pack.id).pdf is None


def test_a_pdf_that_fails_leaves_the_page_working(meeting, monkeypatch):
    from engage.packs import pdf as renderer

    def broken(content):
        raise RuntimeError("font missing")

    monkeypatch.setattr(renderer, "render_pdf", broken)
    pack = builder.build(meeting.id, actor=SYSTEM)
    assert pack.pdf is None and "could not be made" in pack.pdf_error
    assert builder.visible_content(pack)["sections"][0]["heading"] == "Agenda"
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "pack.built"))
    assert "pdf=failed" in detail


def test_a_meeting_without_an_agenda_says_so(meeting):
    pack = builder.build(meeting.id, actor=SYSTEM)
    agenda = builder.visible_content(pack)["sections"][0]
    assert agenda["blocks"] == [
        {"type": "paragraph", "text": "No agenda has been set for this meeting."}
    ]


def test_members_read_only_the_published_pack_of_their_body(meeting):
    pack = builder.build(meeting.id, actor=SYSTEM)
    member = factories.user(role=Role.WORKING_GROUP_MEMBER, email="member@test.example")
    from engage.models import Membership, MembershipRole, Person

    db.session.add(
        Membership(
            person=Person(full_name="Member", email="member@test.example"),
            body=meeting.body,
            role=MembershipRole.INDEPENDENT_MEMBER,
            term_start=date(2026, 1, 1),
        )
    )
    db.session.commit()
    outsider = factories.user(role=Role.WORKING_GROUP_MEMBER, email="out@test.example")
    assert not builder.may_read(member, pack)
    builder.publish(pack.id, actor=SYSTEM)
    assert builder.may_read(member, pack) and not builder.may_read(outsider, pack)
    assert [p.id for p in builder.published_for(member)] == [pack.id]
