"""The audit log search and the audited equality answers screen (ASVS 7.1, 8.3.5)."""

from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Role
from engage.services.common import audit
from engage.services.stories import intake
from tests import factories
from tests.helpers import page


def test_viewing_equality_answers_writes_an_audit_row(app, client, login_as):
    with app.app_context():
        story = factories.submission(equality=True)
        intake.record_equality_answers(story.id, {"age_band": "25_34", "religion": "muslim"})
        story_id = story.id
    admin_id = login_as(Role.ADMIN)
    response = client.get(f"/admin/stories/{story_id}/equality")
    assert response.status_code == 200
    assert "25 to 34" in page(response).get_text()
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "equality.viewed"))
        assert (event.actor_id, event.object_id, event.actor_role) == (admin_id, story_id, "admin")
        assert "25_34" not in event.detail and "muslim" not in event.detail


def test_audit_log_searches_by_person_action_and_record(app, client, login_as):
    with app.app_context():
        officer = factories.user(role=Role.ENGAGEMENT_OFFICER, email="looked@test.example")
        officer.display_name = "Priya Shah"
        db.session.commit()
        for n in range(3):
            audit.record_now(
                "submission.viewed", object_type="submission", object_id=n + 1, actor=officer
            )
        audit.record_now(
            "submission.approved", object_type="submission", object_id=2, actor=officer
        )
    login_as(Role.ADMIN)
    viewed = page(client.get("/admin/audit?action=submission.viewed"))
    assert [r.th.get_text() for r in viewed.select("tbody tr")] == ["Read a story"] * 3
    by_record = page(client.get("/admin/audit?object_type=submission&object_id=2"))
    assert [r.th.get_text() for r in by_record.select("tbody tr")] == [
        "Approved a story",
        "Read a story",
    ]
    # Part of an email address or of a name, in any case.
    for who in ("LOOKED", "ooked@test", "priya", "Shah"):
        by_person = page(client.get(f"/admin/audit?actor={who}"))
        assert len(by_person.select("tbody tr")) == 4, who
    nobody = page(client.get("/admin/audit?actor=someone@test.example"))
    assert "No events match" in nobody.get_text()
    # A wildcard typed is matched as itself, not as "anything".
    assert "No events match" in page(client.get("/admin/audit?actor=%25")).get_text()


def test_the_log_says_what_happened_who_did_it_and_to_what(app, client, login_as):
    with app.app_context():
        officer = factories.user(role=Role.ENGAGEMENT_OFFICER, email="priya@test.example")
        officer.display_name = "Priya Shah"
        db.session.commit()
        who = audit.Actor(officer, "203.0.113.9", "req-1")
        audit.record_now(
            "themes.confirmed",
            object_type="submission",
            object_id=7,
            actor=who,
            detail="themes=policing,health corrected=True",
        )
    login_as(Role.ADMIN)
    row = page(client.get("/admin/audit?actor=priya")).select_one("tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
    assert cells[1] == "Priya Shah priya@test.example Engagement officer from 203.0.113.9"
    assert cells[2:] == [
        "Confirmed a story's themes",
        "Story 7",
        "Themes: policing, health (changed from the suggestions)",
    ]
    assert row.find("a", string="Story 7")["href"] == "/moderation/7"


def test_audit_log_pages_newest_first(app, client, login_as):
    with app.app_context():
        for n in range(55):
            audit.record_now(
                "submission.viewed", object_type="submission", object_id=n + 1, actor=audit.SYSTEM
            )
    login_as(Role.ADMIN)
    first = page(client.get("/admin/audit?action=submission.viewed"))
    rows = first.select("tbody tr")
    assert len(rows) == 50 and "Story 55" in rows[0].get_text()
    assert "The system" in rows[0].get_text()
    older = page(client.get(first.find("a", rel="next")["href"]))
    assert [r.select("td")[2].get_text() for r in older.select("tbody tr")][-1].strip() == "Story 1"


def test_bad_search_input_is_explained_once_not_a_crash(client, login_as):
    from tests.helpers import error_summary, field_error

    login_as(Role.ADMIN)
    for typed in ("abc", "0", "99999999999999999999"):
        response = client.get(f"/admin/audit?object_id={typed}&on_or_after=yesterday")
        assert response.status_code == 200
        assert field_error(response, "object_id") == "Enter a record number, like 12", typed
        assert error_summary(response).count("Enter a record number, like 12") == 1


def test_equality_answers_ask_for_a_fresh_code_after_15_minutes(app, client, login_as):
    from datetime import timedelta

    from freezegun import freeze_time

    from tests.helpers import field_error, submit_form, totp_code

    with app.app_context():
        story_id = factories.submission(equality=True).id
    with freeze_time() as clock:
        login_as(Role.ADMIN)
        assert client.get(f"/admin/stories/{story_id}/equality").status_code == 200
        clock.tick(timedelta(minutes=16))
        url = f"/admin/stories/{story_id}/equality"
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in/confirm?next=")
        confirm = response.headers["Location"]
        wrong = submit_form(client, confirm, {"code": "000000"})
        assert field_error(wrong, "code")
        right = submit_form(client, confirm, {"code": totp_code()})
        assert right.status_code == 302 and right.headers["Location"] == url
        assert client.get(url).status_code == 200


def test_extreme_search_values_are_not_a_crash(app, client, login_as):
    with app.app_context():
        for n in range(55):
            audit.record_now(
                "submission.viewed", object_type="submission", object_id=n + 1, actor=audit.SYSTEM
            )
    login_as(Role.ADMIN)
    for query in (
        "on_or_before=9999-12-31",
        "on_or_after=0001-01-01",
        "object_id=99999999999999999999",
        "endpoint=x&_anchor=x&_external=1",
    ):
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 200, query
    links = page(client.get("/admin/audit?_external=1&_anchor=evil")).select("a[rel=next]")
    assert links and "evil" not in links[0]["href"] and links[0]["href"].startswith("/admin/")
