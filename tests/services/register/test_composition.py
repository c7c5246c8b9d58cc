"""Does the register show at a glance whether the Taskforce matches its terms?"""

from datetime import date, timedelta

import pytest

from engage.models import MembershipRole
from engage.services.register import memberships
from engage.services.register.composition import membership_flags, taskforce_composition
from tests import factories

TODAY = date(2026, 11, 23)


def composition():
    return taskforce_composition(factories.body(), on=TODAY)


def test_an_empty_taskforce_lists_every_gap(ctx):
    gaps = composition().gaps
    assert gaps[0] == "There is no chair"
    assert gaps[1] == "12 independent member places vacant (0 of 12)"
    assert "Birmingham has no public service representative" in gaps
    assert len([g for g in gaps if "public service representative" in g]) == 7


def test_a_full_taskforce_matches_its_terms(ctx):
    factories.full_taskforce(TODAY)
    result = composition()
    assert result.gaps == []
    assert result.matches_terms
    assert all(seat.complete for seat in result.seats)


def test_missing_substitute_and_vacant_places_are_flagged(ctx):
    factories.full_taskforce(TODAY)
    walsall_sub = next(s.substitute for s in composition().seats if s.authority.name == "Walsall")
    memberships.end_membership(
        walsall_sub.id,
        ended_on=TODAY - timedelta(days=1),
        reason="Left",
        version=walsall_sub.version,
        actor=factories.user(),
    )
    member = composition().independent_members[0]
    memberships.end_membership(
        member.id,
        ended_on=TODAY - timedelta(days=1),
        reason="Left",
        version=member.version,
        actor=factories.user(),
    )
    assert composition().gaps == [
        "1 independent member place vacant (11 of 12)",
        "Walsall has no named substitute",
    ]


def test_expired_terms_are_flagged_until_ended(ctx):
    factories.full_taskforce(TODAY)
    lapsed = factories.membership(
        name="Late Leaver", start=date(2024, 1, 1), end=date(2026, 10, 31)
    )
    result = composition()
    assert result.lapsed == [lapsed]
    assert "1 membership past the end of term and not yet ended" in result.gaps
    assert membership_flags(lapsed, on=TODAY) == [("Term over, not yet ended", "red")]
    memberships.end_membership(
        lapsed.id,
        ended_on=date(2026, 10, 31),
        reason="Term finished",
        version=lapsed.version,
        actor=factories.user(),
    )
    assert composition().gaps == []


def test_too_many_independent_members_is_flagged(ctx):
    factories.full_taskforce(TODAY)
    factories.membership(name="Thirteenth")
    assert composition().gaps == ["13 independent members; the terms set 12"]


def test_unsigned_volunteers_agreement_is_flagged(ctx):
    factories.full_taskforce(TODAY)
    unsigned = factories.membership(role=MembershipRole.DEPUTY_CHAIR, signed=None)
    assert composition().gaps == ["1 member without a signed volunteers agreement"]
    assert ("Agreement not signed", "red") in membership_flags(unsigned, on=TODAY)


def test_a_membership_ending_later_says_when(ctx):
    membership = factories.membership()
    memberships.end_membership(
        membership.id,
        ended_on=TODAY + timedelta(days=7),
        reason="Moving away",
        version=membership.version,
        actor=factories.user(),
    )
    assert membership_flags(membership, on=TODAY)[0] == ("Leaves after 30 November 2026", "yellow")
    assert membership_flags(membership, on=TODAY + timedelta(days=8)) == [
        ("Ended 30 November 2026", "grey")
    ]


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (date(2026, 1, 1), None, [("Current", "green")]),
        (date(2026, 1, 1), TODAY + timedelta(days=30), [("Term ends soon", "yellow")]),
        (TODAY + timedelta(days=10), None, [("Starts later", "blue")]),
    ],
)
def test_row_flags(ctx, start, end, expected):
    membership = factories.membership(start=start, end=end)
    assert membership_flags(membership, on=TODAY) == expected


def test_composition_is_only_for_the_taskforce(ctx):
    with pytest.raises(ValueError):
        taskforce_composition(factories.body("members-advisory-group"), on=TODAY)
