"""The public registration form for community groups: errors beside the fields, answers
kept, and a valid registration stored for an officer to check."""

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import CommunityGroup, GroupStatus, OutboxMessage, Theme
from tests import factories
from tests.helpers import error_summary, field_error, heading, page, submit_form

URL = "/groups/register"


def area_id(app, name: str) -> str:
    with app.app_context():
        return str(factories.authority(name).id)


def theme_id(app, slug: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Theme.id).where(Theme.slug == slug)))


def valid_form(app, **overrides) -> dict:
    values = {
        "name": "Ladywood Somali Mothers",
        "group_type": "community_group",
        "charity_number": "",
        "company_number": "",
        "area_ids": [area_id(app, "Birmingham")],
        "communities_served": "Somali families in Ladywood",
        "contact_name": "Hodan Ali",
        "contact_email": "hodan@ladywood.example",
        "contact_phone": "",
        "contact_consent": "y",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def group_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CommunityGroup))


def outbox_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_form_is_public_and_starts_empty(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert heading(response) == "Register your community group"
    soup = page(response)
    assert not soup.find("input", id="contact_consent").has_attr("checked")
    assert not any(box.has_attr("checked") for box in soup.select("input[type=checkbox]"))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the name of your group"),
        ({"group_type": None}, "group_type", "Select what kind of group it is"),
        ({"area_ids": None}, "area_ids", "Select at least one area your group works in"),
        (
            {"communities_served": ""},
            "communities_served",
            "Tell us which communities your group works with",
        ),
        ({"contact_name": ""}, "contact_name", "Enter the name of the person we should contact"),
        (
            {"contact_email": "hodan-at-ladywood"},
            "contact_email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"contact_phone": "not a phone"},
            "contact_phone",
            "Enter a UK phone number, like 0121 496 0000",
        ),
        (
            {"contact_phone": "+1 202 555 0100"},
            "contact_phone",
            "Enter a UK phone number, like 0121 496 0000",
        ),
        (
            {"charity_number": "12345"},
            "charity_number",
            "Enter a charity number like 1234567, SC012345 or NIC100002, or leave it empty",
        ),
        (
            {"charity_number": "XY123456"},
            "charity_number",
            "Enter a charity number like 1234567, SC012345 or NIC100002, or leave it empty",
        ),
        (
            {"company_number": "123456789"},
            "company_number",
            "Enter a company number of 8 characters, like 01234567 or SC123456, or leave it empty",
        ),
        (
            {"company_number": "S1234567"},
            "company_number",
            "Enter a company number of 8 characters, like 01234567 or SC123456, or leave it empty",
        ),
        (
            {"contact_consent": None},
            "contact_consent",
            "Tick the box to agree that we may contact this person about the group",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else None,
)
def test_a_problem_is_shown_beside_its_field(app, client, overrides, field, message):
    response = submit_form(client, URL, valid_form(app, **overrides))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert error_summary(response) == [message]
    assert page(response).title.get_text().startswith("Error: ")
    assert group_count(app) == 0
    assert outbox_count(app) == 0


def test_the_summary_links_to_the_first_option_of_a_choice(app, client):
    response = submit_form(client, URL, valid_form(app, group_type=None, area_ids=None))
    soup = page(response)
    assert soup.find("a", string="Select what kind of group it is")["href"] == "#group_type-0"
    assert soup.find("a", string="Select at least one area your group works in")["href"] == (
        "#area_ids-0"
    )
    assert soup.find("input", id="group_type-0") is not None
    assert soup.find("input", id="area_ids-0") is not None


def test_an_empty_form_reports_every_required_answer(client):
    response = submit_form(client, URL, {})
    assert response.status_code == 200
    assert set(error_summary(response)) == {
        "Enter the name of your group",
        "Select what kind of group it is",
        "Select at least one area your group works in",
        "Tell us which communities your group works with",
        "Enter the name of the person we should contact",
        "Enter an email address in the correct format, like name@example.com",
        "Tick the box to agree that we may contact this person about the group",
    }


def test_answers_are_kept_when_there_is_a_problem(app, client):
    sandwell, housing = area_id(app, "Sandwell"), theme_id(app, "housing")
    response = submit_form(
        client,
        URL,
        valid_form(
            app,
            group_type="faith_group",
            area_ids=[sandwell],
            theme_ids=[housing],
            charity_number="1234567",
            company_number="SC123456",
            contact_phone="0121 496 0000",
            contact_email="not-an-email",
        ),
    )
    assert field_error(response, "contact_email") is not None
    soup = page(response)
    assert soup.find("input", id="name")["value"] == "Ladywood Somali Mothers"
    assert soup.find("input", attrs={"name": "group_type", "value": "faith_group"}).has_attr(
        "checked"
    )
    assert soup.find("input", attrs={"name": "area_ids", "value": sandwell}).has_attr("checked")
    birmingham = area_id(app, "Birmingham")
    assert not soup.find("input", attrs={"name": "area_ids", "value": birmingham}).has_attr(
        "checked"
    )
    assert soup.find("input", attrs={"name": "theme_ids", "value": housing}).has_attr("checked")
    assert soup.find("input", id="charity_number")["value"] == "1234567"
    assert soup.find("input", id="company_number")["value"] == "SC123456"
    assert soup.find("textarea", id="communities_served").get_text(strip=True) == (
        "Somali families in Ladywood"
    )
    assert soup.find("input", id="contact_name")["value"] == "Hodan Ali"
    assert soup.find("input", id="contact_email")["value"] == "not-an-email"
    assert soup.find("input", id="contact_phone")["value"] == "0121 496 0000"
    assert soup.find("input", id="contact_consent").has_attr("checked")


def test_a_valid_registration_is_stored_pending_and_acknowledged(app, client):
    birmingham, dudley = area_id(app, "Birmingham"), area_id(app, "Dudley")
    response = submit_form(
        client,
        URL,
        valid_form(
            app,
            area_ids=[birmingham, dudley],
            theme_ids=[theme_id(app, "housing"), theme_id(app, "health_wellbeing")],
            contact_phone="0121 496 0000",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/groups/registered"
    assert heading(client.get("/groups/registered")) == "Thank you for registering"
    with app.app_context():
        [group] = db.session.scalars(select(CommunityGroup)).all()
        assert group.name == "Ladywood Somali Mothers"
        assert group.status is GroupStatus.PENDING
        assert group.contact_user_id is None
        assert group.reviewed_by_id is None
        assert [a.name for a in group.areas] == ["Birmingham", "Dudley"]
        assert {t.slug for t in group.themes} == {"housing", "health_wellbeing"}
        assert group.contact_email == "hodan@ladywood.example"
        assert group.contact_phone == "+441214960000"
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.kind == "group_registration_received"
        assert message.to_address == "hodan@ladywood.example"
        assert "Ladywood Somali Mothers" in message.body


@pytest.mark.parametrize("number", ["1234567", "123456-1", "SC012345", "NIC100002"])
def test_valid_charity_numbers_are_accepted(app, client, number):
    response = submit_form(client, URL, valid_form(app, charity_number=number))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CommunityGroup.charity_number)) == number


@pytest.mark.parametrize(
    ("number", "stored"),
    [("01234567", "01234567"), ("1234567", "01234567"), ("SC123456", "SC123456")],
)
def test_valid_company_numbers_are_accepted_and_normalised(app, client, number, stored):
    response = submit_form(client, URL, valid_form(app, company_number=number))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CommunityGroup.company_number)) == stored


def test_the_name_is_stored_as_typed_even_with_angle_brackets(app, client):
    response = submit_form(
        client, URL, valid_form(app, name="<b>Ladywood</b> <i>Somali</i> Mothers")
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CommunityGroup.name)) == (
            "<b>Ladywood</b> <i>Somali</i> Mothers"
        )


def test_extra_fields_cannot_set_the_status_or_the_contact_account(app, client):
    response = submit_form(
        client,
        URL,
        valid_form(app, status="verified", contact_user_id="1", reviewed_by_id="1", id="77"),
    )
    assert response.status_code == 302
    with app.app_context():
        group = db.session.scalar(select(CommunityGroup))
        assert group.status is GroupStatus.PENDING
        assert group.contact_user_id is None
        assert group.reviewed_by_id is None


def test_an_area_that_is_not_on_the_list_is_refused(app, client):
    response = submit_form(client, URL, valid_form(app, area_ids=["999999"]))
    assert response.status_code == 200
    assert field_error(response, "area_ids") is not None
    assert group_count(app) == 0


def test_a_registration_without_a_csrf_token_is_refused(app, client):
    response = client.post(URL, data=valid_form(app))
    assert response.status_code == 400
    assert group_count(app) == 0


def test_every_problem_shows_at_once(app, client):
    response = submit_form(
        client,
        URL,
        valid_form(
            app,
            name="",
            group_type=None,
            contact_email="x" * 250 + "@example.org",
            contact_phone="12",
            area_ids=None,
        ),
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "Enter the name of your group",
        "Select what kind of group it is",
        "Select at least one area your group works in",
        "Use 254 characters or fewer. You have 8 characters too many.",
        "Enter a UK phone number, like 0121 496 0000",
    ]
    assert group_count(app) == 0


@pytest.mark.parametrize("tampered", ["²", "99999999999999999999", "-1"])
def test_a_tampered_area_is_refused_not_a_500(app, client, tampered):
    response = submit_form(client, URL, valid_form(app, area_ids=[tampered]))
    assert response.status_code == 200
    assert field_error(response, "area_ids") == "Select one of the options shown"
    assert group_count(app) == 0
