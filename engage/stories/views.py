"""Telling a story: age first, then the story and its consent, then (if agreed) the
equality questions, then the receipt. Nothing is stored before the age question."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engage import lawful_basis, tasks
from engage.extensions import csrf, limiter
from engage.forms import apply_service_errors, opened_afresh
from engage.i18n import current_language
from engage.models import AgeGroup, Channel
from engage.page_cache import page_cache
from engage.permissions import public
from engage.rate_limits import keeps_typed_when_limited
from engage.receipt_tokens import code_from_token, new_receipt_token
from engage.redraw import redrawable
from engage.services.common import reference
from engage.services.common.transaction import ServiceError
from engage.services.stories import intake, notices, receipts, resident_sessions
from engage.stories import bp
from engage.stories.forms import UNDER_13, AgeForm, EqualityForm
from engage.story_forms import StoryForm

# The browser's token for the story it has just told (engage.services.stories.resident_sessions).
INTAKE_KEY = "intake"
# The answer to the age question, until the story is sent.
AGE_KEY = "tell_age"


def _story_limit() -> str:
    return current_app.config["STORY_RATE_LIMIT"]


def _age_group(value: str | None) -> AgeGroup | None:
    """13 to 17 or adult; under-13s never reach the story form on their own."""
    try:
        age_group = AgeGroup(value)
    except ValueError:
        return None
    return None if age_group is AgeGroup.UNDER_13 else age_group


@bp.get("/tell")
@public
def start():
    return render_template("stories/start.html", title=_("Tell the Taskforce what happened"))


@bp.route("/tell/age", methods=["GET", "POST"])
@redrawable
@public
def age():
    form = AgeForm()
    if opened_afresh() and session.get(AGE_KEY):
        form.age.data = session[AGE_KEY]  # coming back to change it
    if form.validate_on_submit():
        if form.age.data == UNDER_13:
            session.pop(AGE_KEY, None)
            return redirect(url_for("stories.ask_for_help"))
        session[AGE_KEY] = form.age.data
        return redirect(url_for("stories.story"))
    return render_template("stories/age.html", form=form, title=_("How old are you?"))


@bp.get("/tell/ask-for-help")
@public
def ask_for_help():
    return render_template("stories/ask_for_help.html", title=_("Ask someone to help you"))


@bp.route("/tell/story", methods=["GET", "POST"])
@redrawable
@public
# The form checks its own token, so that a post it cannot trust still keeps the words.
@csrf.exempt
@limiter.limit(_story_limit, methods=["POST"])
def story():
    form = StoryForm()
    # The age answered on the first question; the form carries it too, so a page sent
    # after the session has gone still knows it.
    carried = form.age_group.data
    age_group = _age_group(carried) if carried else _age_group(session.get(AGE_KEY))
    if age_group is None:
        if form.is_submitted():
            abort(400)
        return redirect(url_for("stories.age"))
    form.age_group.data = age_group.value
    areas = reference.area_names()
    if not form.is_submitted():
        return _opened(form, age_group, areas)
    form.set_areas(areas)
    return _sent(form, age_group)


def _opened(form: StoryForm, age_group: AgeGroup, areas):
    notice = notices.current()
    if not form.receipt_token.data:
        form.receipt_token.data = new_receipt_token()
        form.notice_version.data = str(notice.version)
    if _blank(form):
        return _blank_story_page(form, age_group, areas, notice)
    form.set_areas(areas)
    return _story_page(form, age_group, notice=notice)


def _sent(form: StoryForm, age_group: AgeGroup):
    form.validate()
    if form.csrf_token.errors:
        # Not sent from a page of this site (an expired page is drawn again before
        # it gets here: engage.redraw). Someone else's post could tick consent boxes
        # and plant a contact address, so only the words come back, unsent.
        return _story_page(_words_only(form, age_group), age_group, expired="words_only")
    # A receipt token older than a day is renewed, so the words can be sent again.
    code = code_from_token(form.receipt_token.data)
    expired = code is None
    if expired:
        form.receipt_token.data = new_receipt_token()
    elif _other_field_errors(form):
        # The service's problems too, so that every one shows at once.
        apply_service_errors(form, intake.validate_story(form.to_input(age_group)))
    else:
        result = _submit(form, age_group, code)
        if result is not None:
            return result
    return _story_page(form, age_group, expired=expired)


def _words_only(sent: StoryForm, age_group: AgeGroup) -> StoryForm:
    form = StoryForm(
        formdata=None,
        data={"story": sent.story.data, "what_to_change": sent.what_to_change.data},
    )
    form.age_group.data = age_group.value
    form.receipt_token.data = new_receipt_token()
    form.notice_version.data = str(notices.current().version)
    form.set_areas(reference.area_names())
    return form


def _story_page(
    form: StoryForm, age_group: AgeGroup, *, expired=False, rate_limited=False, notice=None
):
    return render_template(
        "stories/story.html",
        form=form,
        expired=expired,
        rate_limited=rate_limited,
        under_18=age_group is not AgeGroup.ADULT,
        notice=notice or notices.current(),
        title=_("Tell us what happened"),
    )


def _blank(form: StoryForm) -> bool:
    """Opened afresh by someone not signed in, with nothing typed: the same page for
    everyone but for its tokens (engage.page_cache). Any query but the language could
    change the page, so such a request is drawn as usual."""
    return (
        opened_afresh()
        and not current_user.is_authenticated
        and not session.get("_flashes")
        and set(request.args) <= {"lang"}
        and not any(field.data for field in _typed_fields(form))
    )


def _typed_fields(form: StoryForm):
    hidden = {"csrf_token", "age_group", "receipt_token", "notice_version"}
    return (field for field in form if field.name not in hidden)


def _blank_story_page(form: StoryForm, age_group: AgeGroup, areas, notice) -> str:
    key = (
        "stories.story",
        current_language(),
        age_group.value,
        notice.version,
        form.notice_version.data,
        # The areas as stored: a renamed, added or retired area makes a new page.
        tuple(areas),
    )

    def draw(tokens: dict[str, str]) -> str:
        form.set_areas(areas)
        form.csrf_token.current_token = tokens["csrf"]
        form.receipt_token.data = tokens["receipt"]
        return _story_page(form, age_group, notice=notice)

    tokens = {"csrf": form.csrf_token.current_token, "receipt": form.receipt_token.data}
    return page_cache().page(key, draw, tokens)


def _other_field_errors(form: StoryForm) -> bool:
    return bool(form.errors)


def _submit(form: StoryForm, age_group: AgeGroup, code: str):
    data = form.to_input(age_group)
    try:
        submission = intake.submit_story(
            data,
            receipt_code=code,
            channel=Channel.WEB,
            language=current_language(),
            notice_version=int(form.notice_version.data or 0),
        )
    except ServiceError as error:
        apply_service_errors(form, error.errors)
        return None
    # Committed: now email, tagging and the rest may fail without losing anything.
    tasks.after_story_stored(submission.id)
    session.pop(AGE_KEY, None)  # another story from this browser asks the age again
    # What this browser may show next (the code, the equality questions) is kept on the
    # server; the cookie holds only a token for it.
    resident_sessions.end(session.get(INTAKE_KEY))
    session[INTAKE_KEY] = resident_sessions.open_session(
        submission.id, resident_sessions.INTAKE, code=receipts.display(code)
    )
    if intake.needs_equality_answers(submission):
        return redirect(url_for("stories.about_you"))
    return redirect(url_for("stories.done"))


def _just_submitted() -> resident_sessions.OpenStory | None:
    """The story this browser has just sent, while the thank-you page may show it."""
    told = resident_sessions.find(session.get(INTAKE_KEY), resident_sessions.INTAKE)
    if told is None:
        session.pop(INTAKE_KEY, None)
    return told


def equality_step(submission, next_url: str, *, code: str | None = None):
    """The optional equality questions for a story, then on to `next_url` (also when
    skipped, or when there is nothing to ask). `code`: the receipt code, shown here too
    in case the resident goes no further."""
    if submission is None and request.method == "POST" and not request.form.get("skip"):
        # The page outlived the time this browser may add to the story: say so rather
        # than drop the answers without a word.
        return render_template(
            "stories/about_you_expired.html", title=_("Your answers have not been saved")
        )
    if submission is None or not intake.needs_equality_answers(submission):
        return redirect(next_url)  # nosemgrep: engage-redirect-unchecked - a url_for
    form = EqualityForm()
    form.ask_for_age_group(submission.age_group)
    form.set_ethnic_groups(intake.ethnic_groups())
    if form.is_submitted() and request.form.get("skip"):
        return redirect(next_url)  # nosemgrep: engage-redirect-unchecked - a url_for
    if form.validate_on_submit():
        try:
            intake.record_equality_answers(submission.id, form.answers())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            return redirect(next_url)  # nosemgrep: engage-redirect-unchecked - a url_for
    return render_template("stories/about_you.html", form=form, code=code, title=_("About you"))


@bp.route("/tell/about-you", methods=["GET", "POST"])
@redrawable
@public
def about_you():
    told = _just_submitted()
    submission = intake.get(told.submission_id) if told else None
    return equality_step(submission, url_for("stories.done"), code=told.code if told else None)


@bp.get("/tell/done")
@public
def done():
    told = _just_submitted()
    if told is None:
        return redirect(url_for("stories.start"))
    return render_template("stories/done.html", code=told.code, title=_("Thank you"))


@bp.get("/privacy")
@public
def privacy():
    return _privacy_page(notices.current())


@bp.get("/privacy/<int:version>")
@public
def privacy_version(version: int):
    notice = notices.exact_version(version)
    if notice is None:
        abort(404)
    return _privacy_page(notice)


def _privacy_page(notice):
    shown = notices.as_shown(notice, current_language())
    return render_template(
        "stories/privacy.html",
        notice=notice,
        shown=shown,
        paragraphs=notices.paragraphs(shown.body),
        original=notices.paragraphs(notice.body) if shown.is_translation else None,
        bases=lawful_basis.rows(current_app.config["LAWFUL_BASIS"]),
        is_current=notice.version == notices.current().version,
        title=_("Privacy notice"),
    )


@keeps_typed_when_limited("stories.story")
def _story_when_limited(try_again: str):
    """Over the limit on the story form: the resident's words stay on the page."""
    form = StoryForm()
    form.set_areas(reference.area_names())
    age_group = _age_group(form.age_group.data) or AgeGroup.UNDER_18
    return _story_page(form, age_group, rate_limited=try_again), 429
