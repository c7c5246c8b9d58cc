"""Pack pages: the secretariat builds and publishes versions; the page shows each chart
with its numbers; the PDF is an attachment; members of other bodies get nothing."""

from datetime import timedelta

from sqlalchemy import select

from engage import clock
from engage.extensions import db
from engage.models import MeetingPack, Role
from tests import factories
from tests.helpers import page, submit_form


def _meeting_with_a_story(app) -> int:
    with app.app_context():
        group = factories.working_group("Housing working group")
        factories.routing_rule(group, ["housing"])
        factories.approved_story("Mould <again> & again.", themes=["housing"])
        return factories.meeting(on=clock.today() + timedelta(days=5)).id


def test_the_secretariat_builds_publishes_and_reads_a_pack(app, client, login_as):
    meeting_id = _meeting_with_a_story(app)
    login_as(Role.SECRETARIAT)
    versions = f"/packs/meetings/{meeting_id}"
    response = submit_form(client, f"{versions}/build", {}, form_url=versions)
    assert response.status_code == 302
    with app.app_context():
        pack_id = db.session.scalar(select(MeetingPack.id))
    shown = client.get(f"/packs/{pack_id}")
    html = shown.get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html
    assert "The figures in the chart" in html
    assert "Mould <again> & again." in page(shown).get_text()
    assert "Mould <again>" not in html  # escaped in the markup
    pdf = client.get(f"/packs/{pack_id}/pack.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    response = submit_form(client, f"/packs/{pack_id}/publish", {}, form_url=versions)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(MeetingPack, pack_id).published_at is not None


def test_someone_not_on_the_body_gets_a_not_found(app, client, login_as):
    meeting_id = _meeting_with_a_story(app)
    with app.app_context():
        pack = factories.meeting_pack(meeting_id, published=True)
        pack_id = pack.id
    login_as(Role.WORKING_GROUP_MEMBER)
    assert client.get(f"/packs/{pack_id}").status_code == 404
    assert client.get(f"/packs/{pack_id}/pack.pdf").status_code == 404
    assert "No packs have been published" in page(client.get("/packs/")).get_text()


def test_pack_readers_open_the_papers_of_its_agenda_only(app, client, login_as):
    from engage.models import Membership, MembershipRole, Person, User

    meeting_id = _meeting_with_a_story(app)
    with app.app_context():
        item = factories.agenda_item(meeting_id, "Terms of reference")
        paper_id = factories.paper(item.id).id
        other_item = factories.agenda_item(factories.meeting(on=clock.today()).id)
        other_paper = factories.paper(other_item.id).id
        from engage.services.common.audit import SYSTEM
        from engage.services.packs import builder

        pack = builder.build(meeting_id, actor=SYSTEM)
        builder.publish(pack.id, actor=SYSTEM)
        pack_id = pack.id
    member_id = login_as(Role.WORKING_GROUP_MEMBER)
    with app.app_context():
        member = db.session.get(User, member_id)
        db.session.add(
            Membership(
                person=Person(full_name="Member", email=member.email),
                body=db.session.get(MeetingPack, pack_id).meeting.body,
                role=MembershipRole.INDEPENDENT_MEMBER,
                term_start=clock.today() - timedelta(days=30),
            )
        )
        db.session.commit()
    shown = page(client.get(f"/packs/{pack_id}"))
    link = shown.find("a", string="Terms of reference")
    assert link["href"] == f"/packs/{pack_id}/papers/{paper_id}"
    response = client.get(link["href"])
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/packs/{pack_id}/papers/{other_paper}").status_code == 404
