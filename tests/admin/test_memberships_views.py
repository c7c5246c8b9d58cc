"""The membership register pages: wiring, wording and errors beside the fields."""

from datetime import date

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import Membership, MembershipRole, Role
from tests import factories
from tests.helpers import error_summary, field_error, heading, page, submit_form


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT)


def membership_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Membership))


def test_register_shows_gaps_at_a_glance(app, client, secretariat):
    with app.app_context():
        factories.membership(role=MembershipRole.CHAIR, name="Dr Amara Okafor")
    response = client.get("/admin/memberships")
    soup = page(response)
    assert heading(response) == "Race Equity Taskforce"
    warning = soup.select_one(".panel--warning").get_text(" ", strip=True)
    assert "12 independent member places vacant (0 of 12)" in warning
    assert "Birmingham has no public service representative" in warning
    assert "Dr Amara Okafor" in soup.select_one(".summary-list").get_text()


def test_full_taskforce_shows_a_success_panel(app, client, secretariat):
    with app.app_context():
        factories.full_taskforce()
    soup = page(client.get("/admin/memberships"))
    assert soup.select_one(".panel--success").get_text(strip=True) == (
        "The membership matches the terms of reference."
    )


def test_other_bodies_have_no_composition_check(client, secretariat):
    soup = page(client.get("/admin/memberships?body=members-advisory-group"))
    assert soup.find("h1").get_text() == "Members Advisory Group"
    assert soup.select_one(".panel") is None


def test_unknown_body_is_404(client, secretariat):
    assert client.get("/admin/memberships?body=nope").status_code == 404
    assert client.get("/admin/memberships/999999/edit").status_code == 404


def test_add_a_membership(app, client, secretariat):
    response = submit_form(
        client,
        "/admin/memberships/new?body=taskforce",
        {
            "new_person_name": "Amina Yusuf",
            "role": "independent_member",
            "term_start": "2026-04-01",
            "term_end": "2028-03-31",
            "volunteers_agreement_signed_on": "2026-03-20",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/memberships?body=taskforce"
    follow = client.get(response.headers["Location"])
    assert "Added Amina Yusuf as independent member." in page(follow).get_text()
    assert membership_count(app) == 1


def test_errors_are_shown_beside_fields_and_input_is_kept(app, client, secretariat):
    response = submit_form(
        client,
        "/admin/memberships/new",
        {
            "new_person_name": "Amina Yusuf",
            "role": "public_service_representative",
            "term_start": "2026-13-45",
            "term_end": "",
        },
    )
    assert response.status_code == 200
    assert field_error(response, "term_start") == (
        "Enter the term start as a real date, for example 1 April 2026"
    )
    assert page(response).find("input", id="new_person_name")["value"] == "Amina Yusuf"
    assert page(response).find("input", id="role-3").has_attr("checked")
    assert page(response).title.get_text().startswith("Error: ")
    assert membership_count(app) == 0


def test_service_refusals_appear_beside_the_field(app, client, secretariat):
    response = submit_form(
        client,
        "/admin/memberships/new",
        {
            "new_person_name": "Amina Yusuf",
            "role": "public_service_representative",
            "term_start": "2026-04-01",
        },
    )
    assert field_error(response, "local_authority_id") == (
        "Select the local authority they represent"
    )
    assert error_summary(response) == ["Select the local authority they represent"]
    assert page(response).select_one(".error-summary a")["href"] == "#local_authority_id"


def test_missing_role_links_to_the_first_radio(client, secretariat):
    response = submit_form(
        client,
        "/admin/memberships/new",
        {"new_person_name": "X Person", "term_start": "2026-04-01"},
    )
    assert "Select a role" in error_summary(response)
    assert page(response).find("a", string="Select a role")["href"] == "#role-0"
    assert page(response).find("input", id="role-0") is not None


def test_extra_fields_cannot_set_anything_else(app, client, secretariat):
    submit_form(
        client,
        "/admin/memberships/new",
        {
            "new_person_name": "Amina Yusuf",
            "role": "independent_member",
            "term_start": "2026-04-01",
            "ended_on": "2026-05-01",
            "version": "99",
            "id": "77",
        },
    )
    with app.app_context():
        membership = db.session.scalar(select(Membership))
        assert membership.ended_on is None and membership.id != 77


def test_markup_in_names_is_shown_as_text(app, client, secretariat):
    submit_form(
        client,
        "/admin/memberships/new",
        {
            "new_person_name": "<script>alert(1)</script>",
            "role": "independent_member",
            "term_start": "2026-04-01",
        },
    )
    body = client.get("/admin/memberships").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_edit_a_membership(app, client, secretariat):
    with app.app_context():
        membership_id = factories.membership(name="Kwame Mensah").id
    url = f"/admin/memberships/{membership_id}/edit"
    form = page(client.get(url))
    assert form.find("input", id="role-2").has_attr("checked")
    version = form.find("input", attrs={"name": "version"})["value"]
    response = submit_form(
        client,
        url,
        {
            "role": "independent_member",
            "term_start": "2026-01-01",
            "term_end": "2027-12-31",
            "version": version,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Membership, membership_id).term_end == date(2027, 12, 31)


def test_edit_with_a_stale_version_is_refused_and_said(app, client, secretariat):
    with app.app_context():
        membership_id = factories.membership(name="Kwame Mensah").id
    url = f"/admin/memberships/{membership_id}/edit"
    response = submit_form(
        client,
        url,
        {"role": "independent_member", "term_start": "2026-01-01", "version": "0"},
    )
    assert response.headers["Location"] == url
    assert "Someone else changed this membership" in page(client.get(url)).get_text()


def test_end_a_membership(app, client, secretariat):
    with app.app_context():
        membership = factories.membership(name="Kwame Mensah", start=date(2026, 1, 1))
        membership_id, version = membership.id, membership.version
    url = f"/admin/memberships/{membership_id}/end"
    assert heading(client.get(url)) == "End Kwame Mensah's membership"
    response = submit_form(
        client, url, {"ended_on": "2026-02-01", "reason": "", "version": version}
    )
    assert field_error(response, "reason") == "Enter why the membership is ending"
    response = submit_form(
        client, url, {"ended_on": "2026-02-01", "reason": "Resigned", "version": version}
    )
    assert response.status_code == 302
    with app.app_context():
        ended = db.session.get(Membership, membership_id)
        assert ended.ended_on == date(2026, 2, 1) and ended.end_reason == "Resigned"


def test_dates_typed_in_words_are_understood(app, client, secretariat):
    """Where a browser has no date picker, '1 April 2026' works as well as 2026-04-01."""
    response = submit_form(
        client,
        "/admin/memberships/new",
        {
            "new_person_name": "Amina Yusuf",
            "role": "independent_member",
            "term_start": "1 April 2026",
            "term_end": "31/03/2028",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        membership = db.session.scalar(select(Membership))
        assert (membership.term_start, membership.term_end) == (date(2026, 4, 1), date(2028, 3, 31))


def test_tampered_version_is_a_conflict_not_a_crash(app, client, secretariat):
    with app.app_context():
        membership_id = factories.membership(name="Kwame Mensah").id
    for url, data in [
        (
            f"/admin/memberships/{membership_id}/edit",
            {"role": "independent_member", "term_start": "2026-01-01", "version": "abc"},
        ),
        (
            f"/admin/memberships/{membership_id}/end",
            {"ended_on": "2026-02-01", "reason": "Resigned", "version": "abc"},
        ),
    ]:
        response = submit_form(client, url, data)
        assert response.status_code == 302
        assert response.headers["Location"] == url


def test_a_substitute_whose_representative_left_can_still_be_edited(app, client, secretariat):
    with app.app_context():
        rep = factories.membership(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            authority_name="Dudley",
            start=date(2025, 1, 1),
        )
        sub = factories.membership(
            role=MembershipRole.SUBSTITUTE,
            substitute_for_id=rep.id,
            start=date(2025, 1, 1),
            signed=None,
        )
        from engage.services.register import memberships

        memberships.end_membership(
            rep.id,
            ended_on=date(2025, 6, 30),
            reason="Left",
            version=rep.version,
            actor=factories.user(),
        )
        sub_id, sub_version, rep_id = sub.id, sub.version, rep.id
    url = f"/admin/memberships/{sub_id}/edit"
    selected = page(client.get(url)).select_one("#substitute_for_id option[selected]")
    assert selected["value"] == str(rep_id)
    response = submit_form(
        client,
        url,
        {
            "role": "substitute",
            "substitute_for_id": str(rep_id),
            "term_start": "2025-01-01",
            "volunteers_agreement_signed_on": "2025-01-05",
            "version": sub_version,
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path",
    ["/admin/memberships/new", "/admin/memberships/{id}/edit", "/admin/memberships/{id}/end"],
)
def test_posts_without_a_csrf_token_change_nothing(app, client, secretariat, path):
    with app.app_context():
        membership = factories.membership(name="Kwame Mensah")
        membership_id, version = membership.id, membership.version
    response = client.post(
        path.format(id=membership_id),
        data={
            "new_person_name": "Intruder",
            "role": "chair",
            "term_start": "2026-01-01",
            "ended_on": "2026-02-01",
            "reason": "x",
            "version": version,
        },
    )
    assert response.status_code == 400
    assert membership_count(app) == 1
    with app.app_context():
        assert db.session.get(Membership, membership_id).ended_on is None


@pytest.mark.parametrize(
    "role", [Role.ENGAGEMENT_OFFICER, Role.WORKING_GROUP_MEMBER, Role.GROUP_CONTACT]
)
def test_forbidden_roles_cannot_post_either(app, login_as, client, role):
    with app.app_context():
        membership_id = factories.membership(name="Kwame Mensah").id
    login_as(role)
    url = f"/admin/memberships/{membership_id}/end"
    response = submit_form(
        client,
        url,
        {"ended_on": "2026-02-01", "reason": "x", "version": 1},
        form_url="/accessibility",
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Membership, membership_id).ended_on is None


def test_every_problem_shows_at_once_not_one_per_send(app, client, secretariat):
    response = submit_form(
        client,
        "/admin/memberships/new",
        {
            # No person, no role, an impossible start date, an end before the agreement
            # date and a substitute named for someone who is not a substitute.
            "term_start": "2026-02-30",
            "volunteers_agreement_signed_on": "2099-01-01",
        },
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "Select a person, or enter the name of someone new",
        "Select a role",
        "Enter the term start as a real date, for example 1 April 2026",
        "The date signed must be today or in the past",
    ]
    assert membership_count(app) == 0


def test_the_registers_rules_show_beside_the_forms_own_checks(app, client, secretariat):
    response = submit_form(
        client,
        "/admin/memberships/new",
        {
            "new_person_name": "Amina Yusuf",
            "role": "public_service_representative",
            "new_person_email": "not an email",
        },
    )
    assert field_error(response, "new_person_email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    assert field_error(response, "term_start") == "Enter the date the term starts"
    assert field_error(response, "local_authority_id") == (
        "Select the local authority they represent"
    )
