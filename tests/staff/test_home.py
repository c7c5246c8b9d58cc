"""The staff home page: what each role can do from it."""

from engage.models import Role
from tests.helpers import page


def test_a_working_group_member_is_told_what_will_appear(client, login_as):
    login_as(Role.WORKING_GROUP_MEMBER)
    soup = page(client.get("/staff/"))
    assert soup.find("h2", string="Your working group's digests") is not None
    assert "No digests yet" in soup.get_text()


def test_an_officer_sees_their_tools_and_no_digest_promise(client, login_as):
    login_as(Role.ENGAGEMENT_OFFICER)
    soup = page(client.get("/staff/"))
    links = {a.get_text() for a in soup.select("main a")}
    assert {"Moderation", "Community groups", "Enter a story"} <= links
    assert soup.find("h2", string="Your working group's digests") is None
