from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired

from engage.forms import Form, MaxChars


class SignInForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")), MaxChars(254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password")), MaxChars(200)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code")), MaxChars(20)],
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "characters",
        },
    )


class ForgottenPasswordForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")), MaxChars(254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )


class ChoosePasswordForm(Form):
    password = PasswordField(
        _l("New password"), validators=[MaxChars(200)], render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[MaxChars(200)],
        render_kw={"autocomplete": "new-password"},
    )
