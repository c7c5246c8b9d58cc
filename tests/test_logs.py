"""Logs carry ids and events, never passwords, names or email addresses (ASVS 7.1)."""

import json
import logging

from engage.logs import JsonFormatter
from engage.models import Role
from tests import factories
from tests.helpers import sign_in, submit_form


def test_sign_in_events_are_logged_without_credentials(app, client, caplog):
    with app.app_context():
        user_id = factories.user(role=Role.ADMIN, email="canary.person@test.example").id
    caplog.set_level(logging.INFO, logger="engage")
    submit_form(
        client,
        "/sign-in",
        {"email": "canary.person@test.example", "password": "wrong canary password"},
    )
    sign_in(client, "canary.person@test.example")
    events = [(r.getMessage(), getattr(r, "user_id", None)) for r in caplog.records]
    assert ("sign_in_failed", user_id) in events
    assert ("sign_in_succeeded", user_id) in events
    text = caplog.text + " ".join(json.dumps(vars(r), default=str) for r in caplog.records)
    for secret in ("canary.person", "wrong canary password", factories.PASSWORD):
        assert secret not in text


def test_access_denials_are_logged(login_as, client, caplog):
    user_id = login_as(Role.WORKING_GROUP_MEMBER)
    caplog.set_level(logging.INFO, logger="engage")
    assert client.get("/admin/memberships").status_code == 403
    denial = next(r for r in caplog.records if r.getMessage() == "access_denied")
    assert denial.user_id == user_id and denial.endpoint == "admin.register"


def test_json_lines_cannot_be_forged_with_newlines():
    record = logging.LogRecord("engage", logging.INFO, __file__, 1, "event\nfake line", (), None)
    record.user_id = '1\n{"level": "ERROR"}'
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["event"] == "event\nfake line"


def test_moderation_logs_carry_ids_never_story_text_or_names(app, client, login_as, caplog):
    from sqlalchemy import select as sql_select

    from engage.extensions import db
    from engage.models import Submission
    from tests.helpers import submit_form as post_form

    canary = "Canaryname Zzyzx told me about the canary bus 07700 900777"
    with app.app_context():
        story_id = factories.submission(canary).id
    caplog.set_level(logging.INFO, logger="engage")
    login_as(Role.ENGAGEMENT_OFFICER)
    client.get(f"/moderation/{story_id}")

    def version() -> str:
        with app.app_context():
            return str(
                db.session.scalar(sql_select(Submission.version).where(Submission.id == story_id))
            )

    post_form(
        client,
        f"/moderation/{story_id}/summary",
        {"summary-version": version(), "summary-summary": "Canary summary words"},
        form_url=f"/moderation/{story_id}",
    )
    post_form(
        client,
        f"/moderation/{story_id}/safeguarding",
        {"safeguarding-category": "other", "safeguarding-concern": "Canary concern words"},
        form_url=f"/moderation/{story_id}",
    )
    post_form(
        client,
        f"/moderation/{story_id}/reject",
        {"reject-version": version(), "reject-reason": "Canary reason words"},
        form_url=f"/moderation/{story_id}",
    )
    text = caplog.text + " ".join(json.dumps(vars(r), default=str) for r in caplog.records)
    assert "submission_status_changed" in text and "safeguarding_flagged" in text
    for secret in (
        "Canaryname",
        "Zzyzx",
        "canary bus",
        "900777",
        "Canary summary",
        "Canary concern",
        "Canary reason",
    ):
        assert secret not in text
