"""Email goes when it says: when a request's transaction that queued a message commits,
delivery starts at the end of that request (inline in the embedded default, on a
Celery worker in production), urgent messages first. Web glue, kept out of the outbox
service so that it never reads the request; outside a request (a command, a task) the
scheduled delivery sends what was queued."""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from engage.services.common.outbox import QUEUED_MARK


@event.listens_for(Session, "after_commit")
def _note_queued_messages(session: Session) -> None:
    # SQL can't be run from inside this event: note it, deliver after the response.
    if session.info.pop(QUEUED_MARK, False) and has_request_context():
        g.outbox_committed = True


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(QUEUED_MARK, None)


def deliver_after_commit(response):
    """after_request: start delivery of what this request queued and committed."""
    if g.pop("outbox_committed", False):
        from engage import tasks

        tasks.start(tasks.deliver_outbox)
    return response


def register_delivery_hooks(app: Flask) -> None:
    app.after_request(deliver_after_commit)
