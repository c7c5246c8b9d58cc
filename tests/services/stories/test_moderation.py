"""Moderation rules: claims, versions, redaction, themes, decisions and the audit trail."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    AuditEvent,
    ProposalStatus,
    Role,
    SafeguardingFlag,
    Submission,
    SubmissionStatus,
    ThemeLabel,
)
from engage.services.common.transaction import ServiceError
from engage.services.stories import moderation, submission_states
from engage.services.stories.moderation import ClaimedByOther, StaleVersion
from tests import factories


@pytest.fixture
def officer(ctx):
    return factories.user(role=Role.ENGAGEMENT_OFFICER, email="first@test.example")


@pytest.fixture
def other(ctx):
    return factories.user(role=Role.ENGAGEMENT_OFFICER, email="second@test.example")


@pytest.fixture
def story(ctx):
    return factories.submission()


def fresh(submission_id: int) -> Submission:
    db.session.expire_all()
    return db.session.get(Submission, submission_id)


def confirm_all(story, officer):
    decisions = {p.id: True for p in story.pii_proposals}
    return moderation.confirm_redaction(story.id, officer, story.version, decisions)


def test_the_tagger_proposes_what_to_remove(story):
    found = [(story.story[p.start : p.end], p.type) for p in story.pii_proposals]
    assert ("Amina Yusuf", "NAME") in found and ("07700 900123", "PHONE") in found


def test_claim_shows_who_holds_it_and_keeps_others_out(story, officer, other):
    moderation.claim(story.id, officer)
    assert moderation.live_holder(fresh(story.id)).id == officer.id
    with pytest.raises(ClaimedByOther) as held:
        moderation.claim(story.id, other)
    assert held.value.holder.id == officer.id


def test_a_claim_runs_out_and_another_officer_can_take_it(story, officer, other):
    with freeze_time() as clock:
        moderation.claim(story.id, officer)
        clock.tick(timedelta(minutes=31))
        moderation.claim(story.id, other)
        assert fresh(story.id).claimed_by_id == other.id


def test_release_frees_the_story(story, officer, other):
    moderation.claim(story.id, officer)
    moderation.release(story.id, officer)
    assert moderation.live_holder(fresh(story.id)) is None
    moderation.claim(story.id, other)


def test_a_change_from_an_old_page_is_refused_and_nothing_is_lost(story, officer):
    seen = story.version
    moderation.save_summary(story.id, officer, seen, "Bus driver refused a woman in hijab.")
    with pytest.raises(StaleVersion):
        moderation.save_summary(story.id, officer, seen, "A different summary")
    assert fresh(story.id).officer_summary == "Bus driver refused a woman in hijab."


def test_two_approvals_of_the_same_version_one_wins(story, officer):
    story = confirm_all(story, officer)
    moderation.confirm_themes(story.id, officer, story.version, ["transport"])
    version = fresh(story.id).version
    moderation.approve(story.id, officer, version)
    with pytest.raises(StaleVersion):
        moderation.approve(story.id, officer, version)
    assert fresh(story.id).status is SubmissionStatus.APPROVED


def test_approval_needs_confirmed_redaction_and_themes(story, officer):
    with pytest.raises(ServiceError) as refused:
        moderation.approve(story.id, officer, story.version)
    assert "Confirm which personal data is removed" in refused.value.errors["approve"]
    story = confirm_all(story, officer)
    with pytest.raises(ServiceError) as refused:
        moderation.approve(story.id, officer, fresh(story.id).version)
    assert "Confirm the themes" in refused.value.errors["approve"]


def test_a_story_that_may_not_be_quoted_needs_a_summary(ctx, officer):
    story = factories.submission(quote=False)
    story = confirm_all(story, officer)
    moderation.confirm_themes(story.id, officer, story.version, ["transport"])
    with pytest.raises(ServiceError) as refused:
        moderation.approve(story.id, officer, fresh(story.id).version)
    assert "Write a summary" in refused.value.errors["approve"]


def test_confirming_the_redaction_writes_the_redacted_text(story, officer):
    decisions = {
        p.id: p.type != "NAME" for p in story.pii_proposals
    }  # keep the name, remove the rest
    confirmed = moderation.confirm_redaction(story.id, officer, story.version, decisions)
    assert "[PHONE]" in confirmed.redacted_story
    assert "Amina Yusuf" in confirmed.redacted_story
    statuses = {p.type: p.status for p in fresh(story.id).pii_proposals}
    assert statuses["NAME"] is ProposalStatus.REJECTED
    assert statuses["PHONE"] is ProposalStatus.ACCEPTED


def test_every_proposal_needs_a_decision(story, officer):
    with pytest.raises(ServiceError) as refused:
        moderation.confirm_redaction(story.id, officer, story.version, {})
    assert "each piece of personal data" in refused.value.errors["redaction"]


def test_removing_almost_all_of_the_story_is_questioned(ctx, officer):
    story = factories.submission("Amina Yusuf 07700 900123")
    decisions = {p.id: True for p in story.pii_proposals}
    with pytest.raises(ServiceError) as refused:
        moderation.confirm_redaction(story.id, officer, story.version, decisions)
    assert "tick the box" in refused.value.errors["most_of_story_confirmed"]
    confirmed = moderation.confirm_redaction(
        story.id, officer, fresh(story.id).version, decisions, most_of_story_confirmed=True
    )
    assert confirmed.redacted_story == "[NAME] [PHONE]"


def test_officers_can_mark_what_the_detector_missed(story, officer):
    count = moderation.add_redaction(
        story.id, officer, story.version, phrase="the 50", kind="ADDRESS"
    )
    assert count == 1
    story = fresh(story.id)
    assert story.redaction_confirmed_at is None
    confirmed = confirm_all(story, officer)
    assert "[ADDRESS]" in confirmed.redacted_story and "the 50" not in confirmed.redacted_story


def test_marking_words_not_in_the_story_is_explained(story, officer):
    with pytest.raises(ServiceError) as refused:
        moderation.add_redaction(story.id, officer, story.version, phrase="Zebra", kind="NAME")
    assert "not in the story" in refused.value.errors["phrase"]


def test_theme_corrections_are_kept_for_training(story, officer):
    moderation.confirm_themes(story.id, officer, story.version, ["transport", "criminal_justice"])
    label = db.session.get(ThemeLabel, story.id)
    assert label.themes == "criminal_justice transport"
    assert label.labelled_by_id == officer.id
    with pytest.raises(ServiceError):
        moderation.confirm_themes(story.id, officer, fresh(story.id).version, ["made_up"])


def test_reject_needs_a_reason_and_reopen_brings_it_back(story, officer):
    with pytest.raises(ServiceError) as refused:
        moderation.reject(story.id, officer, story.version, "  ")
    assert refused.value.errors["reason"]
    moderation.reject(story.id, officer, fresh(story.id).version, "Spam")
    rejected = fresh(story.id)
    assert rejected.status is SubmissionStatus.REJECTED and rejected.decision_reason == "Spam"
    assert rejected.claimed_by_id is None
    with pytest.raises(ServiceError):
        moderation.save_summary(story.id, officer, rejected.version, "too late")
    moderation.reopen(story.id, officer, rejected.version)
    assert fresh(story.id).status is SubmissionStatus.RECEIVED


def test_duplicate_must_point_at_another_real_story(ctx, story, officer):
    first = factories.submission("An earlier story about the same bus.")
    for original, message in [("", "number"), (str(story.id), "itself"), ("999999", "number")]:
        with pytest.raises(ServiceError) as refused:
            moderation.mark_duplicate(story.id, officer, fresh(story.id).version, original)
        assert message in refused.value.errors["original"]
    moderation.mark_duplicate(story.id, officer, fresh(story.id).version, f" {first.id} ")
    marked = fresh(story.id)
    assert marked.status is SubmissionStatus.DUPLICATE and marked.duplicate_of_id == first.id


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the number of the story this one repeats"),
        ("   ", "Enter the number of the story this one repeats"),
        ("12a", "Enter the story's number in figures only, like 1234 (no letters)"),
        ("story 12", "Enter the story's number in figures only, like 1234 (no letters)"),
        ("²", "Enter the story's number in figures only, like 1234 (no letters)"),
        ("-3", "Story numbers start at 1: enter a number of 1 or more"),
        ("0", "Story numbers start at 1: enter a number of 1 or more"),
        ("999999", "There is no story with that number: check it"),
        ("9" * 40, "There is no story with that number: check it"),
    ],
)
def test_a_wrong_original_number_says_what_is_wrong_with_it(story, officer, typed, message):
    with pytest.raises(ServiceError) as refused:
        moderation.mark_duplicate(story.id, officer, fresh(story.id).version, typed)
    assert refused.value.errors == {"original": message}
    assert fresh(story.id).status is SubmissionStatus.RECEIVED


def test_a_withdrawn_story_cannot_be_the_original_and_says_so(story, officer):
    gone = factories.submission("Told and then withdrawn.")
    gone.status = SubmissionStatus.WITHDRAWN
    gone.story = None
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        moderation.mark_duplicate(story.id, officer, fresh(story.id).version, str(gone.id))
    assert refused.value.errors == {
        "original": f"Story {gone.id} was withdrawn by the person who told it, "
        "so it can't be the original"
    }


def test_the_state_machine_refuses_impossible_moves(story):
    story.status = SubmissionStatus.WITHDRAWN
    with pytest.raises(submission_states.InvalidTransition):
        submission_states.move(story, SubmissionStatus.APPROVED)
    story.status = SubmissionStatus.APPROVED
    with pytest.raises(submission_states.InvalidTransition):
        submission_states.move(story, SubmissionStatus.REJECTED)


def test_every_change_and_view_is_audited_without_story_text(story, officer):
    moderation.open_for_review(story.id, officer)
    story = confirm_all(story, officer)
    moderation.confirm_themes(story.id, officer, story.version, ["transport"])
    moderation.approve(story.id, officer, fresh(story.id).version)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "submission").order_by(AuditEvent.id)
    ).all()
    actions = [e.action for e in events]
    assert actions[:1] == ["submission.viewed"]
    for action in ("redaction.confirmed", "themes.confirmed", "submission.approved"):
        assert action in actions
    assert all(e.actor_id == officer.id and e.object_id == story.id for e in events)
    assert not any("Amina" in e.detail or "headscarf" in e.detail for e in events)


def test_audit_rows_cannot_be_changed(story, officer):
    moderation.open_for_review(story.id, officer)
    event = db.session.scalars(select(AuditEvent)).first()
    event.detail = "tampered"
    with pytest.raises(Exception, match="audit"):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(AuditEvent.__table__.update().values(detail="tampered"))
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditEvent)).first())
    with pytest.raises(Exception, match="audit"):
        db.session.commit()
    db.session.rollback()


def test_two_officers_approving_at_the_same_moment_one_wins(app, ctx, officer, other):
    """Real concurrency: two threads, two database connections, the same version."""
    import threading

    story = factories.submission()
    story = confirm_all(story, officer)
    moderation.confirm_themes(story.id, officer, story.version, ["transport"])
    moderation.release(story.id, officer)
    version = fresh(story.id).version
    ids = {"first": officer.id, "second": other.id}
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def approve_as(name: str) -> None:
        with app.app_context():
            from engage.models import User

            who = db.session.get(User, ids[name])
            barrier.wait()
            try:
                moderation.approve(story.id, who, version)
                outcomes[name] = "approved"
            except (StaleVersion, ClaimedByOther):
                outcomes[name] = "told"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve_as, args=(n,)) for n in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["approved", "told"]
    approved = fresh(story.id)
    assert approved.status is SubmissionStatus.APPROVED
    assert approved.version == version + 1
    approvals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "submission.approved")
    ).all()
    assert len(approvals) == 1


def test_withdrawal_erases_everything_moderation_wrote(story, officer):
    from engage.models import Channel
    from engage.services.stories import intake

    story = confirm_all(story, officer)
    moderation.save_summary(story.id, officer, story.version, "Driver refused Amina.")
    factories.safeguarding_flag(story, officer=officer)
    intake.withdraw(story.id, keep_count=True, channel=Channel.WEB, language="en")
    gone = fresh(story.id)
    assert gone.story is None and gone.redacted_story is None and gone.officer_summary is None
    assert gone.pii_proposals == []
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    assert "unsafe" not in flag.concern and flag.category.value == "risk_to_life"
    with pytest.raises(Exception):  # noqa: B017 - NotFound: a withdrawn story can't be changed
        moderation.claim(story.id, officer)


def test_marking_by_hand_finds_the_right_place_after_dotted_capital_i(ctx, officer):
    story = factories.submission("İstanbul'dan geldik. Mehmet Demir said we had to leave.")
    moderation.add_redaction(story.id, officer, story.version, phrase="mehmet demir", kind="NAME")
    story = fresh(story.id)
    added = [p for p in story.pii_proposals if p.status is ProposalStatus.ADDED]
    assert [story.story[p.start : p.end] for p in added] == ["Mehmet Demir"]


def test_a_tagging_retry_keeps_words_marked_by_hand_and_confirmed_choices(ctx, officer):
    from engage.services.stories import tagging

    story = factories.submission("I work at Greenfield Tyres and my boss calls me names.")
    moderation.add_redaction(
        story.id, officer, story.version, phrase="Greenfield Tyres", kind="ADDRESS"
    )
    seen = fresh(story.id).version
    tagging.tag_submission(story.id)  # a retry after a failure, say
    story = fresh(story.id)
    assert any(p.status is ProposalStatus.ADDED for p in story.pii_proposals)
    assert story.version > seen  # an officer's open page is now out of date
    confirmed = confirm_all(story, officer)
    assert "Greenfield Tyres" not in confirmed.redacted_story
    tagging.tag_submission(story.id)
    assert fresh(story.id).redacted_story == confirmed.redacted_story
    assert fresh(story.id).redaction_confirmed_at is not None


def test_the_database_refuses_to_delete_recent_audit_rows(story, officer):
    from sqlalchemy import delete as sql_delete
    from sqlalchemy import text

    moderation.open_for_review(story.id, officer)
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(sql_delete(AuditEvent))
        db.session.commit()
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("TRUNCATE audit_events"))
            db.session.commit()
        db.session.rollback()
    viewed = select(func.count()).where(AuditEvent.action == "submission.viewed")
    assert db.session.scalar(viewed) == 1


def test_rows_past_retention_can_be_purged(ctx, officer):
    from datetime import UTC, datetime

    from sqlalchemy import delete as sql_delete

    from engage.services.common import audit

    audit.record("submission.viewed", object_type="submission", object_id=1, actor=officer)
    db.session.flush()
    # Written seven years ago: inserted directly, as the clock can't be moved for the DB.
    db.session.execute(
        AuditEvent.__table__.insert().values(
            at=datetime(2019, 1, 1, tzinfo=UTC), action="submission.viewed", detail=""
        )
    )
    db.session.commit()
    cutoff = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.execute(sql_delete(AuditEvent).where(AuditEvent.at < cutoff))
    db.session.commit()
    viewed = select(func.count()).where(AuditEvent.action == "submission.viewed")
    assert db.session.scalar(viewed) == 1


def test_removing_an_account_leaves_its_audit_rows_as_they_were(ctx):
    from sqlalchemy import delete as sql_delete

    from engage.models import User
    from engage.services.common import audit

    leaver = factories.user(role=Role.ENGAGEMENT_OFFICER, email="leaver@test.example")
    audit.record_now("submission.viewed", object_type="submission", object_id=1, actor=leaver)
    db.session.execute(sql_delete(User).where(User.id == leaver.id))
    db.session.commit()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "submission.viewed")
    ).one()
    assert (event.actor_id, event.actor_role) == (leaver.id, "engagement_officer")
