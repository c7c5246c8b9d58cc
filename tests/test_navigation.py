"""The menu follows the access rules: each role sees a link to every page it may open
from the menu, and to none it may not."""

import pytest

from engage.models import Role
from engage.navigation import LINKS
from tests.helpers import page
from tests.test_access import STAFF_MATRIX, _link_group_contact


def _menu(client) -> list[str]:
    soup = page(client.get("/account/security"))
    return [a["href"] for a in soup.select(".site-nav a")]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_menu_shows_exactly_the_pages_the_role_may_open(app, login_as, client, ids, role):
    user_id = login_as(role)
    if role is Role.GROUP_CONTACT:
        _link_group_contact(app, user_id, ids["group_id"])
    shown = _menu(client)
    expected = [
        STAFF_MATRIX[endpoint][0] for endpoint, _ in LINKS if role in STAFF_MATRIX[endpoint][1]
    ]
    home = "/group/" if role is Role.GROUP_CONTACT else "/staff/"
    assert shown == [home, *expected]
    for href in shown:
        assert client.get(href).status_code == 200, href


def test_nobody_signed_in_sees_no_staff_menu(client):
    assert page(client.get("/")).select(".site-nav") == []
