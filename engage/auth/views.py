from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from engage.auth import bp
from engage.auth.forms import SignInForm
from engage.extensions import limiter
from engage.permissions import public, signed_in
from engage.redirects import safe_next
from engage.security import start_session_clock
from engage.services import accounts

SIGN_IN_ERROR = "Enter a correct email address and password"


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    # Limits guessing against one account from many addresses.
    return "account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key)
def sign_in():
    next_url = safe_next(request.args.get("next"), url_for("staff.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            # A fresh session at sign-in: nothing from before survives (ASVS 3.2.1).
            session.clear()
            login_user(user)
            start_session_clock()
            return redirect(next_url)
        form.password.errors.append(SIGN_IN_ERROR)
    return render_template("auth/sign_in.html", form=form, title="Sign in")


@bp.post("/sign-out")
@signed_in
def sign_out():
    accounts.end_all_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))
