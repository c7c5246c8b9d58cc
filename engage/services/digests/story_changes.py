"""When a story may no longer be shown to working groups (withdrawn, no longer shared,
or no longer to be quoted): everything built from it is put right in the same
transaction. Pages are read afresh anyway; this takes the story out of what is stored."""

from __future__ import annotations

from engage.services.accountability import decisions
from engage.services.digests import issuing, routing
from engage.services.packs import builder as packs


def no_longer_shown(
    submission_id: int, *, unroute: bool, forget_decisions: bool | None = None
) -> None:
    """`forget_decisions` (by default as `unroute`): the story no longer informs the
    decisions it was linked to. Withdrawal and sharing taken back do that; an officer
    taking a story back for a fix does not (pages hide it meanwhile, and approving it
    again brings it back where it was)."""
    if unroute:
        routing.unroute(submission_id)
    if unroute if forget_decisions is None else forget_decisions:
        decisions.forget_story(submission_id)
    # Digest emails not yet sent are rewritten without it; sent ones can't be recalled.
    issuing.rewrite_unsent()
    # Packs holding it have their digests and figures worked out again without it, and
    # their PDFs dropped; the next download is built without it.
    packs.forget_story(submission_id)
