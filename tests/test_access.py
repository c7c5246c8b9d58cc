"""Every route has an explicit access decision, and each role gets exactly what it may."""

import pytest

from engage.models import Role
from engage.permissions import FRAMEWORK_ENDPOINTS, SECRETARIAT_ROLES, STAFF_ROLES
from tests.helpers import csrf_token, submit_form

PUBLIC_ENDPOINTS = {
    "public.index",
    "public.accessibility",
    "auth.sign_in",
    # The second sign-in step: only works for someone who has just given a password.
    "auth.two_factor",
    "auth.set_up_two_factor",
    # Residents tell their story and come back with their code: no account.
    "stories.start",
    "stories.age",
    "stories.ask_for_help",
    "stories.story",
    "stories.about_you",
    "stories.done",
    "stories.privacy",
    "stories.privacy_version",
    "stories.find_story",
    "stories.your_story",
    "stories.change_choices",
    "stories.your_equality_answers",
    "stories.download_page",
    "stories.download_json",
    "stories.download_schema",
    "stories.withdraw",
    "stories.withdrawn",
    "stories.forget",
    "groups.register",
    "groups.registered",
    "auth.set_password",
    "auth.reset_password",
    "auth.forgotten_password",
    "auth.reset_link_sent",
    # Every published annual progress report, as a page and its PDF (drafts 404).
    "reports.public_index",
    "reports.public_report",
    "reports.public_pdf",
    # The public figures, their charts and open data, and "you said, we did".
    "figures.index",
    "figures.chart",
    "figures.download_csv",
    "figures.download_json",
    "figures.schema",
    "figures.datapackage",
    "figures.you_said_we_did",
}

# Each staff URL with the roles allowed on it. A new route must be added here, or
# test_every_route_is_in_the_matrix fails: nobody can add a page without deciding who sees it.
SECRETARIAT_ONLY = frozenset(SECRETARIAT_ROLES)
OFFICERS = frozenset({Role.ENGAGEMENT_OFFICER, Role.ADMIN})
GROUP_CONTACTS = frozenset({Role.GROUP_CONTACT})
ADMINS = frozenset({Role.ADMIN})
ANY_ACCOUNT = frozenset(Role)
STAFF = frozenset(STAFF_ROLES)
STAFF_MATRIX = {
    "staff.home": ("/staff/", ANY_ACCOUNT),
    "admin.register": ("/admin/memberships", SECRETARIAT_ONLY),
    "admin.add_membership": ("/admin/memberships/new", SECRETARIAT_ONLY),
    "admin.edit_membership": ("/admin/memberships/{membership_id}/edit", SECRETARIAT_ONLY),
    "admin.end_membership": ("/admin/memberships/{membership_id}/end", SECRETARIAT_ONLY),
    "auth.sign_out": ("/sign-out", ANY_ACCOUNT),
    "auth.account_security": ("/account/security", ANY_ACCOUNT),
    "auth.confirm_identity": ("/sign-in/confirm", ANY_ACCOUNT),
    "officer.group_list": ("/officer/groups", OFFICERS),
    "officer.group_detail": ("/officer/groups/{group_id}", OFFICERS),
    "officer.verify_group": ("/officer/groups/{group_id}/verify", OFFICERS),
    "officer.reject_group": ("/officer/groups/{group_id}/reject", OFFICERS),
    "officer.record_engagement": ("/officer/groups/{group_id}/engagements", OFFICERS),
    "officer.enter_story": ("/officer/stories/new", OFFICERS),
    "officer.story_sent": ("/officer/stories/sent", OFFICERS),
    "admin.audit_log": ("/admin/audit", ADMINS),
    "admin.users": ("/admin/users", ADMINS),
    "admin.outbox_waiting": ("/admin/outbox", ADMINS),
    "admin.theme_suggestions": ("/admin/theme-suggestions", ADMINS),
    "admin.reset_two_factor": ("/admin/users/{user_id}/reset-two-factor", ADMINS),
    "admin.unlock": ("/admin/users/{user_id}/unlock", ADMINS),
    "admin.send_reset_link": ("/admin/users/{user_id}/send-reset-link", ADMINS),
    "admin.equality_answers": ("/admin/stories/{submission_id}/equality", ADMINS),
    "routing.rules": ("/routing/", SECRETARIAT_ONLY),
    "routing.add_rule": ("/routing/rules/new", SECRETARIAT_ONLY),
    "routing.edit_rule": ("/routing/rules/{rule_id}/edit", SECRETARIAT_ONLY),
    "routing.end_rule": ("/routing/rules/{rule_id}/end", SECRETARIAT_ONLY),
    "routing.replay": ("/routing/replay", SECRETARIAT_ONLY),
    "routing.unrouted": ("/routing/unrouted", SECRETARIAT_ONLY),
    # Every staff account has a digests page (a member's own groups; empty otherwise);
    # a digest itself opens only for its group's members and the secretariat (404 else).
    "digests.index": ("/digests/", STAFF),
    "digests.show": ("/digests/{digest_id}", STAFF),
    "digests.issue_now": ("/digests/issue", SECRETARIAT_ONLY),
    "digests.settings": ("/digests/groups/{body_id}/settings", SECRETARIAT_ONLY),
    "digests.email_choice": ("/digests/email-choice", STAFF),
    # Packs: the secretariat builds and publishes; a member reads the published version
    # of their body's pack (404 to anyone else, as if it did not exist).
    "packs.index": ("/packs/", STAFF),
    "packs.versions": ("/packs/meetings/{meeting_id}", SECRETARIAT_ONLY),
    "packs.build": ("/packs/meetings/{meeting_id}/build", SECRETARIAT_ONLY),
    "packs.publish": ("/packs/{pack_id}/publish", SECRETARIAT_ONLY),
    "packs.show": ("/packs/{pack_id}", STAFF),
    "packs.pdf": ("/packs/{pack_id}/pack.pdf", STAFF),
    "packs.paper": ("/packs/{pack_id}/papers/{paper_id}", STAFF),
    "moderation.queue": ("/moderation/", OFFICERS),
    "moderation.urgent": ("/moderation/urgent", OFFICERS),
    "moderation.review": ("/moderation/{submission_id}", OFFICERS),
    "moderation.claim": ("/moderation/{submission_id}/claim", OFFICERS),
    "moderation.release": ("/moderation/{submission_id}/release", OFFICERS),
    "moderation.confirm_redaction": ("/moderation/{submission_id}/redaction", OFFICERS),
    "moderation.add_redaction": ("/moderation/{submission_id}/redaction/add", OFFICERS),
    "moderation.remove_added_redaction": (
        "/moderation/{submission_id}/redaction/remove",
        OFFICERS,
    ),
    "moderation.confirm_themes": ("/moderation/{submission_id}/themes", OFFICERS),
    "moderation.save_summary": ("/moderation/{submission_id}/summary", OFFICERS),
    "moderation.flag_safeguarding": ("/moderation/{submission_id}/safeguarding", OFFICERS),
    "moderation.close_safeguarding": ("/moderation/safeguarding/{flag_id}/close", OFFICERS),
    "moderation.approve": ("/moderation/{submission_id}/approve", OFFICERS),
    "moderation.reject": ("/moderation/{submission_id}/reject", OFFICERS),
    "moderation.mark_duplicate": ("/moderation/{submission_id}/duplicate", OFFICERS),
    "moderation.reopen": ("/moderation/{submission_id}/reopen", OFFICERS),
    "groups.group_home": ("/group/", GROUP_CONTACTS),
    "groups.group_story": ("/group/stories/new", GROUP_CONTACTS),
    "groups.group_story_sent": ("/group/stories/sent", GROUP_CONTACTS),
    # Meetings
    "meetings.index": ("/meetings/", SECRETARIAT_ONLY),
    "meetings.schedule": ("/meetings/new", SECRETARIAT_ONLY),
    "meetings.schedule_year": ("/meetings/year", SECRETARIAT_ONLY),
    "meetings.attendance_rates": ("/meetings/attendance-rates", SECRETARIAT_ONLY),
    "meetings.meeting": ("/meetings/{meeting_id}", SECRETARIAT_ONLY),
    "meetings.edit": ("/meetings/{meeting_id}/edit", SECRETARIAT_ONLY),
    "meetings.cancel": ("/meetings/{meeting_id}/cancel", SECRETARIAT_ONLY),
    "meetings.add_agenda_item": ("/meetings/{meeting_id}/agenda/new", SECRETARIAT_ONLY),
    "meetings.edit_agenda_item": ("/meetings/agenda/{agenda_item_id}/edit", SECRETARIAT_ONLY),
    "meetings.remove_agenda_item": (
        "/meetings/agenda/{agenda_item_id}/remove",
        SECRETARIAT_ONLY,
    ),
    "meetings.move_agenda_item": ("/meetings/agenda/{agenda_item_id}/move", SECRETARIAT_ONLY),
    "meetings.upload_paper": ("/meetings/agenda/{agenda_item_id}/papers/new", SECRETARIAT_ONLY),
    "meetings.download_paper": ("/meetings/papers/{paper_id}", SECRETARIAT_ONLY),
    "meetings.remove_paper": ("/meetings/papers/{paper_id}/remove", SECRETARIAT_ONLY),
    "meetings.record_attendance": ("/meetings/{meeting_id}/attendance", SECRETARIAT_ONLY),
    "meetings.set_quorum": ("/meetings/bodies/{body_id}/quorum", SECRETARIAT_ONLY),
    "meetings.edit_minutes": ("/meetings/{meeting_id}/minutes", SECRETARIAT_ONLY),
    "meetings.add_decision": ("/meetings/{meeting_id}/decisions/new", SECRETARIAT_ONLY),
    "meetings.add_action": ("/meetings/{meeting_id}/actions/new", SECRETARIAT_ONLY),
    "meetings.update_action": ("/meetings/actions/{action_id}/update", SECRETARIAT_ONLY),
    # Commitments and registers: every member of staff reads them; the secretariat
    # keeps them and the Taskforce's housekeeping.
    "commitments.index": ("/commitments/", STAFF),
    "commitments.add": ("/commitments/new", SECRETARIAT_ONLY),
    "commitments.show": ("/commitments/{commitment_id}", STAFF),
    "commitments.edit": ("/commitments/{commitment_id}/edit", SECRETARIAT_ONLY),
    "commitments.add_update": ("/commitments/{commitment_id}/update", SECRETARIAT_ONLY),
    "registers.index": ("/registers/", STAFF),
    "registers.entries": ("/registers/heia", STAFF),
    "registers.add": ("/registers/initiatives/new", SECRETARIAT_ONLY),
    "registers.edit": ("/registers/heia/{register_entry_id}/edit", SECRETARIAT_ONLY),
    "registers.housekeeping": ("/registers/housekeeping", SECRETARIAT_ONLY),
    "registers.record_review": ("/registers/housekeeping/terms-review", SECRETARIAT_ONLY),
    # Evidence data: staff read the datasets, their files and charts; the secretariat
    # adds datasets and uploads their versions.
    "evidence.index": ("/evidence/", STAFF),
    "evidence.schema": ("/evidence/schema.json", STAFF),
    "evidence.new_dataset": ("/evidence/new", SECRETARIAT_ONLY),
    "evidence.dataset": ("/evidence/{dataset_id}", STAFF),
    "evidence.upload": ("/evidence/{dataset_id}/versions/new", SECRETARIAT_ONLY),
    "evidence.version": ("/evidence/{dataset_id}/versions/1", STAFF),
    "evidence.version_csv": ("/evidence/{dataset_id}/versions/1.csv", STAFF),
    "evidence.chart": ("/evidence/{dataset_id}/versions/1/chart.png", STAFF),
    # Accountability: staff read indicators and the decisions log; the secretariat
    # records, publishes and corrects measurements, logs decisions and closes the loop.
    "accountability.index": ("/accountability/", STAFF),
    "accountability.function": ("/accountability/functions/strategic_influence", STAFF),
    "accountability.indicator": ("/accountability/indicators/decisions_influenced", STAFF),
    "accountability.records": (
        "/accountability/indicators/decisions_influenced/records/2026-Q3",
        STAFF,
    ),
    "accountability.record_measurement": (
        "/accountability/indicators/leadership_diversity/periods/2025/record",
        SECRETARIAT_ONLY,
    ),
    "accountability.measurement": ("/accountability/measurements/{measurement_id}", STAFF),
    "accountability.edit_measurement": (
        "/accountability/measurements/{measurement_id}/edit",
        SECRETARIAT_ONLY,
    ),
    "accountability.publish_measurement": (
        "/accountability/measurements/{measurement_id}/publish",
        SECRETARIAT_ONLY,
    ),
    "accountability.correct_measurement": (
        "/accountability/measurements/{measurement_id}/correct",
        SECRETARIAT_ONLY,
    ),
    "accountability.add_document": (
        "/accountability/measurements/{measurement_id}/documents",
        SECRETARIAT_ONLY,
    ),
    "accountability.document": ("/accountability/documents/{document_id}", STAFF),
    "accountability.decisions_log": ("/accountability/decisions", STAFF),
    "accountability.new_decision": ("/accountability/decisions/new", SECRETARIAT_ONLY),
    "accountability.decision": ("/accountability/decisions/{influenced_decision_id}", STAFF),
    "accountability.edit_decision": (
        "/accountability/decisions/{influenced_decision_id}/edit",
        SECRETARIAT_ONLY,
    ),
    "accountability.decision_stories": (
        "/accountability/decisions/{influenced_decision_id}/stories",
        SECRETARIAT_ONLY,
    ),
    "accountability.write_closure": (
        "/accountability/decisions/{influenced_decision_id}/you-said-we-did",
        SECRETARIAT_ONLY,
    ),
    "accountability.edit_closure": (
        "/accountability/you-said-we-did/{closure_id}/edit",
        SECRETARIAT_ONLY,
    ),
    "accountability.publish_closure": (
        "/accountability/you-said-we-did/{closure_id}/publish",
        SECRETARIAT_ONLY,
    ),
    # Annual reports: the secretariat drafts, previews and publishes them (the public
    # read published ones at /progress-reports/).
    "reports.index": ("/reports/", SECRETARIAT_ONLY),
    "reports.start": ("/reports/new", SECRETARIAT_ONLY),
    "reports.report": ("/reports/{report_year}", SECRETARIAT_ONLY),
    "reports.add_section": ("/reports/{report_year}/sections/new", SECRETARIAT_ONLY),
    "reports.edit_section": ("/reports/{report_year}/sections/0/edit", SECRETARIAT_ONLY),
    "reports.move_section": ("/reports/{report_year}/sections/0/move", SECRETARIAT_ONLY),
    "reports.remove_section": ("/reports/{report_year}/sections/0/remove", SECRETARIAT_ONLY),
    "reports.preview": ("/reports/{report_year}/preview", SECRETARIAT_ONLY),
    "reports.pdf": ("/reports/{report_year}/report.pdf", SECRETARIAT_ONLY),
    "reports.publish": ("/reports/{report_year}/publish", SECRETARIAT_ONLY),
}
# POST-only endpoints: checked with a POST that carries a valid CSRF token.
POST_ONLY = {
    "auth.sign_out",
    "admin.reset_two_factor",
    "admin.unlock",
    "admin.send_reset_link",
    "moderation.claim",
    "moderation.release",
    "moderation.confirm_redaction",
    "moderation.add_redaction",
    "moderation.remove_added_redaction",
    "moderation.confirm_themes",
    "moderation.save_summary",
    "moderation.flag_safeguarding",
    "moderation.close_safeguarding",
    "moderation.approve",
    "moderation.reject",
    "moderation.mark_duplicate",
    "moderation.reopen",
    "officer.verify_group",
    "officer.reject_group",
    "officer.record_engagement",
    "routing.end_rule",
    "digests.issue_now",
    "digests.email_choice",
    "packs.build",
    "packs.publish",
    "meetings.move_agenda_item",
    "accountability.publish_measurement",
    "accountability.add_document",
    "accountability.publish_closure",
    "reports.start",
    "reports.move_section",
}


def test_every_route_declares_who_may_use_it(app):
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in FRAMEWORK_ENDPOINTS and not hasattr(view, "access_rule")
    ]
    assert missing == []


def test_every_route_is_in_the_matrix(app):
    endpoints = set(app.view_functions) - FRAMEWORK_ENDPOINTS
    assert endpoints == PUBLIC_ENDPOINTS | set(STAFF_MATRIX)


def test_public_routes_are_declared_public(app):
    for endpoint in PUBLIC_ENDPOINTS:
        assert app.view_functions[endpoint].access_rule.public, endpoint
    for endpoint in STAFF_MATRIX:
        assert not app.view_functions[endpoint].access_rule.public, endpoint


def _link_group_contact(app, user_id: int, group_id: int) -> None:
    from engage.extensions import db
    from engage.models import CommunityGroup, GroupStatus

    with app.app_context():
        group = db.session.get(CommunityGroup, group_id)
        group.status = GroupStatus.VERIFIED
        group.contact_user_id = user_id
        db.session.commit()


@pytest.mark.parametrize("endpoint", sorted(STAFF_MATRIX))
def test_anonymous_visitors_are_sent_to_sign_in(client, ids, endpoint):
    url = STAFF_MATRIX[endpoint][0].format(**ids)
    if endpoint in POST_ONLY:
        # CSRF runs first for POSTs; without a session there is no token to give.
        assert client.post(url).status_code == 400
        token = csrf_token(client, "/sign-in")
        response = client.post(url, data={"csrf_token": token})
    else:
        response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("endpoint", sorted(STAFF_MATRIX))
def test_staff_with_only_a_password_are_sent_to_sign_in(app, client, ids, endpoint):
    """ASVS 4.3.1: the password alone reaches no staff page; the code step must be done."""
    from tests import factories

    with app.app_context():
        factories.user(role=Role.ADMIN, email="half-signed-in@test.example")
    response = submit_form(
        client,
        "/sign-in",
        {"email": "half-signed-in@test.example", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/sign-in/code"
    url = STAFF_MATRIX[endpoint][0].format(**ids)
    if endpoint in POST_ONLY:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/sign-in/code")})
    else:
        response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("endpoint", sorted(e for e in STAFF_MATRIX if e != "auth.sign_out"))
def test_role_matrix(app, login_as, client, ids, role, endpoint):
    user_id = login_as(role)
    if role is Role.GROUP_CONTACT:
        _link_group_contact(app, user_id, ids["group_id"])
    template, allowed = STAFF_MATRIX[endpoint]
    url = template.format(**ids)
    if endpoint in POST_ONLY:
        token = csrf_token(client, "/accessibility")
        response = client.post(url, data={"csrf_token": token})
    else:
        response = client.get(url)
    if role in allowed:
        # Allowed: not refused and not sent to sign in (a bare POST may still be a 4xx
        # validation answer, such as a version conflict).
        assert response.status_code not in (401, 403) and response.status_code < 500, (
            f"{role.value} on {endpoint}: {response.status_code}"
        )
        assert not response.headers.get("Location", "").startswith("/sign-in")
    else:
        assert response.status_code == 403, f"{role.value} on {endpoint}"


def test_undeclared_route_is_refused(fresh_app):
    """Fail closed: a view with no access decorator answers 403 to everyone."""
    from flask import Blueprint

    app = fresh_app()
    forgotten = Blueprint("forgotten", __name__)

    @forgotten.get("/forgotten")
    def view():
        return "should never be seen"

    app.register_blueprint(forgotten)
    assert app.test_client().get("/forgotten").status_code == 403
