from flask import render_template

from engage.permissions import signed_in
from engage.staff import bp


@bp.get("/")
@signed_in
def home():
    return render_template("staff/home.html", title="Staff home")
