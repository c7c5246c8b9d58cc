"""Choosing a password from an emailed link (a group contact's first one, or a reset),
and asking for a reset link: 'Forgotten your password?'."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage.auth import bp
from engage.auth.forms import ChoosePasswordForm, ForgottenPasswordForm
from engage.extensions import limiter
from engage.forms import apply_service_errors
from engage.i18n import current_language
from engage.links import reset_password_url
from engage.permissions import current_actor, public
from engage.rate_limits import keeps_typed_when_limited
from engage.redraw import redrawable
from engage.services.accounts import accounts, password_links, passwords
from engage.services.common.transaction import ServiceError


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _reset_email_key() -> str:
    # Limits how often one address is sent links, from wherever the requests come.
    return "reset:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/account/forgotten-password", methods=["GET", "POST"])
@redrawable
@public
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_reset_email_key)
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        password_links.request_reset(
            form.email.data,
            language=current_language(),
            link_for=reset_password_url,
            origin=current_actor(),
        )
        return redirect(url_for("auth.reset_link_sent"))
    return render_template(
        "auth/forgotten_password.html", form=form, title=_("Forgotten your password?")
    )


@keeps_typed_when_limited("auth.forgotten_password")
def _forgotten_when_limited(try_again: str):
    form = ForgottenPasswordForm()
    form.form_errors.append(
        _("Many reset links have been asked for in a short time.") + " " + try_again
    )
    return render_template(
        "auth/forgotten_password.html", form=form, title=_("Forgotten your password?")
    ), 429


@bp.get("/account/forgotten-password/sent")
@public
def reset_link_sent():
    # The same page whether or not the address has an account.
    return render_template("auth/reset_link_sent.html", title=_("Check your email"))


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
@redrawable
@public
def set_password(token: str):
    return _choose_password(token, password_links.SET)


@bp.route("/account/reset-password/<token>", methods=["GET", "POST"])
@redrawable
@public
def reset_password(token: str):
    return _choose_password(token, password_links.RESET)


def _link_expired():
    return render_template("account/link_expired.html", title=_("This link has expired")), 400


def _choose_password(token: str, kind: str):
    if password_links.claim_of(token, kind) is None:
        return _link_expired()
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        problem = passwords.password_problem(form.password.data or "")
        if problem is not None:
            form.password.errors.append(problem)
        if form.password.data != form.confirm.data:
            form.confirm.errors.append(_("The passwords do not match"))
        if not form.errors:
            try:
                password_links.choose_password(
                    token, kind, form.password.data, origin=current_actor()
                )
            except ServiceError as error:
                if "token" in error.errors:
                    return _link_expired()
                apply_service_errors(form, error.errors)
            else:
                flash(_("Your password is set. Sign in with it now."), "success")
                return redirect(url_for("auth.sign_in"))
    return render_template("account/set_password.html", form=form, title=_("Choose a password"))
