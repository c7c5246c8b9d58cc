"""Signing in and out. Staff sign in with a password and then a code from an
authenticator app; until both are done nobody is signed in (ASVS 4.3.1)."""

from datetime import UTC, datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from engage.auth import bp
from engage.auth.forms import CodeForm, SignInForm
from engage.clock import format_time
from engage.extensions import limiter
from engage.forms import apply_service_errors
from engage.i18n import clear_session_keeping_language, english_only
from engage.permissions import current_actor, public, signed_in
from engage.rate_limits import keeps_typed_when_limited, refused
from engage.redirects import safe_next
from engage.redraw import redrawable
from engage.security import mark_confirmed, now_ts, start_session_clock
from engage.services.accounts import accounts
from engage.services.accounts import two_factor as second_step
from engage.services.common.transaction import ServiceError

SIGN_IN_ERROR = _l("Enter a correct email address and password")
PENDING_KEY = "pending_sign_in"


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"]


def _two_factor_limit() -> str:
    return current_app.config["TWO_FACTOR_RATE_LIMIT"]


def _account_key() -> str:
    # Limits guessing against one account from many addresses.
    return "account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _pending_key() -> str:
    pending = session.get(PENDING_KEY) or {}
    return "pending:" + str(pending.get("id", "")).partition(":")[0]


def _signed_in_key() -> str:
    return f"signed-in:{current_user.get_id().partition(':')[0]}"


def _complete(user, next_url: str):
    # A fresh session once both steps are done: nothing from before survives (ASVS 3.2.1)
    # but the language the person chose.
    clear_session_keeping_language()
    login_user(user)
    start_session_clock()
    return redirect(next_url)  # nosemgrep: engage-redirect-unchecked - always from safe_next


def _pending_user():
    """The staff account that has given its password and not yet its code, if in time."""
    pending = session.get(PENDING_KEY)
    if not pending:
        return None, None
    window = current_app.config["TWO_FACTOR_STEP_MINUTES"] * 60
    user = accounts.load_user_by_session_id(pending.get("id", ""))
    if user is None or now_ts() - pending.get("at", 0) > window:
        session.pop(PENDING_KEY, None)
        return None, None
    return user, safe_next(pending.get("next"), url_for("staff.home"))


def _back_to_sign_in():
    flash(_("Sign in again: the time to enter your code ran out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@redrawable
@public
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=refused)
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key, deduct_when=refused)
def sign_in():
    next_url = safe_next(request.args.get("next"), url_for("staff.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.email.data, form.password.data, origin=current_actor()
            )
        except accounts.AccountLocked as locked:
            form.password.errors.append(_locked_message(locked.until))
            return render_template("auth/sign_in.html", form=form, title=_("Sign in"))
        if user is not None and not user.needs_two_factor:
            return _complete(user, next_url)
        if user is not None:
            session.clear()
            session[PENDING_KEY] = {"id": user.get_id(), "at": now_ts(), "next": next_url}
            step = "auth.two_factor" if user.two_factor_enrolled else "auth.set_up_two_factor"
            return redirect(url_for(step))
        form.password.errors.append(SIGN_IN_ERROR)
    return render_template("auth/sign_in.html", form=form, title=_("Sign in"))


def _locked_message(until) -> str:
    """When a locked account can sign in again, as a time and as a wait."""
    return _(
        "Your account is locked after too many wrong attempts. You can sign in again at "
        "%(time)s, %(when)s.",
        time=format_time(until),
        when=format_timedelta(
            max(until - datetime.now(UTC), timedelta(minutes=1)),
            granularity="minute",
            add_direction=True,
        ),
    )


@keeps_typed_when_limited("auth.sign_in")
def _sign_in_when_limited(try_again: str):
    form = SignInForm()
    form.form_errors.append(_("You have tried to sign in too many times.") + " " + try_again)
    return render_template("auth/sign_in.html", form=form, title=_("Sign in")), 429


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@english_only
@limiter.limit(_two_factor_limit, methods=["POST"], key_func=_pending_key, deduct_when=refused)
def two_factor():
    user, next_url = _pending_user()
    if user is None:
        return _back_to_sign_in()
    if not user.two_factor_enrolled:
        return redirect(url_for("auth.set_up_two_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            second_step.verify(user.id, form.code.data, origin=current_actor())
        except ServiceError as refused:
            apply_service_errors(form, refused.errors)
        else:
            accounts.complete_sign_in(user.id, origin=current_actor())
            return _complete(user, next_url)
    return render_template("auth/two_factor.html", form=form, title="Enter your code")


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@public
@english_only
@limiter.limit(_two_factor_limit, methods=["POST"], key_func=_pending_key, deduct_when=refused)
def set_up_two_factor():
    user, next_url = _pending_user()
    if user is None:
        return _back_to_sign_in()
    if user.two_factor_enrolled:
        return redirect(url_for("auth.two_factor"))
    user = second_step.start_enrolment(user.id)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = second_step.confirm_enrolment(user.id, form.code.data, origin=current_actor())
        except ServiceError as refused:
            apply_service_errors(form, refused.errors)
        else:
            accounts.complete_sign_in(user.id, origin=current_actor())
            _complete(user, next_url)
            # Shown once, in this response only; never stored in a readable form.
            return render_template(
                "auth/recovery_codes.html",
                codes=codes,
                next_url=next_url,
                title="Save your recovery codes",
            )
    return render_template(
        "auth/set_up_two_factor.html",
        form=form,
        qr=second_step.qr_svg_data_uri(user),
        secret=second_step.secret_for_display(user),
        title="Set up two-step sign-in",
    )


@bp.route("/sign-in/confirm", methods=["GET", "POST"])
@signed_in
@limiter.limit(_two_factor_limit, methods=["POST"], key_func=_signed_in_key)
def confirm_identity():
    """Ask a signed-in staff member for a fresh code before a sensitive screen."""
    next_url = safe_next(request.args.get("next"), url_for("staff.home"))
    user = current_user._get_current_object()
    if not user.two_factor_enrolled:
        return redirect(next_url)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            second_step.confirm_identity(user.id, form.code.data, origin=current_actor())
        except ServiceError as refused:
            apply_service_errors(form, refused.errors)
        else:
            mark_confirmed()
            return redirect(next_url)
    return render_template("auth/confirm_identity.html", form=form, title="Confirm it is you")


@bp.route("/account/security", methods=["GET", "POST"])
@signed_in
@limiter.limit(_two_factor_limit, methods=["POST"], key_func=_signed_in_key)
def account_security():
    user = current_user._get_current_object()
    form = CodeForm()
    if user.two_factor_enrolled and form.validate_on_submit():
        try:
            codes = second_step.regenerate_recovery_codes(
                user.id, form.code.data, origin=current_actor()
            )
        except ServiceError as refused:
            apply_service_errors(form, refused.errors)
        else:
            return render_template(
                "auth/recovery_codes.html",
                codes=codes,
                next_url=url_for("auth.account_security"),
                title="Save your new recovery codes",
            )
    return render_template(
        "auth/account_security.html",
        form=form,
        codes_left=second_step.recovery_codes_left(user.id),
        title=_("Sign-in and security"),
    )


@bp.post("/sign-out")
@signed_in
def sign_out():
    accounts.end_all_sessions(current_user._get_current_object(), actor=current_actor())
    logout_user()
    clear_session_keeping_language()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))
