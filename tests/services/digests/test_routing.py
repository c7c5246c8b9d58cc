"""Routing: approved, shared stories go to working groups by confirmed themes."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import AuditEvent, Body, Channel, Purpose, Role, StoryRoute, Submission
from engage.models.base import utcnow
from engage.services.common.audit import SYSTEM
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.digests import routing
from engage.services.stories import intake
from tests import factories


def routes_of(submission_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(Body.name)
            .join(StoryRoute, StoryRoute.body_id == Body.id)
            .where(StoryRoute.submission_id == submission_id)
        )
    )


@pytest.fixture
def housing(ctx):
    group = factories.working_group("Housing working group")
    factories.routing_rule(group, ["housing"])
    return group


def test_an_approved_story_goes_to_the_group_its_confirmed_theme_matches(housing):
    story = factories.approved_story(themes=["housing"])
    assert routes_of(story.id) == {"Housing working group"}


def test_routing_uses_the_officers_themes_not_the_taggers(housing):
    # The text is about housing, but the officer confirmed transport only.
    story = factories.approved_story(
        "My landlord will not fix the damp in my flat.", themes=["transport"]
    )
    assert routes_of(story.id) == set()


def test_a_story_not_shared_with_working_groups_goes_nowhere(housing):
    story = factories.approved_story(themes=["housing"], share=False)
    assert routes_of(story.id) == set()


def test_overlapping_rules_send_a_story_to_each_group_once(ctx, housing):
    factories.routing_rule(housing, ["housing", "health_wellbeing"])
    health = factories.working_group("Health working group")
    factories.routing_rule(health, ["health_wellbeing"])
    story = factories.approved_story(themes=["housing", "health_wellbeing"])
    assert routes_of(story.id) == {"Housing working group", "Health working group"}
    assert db.session.scalar(select(func.count()).select_from(StoryRoute)) == 2


def test_a_rule_with_areas_sends_only_stories_from_those_areas(ctx):
    group = factories.working_group("Coventry housing")
    factories.routing_rule(group, ["housing"], ["Coventry"])
    inside = factories.approved_story(themes=["housing"], area="Coventry")
    outside = factories.approved_story(themes=["housing"], area="Dudley")
    unknown = factories.approved_story(themes=["housing"])
    assert routes_of(inside.id) == {"Coventry housing"}
    assert routes_of(outside.id) == routes_of(unknown.id) == set()


def test_a_wound_up_group_gets_nothing_and_cannot_be_given_a_rule(ctx, housing):
    housing.active = False
    db.session.commit()
    story = factories.approved_story(themes=["housing"])
    assert routes_of(story.id) == set()
    problems = routing.rule_problems(routing.RuleInput(body_id=housing.id, theme_ids=[1]))
    assert "wound up" in problems["body_id"]


def test_rule_problems_are_all_reported_at_once(ctx):
    problems = routing.rule_problems(
        routing.RuleInput(body_id=None, theme_ids=[], area_ids=[99999], note="x" * 501)
    )
    assert set(problems) == {"body_id", "theme_ids", "area_ids", "note"}
    taskforce = factories.body("taskforce")
    problems = routing.rule_problems(routing.RuleInput(body_id=taskforce.id, theme_ids=[1]))
    assert problems["body_id"] == "Stories can only be routed to a working group"


def test_rules_are_audited_and_versioned(ctx, housing):
    rule = routing.rules()[0]
    with pytest.raises(Conflict):
        routing.change_rule(
            rule.id, rule.version + 1, routing.RuleInput(housing.id, [1]), actor=SYSTEM
        )
    routing.end_rule(rule.id, rule.version, actor=SYSTEM)
    with pytest.raises(Conflict):
        routing.end_rule(rule.id, rule.version, actor=SYSTEM)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "routing_rule")
    ).all()
    assert actions == ["routing_rule.added", "routing_rule.ended"]


def test_unrouted_stories_are_listed_for_the_secretariat(ctx, housing):
    routed = factories.approved_story(themes=["housing"])
    unrouted = factories.approved_story(themes=["transport"])
    factories.approved_story(themes=["transport"], share=False)  # not shared: not listed
    stories, total = routing.unrouted()
    assert [s.id for s in stories] == [unrouted.id] and total == 1
    assert routed.id not in [s.id for s in stories]


def test_replay_previews_then_moves_stories_both_ways(ctx, housing):
    old_transport = factories.approved_story(themes=["transport"])
    old_housing = factories.approved_story(themes=["housing"])
    # The secretariat changes the housing group's rule to transport.
    rule = routing.rules()[0]
    transport_id = db.session.scalar(select(func.min(StoryRoute.id)))  # noqa: F841
    from engage.models import Theme

    transport = db.session.scalar(select(Theme).where(Theme.slug == "transport"))
    routing.change_rule(
        rule.id, rule.version, routing.RuleInput(housing.id, [transport.id]), actor=SYSTEM
    )
    start, end = utcnow() - timedelta(days=1), utcnow() + timedelta(days=1)
    plan = routing.plan_replay(start, end)
    assert plan.stories_considered == 2
    assert dict(plan.joining) == {housing.id: [old_transport.id]}
    assert dict(plan.leaving) == {housing.id: [old_housing.id]}
    assert plan.moves == 2
    # Nothing has moved yet.
    assert routes_of(old_transport.id) == set()
    with pytest.raises(Conflict):
        routing.replay(start, end, previewed="something else", actor=SYSTEM)
    routing.replay(start, end, previewed=plan.fingerprint, actor=SYSTEM)
    assert routes_of(old_transport.id) == {"Housing working group"}
    assert routes_of(old_housing.id) == set()
    assert routing.plan_replay(start, end).moves == 0
    replayed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "routing.replayed"))
    assert "joined=1 left=1" in replayed.detail


def test_replay_refuses_moves_that_were_not_previewed(ctx, housing):
    """The same number of moves, but different ones: still a conflict."""
    story = factories.approved_story(themes=["transport"])
    factories.routing_rule(housing, ["transport"])
    start, end = utcnow() - timedelta(days=1), utcnow() + timedelta(days=1)
    preview = routing.plan_replay(start, end)
    assert dict(preview.joining) == {housing.id: [story.id]}
    other = factories.working_group("Transport working group")
    rule = next(r for r in routing.rules() if [t.slug for t in r.themes] == ["transport"])
    from engage.models import Theme

    transport = db.session.scalar(select(Theme.id).where(Theme.slug == "transport"))
    routing.change_rule(
        rule.id, rule.version, routing.RuleInput(other.id, [transport]), actor=SYSTEM
    )
    assert routing.plan_replay(start, end).moves == preview.moves
    with pytest.raises(Conflict):
        routing.replay(start, end, previewed=preview.fingerprint, actor=SYSTEM)
    assert routes_of(story.id) == set()


def test_replay_only_looks_at_the_chosen_period(ctx, housing):
    story = factories.approved_story(themes=["transport"])
    story.decided_at = utcnow() - timedelta(days=40)
    db.session.commit()
    factories.routing_rule(housing, ["transport"])
    recent = routing.plan_replay(utcnow() - timedelta(days=7), utcnow() + timedelta(days=1))
    assert recent.moves == 0
    wider = routing.plan_replay(utcnow() - timedelta(days=60), utcnow() + timedelta(days=1))
    assert wider.moves == 1


def test_withdrawal_and_unsharing_take_a_story_out_of_every_group(ctx, housing):
    kept = factories.approved_story(themes=["housing"])
    unshared = factories.approved_story(themes=["housing"])
    withdrawn = factories.approved_story(themes=["housing"])
    intake.change_consent(
        unshared.id,
        {
            Purpose.QUOTE: True,
            Purpose.SHARE: False,
            Purpose.CONTACT: False,
            Purpose.EQUALITY: False,
        },
        channel=Channel.WEB,
        language="en",
    )
    intake.withdraw(withdrawn.id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.commit()
    assert routes_of(kept.id) == {"Housing working group"}
    assert routes_of(unshared.id) == routes_of(withdrawn.id) == set()
    # Sharing again sends it back.
    intake.change_consent(
        unshared.id,
        {Purpose.QUOTE: True, Purpose.SHARE: True, Purpose.CONTACT: False, Purpose.EQUALITY: False},
        channel=Channel.WEB,
        language="en",
    )
    db.session.commit()
    assert routes_of(unshared.id) == {"Housing working group"}


def test_approving_twice_does_not_route_twice(ctx, housing):
    story = factories.approved_story(themes=["housing"])
    routing.route(db.session.get(Submission, story.id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(StoryRoute)) == 1


def test_service_errors_name_the_field(ctx):
    with pytest.raises(ServiceError) as refused:
        routing.add_rule(routing.RuleInput(body_id=None, theme_ids=[]), actor=SYSTEM)
    assert set(refused.value.errors) == {"body_id", "theme_ids"}
    assert Role  # roles are used by the view tests
