from flask import redirect, render_template, url_for
from flask_login import current_user

from engage import clock
from engage.models import Role
from engage.permissions import SECRETARIAT_ROLES, signed_in
from engage.services.accountability import housekeeping
from engage.services.digests import issuing
from engage.staff import bp


@bp.get("/")
@signed_in
def home():
    if current_user.role is Role.GROUP_CONTACT:
        return redirect(url_for("groups.group_home"))
    listed = (
        issuing.for_member(current_user) if current_user.role is Role.WORKING_GROUP_MEMBER else None
    )
    # The secretariat sees what the terms of reference ask of the Taskforce itself.
    reminders = (
        housekeeping.reminders(clock.today()) if current_user.role in SECRETARIAT_ROLES else None
    )
    return render_template(
        "staff/home.html", title="Staff home", digests=listed, reminders=reminders
    )
