"""`engage retention run` prints the counts (a dry run changes nothing), and Celery beat
runs the schedule nightly."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from engage.cli import main
from engage.extensions import db
from engage.models import AuditEvent, OutboxMessage


def _old_sent_email(app) -> None:
    with app.app_context():
        long_ago = datetime.now(UTC) - timedelta(days=400)
        db.session.add(OutboxMessage(to_address="a@example.org", subject="S", body="B", kind="t"))
        db.session.commit()
        db.session.execute(update(OutboxMessage).values(sent_at=long_ago))
        db.session.commit()


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_dry_run_prints_the_counts_and_erases_nothing(app):
    _old_sent_email(app)
    result = app.test_cli_runner().invoke(main, ["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would erase (dry run, nothing changed):" in result.output
    assert "  sent_email: 1" in result.output
    assert _count(app, OutboxMessage) == 1
    assert _count(app, AuditEvent, AuditEvent.action == "retention.applied") == 0


def test_a_run_erases_prints_the_counts_and_is_audited(app):
    _old_sent_email(app)
    result = app.test_cli_runner().invoke(main, ["retention", "run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Erased:"
    assert "  sent_email: 1" in lines and "  raw_story: 0" in lines
    assert _count(app, OutboxMessage) == 0
    assert _count(app, AuditEvent, AuditEvent.action == "retention.applied") == 1
    again = app.test_cli_runner().invoke(main, ["retention", "run"])
    assert "  sent_email: 0" in again.output.splitlines()


def test_celery_beat_applies_the_schedule_nightly_in_place_of_the_old_purge(app):
    from engage import tasks

    schedule = app.extensions["celery"].conf.beat_schedule
    entry = schedule["apply-retention"]
    assert entry["task"] == "engage.tasks.apply_retention"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {15}
    assert "purge-outbox" not in schedule  # folded into the schedule, not run twice
    _old_sent_email(app)
    with app.app_context():
        tasks.start(tasks.apply_retention)  # inline in the embedded default
    assert _count(app, OutboxMessage) == 0
