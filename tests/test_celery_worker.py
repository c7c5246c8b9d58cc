"""Background tagging on a real Celery worker with the Redis broker, as in production.

CI sets TEST_REDIS_URL (Redis runs on 127.0.0.1:6379 there); elsewhere the inline mode
used by the rest of the suite covers the same code.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from engage import tasks
from engage.extensions import db
from engage.models import AgeGroup, Channel, Purpose, Submission, TaggingStatus
from engage.services.stories import intake, notices, receipts, tagging

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="set TEST_REDIS_URL=redis://127.0.0.1:6379/15 to use a real broker"
)


def _drop_connections(celery_app) -> None:
    """Forget pooled broker connections, so a changed broker_url takes effect (earlier
    tests ran tasks inline against the in-memory broker)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def real_worker(app):
    celery_app = app.extensions["celery"]
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    _drop_connections(celery_app)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield celery_app
    finally:
        celery_app.conf.update(saved)
        _drop_connections(celery_app)


def _stored_story(app) -> int:
    with app.app_context():
        return intake.submit_story(
            intake.StoryInput(
                story="The bus driver shut the doors on me again.",
                age_group=AgeGroup.ADULT,
                consents={Purpose.STORE: True},
            ),
            receipt_code=receipts.new_code(),
            channel=Channel.WEB,
            language="en",
            notice_version=notices.current().version,
        ).id


def _wait_for(app, submission_id: int, status: TaggingStatus) -> Submission:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with app.app_context():
            submission = db.session.scalar(select(Submission).where(Submission.id == submission_id))
            if submission.tagging_status is status:
                return submission
        time.sleep(0.2)
    raise AssertionError(f"submission {submission_id} never reached {status}")


def test_a_story_is_tagged_by_a_worker_through_redis(app, real_worker):
    submission_id = _stored_story(app)
    tasks.tag_submission.delay(submission_id)
    tagged = _wait_for(app, submission_id, TaggingStatus.DONE)
    assert tagged.language == "en"


def test_a_failing_task_leaves_the_story_stored_and_due_for_retry(app, real_worker, monkeypatch):
    submission_id = _stored_story(app)

    def broken():
        raise RuntimeError("model unavailable")

    monkeypatch.setattr(tagging, "tagger", broken)
    tasks.tag_submission.delay(submission_id)
    failed = _wait_for(app, submission_id, TaggingStatus.FAILED)
    assert failed.story and failed.tagging_attempts == 1
    assert failed.tagging_next_attempt_at is not None
