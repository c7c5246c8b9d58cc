from flask import render_template
from flask_babel import gettext as _

from engage.permissions import public
from engage.public import bp


@bp.get("/")
@public
def index():
    return render_template("public/index.html", title=_("Tell the Race Equity Taskforce"))


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("public/accessibility.html", title=_("Accessibility statement"))
