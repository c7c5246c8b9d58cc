"""Community groups: public registration, the contact's password link, and the
group's own pages (its submissions, and stories sent for residents)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engage import assisted_story as assisted
from engage.extensions import limiter
from engage.forms import apply_service_errors
from engage.groups import bp
from engage.groups.forms import GroupRegistrationForm
from engage.i18n import current_language
from engage.models import Role
from engage.permissions import current_actor, public, require_role
from engage.rate_limits import keeps_typed_when_limited
from engage.redraw import redrawable
from engage.services.common import reference
from engage.services.common.transaction import ServiceError
from engage.services.community import groups


def _registration_limit() -> str:
    return current_app.config["GROUP_REGISTRATION_RATE_LIMIT"]


@bp.route("/groups/register", methods=["GET", "POST"])
@redrawable
@public
@limiter.limit(_registration_limit, methods=["POST"])
def register():
    form = GroupRegistrationForm()
    form.set_choices(reference.local_authorities(), reference.themes())
    if form.is_submitted():
        # The form's checks and the service's together: every problem shows at once.
        form.validate()
        apply_service_errors(form, groups.registration_problems(form.to_input()))
    if form.is_submitted() and not form.errors:
        try:
            groups.register(form.to_input(), language=current_language())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            return redirect(url_for("groups.registered"))
    return render_template(
        "groups/register.html", form=form, title=_("Register your community group")
    )


@keeps_typed_when_limited("groups.register")
def _register_when_limited(try_again: str):
    form = GroupRegistrationForm()
    form.set_choices(reference.local_authorities(), reference.themes())
    form.form_errors.append(
        _("Many registrations have been sent from this internet connection in a short time.")
        + " "
        + try_again
        + " "
        + _("Your answers are still here.")
    )
    title = _("Register your community group")
    return render_template("groups/register.html", form=form, title=title), 429


@bp.get("/groups/registered")
@public
def registered():
    return render_template("groups/registered.html", title=_("Thank you for registering"))


def _own_group():
    group = groups.group_for_contact(current_user)
    if group is None:
        abort(403)
    return group


@bp.get("/group/")
@require_role(Role.GROUP_CONTACT)
def group_home():
    group = _own_group()
    return render_template(
        "groups/home.html",
        group=group,
        submissions=groups.submissions_for(group),
        title=group.name,
    )


@bp.route("/group/stories/new", methods=["GET", "POST"])
@redrawable
@require_role(Role.GROUP_CONTACT)
def group_story():
    group = _own_group()
    return assisted.story_page(
        actor=current_actor(),
        group=group,
        sent_endpoint="groups.group_story_sent",
        cancel_url=url_for("groups.group_home"),
    )


@bp.get("/group/stories/sent")
@require_role(Role.GROUP_CONTACT)
def group_story_sent():
    _own_group()
    return assisted.sent_page(back_url=url_for("groups.group_home"))
