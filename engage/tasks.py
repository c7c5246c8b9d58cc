"""Background work on Celery: a Redis broker in production, inline (eager) by default.

Work is always started after the change it follows has been committed, and anything
it does is safe to repeat, so a failure or a lost task is made good by the next run
of the periodic sweep (Celery beat, or `engage outbox deliver`).
"""

from __future__ import annotations

import logging

from celery import Celery, Task, shared_task
from celery.schedules import crontab
from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config["CELERY_BROKER_URL"]
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=broker or "memory://",
        task_always_eager=not broker,
        task_eager_propagates=False,
        task_ignore_result=True,
        task_acks_late=True,
        # A task whose worker process died is handed to another at once, not left
        # until the broker's timeout: every task is safe to run twice.
        task_reject_on_worker_lost=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            "deliver-outbox": {"task": "engage.tasks.deliver_outbox", "schedule": 60.0},
            "retry-tagging": {"task": "engage.tasks.retry_tagging", "schedule": 300.0},
            # Hourly: a digest falls due at a London midnight or a week before a meeting;
            # issuing is idempotent, so running often only makes it prompt.
            "issue-digests": {"task": "engage.tasks.issue_digests", "schedule": 3600.0},
            # Nightly, when the site is quiet: the public figures are counted afresh.
            "refresh-figures": {
                "task": "engage.tasks.refresh_figures",
                "schedule": crontab(hour=2, minute=30),
            },
            # Nightly: erase what the retention schedule says is due (old email and
            # expired resident sessions included; docs/retention.md).
            "apply-retention": {
                "task": "engage.tasks.apply_retention",
                "schedule": crontab(hour=3, minute=15),
            },
        },
        timezone="Europe/London",
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


@shared_task(name="engage.tasks.deliver_outbox")
def deliver_outbox() -> tuple[int, int]:
    from engage.services.common import outbox

    return outbox.deliver_due()


@shared_task(name="engage.tasks.issue_digests")
def issue_digests() -> int:
    from engage.services.digests import issuing

    return len(issuing.issue_due())


@shared_task(name="engage.tasks.refresh_figures")
def refresh_figures() -> int:
    """Nightly: the public figures, counted and protected into a new snapshot."""
    from engage.services.figures import snapshots

    return snapshots.refresh().id


@shared_task(name="engage.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    """Nightly: the retention schedule, including sent email and ended resident sessions."""
    from engage.services.common import retention

    return retention.run()


def start(task, *args) -> None:
    """Start a task after a commit; if the broker can't be reached, the sweep retries.
    The task runs with this Flask app's Celery (not whichever app was created last)."""
    celery_app = current_app.extensions.get("celery") if has_app_context() else None
    try:
        bound = celery_app.tasks[task.name] if celery_app is not None else task
        bound.delay(*args)
    except Exception as error:  # the work is already safe in the database
        log.warning(
            "task_not_started", extra={"task": task.name, "error_type": type(error).__name__}
        )


@shared_task(name="engage.tasks.tag_submission")
def tag_submission(submission_id: int) -> bool:
    from engage.services.stories import tagging

    return tagging.tag_submission(submission_id)


@shared_task(name="engage.tasks.retry_tagging")
def retry_tagging() -> tuple[int, int]:
    from engage.services.stories import tagging

    return tagging.retry_due()


def after_story_stored(submission_id: int) -> None:
    """What follows a committed story: tag it (retried on failure). Its email is started
    like every other message's, once committed (engage.services.common.outbox)."""
    start(tag_submission, submission_id)
