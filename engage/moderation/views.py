"""Engagement officers' moderation workspace: the queue, the urgent view and the review
screen. Views only read forms and call engage.services.stories.moderation, which decides."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from engage import audit_words
from engage.clock import LONDON, format_time
from engage.forms import apply_service_errors, parse_id
from engage.models import Channel, SubmissionStatus
from engage.moderation import bp
from engage.moderation.forms import (
    AddRedactionForm,
    ApproveForm,
    ClaimForm,
    CloseSafeguardingForm,
    DuplicateForm,
    RedactionForm,
    RejectForm,
    RemoveAddedForm,
    ReopenForm,
    SafeguardingForm,
    SummaryForm,
    ThemesForm,
)
from engage.permissions import OFFICER_ROLES, current_actor, require_role
from engage.services.common import audit, reference
from engage.services.common.keyset import Cursor
from engage.services.common.transaction import NotFound, ServiceError
from engage.services.stories import moderation, moderation_queue, safeguarding
from engage.services.stories.moderation import ClaimedByOther, StaleVersion
from engage.services.stories.submission_states import LABELS

# Forms whose section is shown only to someone who may change the story now; what was
# typed into one of them is shown back if a refusal hides the form.
EDIT_FORMS = ("add", "summary", "reject", "duplicate")


def _officer():
    """The officer acting, and from where (for the audit log)."""
    return current_actor()


def _stale_message(submission_id: int) -> str:
    """Say what changed since the page was opened, and who did it (you, in another tab,
    or a colleague): never blame "another officer" for your own change."""
    what = "This story changed after you opened this page."
    change = audit.latest_change("submission", submission_id)
    if change is not None and change.action in audit_words.STORY_CHANGES:
        done = audit_words.story_change(change.action)
        when = format_time(change.at)
        if change.actor_id == current_actor().id:
            what += f" The latest change: you {done}, in another tab or window, at {when}."
        else:
            name = change.actor.display_name if change.actor else "someone"
            what += f" The latest change: {name} {done}, at {when}."
    return (
        f"{what} Your change was not made. Check the story as it is now, then make your "
        "change again if it still applies."
    )


def _unsent(posted: dict, can_edit: bool) -> list[tuple[str, str]]:
    """What was typed into forms the page no longer shows, to copy: nothing is lost."""
    if can_edit:
        return []
    return [
        (str(field.label.text), field.data)
        for name, form in posted.items()
        if name in EDIT_FORMS
        for field in form
        if field.type in ("StringField", "TextAreaField") and (field.data or "").strip()
    ]


def _held_message(error: ClaimedByOther) -> str:
    until = error.until.astimezone(LONDON).strftime("%H:%M")
    return (
        f"{error.holder.display_name} is working on this story until {until}. "
        "Nothing was changed. Wait for them to finish, or ask them to release it."
    )


# --- queue -----------------------------------------------------------------------------


@bp.get("/")
@require_role(*OFFICER_ROLES)
def queue():
    filters = moderation_queue.QueueFilter.from_args(request.args)
    page = moderation_queue.page(
        filters,
        after=Cursor.decode(request.args.get("after")),
        before=Cursor.decode(request.args.get("before")),
        size=current_app.config["MODERATION_PAGE_SIZE"],
    )
    return render_template(
        "moderation/queue.html",
        page=page,
        filters=filters,
        themes_by_story=moderation_queue.suggested_themes([s.id for s in page.rows]),
        themes=reference.themes(),
        areas=reference.local_authorities(),
        channels=list(Channel),
        statuses=[s for s in SubmissionStatus if s is not SubmissionStatus.WITHDRAWN],
        labels=LABELS,
        holder=moderation.live_holder,
        urgent=safeguarding.open_flag_count(),
        title="Stories to moderate",
    )


@bp.get("/urgent")
@require_role(*OFFICER_ROLES)
def urgent():
    return render_template(
        "moderation/urgent.html",
        flags=safeguarding.open_flags(),
        close_form=CloseSafeguardingForm(formdata=None),
        title="Urgent: safeguarding concerns",
    )


@bp.post("/safeguarding/<int:flag_id>/close")
@require_role(*OFFICER_ROLES)
def close_safeguarding(flag_id: int):
    form = CloseSafeguardingForm()
    if form.validate_on_submit():
        try:
            closed = safeguarding.close(flag_id, _officer(), action_taken=form.action_taken.data)
        except NotFound:
            abort(404)
        except safeguarding.AlreadyClosed:
            flash("Someone else has already closed this concern.", "info")
            return redirect(url_for("moderation.urgent"))
        except ServiceError as refused:
            apply_service_errors(form, refused.errors)
        else:
            flash(f"The concern about story {closed.submission_id} is closed.", "success")
            return redirect(url_for("moderation.urgent"))
    return render_template(
        "moderation/urgent.html",
        flags=safeguarding.open_flags(),
        close_form=form,
        failed_flag=flag_id,
        title="Urgent: safeguarding concerns",
    ), 400


# --- review screen -----------------------------------------------------------------------


def _theme_choices() -> list[SelectChoice]:
    return [SelectChoice(t.slug, t.label) for t in reference.themes()]


def _forms(submission, posted: dict):
    """Every form on the review screen: the one just posted keeps what was typed."""
    version = str(submission.version)
    suggested = [s.theme.slug for s in submission.theme_scores if s.suggested]
    label = moderation.theme_label(submission.id)
    defaults = {
        "claim": ClaimForm(formdata=None, prefix="claim", version=version),
        "redaction": RedactionForm(formdata=None, prefix="redaction", version=version),
        "add": AddRedactionForm(formdata=None, prefix="add", version=version),
        "remove": RemoveAddedForm(formdata=None, prefix="remove", version=version),
        "themes": ThemesForm(
            formdata=None,
            prefix="themes",
            version=version,
            themes=label.themes.split() if label else suggested,
        ),
        "summary": SummaryForm(
            formdata=None, prefix="summary", version=version, summary=submission.officer_summary
        ),
        "safeguarding": SafeguardingForm(formdata=None, prefix="safeguarding"),
        "approve": ApproveForm(formdata=None, prefix="approve", version=version),
        "reject": RejectForm(formdata=None, prefix="reject", version=version),
        "duplicate": DuplicateForm(formdata=None, prefix="duplicate", version=version),
        "reopen": ReopenForm(formdata=None, prefix="reopen", version=version),
    }
    for name, form in posted.items():
        if hasattr(form, "version"):
            form.version.data = version  # the latest, so a retry can succeed
        defaults[name] = form
    defaults["themes"].themes.choices = [(t.slug, t.label) for t in reference.themes()]
    return defaults


def _review_page(
    submission_id: int,
    *,
    status: int = 200,
    problem: str | None = None,
    open_section: str | None = None,
    **posted,
):
    try:
        submission = moderation.open_for_review(submission_id, _officer())
    except NotFound:
        abort(404)
    if submission.is_withdrawn:
        return render_template(
            "moderation/withdrawn.html", submission=submission, title="Story withdrawn"
        ), 410 if status == 200 else status
    holder = moderation.live_holder(submission)
    # Only the officer holding a story (or anyone, when nobody does) sees its edit forms.
    can_edit = submission.status is SubmissionStatus.RECEIVED and (
        holder is None or holder.id == current_actor().id
    )
    return render_template(
        "moderation/review.html",
        submission=submission,
        forms=_forms(submission, posted),
        segments=moderation.segments(submission),
        preview=moderation.preview(submission),
        holder=holder,
        can_edit=can_edit,
        unsent=_unsent(posted, can_edit),
        confirmed_themes=moderation.confirmed_themes(submission),
        flags=safeguarding.flags_for(submission.id),
        scores={s.theme.slug: s for s in submission.theme_scores},
        problems=moderation.approval_problems(submission),
        label=LABELS[submission.status],
        problem=problem,
        open_section=open_section,
        title=f"Story {submission.id}",
    ), status


@bp.get("/<int:submission_id>")
@require_role(*OFFICER_ROLES)
def review(submission_id: int):
    return _review_page(submission_id)


def _act(submission_id: int, name: str, form, action, success: str, *, to_queue: bool = False):
    """Run one change from the review screen and answer as the outcome needs."""
    if not form.validate_on_submit():
        return _review_page(submission_id, status=400, **{name: form})
    if hasattr(form, "version_number") and form.version_number() is None:
        form.form_errors.append("This page was incomplete. Reload the story and try again")
        return _review_page(submission_id, status=400, **{name: form})
    try:
        action(form)
    except NotFound:
        abort(404)
    except ClaimedByOther as held:
        return _review_page(
            submission_id,
            status=409,
            problem=_held_message(held),
            open_section=name,
            **{name: form},
        )
    except StaleVersion:
        return _review_page(
            submission_id,
            status=409,
            problem=_stale_message(submission_id),
            open_section=name,
            **{name: form},
        )
    except ServiceError as refused:
        apply_service_errors(form, refused.errors)
        return _review_page(submission_id, status=400, **{name: form})
    flash(success, "success")
    if to_queue:
        return redirect(url_for("moderation.queue"))
    return redirect(url_for("moderation.review", submission_id=submission_id))


@bp.post("/<int:submission_id>/claim")
@require_role(*OFFICER_ROLES)
def claim(submission_id: int):
    form = ClaimForm(prefix="claim")
    return _act(
        submission_id,
        "claim",
        form,
        lambda f: moderation.claim(submission_id, _officer(), f.version_number()),
        "You are working on this story. Other officers can see that.",
    )


@bp.post("/<int:submission_id>/release")
@require_role(*OFFICER_ROLES)
def release(submission_id: int):
    form = ClaimForm(prefix="claim")
    if form.validate_on_submit():
        try:
            moderation.release(submission_id, _officer())
        except NotFound:
            abort(404)
        flash("You have released this story for other officers.", "success")
        return redirect(url_for("moderation.queue"))
    return _review_page(submission_id, status=400, claim=form)


@bp.post("/<int:submission_id>/redaction")
@require_role(*OFFICER_ROLES)
def confirm_redaction(submission_id: int):
    form = RedactionForm(prefix="redaction")
    return _act(
        submission_id,
        "redaction",
        form,
        lambda f: moderation.confirm_redaction(
            submission_id,
            _officer(),
            f.version_number(),
            f.decisions(request.form),
            most_of_story_confirmed=f.most_of_story_confirmed.data,
        ),
        "Redaction confirmed.",
    )


@bp.post("/<int:submission_id>/redaction/add")
@require_role(*OFFICER_ROLES)
def add_redaction(submission_id: int):
    form = AddRedactionForm(prefix="add")
    return _act(
        submission_id,
        "add",
        form,
        lambda f: moderation.add_redaction(
            submission_id, _officer(), f.version_number(), phrase=f.phrase.data, kind=f.kind.data
        ),
        "Marked for removal. Check the redaction and confirm it again.",
    )


@bp.post("/<int:submission_id>/redaction/remove")
@require_role(*OFFICER_ROLES)
def remove_added_redaction(submission_id: int):
    form = RemoveAddedForm(prefix="remove")
    proposal = parse_id(form.proposal_id.data)
    return _act(
        submission_id,
        "remove",
        form,
        lambda f: moderation.remove_added_redaction(
            submission_id, _officer(), f.version_number(), proposal or 0
        ),
        "No longer marked for removal. Confirm the redaction again.",
    )


@bp.post("/<int:submission_id>/themes")
@require_role(*OFFICER_ROLES)
def confirm_themes(submission_id: int):
    form = ThemesForm(prefix="themes")
    form.themes.choices = _theme_choices()
    return _act(
        submission_id,
        "themes",
        form,
        lambda f: moderation.confirm_themes(
            submission_id, _officer(), f.version_number(), f.themes.data or []
        ),
        "Themes confirmed.",
    )


@bp.post("/<int:submission_id>/summary")
@require_role(*OFFICER_ROLES)
def save_summary(submission_id: int):
    form = SummaryForm(prefix="summary")
    return _act(
        submission_id,
        "summary",
        form,
        lambda f: moderation.save_summary(
            submission_id, _officer(), f.version_number(), f.summary.data or ""
        ),
        "Summary saved.",
    )


@bp.post("/<int:submission_id>/safeguarding")
@require_role(*OFFICER_ROLES)
def flag_safeguarding(submission_id: int):
    form = SafeguardingForm(prefix="safeguarding")
    return _act(
        submission_id,
        "safeguarding",
        form,
        lambda f: safeguarding.flag(
            submission_id,
            _officer(),
            category=f.category.data or "",
            concern=f.concern.data or "",
            link=url_for("moderation.review", submission_id=submission_id, _external=True),
        ),
        "Safeguarding concern recorded. The safeguarding lead has been told.",
    )


@bp.post("/<int:submission_id>/approve")
@require_role(*OFFICER_ROLES)
def approve(submission_id: int):
    return _act(
        submission_id,
        "approve",
        ApproveForm(prefix="approve"),
        lambda f: moderation.approve(submission_id, _officer(), f.version_number()),
        f"Story {submission_id} approved.",
        to_queue=True,
    )


@bp.post("/<int:submission_id>/reject")
@require_role(*OFFICER_ROLES)
def reject(submission_id: int):
    return _act(
        submission_id,
        "reject",
        RejectForm(prefix="reject"),
        lambda f: moderation.reject(
            submission_id, _officer(), f.version_number(), f.reason.data or ""
        ),
        f"Story {submission_id} rejected.",
        to_queue=True,
    )


@bp.post("/<int:submission_id>/duplicate")
@require_role(*OFFICER_ROLES)
def mark_duplicate(submission_id: int):
    return _act(
        submission_id,
        "duplicate",
        DuplicateForm(prefix="duplicate"),
        lambda f: moderation.mark_duplicate(
            submission_id, _officer(), f.version_number(), f.original.data or ""
        ),
        f"Story {submission_id} marked as a duplicate.",
        to_queue=True,
    )


@bp.post("/<int:submission_id>/reopen")
@require_role(*OFFICER_ROLES)
def reopen(submission_id: int):
    return _act(
        submission_id,
        "reopen",
        ReopenForm(prefix="reopen"),
        lambda f: moderation.reopen(submission_id, _officer(), f.version_number()),
        f"Story {submission_id} is waiting for review again.",
    )
