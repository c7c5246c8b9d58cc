"""Engagement officers: verify community groups, record their engagement, and enter
stories heard at events or on the phone."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for

from engage import assisted_story as assisted
from engage import clock
from engage.forms import apply_service_errors
from engage.links import set_password_url
from engage.models import EngagementKind, GroupStatus
from engage.officer import bp
from engage.officer.forms import EngagementForm, RejectGroupForm
from engage.permissions import OFFICER_ROLES, current_actor, require_role
from engage.services.common.transaction import NotFound, ServiceError
from engage.services.community import groups


def _group_or_404(group_id: int):
    try:
        return groups.get(group_id)
    except NotFound:
        abort(404)


@bp.get("/groups")
@require_role(*OFFICER_ROLES)
def group_list():
    status_value = request.args.get("status", GroupStatus.PENDING.value)
    statuses = {s.value: s for s in GroupStatus}
    status = None if status_value == "all" else statuses.get(status_value, GroupStatus.PENDING)
    today = clock.today()
    return render_template(
        "officer/groups.html",
        groups=groups.list_by_status(status),
        status=status,
        engaged=groups.groups_engaged(today - timedelta(days=365), today),
        title="Community groups",
    )


def _group_page(group, *, reject_form=None, engagement_form=None, status_code=200):
    return render_template(
        "officer/group.html",
        group=group,
        reject_form=reject_form or RejectGroupForm(formdata=None),
        engagement_form=engagement_form or EngagementForm(formdata=None),
        title=group.name,
    ), status_code


@bp.get("/groups/<int:group_id>")
@require_role(*OFFICER_ROLES)
def group_detail(group_id: int):
    return _group_page(_group_or_404(group_id))


@bp.post("/groups/<int:group_id>/verify")
@require_role(*OFFICER_ROLES)
def verify_group(group_id: int):
    group = _group_or_404(group_id)
    try:
        groups.verify(group.id, officer=current_actor(), set_password_url=set_password_url)
    except ServiceError as error:
        flash(next(iter(error.errors.values())), "error")
    else:
        flash(
            f"{group.name} is verified. Its contact has been emailed a link to set a password.",
            "success",
        )
    return redirect(url_for("officer.group_detail", group_id=group.id))


@bp.post("/groups/<int:group_id>/reject")
@require_role(*OFFICER_ROLES)
def reject_group(group_id: int):
    group = _group_or_404(group_id)
    form = RejectGroupForm()
    if form.validate_on_submit():
        try:
            groups.reject(group.id, officer=current_actor(), reason=form.reason.data or "")
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            if not form.errors:
                flash(next(iter(error.errors.values())), "error")
        else:
            flash(f"{group.name} was not verified. Its contact has been told why.", "success")
            return redirect(url_for("officer.group_detail", group_id=group.id))
    return _group_page(group, reject_form=form)


@bp.post("/groups/<int:group_id>/engagements")
@require_role(*OFFICER_ROLES)
def record_engagement(group_id: int):
    group = _group_or_404(group_id)
    form = EngagementForm()
    if form.validate_on_submit():
        try:
            groups.record_engagement(
                group.id,
                kind=EngagementKind(form.kind.data),
                occurred_on=form.occurred_on.data,
                description=form.description.data or "",
                officer=current_actor(),
                today=clock.today(),
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash("Engagement recorded.", "success")
            return redirect(url_for("officer.group_detail", group_id=group.id))
    return _group_page(group, engagement_form=form)


@bp.route("/stories/new", methods=["GET", "POST"])
@require_role(*OFFICER_ROLES)
def enter_story():
    return assisted.story_page(
        actor=current_actor(),
        sent_endpoint="officer.story_sent",
        cancel_url=url_for("staff.home"),
    )


@bp.get("/stories/sent")
@require_role(*OFFICER_ROLES)
def story_sent():
    return assisted.sent_page(back_url=url_for("officer.enter_story"))
