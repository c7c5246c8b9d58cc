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
