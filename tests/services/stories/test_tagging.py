"""Tagging after a story is stored: themes, proposed redactions, language, and retries."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Channel,
    Purpose,
    Submission,
    TaggingStatus,
)
from engage.nlp.themes import THEMES, Tagged
from engage.services.stories import intake, notices, receipts, tagging

STORY = (
    "The bus driver shut the doors when he saw my headscarf. My name is Amina Yusuf, "
    "ring me on 07700 900123."
)


def stored(text: str = STORY) -> Submission:
    return intake.submit_story(
        intake.StoryInput(story=text, age_group=AgeGroup.ADULT, consents={Purpose.STORE: True}),
        receipt_code=receipts.new_code(),
        channel=Channel.WEB,
        language="en",
        notice_version=notices.current().version,
    )


def test_a_stored_story_gets_scores_redaction_proposals_and_a_language(ctx):
    submission = stored()
    assert submission.tagging_status is TaggingStatus.PENDING
    assert tagging.tag_submission(submission.id) is True
    db.session.expire_all()
    tagged = db.session.get(Submission, submission.id)
    assert tagged.tagging_status is TaggingStatus.DONE and tagged.tagged_at is not None
    assert sorted(s.theme.slug for s in tagged.theme_scores) == sorted(THEMES)
    assert all(0 <= s.score <= 1 for s in tagged.theme_scores)
    proposals = [(STORY[p.start : p.end], p.type) for p in tagged.pii_proposals]
    assert ("Amina Yusuf", "NAME") in proposals and ("07700 900123", "PHONE") in proposals
    assert tagged.language == "en" and tagged.language_flagged is False
    # Each suggestion says which model made it.
    assert {s.model_version for s in tagged.theme_scores} == {tagging.tagger().version}


class VersionedTagger:
    """The theme model's interface, with the version and suggestions a test chooses."""

    def __init__(self, version: str, themes: list[str]):
        self.version = version
        self.themes = themes

    def tag(self, texts):
        return [
            Tagged(
                themes=self.themes,
                scores={slug: 0.9 if slug in self.themes else 0.1 for slug in THEMES},
            )
            for _ in texts
        ]


def test_every_score_stores_the_model_version_and_a_retag_replaces_it(ctx, monkeypatch):
    monkeypatch.setattr(tagging, "tagger", lambda: VersionedTagger("7", ["housing"]))
    submission = stored()
    assert tagging.tag_submission(submission.id) is True
    db.session.expire_all()
    scores = db.session.get(Submission, submission.id).theme_scores
    assert len(scores) == len(THEMES)
    assert {s.model_version for s in scores} == {"7"}
    assert [s.theme.slug for s in scores if s.suggested] == ["housing"]
    # Tagged again by a retrained model: the same rows, now saying the new version.
    monkeypatch.setattr(tagging, "tagger", lambda: VersionedTagger("8", ["transport"]))
    assert tagging.tag_submission(submission.id) is True
    db.session.expire_all()
    rescored = db.session.get(Submission, submission.id).theme_scores
    assert sorted(s.id for s in rescored) == sorted(s.id for s in scores)
    assert {s.model_version for s in rescored} == {"8"}
    assert [s.theme.slug for s in rescored if s.suggested] == ["transport"]


def test_stories_not_in_english_are_flagged_for_a_person(ctx):
    submission = stored("Kierowca autobusu zamknął drzwi, kiedy zobaczył moją chustę na głowie.")
    tagging.tag_submission(submission.id)
    db.session.expire_all()
    tagged = db.session.get(Submission, submission.id)
    assert tagged.language == "pl" and tagged.language_flagged is True
    assert tagged.tagging_status is TaggingStatus.DONE


def test_a_failure_keeps_the_story_and_is_retried_later(ctx, monkeypatch):
    submission = stored()

    def broken():
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr(tagging, "tagger", broken)
    assert tagging.tag_submission(submission.id) is False
    db.session.expire_all()
    failed = db.session.get(Submission, submission.id)
    assert failed.story == STORY  # nothing lost
    assert failed.tagging_status is TaggingStatus.FAILED and failed.tagging_attempts == 1
    assert failed.tagging_next_attempt_at > datetime.now(UTC)
    # Not due yet: the sweep leaves it alone.
    assert tagging.retry_due() == (0, 0)
    monkeypatch.undo()
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert tagging.retry_due(now=later) == (1, 0)
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).tagging_status is TaggingStatus.DONE


def test_a_withdrawn_story_is_not_tagged(ctx):
    submission = stored()
    intake.withdraw(submission.id, keep_count=False, channel=Channel.WEB, language="en")
    assert tagging.tag_submission(submission.id) is True
    assert tagging.retry_due() == (0, 0)
    assert db.session.get(Submission, submission.id).theme_scores == []


def test_officer_labels_become_training_items_on_redacted_text(ctx):
    from engage.models import Role
    from engage.services.stories import moderation
    from tests import factories

    officer = factories.user(role=Role.ENGAGEMENT_OFFICER)
    submission = stored()
    tagging.tag_submission(submission.id)
    db.session.expire_all()
    submission = db.session.get(Submission, submission.id)
    moderation.confirm_themes(submission.id, officer, submission.version, ["transport"])
    # Not yet: the redaction has not been confirmed by an officer.
    assert tagging.corrections_for_training() == []
    submission = db.session.get(Submission, submission.id)
    decisions = {p.id: True for p in submission.pii_proposals}
    moderation.confirm_redaction(submission.id, officer, submission.version, decisions)
    items = tagging.corrections_for_training()
    assert items == [
        {
            "text": "The bus driver shut the doors when he saw my headscarf. My name is [NAME], "
            "ring me on [PHONE].",
            "themes": ["transport"],
        }
    ]
    intake.withdraw(submission.id, keep_count=True, channel=Channel.WEB, language="en")
    assert tagging.corrections_for_training() == []


@pytest.fixture
def memory_mail(app):
    from engage.services.common.outbox import MemorySender

    app.extensions["engage_mail_sender"] = MemorySender()
    yield
    app.extensions.pop("engage_mail_sender")


def test_a_story_sent_through_the_website_is_tagged_straight_after(app, client, memory_mail):
    from tests.helpers import open_story_form, page

    form = page(open_story_form(client))
    hidden = {
        name: form.find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    response = client.post("/tell/story", data={**hidden, "story": STORY, "consent_store": "y"})
    assert response.status_code == 302
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission.tagging_status is TaggingStatus.DONE
        assert len(submission.theme_scores) == len(THEMES)
