"""Digest pages: a member reads their group's digest (and only theirs), it is marked as
read, the secretariat issues one and sets the cadence, a member chooses site only."""

from sqlalchemy import select

from engage.extensions import db
from engage.models import OutboxMessage, Role, User
from tests import factories
from tests.helpers import page, submit_form

QUOTE = "The <script>alert(1)</script> landlord & agent ignored us."


def _join(app, user_id: int, body_id: int) -> None:
    with app.app_context():
        factories.member_account(user_id, body_id)


def test_a_member_reads_their_groups_digest_with_words_escaped(app, client, login_as):
    with app.app_context():
        group = factories.working_group("Housing working group")
        factories.routing_rule(group, ["housing"])
        story = factories.approved_story(QUOTE, themes=["housing"], summary="Ignored & <b>bold</b>")
        other = factories.working_group("Other group")
        other_digest = factories.digest(other).id
        group_id, story_id = group.id, story.id
    member_id = login_as(Role.WORKING_GROUP_MEMBER)
    _join(app, member_id, group_id)
    # The secretariat issues it.
    with app.app_context():
        from engage.services.common.audit import SYSTEM
        from engage.services.digests import issuing

        digest_id = issuing.issue_now(group_id, actor=SYSTEM).id
    home = page(client.get("/staff/"))
    assert "New" in home.get_text() and f"/digests/{digest_id}" in str(home)
    response = client.get(f"/digests/{digest_id}")
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.data
    assert "The <script>alert(1)</script> landlord & agent ignored us." in page(response).get_text()
    assert "Ignored & <b>bold</b>" in page(response).get_text()
    assert f"Story {story_id}" in page(response).get_text()
    assert "New" not in page(client.get("/digests/")).find(id="yours-heading").parent.get_text()
    # Another group's digest is not there for them.
    assert client.get(f"/digests/{other_digest}").status_code == 404


def test_a_member_can_take_digests_in_the_site_only(app, client, login_as):
    member_id = login_as(Role.WORKING_GROUP_MEMBER)
    response = submit_form(
        client, "/digests/email-choice", {"by_email": "no", "next": "/staff/"}, form_url="/digests/"
    )
    assert response.headers["Location"] == "/staff/"
    with app.app_context():
        assert db.session.get(User, member_id).digests_by_email is False


def test_the_secretariat_issues_a_digest_and_sets_the_cadence(app, client, login_as):
    with app.app_context():
        group = factories.working_group("Housing working group")
        group_id = group.id
    login_as(Role.SECRETARIAT)
    response = submit_form(
        client, "/digests/issue", {"body_id": str(group_id)}, form_url="/digests/"
    )
    assert response.status_code == 302 and "/digests/" in response.headers["Location"]
    shown = page(client.get(response.headers["Location"]))
    assert "Nothing new this time" in shown.get_text()
    response = submit_form(
        client, f"/digests/groups/{group_id}/settings", {"cadence": "weekly", "send_empty": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        from engage.models import Body, DigestCadence

        body = db.session.get(Body, group_id)
        assert body.digest_cadence is DigestCadence.WEEKLY and body.digest_send_empty
        assert db.session.scalars(select(OutboxMessage)).all() == []
