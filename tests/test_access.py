"""Every route has an explicit access decision, and each role gets exactly what it may."""

import pytest

from engage.models import Role
from engage.permissions import FRAMEWORK_ENDPOINTS, SECRETARIAT_ROLES

PUBLIC_ENDPOINTS = {
    "public.index",
    "public.accessibility",
    "auth.sign_in",
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
    "stories.withdraw",
    "stories.forget",
}

# Each staff URL with the roles allowed on it. A new route must be added here, or
# test_every_route_is_in_the_matrix fails: nobody can add a page without deciding who sees it.
SECRETARIAT_ONLY = frozenset(SECRETARIAT_ROLES)
ANY_ACCOUNT = frozenset(Role)
STAFF_MATRIX = {
    "staff.home": ("/staff/", ANY_ACCOUNT),
    "admin.register": ("/admin/memberships", SECRETARIAT_ONLY),
    "admin.add_membership": ("/admin/memberships/new", SECRETARIAT_ONLY),
    "admin.edit_membership": ("/admin/memberships/{membership_id}/edit", SECRETARIAT_ONLY),
    "admin.end_membership": ("/admin/memberships/{membership_id}/end", SECRETARIAT_ONLY),
    "auth.sign_out": ("/sign-out", ANY_ACCOUNT),
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


def _url(template: str, membership_id: int) -> str:
    return template.format(membership_id=membership_id)


@pytest.fixture
def membership_id(app):
    from tests import factories

    with app.app_context():
        return factories.membership().id


@pytest.mark.parametrize("endpoint", sorted(STAFF_MATRIX))
def test_anonymous_visitors_are_sent_to_sign_in(client, membership_id, endpoint):
    template, _ = STAFF_MATRIX[endpoint]
    method = "post" if endpoint == "auth.sign_out" else "get"
    if method == "post":
        # CSRF runs first for POSTs; without a session there is no token to give.
        assert client.post(_url(template, membership_id)).status_code == 400
        return
    response = client.get(_url(template, membership_id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("endpoint", sorted(e for e in STAFF_MATRIX if e != "auth.sign_out"))
def test_role_matrix(login_as, client, membership_id, role, endpoint):
    login_as(role)
    template, allowed = STAFF_MATRIX[endpoint]
    status = client.get(_url(template, membership_id)).status_code
    assert status == (200 if role in allowed else 403), f"{role.value} on {endpoint}"


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
