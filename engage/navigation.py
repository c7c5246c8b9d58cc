"""The staff navigation. Each link appears to whoever its page's access rule allows
(engage.permissions): the rules are written once, on the views, and the menu follows
them, so nobody is shown a link to a page they may not open."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from engage.models.users import Role

# Every link, in menu order, after the person's home page.
LINKS = [
    ("moderation.queue", "Moderation"),
    ("officer.group_list", "Community groups"),
    ("officer.enter_story", "Enter a story"),
    ("admin.register", "Membership register"),
    ("meetings.index", "Meetings"),
    ("routing.rules", "Routing"),
    ("digests.index", "Digests"),
    ("packs.index", "Meeting packs"),
    ("accountability.index", "Indicators"),
    ("accountability.decisions_log", "Decisions influenced"),
    ("commitments.index", "Commitments"),
    ("registers.index", "Registers"),
    ("evidence.index", "Evidence data"),
    ("reports.index", "Annual reports"),
    ("admin.users", "Staff accounts"),
    ("admin.audit_log", "Audit log"),
    ("admin.outbox_waiting", "Email not sent"),
    ("admin.theme_suggestions", "Theme suggestions"),
    ("auth.account_security", _l("Your account")),
]


def home_link(user: Any) -> tuple[str, Any]:
    """A community group's contact works from their group's page; staff from theirs."""
    if user.role is Role.GROUP_CONTACT:
        return ("groups.group_home", _l("Your group"))
    return ("staff.home", "Staff home")


def links_for(user: Any) -> list[tuple[str, Any]]:
    """(endpoint, label) for each page this person may open, their home page first."""
    if not getattr(user, "is_authenticated", False):
        return []
    views = current_app.view_functions
    return [home_link(user)] + [
        (endpoint, label)
        for endpoint, label in LINKS
        if endpoint in views and views[endpoint].access_rule.allows(user)
    ]
