"""The register's rules, from the 2025 terms of reference."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import Membership, MembershipRole, Person
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.register import memberships
from engage.services.register.memberships import MembershipInput
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def admin(ctx):
    return factories.user()


def entry(**overrides) -> MembershipInput:
    values = {
        "body_id": factories.body().id,
        "role": MembershipRole.INDEPENDENT_MEMBER,
        "term_start": date(2026, 4, 1),
        "term_end": date(2028, 3, 31),
        "new_person_name": "Amina Yusuf",
    }
    values.update(overrides)
    return MembershipInput(**values)


def refusal(data: MembershipInput, actor) -> dict[str, str]:
    with pytest.raises(ServiceError) as refused:
        memberships.add_membership(data, actor=actor, today=TODAY)
    return refused.value.errors


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_adding_a_new_person_creates_them_and_the_membership(admin):
    membership = memberships.add_membership(
        entry(new_person_email=" Amina@Example.org "), actor=admin, today=TODAY
    )
    assert membership.person.full_name == "Amina Yusuf"
    assert membership.person.email == "amina@example.org"
    assert membership.is_current(TODAY)


def test_an_existing_person_can_join_a_second_body(admin):
    first = factories.membership(name="Grace Adeyemi")
    data = entry(
        person_id=first.person_id,
        new_person_name="",
        body_id=factories.body("members-advisory-group").id,
        role=MembershipRole.MEMBER,
    )
    second = memberships.add_membership(data, actor=admin, today=TODAY)
    assert second.person_id == first.person_id
    assert count(Person) == 1


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"new_person_name": ""}, "person_id", "Select a person, or enter the name of someone new"),
        (
            {"term_end": date(2026, 3, 31)},
            "term_end",
            "The term end must be on or after the term start",
        ),
        (
            {"volunteers_agreement_signed_on": TODAY + timedelta(days=1)},
            "volunteers_agreement_signed_on",
            "The date signed must be today or in the past",
        ),
        (
            {"role": MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE},
            "local_authority_id",
            "Select the local authority they represent",
        ),
        (
            {"role": MembershipRole.SUBSTITUTE},
            "substitute_for_id",
            "Select the representative they substitute for",
        ),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_written(
    admin, overrides, field, message
):
    people_before = count(Person)
    errors = refusal(entry(**overrides), admin)
    assert errors[field] == message
    assert count(Membership) == 0
    assert count(Person) == people_before


def test_both_an_existing_person_and_a_new_name_is_refused(admin):
    someone = factories.person("Someone")
    errors = refusal(entry(person_id=someone.id), admin)
    assert errors == {"person_id": "Select an existing person or enter a new name, not both"}


def test_representatives_come_from_constituent_authorities(admin):
    errors = refusal(
        entry(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            local_authority_id=factories.authority("Rugby").id,
        ),
        admin,
    )
    assert "seven constituent authorities" in errors["local_authority_id"]


def test_independent_members_sit_on_the_taskforce_only(admin):
    errors = refusal(entry(body_id=factories.body("members-advisory-group").id), admin)
    assert errors["role"].startswith("Independent members sit on the Taskforce itself")


def test_one_chair_at_a_time(admin):
    factories.membership(
        role=MembershipRole.CHAIR,
        name="Dr Amara Okafor",
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
    )
    errors = refusal(entry(role=MembershipRole.CHAIR), admin)
    assert errors["term_start"].startswith(
        "Dr Amara Okafor is the chair on Race Equity Taskforce until 31 December 2027"
    )


def test_a_new_chair_can_start_the_day_after_the_last_ends(admin):
    factories.membership(role=MembershipRole.CHAIR, start=date(2025, 1, 1), end=date(2027, 12, 31))
    chair = memberships.add_membership(
        entry(role=MembershipRole.CHAIR, term_start=date(2028, 1, 1), term_end=None),
        actor=admin,
        today=TODAY,
    )
    assert chair.term_start == date(2028, 1, 1)


def test_one_representative_per_authority(admin):
    factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        name="Helen Carter",
        authority_name="Birmingham",
    )
    errors = refusal(
        entry(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            local_authority_id=factories.authority("Birmingham").id,
        ),
        admin,
    )
    assert "public service representative for Birmingham" in errors["term_start"]
    # Another authority is fine.
    memberships.add_membership(
        entry(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            local_authority_id=factories.authority("Coventry").id,
        ),
        actor=admin,
        today=TODAY,
    )


def test_a_substitute_takes_the_authority_of_their_representative(admin):
    rep = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE, authority_name="Dudley"
    )
    sub = memberships.add_membership(
        entry(role=MembershipRole.SUBSTITUTE, substitute_for_id=rep.id),
        actor=admin,
        today=TODAY,
    )
    assert sub.local_authority.name == "Dudley"
    assert sub.substitute_for_id == rep.id
    errors = refusal(
        entry(
            role=MembershipRole.SUBSTITUTE,
            substitute_for_id=rep.id,
            new_person_name="Second Substitute",
        ),
        admin,
    )
    assert "substitute for Dudley" in errors["term_start"]


def test_a_substitute_for_another_authority_is_refused(admin):
    rep = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE, authority_name="Dudley"
    )
    errors = refusal(
        entry(
            role=MembershipRole.SUBSTITUTE,
            substitute_for_id=rep.id,
            local_authority_id=factories.authority("Walsall").id,
        ),
        admin,
    )
    assert errors["local_authority_id"].startswith("A substitute represents the same")


def test_the_same_person_cannot_hold_the_same_role_twice_at_once(admin):
    first = factories.membership(name="Tomasz Nowak")
    errors = refusal(entry(person_id=first.person_id, new_person_name=""), admin)
    assert errors["term_start"] == (
        "Tomasz Nowak is already an independent member of Race Equity Taskforce "
        "for part of this term"
    )


def test_edit_changes_the_terms_and_checks_the_version(admin):
    membership = factories.membership()
    version = membership.version
    data = entry(term_start=membership.term_start, term_end=date(2029, 3, 31))
    updated = memberships.update_membership(
        membership.id, data, version=version, actor=admin, today=TODAY
    )
    assert updated.term_end == date(2029, 3, 31)
    assert updated.version == version + 1
    with pytest.raises(Conflict):
        memberships.update_membership(
            membership.id, data, version=version, actor=admin, today=TODAY
        )


def test_edit_that_breaks_a_rule_is_refused_and_rolled_back(admin):
    membership = factories.membership()
    data = entry(term_start=membership.term_start, term_end=date(2000, 1, 1))
    with pytest.raises(ServiceError):
        memberships.update_membership(
            membership.id, data, version=membership.version, actor=admin, today=TODAY
        )
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).term_end is None


def test_end_membership_keeps_the_record(admin):
    membership = factories.membership()
    ended = memberships.end_membership(
        membership.id, ended_on=TODAY, reason="Resigned", version=membership.version, actor=admin
    )
    assert ended.ended_on == TODAY and ended.end_reason == "Resigned"
    assert ended.is_current(TODAY)  # the last day still counts
    assert not ended.is_current(TODAY + timedelta(days=1))
    assert memberships.list_memberships(factories.body(), on=TODAY + timedelta(days=1)) == []
    assert memberships.list_memberships(
        factories.body(), on=TODAY + timedelta(days=1), include_past=True
    ) == [ended]


def test_end_membership_refusals(admin):
    membership = factories.membership(start=date(2026, 1, 1))
    for kwargs, field in [
        ({"ended_on": date(2025, 12, 31), "reason": "x"}, "ended_on"),
        ({"ended_on": TODAY, "reason": "  "}, "reason"),
    ]:
        with pytest.raises(ServiceError) as refused:
            memberships.end_membership(
                membership.id, version=membership.version, actor=admin, **kwargs
            )
        assert field in refused.value.errors
    memberships.end_membership(
        membership.id, ended_on=TODAY, reason="Done", version=membership.version, actor=admin
    )
    with pytest.raises(ServiceError):
        memberships.end_membership(
            membership.id, ended_on=TODAY, reason="Again", version=membership.version, actor=admin
        )


def test_an_ended_membership_cannot_be_edited(admin):
    membership = factories.membership(start=date(2026, 1, 1))
    memberships.end_membership(
        membership.id,
        ended_on=date(2026, 6, 30),
        reason="Left",
        version=membership.version,
        actor=admin,
    )
    data = entry(term_start=date(2026, 7, 1))
    with pytest.raises(ServiceError) as refused:
        memberships.update_membership(
            membership.id, data, version=membership.version, actor=admin, today=TODAY
        )
    assert refused.value.errors == {
        "term_start": "This membership has ended and can no longer be changed"
    }


def test_a_representative_cannot_become_their_own_substitute(admin):
    rep = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE, authority_name="Dudley"
    )
    data = entry(
        role=MembershipRole.SUBSTITUTE, substitute_for_id=rep.id, term_start=rep.term_start
    )
    with pytest.raises(ServiceError) as refused:
        memberships.update_membership(rep.id, data, version=rep.version, actor=admin, today=TODAY)
    assert refused.value.errors["substitute_for_id"] == "Someone cannot be their own substitute"


def test_a_person_cannot_substitute_for_themselves(admin):
    rep = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE, authority_name="Dudley"
    )
    errors = refusal(
        entry(
            role=MembershipRole.SUBSTITUTE,
            substitute_for_id=rep.id,
            person_id=rep.person_id,
            new_person_name="",
        ),
        admin,
    )
    assert errors["substitute_for_id"] == "Someone cannot be their own substitute"


def test_a_representative_with_a_substitute_keeps_their_seat_while_named(admin):
    rep = factories.membership(
        role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE, authority_name="Dudley"
    )
    factories.membership(
        role=MembershipRole.SUBSTITUTE, substitute_for_id=rep.id, name="Gareth Evans"
    )
    for change in (
        {"role": MembershipRole.INDEPENDENT_MEMBER},
        {
            "role": MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            "local_authority_id": factories.authority("Walsall").id,
        },
    ):
        with pytest.raises(ServiceError) as refused:
            memberships.update_membership(
                rep.id,
                entry(term_start=rep.term_start, **change),
                version=rep.version,
                actor=admin,
                today=TODAY,
            )
        assert refused.value.errors["role"].startswith("Gareth Evans is named as substitute")


def test_an_end_date_after_the_term_is_refused(admin):
    membership = factories.membership(start=date(2025, 1, 1), end=date(2026, 6, 30))
    with pytest.raises(ServiceError) as refused:
        memberships.end_membership(
            membership.id,
            ended_on=TODAY,
            reason="Term over",
            version=membership.version,
            actor=admin,
        )
    assert refused.value.errors["ended_on"] == (
        "The end date must be on or before the end of the term, 30 June 2026"
    )


def test_a_lapsed_chair_does_not_block_the_next_one(admin):
    old = factories.membership(
        role=MembershipRole.CHAIR, start=date(2025, 1, 1), end=date(2026, 6, 30)
    )
    assert memberships.suggested_end_date(old, today=TODAY) == date(2026, 6, 30)
    assert memberships.suggested_end_date(factories.membership(), today=TODAY) == TODAY
    new = memberships.add_membership(
        entry(role=MembershipRole.CHAIR, term_start=date(2026, 7, 1), term_end=None),
        actor=admin,
        today=TODAY,
    )
    assert new.is_current(TODAY)
    assert old.last_day() == date(2026, 6, 30)
