"""Stories entered for a resident by a community group or an engagement officer.

The resident's consent is still recorded choice by choice, with the channel and who
entered it; the person entering it confirms the resident agreed. The receipt code is
shown once so it can be handed to the resident.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import redirect, render_template, session, url_for
from flask_babel import gettext as _

from engage import tasks
from engage.forms import apply_service_errors
from engage.i18n import current_language
from engage.models import AgeGroup, Channel
from engage.receipt_tokens import code_from_token, new_receipt_token
from engage.services.common import reference
from engage.services.common.transaction import ServiceError
from engage.services.stories import intake, notices, receipts
from engage.story_forms import AssistedStoryForm

SHOW_CODE_SECONDS = 10 * 60


def story_page(*, actor, group=None, sent_endpoint: str, cancel_url: str):
    form = AssistedStoryForm()
    if group is not None:
        del form.channel  # a group's stories always come through the group
    form.set_areas(reference.area_names())
    if not form.receipt_token.data:
        form.receipt_token.data = new_receipt_token()
        form.notice_version.data = str(notices.current().version)
    if form.is_submitted():
        sent = _send(form, actor=actor, group=group)
        if sent is not None:
            session["assisted_sent"] = {
                "code": receipts.display(sent),
                "at": datetime.now(UTC).timestamp(),
            }
            return redirect(url_for(sent_endpoint))
    return render_template(
        "stories/assisted.html",
        form=form,
        group=group,
        notice=notices.current(),
        cancel_url=cancel_url,
        title=_("Send a story for a resident"),
    )


def _send(form: AssistedStoryForm, *, actor, group) -> str | None:
    """Store the story and return its code, or put every problem on the form at once."""
    form.validate()
    errors: dict[str, object] = {}
    if not form.attested.data:
        errors["attested"] = _("Confirm that the resident agreed to the choices ticked")
    code = code_from_token(form.receipt_token.data)
    if code is None:
        form.receipt_token.data = new_receipt_token()
        errors["form"] = _("The form had expired. Check the details and send it again")
    age_group = form.age_group_choice()
    # The service's own checks too, so that one send shows every problem.
    errors.update(intake.validate_story(form.to_input(age_group or AgeGroup.ADULT)))
    if errors or form.errors or age_group is None:
        apply_service_errors(form, errors)
        return None
    channel = Channel.GROUP if group is not None else Channel(form.channel.data)
    try:
        submission = intake.submit_story(
            form.to_input(age_group),
            receipt_code=code,
            channel=channel,
            language=current_language(),
            notice_version=int(form.notice_version.data or 0),
            entered_by=actor,
            group_id=group.id if group is not None else None,
        )
    except ServiceError as error:
        apply_service_errors(form, error.errors)
        return None
    tasks.after_story_stored(submission.id)
    return code


def sent_page(*, back_url: str):
    """Show the code once: it is removed from the session as it is shown."""
    details = session.pop("assisted_sent", None)
    if not details or datetime.now(UTC).timestamp() - details.get("at", 0) > SHOW_CODE_SECONDS:
        return redirect(back_url)  # nosemgrep: engage-redirect-unchecked - callers give url_for
    return render_template(
        "stories/assisted_sent.html", code=details["code"], back_url=back_url, title=_("Story sent")
    )
