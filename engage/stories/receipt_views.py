"""Your story: with the reference code, see its status, change consent, download what
you gave, or withdraw. The code travels in a POST body, never in a URL (ASVS 8.3.1)."""

from __future__ import annotations

import json
from importlib import resources

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _

from engage.extensions import limiter
from engage.forms import apply_service_errors, opened_afresh
from engage.i18n import current_language
from engage.models import Channel, Purpose
from engage.permissions import public
from engage.rate_limits import keeps_typed_when_limited, refused
from engage.redraw import redrawable
from engage.services.accountability import closing_loop, telling
from engage.services.common.transaction import ServiceError
from engage.services.stories import intake, resident_sessions
from engage.stories import bp
from engage.stories.forms import ConsentForm, ReceiptForm, WithdrawForm


def _receipt_limit() -> str:
    return current_app.config["RECEIPT_RATE_LIMIT"]


# The browser's token for the story it opened with the code (held on the server:
# engage.services.stories.resident_sessions).
RECEIPT_KEY = "receipt"


def _remembered():
    """The story this browser opened with its code, while it is in use: the time limit
    counts from the last page of it opened or sent, not from entering the code."""
    opened = resident_sessions.find(session.get(RECEIPT_KEY), resident_sessions.RECEIPT)
    if opened is None:
        session.pop(RECEIPT_KEY, None)
        return None
    return intake.get(opened.submission_id)


@bp.route("/your-story", methods=["GET", "POST"])
@redrawable
@public
@limiter.limit(_receipt_limit, methods=["POST"], deduct_when=refused)
def find_story():
    form = ReceiptForm()
    if form.validate_on_submit():
        submission = intake.find_by_receipt(form.code.data)
        if submission is not None:
            resident_sessions.end(session.get(RECEIPT_KEY))
            session[RECEIPT_KEY] = resident_sessions.open_session(
                submission.id, resident_sessions.RECEIPT
            )
            return redirect(url_for("stories.your_story"))
        # The same answer for a wrong, malformed or unknown code: nothing to learn.
        form.code.errors.append(
            _("We could not find a story with that code. Check it and try again")
        )
    return render_template("receipt/find.html", form=form, title=_("See or change your story"))


@keeps_typed_when_limited("stories.find_story")
def _find_when_limited(try_again: str):
    form = ReceiptForm()
    form.form_errors.append(_("You have tried too many codes in a short time.") + " " + try_again)
    title = _("See or change your story")
    return render_template("receipt/find.html", form=form, title=title), 429


def _require_story():
    submission = _remembered()
    if submission is None:
        flash(_("Enter your reference code to see your story."), "info")
    return submission


@bp.get("/your-story/status")
@public
def your_story():
    submission = _require_story()
    if submission is None:
        return redirect(url_for("stories.find_story"))
    return render_template(
        "receipt/status.html",
        submission=submission,
        fed=closing_loop.fed_into(submission),
        locale=current_language(),
        closure_text=telling.text_in,
        title=_("Your story"),
    )


@bp.route("/your-story/choices", methods=["GET", "POST"])
@redrawable
@public
def change_choices():
    submission = _require_story()
    if submission is None or submission.is_withdrawn:
        return redirect(url_for("stories.find_story"))
    if opened_afresh():
        form = ConsentForm(
            formdata=None,
            data={
                f"consent_{p.value}": v
                for p, v in submission.consents().items()
                if p is not Purpose.STORE
            },
        )
    else:
        form = ConsentForm()
    if form.validate_on_submit():
        try:
            intake.change_consent(
                submission.id,
                form.consents(),
                contact_email=form.contact_email.data or "",
                contact_phone=form.contact_phone.data or "",
                channel=Channel.WEB,
                language=current_language(),
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(_("Your choices have been saved."), "success")
            if intake.needs_equality_answers(intake.get(submission.id)):
                return redirect(url_for("stories.your_equality_answers"))
            return redirect(url_for("stories.your_story"))
    return render_template(
        "receipt/choices.html",
        form=form,
        submission=submission,
        title=_("Change what you agreed to"),
    )


@bp.route("/your-story/about-you", methods=["GET", "POST"])
@redrawable
@public
def your_equality_answers():
    """After newly agreeing to equality questions, answer them (all optional)."""
    from engage.stories.views import equality_step

    return equality_step(_require_story(), url_for("stories.your_story"))


@bp.get("/your-story/download")
@public
def download_page():
    submission = _require_story()
    if submission is None:
        return redirect(url_for("stories.find_story"))
    return render_template(
        "receipt/download.html",
        data=intake.export(submission),
        submission=submission,
        title=_("What you told us"),
    )


@bp.get("/your-story/download.json")
@public
def download_json():
    submission = _require_story()
    if submission is None:
        return redirect(url_for("stories.find_story"))
    body = json.dumps(intake.export(submission), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="your-story.json"'},
    )


@bp.get("/your-story/download-schema.json")
@public
def download_schema():
    """What the codes in the downloaded file mean, as a JSON Schema (public: it holds
    nothing about anyone)."""
    schema = resources.files("engage").joinpath("data/your-story.schema.json").read_text()
    return Response(schema, mimetype="application/schema+json")


@bp.route("/your-story/withdraw", methods=["GET", "POST"])
@redrawable
@public
def withdraw():
    submission = _require_story()
    if submission is None:
        return redirect(url_for("stories.find_story"))
    if submission.is_withdrawn:
        return redirect(url_for("stories.your_story"))
    form = WithdrawForm()
    if form.validate_on_submit():
        intake.withdraw(
            submission.id,
            keep_count=bool(form.keep_count.data),
            channel=Channel.WEB,
            language=current_language(),
        )
        session.pop(RECEIPT_KEY, None)  # withdrawal ended it on the server too
        return redirect(url_for("stories.withdrawn"))
    return render_template("receipt/withdraw.html", form=form, title=_("Withdraw your story"))


@bp.get("/your-story/withdrawn")
@public
def withdrawn():
    """The confirmation after withdrawing: it needs no session, which has ended."""
    return render_template(
        "receipt/withdrawn.html", title=_("Your story has been withdrawn and deleted")
    )


@bp.post("/your-story/forget")
@public
def forget():
    """Close the story in this browser (for shared computers)."""
    # Ended on the server: a copy of this browser's cookie opens nothing either.
    for key in (RECEIPT_KEY, "intake"):
        resident_sessions.end(session.pop(key, None))
    flash(_("This browser no longer has access to your story."), "info")
    return redirect(url_for("stories.find_story"))
