"""The one place a story's status changes: which moves are allowed, and by whom.

    received ──approve──▶ approved
        │ ──reject───▶ rejected
        │ ──duplicate▶ duplicate
    approved / rejected / duplicate ──reopen──▶ received
    any status but withdrawn ──withdraw (the resident)──▶ withdrawn

Withdrawn is final: the story has been erased."""

from __future__ import annotations

import logging

from engage.models import Submission, SubmissionStatus
from engage.services.common.transaction import ServiceError

log = logging.getLogger(__name__)

S = SubmissionStatus
TRANSITIONS: dict[SubmissionStatus, frozenset[SubmissionStatus]] = {
    S.RECEIVED: frozenset({S.APPROVED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.RECEIVED, S.WITHDRAWN}),
    S.REJECTED: frozenset({S.RECEIVED, S.WITHDRAWN}),
    S.DUPLICATE: frozenset({S.RECEIVED, S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
}

LABELS = {
    S.RECEIVED: "Waiting for review",
    S.APPROVED: "Approved",
    S.REJECTED: "Rejected",
    S.DUPLICATE: "Duplicate",
    S.WITHDRAWN: "Withdrawn",
}


class InvalidTransition(ServiceError):
    pass


def can_move(submission: Submission, to: SubmissionStatus) -> bool:
    return to in TRANSITIONS[submission.status]


def move(submission: Submission, to: SubmissionStatus) -> None:
    """Change the status if the move is allowed; otherwise refuse with a reason."""
    if not can_move(submission, to):
        raise InvalidTransition(
            {
                "status": f"A story that is {LABELS[submission.status].lower()} "
                f"can't be marked {LABELS[to].lower()}"
            }
        )
    log.info(
        "submission_status_changed",
        extra={"submission_id": submission.id, "from": submission.status.value, "to": to.value},
    )
    submission.status = to
