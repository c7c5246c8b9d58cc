"""Community groups: registration rules, an officer's decision, the contact's account,
recorded engagement and the indicator it feeds."""

from datetime import date

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Channel,
    CommunityGroup,
    EngagementKind,
    GroupEngagement,
    GroupStatus,
    OutboxMessage,
    Purpose,
    Role,
    Theme,
    User,
)
from engage.services.accounts import accounts
from engage.services.common import outbox
from engage.services.common.transaction import ServiceError
from engage.services.community import groups
from engage.services.community.groups import GroupInput
from engage.services.stories import intake, receipts
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(ctx):
    """Refusals carry translated messages, so these services run as in a web request."""
    with ctx.test_request_context():
        yield ctx


@pytest.fixture
def officer(ctx):
    return factories.user(role=Role.ENGAGEMENT_OFFICER, email="officer@test.example")


def theme(slug: str) -> Theme:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def group_input(**overrides) -> GroupInput:
    values = {
        "name": "Ladywood Somali Mothers",
        "group_type": "community_group",
        "contact_name": "Hodan Ali",
        "contact_email": "hodan@ladywood.example",
        "contact_consent": True,
        "area_ids": [factories.authority("Birmingham").id],
        "communities_served": "Somali families in Ladywood",
    }
    values.update(overrides)
    return GroupInput(**values)


def refusal(data: GroupInput) -> dict[str, str]:
    with pytest.raises(ServiceError) as refused:
        groups.register(data)
    return {name: str(message) for name, message in refused.value.errors.items()}


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def messages(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def verified_group(officer: User, **overrides) -> CommunityGroup:
    group = groups.register(group_input(**overrides))
    return groups.verify(group.id, officer=officer, set_password_url=lambda user: "http://x/set")


def engage(group: CommunityGroup, officer: User, on: date, description: str = "Housing forum"):
    return groups.record_engagement(
        group.id,
        kind=EngagementKind.EVENT_ATTENDED,
        occurred_on=on,
        description=description,
        officer=officer,
        today=TODAY,
    )


# Registration


def test_a_valid_registration_is_stored_pending_with_areas_and_themes(ctx):
    birmingham, sandwell = factories.authority("Birmingham"), factories.authority("Sandwell")
    group = groups.register(
        group_input(
            area_ids=[birmingham.id, sandwell.id],
            theme_ids=[theme("housing").id, theme("transport").id],
            contact_email="  Hodan@Ladywood.Example ",
            contact_phone="0121 496 0000",
        )
    )
    db.session.expire_all()
    stored = db.session.get(CommunityGroup, group.id)
    assert stored.status is GroupStatus.PENDING
    assert stored.contact_user_id is None
    assert [a.name for a in stored.areas] == ["Birmingham", "Sandwell"]
    assert {t.slug for t in stored.themes} == {"housing", "transport"}
    assert stored.contact_email == "hodan@ladywood.example"
    assert stored.contact_phone == "+441214960000"
    assert stored.contact_consent_at is not None


def test_registration_queues_an_acknowledgement_to_the_contact(ctx):
    groups.register(group_input())
    [message] = messages("group_registration_received")
    assert message.to_address == "hodan@ladywood.example"
    assert "Ladywood Somali Mothers" in message.body


def test_the_name_and_communities_are_kept_as_typed(ctx):
    group = groups.register(
        group_input(
            name="  Ladywood <Somali> Mothers & Co\x00 ",
            communities_served="Somali families\r\n<under 5s> & carers",
        )
    )
    assert group.name == "Ladywood <Somali> Mothers & Co"
    assert group.communities_served == "Somali families\n<under 5s> & carers"


def test_an_over_long_reason_or_description_is_refused_not_cut(ctx, officer):
    group = groups.register(group_input())
    with pytest.raises(ServiceError) as refused:
        groups.reject(group.id, officer=officer, reason="x" * 501)
    assert refused.value.errors["reason"] == (
        "Use 500 characters or fewer. You have 1 character too many."
    )
    verified = verified_group(officer)
    with pytest.raises(ServiceError) as refused:
        engage(verified, officer, TODAY, description="y" * 520)
    assert str(refused.value.errors["description"]).endswith("20 characters too many.")


@pytest.mark.parametrize("number", ["1234567", "123456-1", "SC012345", "NIC100002", "sc 012345"])
def test_valid_charity_numbers_are_accepted(ctx, number):
    group = groups.register(group_input(charity_number=number))
    assert group.charity_number == number.replace(" ", "").upper()


@pytest.mark.parametrize("number", ["12345", "12345678", "SC12345", "AB123456", "1234567-123"])
def test_invalid_charity_numbers_are_refused(ctx, number):
    assert refusal(group_input(charity_number=number)) == {
        "charity_number": "Enter a charity number like 1234567, SC012345 or NIC100002, "
        "or leave it empty"
    }
    assert count(CommunityGroup) == 0


@pytest.mark.parametrize(
    ("number", "stored"),
    [("01234567", "01234567"), ("1234567", "01234567"), ("SC123456", "SC123456")],
)
def test_valid_company_numbers_are_normalised(ctx, number, stored):
    assert groups.register(group_input(company_number=number)).company_number == stored


@pytest.mark.parametrize("number", ["123456789", "S1234567", "SC12345", "ABCDEFGH"])
def test_invalid_company_numbers_are_refused(ctx, number):
    assert refusal(group_input(company_number=number)) == {
        "company_number": "Enter a company number of 8 characters, like 01234567 or "
        "SC123456, or leave it empty"
    }


def test_every_missing_answer_is_reported_at_once(ctx):
    errors = refusal(
        GroupInput(
            name=" ",
            group_type="",
            contact_name="",
            contact_email="",
            contact_consent=False,
        )
    )
    assert errors == {
        "name": "Enter the name of your group",
        "group_type": "Select what kind of group it is",
        "area_ids": "Select at least one area your group works in",
        "communities_served": "Tell us which communities your group works with",
        "contact_name": "Enter the name of the person we should contact",
        "contact_email": "Enter an email address in the correct format, like name@example.com",
        "contact_consent": "Tick the box to agree that we may contact this person about the group",
    }
    assert count(CommunityGroup) == 0
    assert count(OutboxMessage) == 0


def test_unknown_area_ids_do_not_count_as_an_area(ctx):
    assert "area_ids" in refusal(group_input(area_ids=[999_999]))


def test_a_phone_number_outside_the_uk_is_refused(ctx):
    assert refusal(group_input(contact_phone="+1 202 555 0100")) == {
        "contact_phone": "Enter a UK phone number, like 0121 496 0000"
    }


# Verification


def test_verify_creates_one_contact_account_and_emails_the_link(ctx, officer):
    group = groups.register(group_input())
    links = []

    def link(user):
        links.append(user.id)
        return f"http://x/set/{user.id}"

    groups.verify(group.id, officer=officer, set_password_url=link)
    db.session.expire_all()
    stored = db.session.get(CommunityGroup, group.id)
    [contact] = db.session.scalars(select(User).where(User.role == Role.GROUP_CONTACT)).all()
    assert stored.status is GroupStatus.VERIFIED
    assert stored.contact_user_id == contact.id
    assert stored.reviewed_by_id == officer.id
    assert stored.reviewed_at is not None
    assert contact.email == "hodan@ladywood.example"
    assert contact.display_name == "Hodan Ali"
    assert links == [contact.id]
    [message] = messages("group_verified")
    assert message.to_address == contact.email
    assert f"http://x/set/{contact.id}" not in message.body  # never stored in the clear
    assert f"http://x/set/{contact.id}" in outbox.as_email(message).get_content()
    assert groups.group_for_contact(contact).id == group.id


def test_nobody_knows_the_new_contacts_password(ctx, officer):
    group = verified_group(officer)
    assert accounts.authenticate(group.contact_email, factories.PASSWORD) is None
    assert accounts.authenticate(group.contact_email, "") is None


def test_a_group_cannot_be_verified_twice(ctx, officer):
    group = verified_group(officer)
    with pytest.raises(ServiceError) as refused:
        groups.verify(group.id, officer=officer, set_password_url=lambda user: "http://x/set")
    assert refused.value.errors == {"decision": "This group has already been decided"}
    assert count(User, User.role == Role.GROUP_CONTACT) == 1
    assert len(messages("group_verified")) == 1


def test_a_contact_with_a_staff_account_is_refused(ctx, officer):
    factories.user(role=Role.SECRETARIAT, email="hodan@ladywood.example")
    group = groups.register(group_input())
    with pytest.raises(ServiceError) as refused:
        groups.verify(group.id, officer=officer, set_password_url=lambda user: "http://x/set")
    assert refused.value.errors == {
        "decision": "The contact's email address already belongs to a staff account"
    }
    db.session.expire_all()
    assert db.session.get(CommunityGroup, group.id).status is GroupStatus.PENDING
    assert db.session.get(CommunityGroup, group.id).contact_user_id is None
    assert messages("group_verified") == []


def test_one_contact_cannot_look_after_two_verified_groups(ctx, officer):
    verified_group(officer)
    second = groups.register(group_input(name="Ladywood Youth"))
    with pytest.raises(ServiceError) as refused:
        groups.verify(second.id, officer=officer, set_password_url=lambda user: "http://x/set")
    assert "already looks after another verified group" in refused.value.errors["decision"]
    db.session.expire_all()
    assert db.session.get(CommunityGroup, second.id).status is GroupStatus.PENDING


def test_a_rejected_group_cannot_then_be_verified(ctx, officer):
    group = groups.register(group_input())
    groups.reject(group.id, officer=officer, reason="Not in the region")
    with pytest.raises(ServiceError):
        groups.verify(group.id, officer=officer, set_password_url=lambda user: "http://x/set")
    assert count(User, User.role == Role.GROUP_CONTACT) == 0


# Rejection


def test_reject_needs_a_reason_and_changes_nothing_without_one(ctx, officer):
    group = groups.register(group_input())
    with pytest.raises(ServiceError) as refused:
        groups.reject(group.id, officer=officer, reason="  \n ")
    assert refused.value.errors == {"reason": "Enter why the group is not being verified"}
    db.session.expire_all()
    assert db.session.get(CommunityGroup, group.id).status is GroupStatus.PENDING
    assert messages("group_rejected") == []


def test_reject_with_a_reason_records_it_and_emails_the_contact(ctx, officer):
    group = groups.register(group_input())
    groups.reject(group.id, officer=officer, reason="The charity number is for another charity")
    db.session.expire_all()
    stored = db.session.get(CommunityGroup, group.id)
    assert stored.status is GroupStatus.REJECTED
    assert stored.rejection_reason == "The charity number is for another charity"
    assert stored.reviewed_by_id == officer.id
    assert stored.contact_user_id is None
    [message] = messages("group_rejected")
    assert message.to_address == "hodan@ladywood.example"
    assert "The charity number is for another charity" in message.body
    assert count(User, User.role == Role.GROUP_CONTACT) == 0


def test_a_verified_group_cannot_then_be_rejected(ctx, officer):
    group = verified_group(officer)
    with pytest.raises(ServiceError):
        groups.reject(group.id, officer=officer, reason="Changed my mind")
    db.session.expire_all()
    assert db.session.get(CommunityGroup, group.id).status is GroupStatus.VERIFIED


# The contact's group and its submissions


def test_group_for_contact_only_finds_a_verified_group(ctx, officer):
    contact = factories.user(role=Role.GROUP_CONTACT)
    group = groups.register(group_input())
    group.contact_user_id = contact.id
    db.session.commit()
    assert groups.group_for_contact(contact) is None
    group.status = GroupStatus.VERIFIED
    db.session.commit()
    assert groups.group_for_contact(contact).id == group.id


def _story_for(group: CommunityGroup, story: str):
    return intake.submit_story(
        intake.StoryInput(story=story, age_group=AgeGroup.ADULT, consents={Purpose.STORE: True}),
        receipt_code=receipts.new_code(),
        channel=Channel.GROUP,
        language="en",
        notice_version=1,
        group_id=group.id,
    )


def test_submissions_for_lists_only_that_groups_submissions(ctx, officer):
    ours = verified_group(officer)
    theirs = verified_group(officer, name="Other Group", contact_email="other@group.example")
    mine = [_story_for(ours, "First story"), _story_for(ours, "Second story")]
    _story_for(theirs, "Not ours")
    assert {s.id for s in groups.submissions_for(ours)} == {s.id for s in mine}


# Engagement and the indicator


def test_engagement_is_refused_for_a_pending_group(ctx, officer):
    group = groups.register(group_input())
    with pytest.raises(ServiceError) as refused:
        engage(group, officer, date(2026, 11, 1))
    assert refused.value.errors == {"kind": "Only verified groups can have engagement recorded"}
    assert count(GroupEngagement) == 0


def test_engagement_is_refused_for_a_future_date(ctx, officer):
    group = verified_group(officer)
    with pytest.raises(ServiceError) as refused:
        engage(group, officer, date(2026, 11, 24))
    assert refused.value.errors == {"occurred_on": "The date must be today or in the past"}
    assert count(GroupEngagement) == 0


def test_engagement_needs_a_description(ctx, officer):
    group = verified_group(officer)
    with pytest.raises(ServiceError) as refused:
        engage(group, officer, date(2026, 11, 1), description="   ")
    assert refused.value.errors == {"description": "Describe what the group took part in"}
    assert count(GroupEngagement) == 0


def test_engagement_is_stored_for_a_verified_group(ctx, officer):
    group = verified_group(officer)
    engage(group, officer, TODAY, description="Spoke at the <b>housing</b> working group")
    db.session.expire_all()
    [stored] = db.session.scalars(select(GroupEngagement)).all()
    assert stored.group_id == group.id
    assert stored.kind is EngagementKind.EVENT_ATTENDED
    assert stored.occurred_on == TODAY
    assert stored.description == "Spoke at the <b>housing</b> working group"
    assert stored.recorded_by_id == officer.id


def test_groups_engaged_counts_distinct_verified_groups_in_the_period(ctx, officer):
    first = verified_group(officer)
    second = verified_group(officer, name="Second", contact_email="second@group.example")
    engage(first, officer, date(2026, 4, 1))
    engage(first, officer, date(2026, 6, 30))  # the same group again: counted once
    engage(second, officer, date(2026, 9, 1))
    assert groups.groups_engaged(date(2026, 4, 1), date(2026, 9, 1)) == 2
    assert groups.groups_engaged(date(2026, 4, 1), date(2026, 6, 30)) == 1


def test_engagement_outside_the_period_is_not_counted(ctx, officer):
    group = verified_group(officer)
    engage(group, officer, date(2026, 3, 31))
    engage(group, officer, date(2026, 11, 1))
    assert groups.groups_engaged(date(2026, 4, 1), date(2026, 10, 31)) == 0
    assert groups.groups_engaged(date(2026, 3, 31), date(2026, 3, 31)) == 1


def test_a_group_no_longer_verified_is_not_counted(ctx, officer):
    counted = verified_group(officer)
    dropped = verified_group(officer, name="Dropped", contact_email="dropped@group.example")
    engage(counted, officer, date(2026, 5, 1))
    engage(dropped, officer, date(2026, 5, 1))
    dropped.status = GroupStatus.REJECTED
    db.session.commit()
    assert groups.groups_engaged(date(2026, 4, 1), date(2027, 3, 31)) == 1


def test_groups_engaged_is_zero_with_no_engagement(ctx, officer):
    verified_group(officer)
    assert groups.groups_engaged(date(2026, 4, 1), date(2027, 3, 31)) == 0
