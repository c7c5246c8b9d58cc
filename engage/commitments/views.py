"""The commitments register: the secretariat records strategic equity commitments and
report recommendations and their progress; every member of staff can read it. Views
read forms and call engage.services.accountability.commitments, which decides."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import clock
from engage.commitments import bp
from engage.commitments.forms import CommitmentForm, FilterForm, UpdateForm
from engage.forms import apply_service_errors, sent_and_acceptable, version_sent
from engage.permissions import SECRETARIAT_ROLES, STAFF_ROLES, current_actor, require_role
from engage.services.accountability import commitments
from engage.services.common.transaction import Conflict, NotFound, ServiceError

STALE_DETAILS = (
    "Someone else changed this commitment while you were editing it. Your changes are "
    "still in the form, not saved: check them against the commitment as it is now, "
    "shown below the form, and save again."
)
STALE_UPDATE = (
    "Someone else changed this commitment's status while you were writing. Your update "
    "is still in the form, not saved: check the status as it is now and save again."
)


def _found(commitment_id: int):
    try:
        return commitments.get(commitment_id)
    except NotFound:
        abort(404)


_version = version_sent


_checked = sent_and_acceptable


def _can_change() -> bool:
    return current_user.role in SECRETARIAT_ROLES


@bp.get("/")
@require_role(*STAFF_ROLES)
def index():
    form = FilterForm(formdata=request.args or None)
    if request.args:
        form.validate()
    today = clock.today()
    rows = commitments.listing(today, **form.chosen())
    return render_template(
        "commitments/index.html",
        title="Commitments",
        form=form,
        rows=rows,
        filtered=any(request.args.get(name) for name in ("status", "kind", "overdue")),
        summary=commitments.summary(today=today),
        today=today,
        is_overdue=commitments.is_overdue,
        days_overdue=commitments.days_overdue,
        can_change=_can_change(),
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add():
    form = CommitmentForm()
    if _checked(form, lambda: commitments.commitment_problems(form.to_input())):
        try:
            made = commitments.add(form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(f"Added the commitment: {made.title}.", "success")
            return redirect(url_for("commitments.show", commitment_id=made.id))
    return render_template(
        "commitments/form.html", title="Add a commitment", form=form, commitment=None
    )


@bp.get("/<int:commitment_id>")
@require_role(*STAFF_ROLES)
def show(commitment_id: int):
    found = _found(commitment_id)
    today = clock.today()
    return render_template(
        "commitments/show.html",
        title=found.title,
        commitment=found,
        overdue=commitments.is_overdue(found, today),
        days=commitments.days_overdue(found, today),
        history=list(reversed(found.updates)),
        links_of=commitments.links_of,
        can_change=_can_change(),
    )


@bp.route("/<int:commitment_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit(commitment_id: int):
    found = _found(commitment_id)
    if request.method == "GET":
        form = CommitmentForm(formdata=None, obj=found)
        form.kind.data = found.kind.value
    else:
        form = CommitmentForm()
    stale = False
    problems = lambda: commitments.commitment_problems(  # noqa: E731
        form.to_input(), editing_id=found.id
    )
    if _checked(form, problems):
        try:
            changed = commitments.change(
                found.id, form.to_input(), version=_version(form), actor=current_actor()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            # Keep what they typed; the next save is made against the version now shown.
            stale = True
            found = _found(commitment_id)
            form.version.data = found.version
            form.form_errors.append(STALE_DETAILS)
        else:
            flash("Saved the commitment." if changed else "Nothing was changed.", "success")
            return redirect(url_for("commitments.show", commitment_id=found.id))
    return render_template(
        "commitments/form.html",
        title=f"Change a commitment: {found.title}",
        form=form,
        commitment=found,
        stale=stale,
    )


@bp.route("/<int:commitment_id>/update", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add_update(commitment_id: int):
    found = _found(commitment_id)
    if request.method == "GET":
        form = UpdateForm(formdata=None, status=found.status.value, version=found.version)
    else:
        form = UpdateForm()
    if _checked(form, lambda: commitments.update_problems(found.id, form.to_input())):
        try:
            commitments.add_update(
                found.id,
                form.to_input(),
                version=_version(form),
                actor=current_actor(),
                today=clock.today(),
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            found = _found(commitment_id)
            form.version.data = found.version
            form.form_errors.append(STALE_UPDATE)
        else:
            flash("Recorded the update.", "success")
            return redirect(url_for("commitments.show", commitment_id=found.id, _anchor="history"))
    return render_template(
        "commitments/update.html",
        title=f"Record progress: {found.title}",
        form=form,
        commitment=found,
    )
