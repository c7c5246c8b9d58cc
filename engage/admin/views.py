"""The membership register, for the secretariat."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from engage import clock
from engage.admin import bp
from engage.admin.forms import (
    EditMembershipForm,
    EndMembershipForm,
    MembershipForm,
    friendlier_date_errors,
)
from engage.forms import apply_service_errors, version_sent
from engage.models import BodyKind
from engage.permissions import SECRETARIAT_ROLES, current_actor, require_role
from engage.services.common import reference
from engage.services.common.transaction import Conflict, NotFound, ServiceError
from engage.services.register import composition, memberships

CONFLICT_MESSAGE = (
    "Someone else changed this membership while you were editing it. "
    "Check the details below and make your change again."
)


def _body_or_404(slug: str):
    try:
        return memberships.get_body(slug)
    except NotFound:
        abort(404)


def _membership_or_404(membership_id: int):
    try:
        return memberships.get_membership(membership_id)
    except NotFound:
        abort(404)


def _prepare(form: MembershipForm, body_id: int, membership=None) -> None:
    form.set_choices(
        people=memberships.people(),
        authorities=reference.local_authorities(),
        representatives=memberships.representatives(
            body_id, on=clock.today(), keep=membership.substitute_for_id if membership else None
        ),
    )


_version = version_sent


def _checked(form: MembershipForm, body_id: int, *, editing_id: int | None) -> bool:
    """Sent and acceptable. The form's checks and the register's rules run together, so
    one send shows every problem rather than one at a time."""
    if not form.is_submitted():
        return False
    form.validate()
    problems = memberships.membership_problems(
        form.to_input(body_id), editing_id=editing_id, today=clock.today()
    )
    apply_service_errors(form, problems)
    return not form.errors


@bp.get("/memberships")
@require_role(*SECRETARIAT_ROLES)
def register():
    body = _body_or_404(request.args.get("body", "taskforce"))
    today = clock.today()
    show_past = request.args.get("show") == "all"
    rows = memberships.list_memberships(body, on=today, include_past=show_past)
    return render_template(
        "admin/memberships/register.html",
        title=f"Membership register: {body.name}",
        body=body,
        bodies=memberships.list_bodies(),
        rows=rows,
        flags={m.id: composition.membership_flags(m, on=today) for m in rows},
        composition=(
            composition.taskforce_composition(body, on=today)
            if body.kind is BodyKind.TASKFORCE
            else None
        ),
        show_past=show_past,
        today=today,
    )


@bp.route("/memberships/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add_membership():
    body = _body_or_404(request.args.get("body", "taskforce"))
    form = MembershipForm()
    _prepare(form, body.id)
    if _checked(form, body.id, editing_id=None):
        try:
            membership = memberships.add_membership(
                form.to_input(body.id), actor=current_actor(), today=clock.today()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(
                f"Added {membership.person.full_name} as {membership.role.label.lower()}.",
                "success",
            )
            return redirect(url_for("admin.register", body=body.slug))
    friendlier_date_errors(form)
    return render_template(
        "admin/memberships/form.html",
        title=f"Add a membership of {body.name}",
        form=form,
        body=body,
        membership=None,
    )


@bp.route("/memberships/<int:membership_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_membership(membership_id: int):
    membership = _membership_or_404(membership_id)
    body = membership.body
    if request.method == "GET":
        form = EditMembershipForm(obj=membership, formdata=None)
        form.role.data = membership.role.value
        form.local_authority_id.data = str(membership.local_authority_id or "")
        form.substitute_for_id.data = str(membership.substitute_for_id or "")
    else:
        form = EditMembershipForm()
    _prepare(form, body.id, membership)
    if _checked(form, body.id, editing_id=membership.id):
        try:
            memberships.update_membership(
                membership.id,
                form.to_input(body.id),
                version=_version(form),
                actor=current_actor(),
                today=clock.today(),
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(CONFLICT_MESSAGE, "error")
            return redirect(url_for("admin.edit_membership", membership_id=membership.id))
        else:
            flash(f"Updated {membership.person.full_name}'s membership.", "success")
            return redirect(url_for("admin.register", body=body.slug))
    friendlier_date_errors(form)
    return render_template(
        "admin/memberships/form.html",
        title=f"Edit {membership.person.full_name}'s membership",
        form=form,
        body=body,
        membership=membership,
    )


@bp.route("/memberships/<int:membership_id>/end", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def end_membership(membership_id: int):
    membership = _membership_or_404(membership_id)
    if request.method == "GET":
        form = EndMembershipForm(
            formdata=None,
            version=membership.version,
            ended_on=memberships.suggested_end_date(membership, today=clock.today()),
        )
    else:
        form = EndMembershipForm()
    if form.validate_on_submit():
        try:
            memberships.end_membership(
                membership.id,
                ended_on=form.ended_on.data,
                reason=form.reason.data,
                version=_version(form),
                actor=current_actor(),
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(CONFLICT_MESSAGE, "error")
            return redirect(url_for("admin.end_membership", membership_id=membership.id))
        else:
            flash(f"Ended {membership.person.full_name}'s membership.", "success")
            return redirect(url_for("admin.register", body=membership.body.slug))
    friendlier_date_errors(form)
    return render_template(
        "admin/memberships/end.html",
        title=f"End {membership.person.full_name}'s membership",
        form=form,
        membership=membership,
    )
