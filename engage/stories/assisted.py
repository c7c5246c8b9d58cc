"""Stories entered for a resident by a community group or an engagement officer.

The resident's consent is still recorded choice by choice, with the channel and who
entered it; the person entering it confirms the resident agreed. The receipt code is
shown once so it can be handed to the resident.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import redirect, render_template, session, url_for

from engage import tasks
from engage.forms import apply_service_errors
from engage.i18n import current_language
from engage.models import Channel
from engage.services import intake, notices, receipts, reference
from engage.services.transaction import ServiceError
from engage.stories.forms import AssistedStoryForm
from engage.stories.tokens import code_from_token, new_receipt_token

SHOW_CODE_SECONDS = 10 * 60


def story_page(*, actor, group=None, sent_endpoint: str, cancel_url: str):
    form = AssistedStoryForm()
    if group is not None:
        del form.channel  # a group's stories always come through the group
    form.set_areas(reference.local_authorities())
    if not form.receipt_token.data:
        form.receipt_token.data = new_receipt_token()
        form.notice_version.data = str(notices.current().version)
    if form.validate_on_submit():
        errors = {}
        age_group = form.age_group_choice()
        if not form.attested.data:
            errors["attested"] = "Confirm that the resident agreed to the choices ticked"
        channel = Channel.GROUP if group is not None else Channel(form.channel.data)
        code = code_from_token(form.receipt_token.data)
        if code is None:
            form.receipt_token.data = new_receipt_token()
            errors["form"] = "The form had expired. Check the details and send it again"
        if age_group is not None and not errors:
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
            else:
                tasks.after_story_stored(submission.id)
                session["assisted_sent"] = {
                    "code": receipts.display(code),
                    "at": datetime.now(UTC).timestamp(),
                }
                return redirect(url_for(sent_endpoint))
        apply_service_errors(form, errors)
    return render_template(
        "stories/assisted.html",
        form=form,
        group=group,
        notice=notices.current(),
        cancel_url=cancel_url,
        title="Send a story for a resident",
    )


def sent_page(*, back_url: str):
    """Show the code once: it is removed from the session as it is shown."""
    details = session.pop("assisted_sent", None)
    if not details or datetime.now(UTC).timestamp() - details.get("at", 0) > SHOW_CODE_SECONDS:
        return redirect(back_url)
    return render_template(
        "stories/assisted_sent.html", code=details["code"], back_url=back_url, title="Story sent"
    )
