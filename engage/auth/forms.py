from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired

from engage.forms import Form, MaxChars


class SignInForm(Form):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), MaxChars(254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password"), MaxChars(200)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(Form):
    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code"), MaxChars(20)],
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "characters",
        },
    )
