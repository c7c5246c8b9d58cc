"""Email not sent yet, for administrators: what is waiting, how often it has been
tried and the last error, so a mail server problem is seen rather than guessed at."""

from __future__ import annotations

from flask import render_template

from engage.admin import bp
from engage.permissions import ADMIN_ROLES, require_role
from engage.services.common import outbox


@bp.get("/outbox")
@require_role(*ADMIN_ROLES)
def outbox_waiting():
    return render_template(
        "admin/outbox.html",
        messages=outbox.undelivered(),
        max_attempts=outbox.MAX_ATTEMPTS,
        title="Email not sent yet",
    )
