"""Digests: members read their groups' digests; the secretariat issues them and sets
each group's cadence."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage import clock
from engage.digests import bp
from engage.digests.forms import CadenceForm, EmailChoiceForm, IssueForm
from engage.models import DigestCadence
from engage.permissions import SECRETARIAT_ROLES, STAFF_ROLES, current_actor, require_role
from engage.redirects import safe_next
from engage.services.common.transaction import NotFound, ServiceError
from engage.services.digests import digests, issuing, routing


@bp.get("/")
@require_role(*STAFF_ROLES)
def index():
    """A member's digests, newest first; for the secretariat, every group's too."""
    listed = issuing.for_member(current_user)
    secretariat = current_user.role in SECRETARIAT_ROLES
    groups = routing.routable_bodies() if secretariat else []
    issue_form = IssueForm()
    issue_form.body_id.choices = [SelectChoice("", "Choose a working group")] + [
        SelectChoice(str(b.id), b.name) for b in groups
    ]
    email_form = EmailChoiceForm()
    email_form.by_email.data = "yes" if current_user.digests_by_email else "no"
    return render_template(
        "digests/index.html",
        title="Digests",
        listed=listed,
        groups=[(b, issuing.last_digest(b.id), issuing.recent(b.id)) for b in groups],
        secretariat=secretariat,
        issue_form=issue_form,
        email_form=email_form,
        member_of=issuing.member_bodies(current_user, clock.today()),
    )


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        return 1


@bp.get("/<int:digest_id>")
@require_role(*STAFF_ROLES)
def show(digest_id: int):
    try:
        digest = digests.get(digest_id)
    except NotFound:
        abort(404)
    # Not a member of the group: as if it didn't exist.
    if not issuing.may_read(current_user, digest):
        abort(404)
    page = _page()
    found = digests.content(
        digest.body,
        digest.period_start,
        digest.period_end,
        offset=(page - 1) * digests.ITEMS_PER_PAGE,
    )
    if current_user.role not in SECRETARIAT_ROLES:
        issuing.mark_read(current_user, digest)
    return render_template(
        "digests/show.html",
        title=f"Digest for {digest.body.name}",
        digest=digest,
        content=found,
        period=issuing.period_text(digest),
        page=page,
        pages=max(1, -(-found.total // digests.ITEMS_PER_PAGE)),
    )


@bp.post("/issue")
@require_role(*SECRETARIAT_ROLES)
def issue_now():
    """Issue a digest now for the time since the group's last one."""
    form = IssueForm()
    form.body_id.choices = [SelectChoice(str(b.id), b.name) for b in routing.routable_bodies()]
    if not form.validate_on_submit():
        flash("Choose the working group to issue a digest for.", "error")
        return redirect(url_for("digests.index"))
    body_id = int(form.body_id.data)
    try:
        digest = issuing.issue_now(body_id, actor=current_actor())
    except ServiceError as error:
        flash(next(iter(error.errors.values())), "error")
        return redirect(url_for("digests.index"))
    flash(
        f"Digest issued for {digest.body.name}: {digest.stories_when_issued} "
        f"stor{'y' if digest.stories_when_issued == 1 else 'ies'}, "
        f"{digest.emails_queued} email{'' if digest.emails_queued == 1 else 's'} to members.",
        "success",
    )
    return redirect(url_for("digests.show", digest_id=digest.id))


@bp.route("/groups/<int:body_id>/settings", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def settings(body_id: int):
    body = next((b for b in routing.routable_bodies() if b.id == body_id), None)
    if body is None:
        abort(404)
    form = CadenceForm()
    if not form.is_submitted():
        form.cadence.data = body.digest_cadence.value
        form.send_empty.data = body.digest_send_empty
    if form.validate_on_submit():
        issuing.set_cadence(
            body.id,
            DigestCadence(form.cadence.data),
            bool(form.send_empty.data),
            actor=current_actor(),
        )
        flash(f"Digest settings saved for {body.name}.", "success")
        return redirect(url_for("digests.index"))
    return render_template(
        "digests/settings.html", title=f"Digest settings: {body.name}", form=form, body=body
    )


@bp.post("/email-choice")
@require_role(*STAFF_ROLES)
def email_choice():
    form = EmailChoiceForm()
    if form.validate_on_submit():
        issuing.set_email_choice(current_user, form.by_email.data == "yes", actor=current_actor())
        flash(
            "You will receive digests by email as well as here."
            if form.by_email.data == "yes"
            else "You will read digests here only: none will be emailed to you.",
            "success",
        )
    else:
        flash("Choose how you want to receive digests.", "error")
    return redirect(safe_next(form.next.data, url_for("digests.index")))
