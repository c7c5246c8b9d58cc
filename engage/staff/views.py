from flask import redirect, render_template, url_for
from flask_login import current_user

from engage.models import Role
from engage.permissions import signed_in
from engage.staff import bp


@bp.get("/")
@signed_in
def home():
    if current_user.role is Role.GROUP_CONTACT:
        return redirect(url_for("groups.group_home"))
    return render_template("staff/home.html", title="Staff home")
