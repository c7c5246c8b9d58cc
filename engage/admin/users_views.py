"""Staff accounts for administrators: who has two-step sign-in, who is locked out, and
the two things an administrator may do about it. Both are audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.admin import bp
from engage.links import reset_password_url
from engage.models import User
from engage.permissions import ADMIN_ROLES, current_actor, require_role
from engage.security import needs_recent_confirmation, recently_confirmed
from engage.services.accounts import accounts, password_links, two_factor
from engage.services.common.transaction import NotFound, ServiceError


def _account_or_404(user_id: int) -> User:
    try:
        return accounts.get(user_id)
    except NotFound:
        abort(404)


def _confirm_first():
    return redirect(url_for("auth.confirm_identity", next=url_for("admin.users")))


@bp.get("/users")
@require_role(*ADMIN_ROLES)
@needs_recent_confirmation
def users():
    return render_template(
        "admin/users.html",
        accounts=accounts.every_account(),
        is_locked=two_factor.is_locked,
        title="Staff accounts",
    )


@bp.post("/users/<int:user_id>/reset-two-factor")
@require_role(*ADMIN_ROLES)
def reset_two_factor(user_id: int):
    if not recently_confirmed():
        return _confirm_first()
    account = _account_or_404(user_id)
    if account.id == current_user.id:
        flash("You can't reset your own two-step sign-in here; ask another administrator.", "error")
        return redirect(url_for("admin.users"))
    two_factor.reset(account.id, by=current_actor())
    flash(
        f"Two-step sign-in reset for {account.display_name}. They set it up again when they "
        "next sign in, and have been emailed.",
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/unlock")
@require_role(*ADMIN_ROLES)
def unlock(user_id: int):
    if not recently_confirmed():
        return _confirm_first()
    account = _account_or_404(user_id)
    two_factor.unlock(account.id, by=current_actor())
    flash(f"{account.display_name} can sign in again.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/send-reset-link")
@require_role(*ADMIN_ROLES)
def send_reset_link(user_id: int):
    """For someone who can't use 'Forgotten your password?' (for example after a call)."""
    if not recently_confirmed():
        return _confirm_first()
    account = _account_or_404(user_id)
    try:
        password_links.send_reset_by_admin(
            account.id, by=current_actor(), link_for=reset_password_url
        )
    except ServiceError as error:
        flash(next(iter(error.errors.values())), "error")
    else:
        flash(
            f"A link to choose a new password was emailed to {account.display_name}. "
            "It works once, for an hour.",
            "success",
        )
    return redirect(url_for("admin.users"))
