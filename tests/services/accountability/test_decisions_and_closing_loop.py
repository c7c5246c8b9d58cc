"""The decisions log and "you said, we did": links to what informed a decision, the
stories behind it, and residents told once, in their language, with nothing of
anyone's story."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import Channel, LoopNotice, OutboxMessage, Role
from engage.services.accountability import closing_loop, decisions
from engage.services.accountability.closing_loop import ClosureInput
from engage.services.accountability.decisions import DecisionInput
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.stories import intake
from tests import factories

SECRET_STORY = "Zebrafinch the landlord ignored the mould for nine months on Quillon Road."


@pytest.fixture
def secretary(ctx):
    return factories.user(role=Role.SECRETARIAT, email="sec@test.example")


def logged(secretary, **overrides):
    values = {
        "title": "Damp repairs timetable for social housing",
        "decided_by": "WMCA Housing and Land Board",
        "decided_on": date(2026, 11, 20),
        "what_changed": "Landlords in the partnership now fix reported damp within 28 days.",
        "significance": "3",
    }
    values.update(overrides)
    return decisions.add(DecisionInput(**values), actor=secretary)


def contact_story(email: str, language: str = "en"):
    return factories.approved_story(
        SECRET_STORY, contact=True, contact_email=email, language=language
    )


def test_a_decision_needs_its_facts_and_a_stated_significance(secretary):
    errors = decisions.problems(DecisionInput(significance="9", evidence_links="not a link"))
    assert set(errors) >= {"title", "decided_by", "decided_on", "what_changed", "significance"}
    assert errors["evidence_links"].startswith("Line 1")


def test_agenda_items_must_belong_to_the_ticked_meetings(secretary):
    meeting = factories.meeting(held=True)
    other = factories.meeting(on=date(2026, 9, 1), held=True)
    item = factories.agenda_item(other.id, "Housing")
    errors = decisions.problems(DecisionInput(meeting_ids=[meeting.id], agenda_item_ids=[item.id]))
    assert errors["agenda_item_ids"] == "Choose agenda items of the meetings you ticked"


def test_links_to_meetings_items_and_digests_are_kept(secretary):
    meeting = factories.meeting(held=True)
    item = factories.agenda_item(meeting.id, "Housing conditions")
    group = factories.working_group("Housing working group")
    digest = factories.digest(group)
    decision = logged(
        secretary, meeting_ids=[meeting.id], agenda_item_ids=[item.id], digest_ids=[digest.id]
    )
    assert [m.id for m in decision.meetings] == [meeting.id]
    assert [i.id for i in decision.agenda_items] == [item.id]
    assert [d.id for d in decision.digests] == [digest.id]


def test_only_shared_approved_stories_can_be_linked(secretary):
    decision = logged(secretary)
    shared = factories.approved_story()
    unshared = factories.approved_story(share=False)
    waiting = factories.submission()
    with pytest.raises(ServiceError) as refused:
        decisions.set_stories(
            decision.id, [shared.id, unshared.id, waiting.id], version=1, actor=secretary
        )
    assert f"#{unshared.id}" in refused.value.errors["stories"]
    assert f"#{shared.id}" not in refused.value.errors["stories"]
    decisions.set_stories(decision.id, [shared.id], version=1, actor=secretary)
    assert [s.id for s in decisions.get(decision.id).stories] == [shared.id]
    with pytest.raises(Conflict):  # linking moved the version on
        decisions.set_stories(decision.id, [], version=1, actor=secretary)


def test_story_numbers_are_read_as_typed():
    assert decisions.parse_story_numbers("#12, 40 57\n#12") == ([12, 40, 57], None)
    assert decisions.parse_story_numbers("twelve")[1] == "Type story numbers only, like 12, 40, 57"


def closure_input(**texts):
    return ClosureInput(
        texts={
            "en": (
                "Residents told us damp in their homes was ignored for months.",
                "Landlords now fix reported damp within 28 days.",
            ),
            **texts,
        }
    )


def test_publishing_tells_each_consenting_resident_once_in_their_language(secretary):
    english = contact_story("amina@example.org")
    polish = contact_story("jan@example.org", language="pl")
    silent = factories.approved_story(SECRET_STORY)  # no consent to contact
    decision = logged(secretary)
    decisions.set_stories(
        decision.id, [english.id, polish.id, silent.id], version=1, actor=secretary
    )
    closure = closing_loop.write(
        decision.id,
        closure_input(pl=("Mieszkańcy mówili nam o wilgoci.", "Wilgoć jest naprawiana w 28 dni.")),
        actor=secretary,
    )
    db.session.execute(db.delete(OutboxMessage))
    told = closing_loop.publish(closure.id, version=closure.version, actor=secretary)
    assert told == 2
    messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == {"amina@example.org", "jan@example.org"}
    assert "Landlords now fix reported damp" in messages["amina@example.org"].body
    assert "Wilgoć jest naprawiana" in messages["jan@example.org"].body
    for message in messages.values():
        assert "Zebrafinch" not in message.body and "Quillon" not in message.body
        assert message.receipt_hash  # erased if the resident withdraws
    notices = db.session.scalars(select(LoopNotice)).all()
    assert len(notices) == 3 and sum(n.emailed for n in notices) == 2
    with pytest.raises(ServiceError):
        closing_loop.publish(closure.id, version=closure.version, actor=secretary)
    with pytest.raises(ServiceError):
        closing_loop.rewrite(closure.id, closure_input(), version=closure.version, actor=secretary)


def test_both_parts_are_needed_in_a_language_or_neither(secretary):
    errors = closing_loop.problems(closure_input(ur=("Only the first part", "")))
    assert errors == {"we_did_ur": "Write both parts in this language, or leave both empty"}
    assert closing_loop.problems(ClosureInput())["you_said_en"] == "Write what residents told us"


def test_a_withdrawn_story_no_longer_informs_a_decision_and_is_not_told(secretary):
    story = contact_story("amina@example.org")
    decision = logged(secretary)
    decisions.set_stories(decision.id, [story.id], version=1, actor=secretary)
    intake.withdraw(story.id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.expire_all()
    assert decisions.get(decision.id).stories == []
    closure = closing_loop.write(decision.id, closure_input(), actor=secretary)
    assert closing_loop.publish(closure.id, version=closure.version, actor=secretary) == 0


def test_what_a_story_fed_into(secretary):
    story = contact_story("amina@example.org")
    decision = logged(secretary)
    decisions.set_stories(decision.id, [story.id], version=1, actor=secretary)
    closure = closing_loop.write(decision.id, closure_input(), actor=secretary)
    assert closing_loop.fed_into(story).closures == []  # not published yet
    closing_loop.publish(closure.id, version=closure.version, actor=secretary)
    found = closing_loop.fed_into(db.session.get(type(story), story.id))
    assert [d.id for d in found.decisions] == [decision.id]
    assert [c.id for c in found.closures] == [closure.id]
