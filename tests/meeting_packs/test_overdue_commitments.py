"""The pack page shows the overdue commitments section, escaped."""

from datetime import timedelta

from sqlalchemy import select

from engage import clock
from engage.extensions import db
from engage.models import CommitmentKind, MeetingPack, Role
from engage.services.accountability import commitments
from engage.services.accountability.commitments import CommitmentInput
from tests import factories
from tests.helpers import page, submit_form

TITLE = "End <i>zero-hours</i> contracts & report"


def test_the_pack_page_flags_overdue_commitments(app, client, login_as):
    with app.app_context():
        meeting_id = factories.meeting(on=clock.today() + timedelta(days=5)).id
        commitments.add(
            CommitmentInput(
                kind=CommitmentKind.STRATEGIC,
                title=TITLE,
                owner="WMCA Director of Employment and Skills",
                due_on=clock.today() - timedelta(days=2),
            ),
            actor=factories.user(role=Role.ADMIN),
        )
    login_as(Role.SECRETARIAT)
    versions = f"/packs/meetings/{meeting_id}"
    assert submit_form(client, f"{versions}/build", {}, form_url=versions).status_code == 302
    with app.app_context():
        pack_id = db.session.scalar(select(MeetingPack.id))
    response = client.get(f"/packs/{pack_id}")
    html = response.get_data(as_text=True)
    soup = page(response)
    heading = soup.find("h2", string="Overdue commitments")
    assert heading is not None
    table = heading.find_parent("section").find("table")
    cells = [
        c.get_text(" ", strip=True) for c in table.select("tbody tr")[0].find_all(["th", "td"])
    ]
    assert cells[0] == TITLE and cells[2] == "WMCA Director of Employment and Skills"
    assert cells[4] == "7"
    assert "<i>zero-hours</i>" not in html  # escaped in the markup
