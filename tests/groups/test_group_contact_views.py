"""A verified group's contact: the single-use set-password link, their group's own page
(and nobody else's), and stories sent for residents with the resident's consent."""

import re
from urllib.parse import urlsplit

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engage.extensions import db
from engage.links import set_password_url
from engage.models import (
    AgeGroup,
    Channel,
    CommunityGroup,
    ConsentEvent,
    GroupStatus,
    GroupType,
    OutboxMessage,
    Purpose,
    Role,
    Submission,
    User,
)
from engage.services.accounts import passwords
from engage.services.common import outbox
from engage.services.community import groups
from engage.services.stories import intake, receipts
from tests import factories
from tests.helpers import error_summary, field_error, heading, page, submit_form

NEW_PASSWORD = "plum orchard lantern river"
STORY = "The housing officer ignored my mother because she does not speak English."


# Helpers


def make_group(app, *, name: str, contact_email: str, status=GroupStatus.PENDING, contact_id=None):
    with app.app_context():
        group = CommunityGroup(
            name=name,
            group_type=GroupType.COMMUNITY_GROUP,
            contact_name=f"Contact of {name}",
            contact_email=contact_email,
            communities_served="Everyone nearby",
            status=status,
            contact_user_id=contact_id,
        )
        db.session.add(group)
        db.session.commit()
        return group.id


@pytest.fixture
def contact(app, login_as):
    """A group contact, signed in, whose group is verified. Returns (user id, group id)."""
    user_id = login_as(Role.GROUP_CONTACT, email="hodan@ladywood.example")
    group_id = make_group(
        app,
        name="Ladywood Somali Mothers",
        contact_email="hodan@ladywood.example",
        status=GroupStatus.VERIFIED,
        contact_id=user_id,
    )
    return user_id, group_id


def verify_through_services(app, *, email: str = "amina@handsworth.example") -> tuple[int, str]:
    """Register and verify a group as an officer would; return the contact's id and the
    path of the emailed set-password link."""
    with app.test_request_context():
        officer = factories.user(role=Role.ENGAGEMENT_OFFICER)
        group = groups.register(
            groups.GroupInput(
                name="Handsworth Elders",
                group_type="faith_group",
                contact_name="Amina Yusuf",
                contact_email=email,
                contact_consent=True,
                area_ids=[factories.authority("Birmingham").id],
                communities_served="Older Punjabi-speaking residents",
            )
        )
        group = groups.verify(group.id, officer=officer, set_password_url=set_password_url)
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "group_verified")
        )
        email = outbox.as_email(message).get_content()
        link = re.search(r"https?://\S+/account/set-password/\S+", email).group(0)
        contact_id = group.contact_user_id
        db.session.remove()
    return contact_id, urlsplit(link).path


def story_for(app, group_id: int, story: str = STORY) -> int:
    with app.test_request_context():
        submission = intake.submit_story(
            intake.StoryInput(
                story=story, age_group=AgeGroup.ADULT, consents={Purpose.STORE: True}
            ),
            receipt_code=receipts.new_code(),
            channel=Channel.GROUP,
            language="en",
            notice_version=1,
            group_id=group_id,
        )
        submission_id = submission.id
        db.session.remove()
    return submission_id


def story_form_hidden_fields(client, url: str) -> dict:
    """The story form's hidden fields: its CSRF token and the signed receipt token."""
    receipt_token = page(client.get(url)).find("input", attrs={"name": "receipt_token"})
    assert receipt_token is not None, f"no story form on {url}"
    form = receipt_token.find_parent("form")
    return {
        field["name"]: field.get("value", "")
        for field in form.find_all("input", attrs={"type": "hidden"})
    }


def send_story(client, url: str, data: dict):
    """GET the form for its hidden fields, then POST the answers as a browser would."""
    return client.post(url, data={**story_form_hidden_fields(client, url), **data})


def resident_story(**overrides) -> dict:
    values = {
        "age": "18_plus",
        "story": STORY,
        "consent_store": "y",
        "attested": "y",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def submission_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


def only_submission(app) -> dict:
    with app.app_context():
        [submission] = db.session.scalars(select(Submission)).all()
        events = db.session.scalars(
            select(ConsentEvent).where(ConsentEvent.submission_id == submission.id)
        ).all()
        return {
            "id": submission.id,
            "channel": submission.channel,
            "group_id": submission.group_id,
            "entered_by_id": submission.entered_by_id,
            "age_group": submission.age_group,
            "story": submission.story,
            "consents": submission.consents(),
            "events": {e.purpose: (e.granted, e.recorded_by_id, e.channel) for e in events},
            "receipt_hash": submission.receipt_hash,
        }


# The set-password link


def test_the_emailed_link_sets_the_password_and_the_contact_can_sign_in(app, client):
    contact_id, link = verify_through_services(app)
    assert link.startswith("/account/set-password/")
    response = client.get(link)
    assert response.status_code == 200
    assert heading(response) == "Choose a password"
    response = submit_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    with app.app_context():
        user = db.session.get(User, contact_id)
        assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    response = submit_form(
        client, "/sign-in", {"email": "amina@handsworth.example", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/group/")
    assert home.status_code == 200
    assert heading(home) == "Handsworth Elders"


def test_the_link_works_only_once(app, client):
    contact_id, link = verify_through_services(app)
    first = submit_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert first.status_code == 302
    # The used link no longer shows a form, so take a CSRF token from another page.
    assert client.get(link).status_code == 400
    again = submit_form(
        client,
        link,
        {"password": "another long passphrase", "confirm": "another long passphrase"},
        form_url="/sign-in",
    )
    assert again.status_code == 400
    assert heading(again) == "This link has expired"
    with app.app_context():
        user = db.session.get(User, contact_id)
        assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
        assert not passwords.verify_password(user.password_hash, "another long passphrase")


def test_a_tampered_link_shows_the_expired_page(app, client):
    _, link = verify_through_services(app)
    token = link.rsplit("/", 1)[1]
    # Change one character of the signed claim (the user id and nonce), keep the signature.
    middle = len(token.split(".")[0]) // 2
    swapped = "B" if token[middle] != "B" else "C"
    tampered = f"/account/set-password/{token[:middle]}{swapped}{token[middle + 1 :]}"
    response = client.get(tampered)
    assert response.status_code == 400
    assert heading(response) == "This link has expired"
    assert page(response).find("input", attrs={"name": "password"}) is None
    assert client.get("/account/set-password/not-a-token").status_code == 400


def test_a_link_older_than_three_days_shows_the_expired_page(app, client):
    with freeze_time("2026-11-01 09:00:00"):
        _, link = verify_through_services(app)
    with freeze_time("2026-11-04 09:30:00"):
        response = client.get(link)
    assert response.status_code == 400
    assert heading(response) == "This link has expired"


def test_passwords_that_do_not_match_are_refused(app, client):
    contact_id, link = verify_through_services(app)
    with app.app_context():
        before = db.session.get(User, contact_id).password_hash
    response = submit_form(
        client, link, {"password": NEW_PASSWORD, "confirm": "plum orchard lantern rivet"}
    )
    assert response.status_code == 200
    assert field_error(response, "confirm") == "The passwords do not match"
    with app.app_context():
        assert db.session.get(User, contact_id).password_hash == before
    # The link still works for a second try.
    response = submit_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_a_weak_password_is_refused_beside_the_field(app, client):
    _, link = verify_through_services(app)
    response = submit_form(client, link, {"password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert field_error(response, "password") == "Password must be 12 characters or more"


# The group's own page


def test_the_contact_sees_only_their_own_groups_submissions(app, client, contact):
    _, group_id = contact
    other_group = make_group(
        app,
        name="Another Group",
        contact_email="other@group.example",
        status=GroupStatus.VERIFIED,
    )
    ours = [story_for(app, group_id), story_for(app, group_id, "Second story")]
    theirs = story_for(app, other_group, "Their story")
    response = client.get("/group/")
    assert response.status_code == 200
    assert heading(response) == "Ladywood Somali Mothers"
    rows = [row.get_text(" ", strip=True) for row in page(response).select("tbody tr")]
    assert len(rows) == 2
    text = page(response).get_text(" ", strip=True)
    for submission_id in ours:
        assert f"Story {submission_id}" in text
    assert f"Story {theirs}" not in text
    assert "Their story" not in text


def test_a_group_with_no_submissions_says_so(client, contact):
    assert "Your group has not sent any stories yet." in page(client.get("/group/")).get_text()


def test_a_contact_with_no_verified_group_is_refused(app, client, login_as):
    user_id = login_as(Role.GROUP_CONTACT)
    assert client.get("/group/").status_code == 403
    assert client.get("/group/stories/new").status_code == 403
    make_group(app, name="Still Pending", contact_email="p@group.example", contact_id=user_id)
    assert client.get("/group/").status_code == 403


def test_a_contact_of_a_rejected_group_is_refused(app, client, login_as):
    user_id = login_as(Role.GROUP_CONTACT)
    make_group(
        app,
        name="Rejected",
        contact_email="r@group.example",
        status=GroupStatus.REJECTED,
        contact_id=user_id,
    )
    assert client.get("/group/").status_code == 403


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_OFFICER, Role.ADMIN])
def test_officers_cannot_reach_the_group_pages(client, login_as, role):
    login_as(role)
    assert client.get("/group/").status_code == 403
    assert client.get("/group/stories/new").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/group/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


# Stories sent for residents


def test_the_story_form_asks_for_the_residents_agreement_unticked(client, contact):
    response = client.get("/group/stories/new")
    assert response.status_code == 200
    soup = page(response)
    assert soup.find("input", id="attested") is not None
    assert not soup.find("input", id="attested").has_attr("checked")
    # A group's stories always come through the group: no channel to choose.
    assert soup.find("input", attrs={"name": "channel"}) is None
    for purpose in Purpose:
        assert not soup.find("input", id=f"consent_{purpose.value}").has_attr("checked")


def test_a_story_without_the_attestation_is_refused_and_nothing_is_stored(app, client, contact):
    response = send_story(client, "/group/stories/new", resident_story(attested=None))
    assert response.status_code == 200
    assert field_error(response, "attested") == (
        "Confirm that the resident agreed to the choices ticked"
    )
    assert page(response).find("textarea", id="story").get_text(strip=True) == STORY
    assert submission_count(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsentEvent)) == 0


def test_a_story_is_stored_with_the_group_the_contact_and_the_consent_record(app, client, contact):
    contact_id, group_id = contact
    response = send_story(
        client,
        "/group/stories/new",
        resident_story(consent_share="y", consent_quote="y"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/group/stories/sent"
    stored = only_submission(app)
    assert stored["channel"] is Channel.GROUP
    assert stored["group_id"] == group_id
    assert stored["entered_by_id"] == contact_id
    assert stored["story"] == STORY
    assert stored["consents"] == {
        Purpose.STORE: True,
        Purpose.QUOTE: True,
        Purpose.SHARE: True,
        Purpose.CONTACT: False,
        Purpose.EQUALITY: False,
    }
    assert set(stored["events"]) == set(Purpose)
    for purpose, (granted, recorded_by_id, channel) in stored["events"].items():
        assert granted == stored["consents"][purpose]
        assert recorded_by_id == contact_id
        assert channel is Channel.GROUP


def test_a_group_id_sent_with_the_form_is_ignored(app, client, contact):
    _, group_id = contact
    other_group = make_group(
        app, name="Another Group", contact_email="o@group.example", status=GroupStatus.VERIFIED
    )
    response = send_story(
        client,
        "/group/stories/new",
        resident_story(group_id=str(other_group), channel="officer_phone"),
    )
    assert response.status_code == 302
    stored = only_submission(app)
    assert stored["group_id"] == group_id
    assert stored["channel"] is Channel.GROUP


def test_the_receipt_code_is_shown_once(app, client, contact):
    send_story(client, "/group/stories/new", resident_story())
    response = client.get("/group/stories/sent")
    assert response.status_code == 200
    code = page(response).select_one(".receipt-code").get_text(strip=True)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert receipts.digest(code) == only_submission(app)["receipt_hash"]
    again = client.get("/group/stories/sent")
    assert again.status_code == 302
    assert again.headers["Location"] == "/group/"
    assert code not in again.get_data(as_text=True)


def test_the_sent_page_without_a_story_goes_back_to_the_group(client, contact):
    response = client.get("/group/stories/sent")
    assert response.status_code == 302
    assert response.headers["Location"] == "/group/"


def test_a_child_under_13_can_be_helped_by_a_group(app, client, contact):
    response = send_story(client, "/group/stories/new", resident_story(age="under_13"))
    assert response.status_code == 302
    assert only_submission(app)["age_group"] is AgeGroup.UNDER_13


@pytest.mark.parametrize("age", ["13_17", "under_13"])
def test_a_childs_words_are_never_quoted_whatever_is_ticked(app, client, contact, age):
    response = send_story(client, "/group/stories/new", resident_story(age=age, consent_quote="y"))
    assert response.status_code == 302
    stored = only_submission(app)
    assert stored["consents"][Purpose.QUOTE] is False
    assert stored["events"][Purpose.QUOTE][0] is False


def test_the_same_form_sent_twice_is_stored_once(app, client, contact):
    url = "/group/stories/new"
    hidden = story_form_hidden_fields(client, url)
    first = client.post(url, data={**hidden, **resident_story()})
    second = client.post(url, data={**hidden, **resident_story()})
    assert first.status_code == second.status_code == 302
    assert submission_count(app) == 1


def test_story_problems_are_shown_beside_their_fields(app, client, contact):
    response = send_story(
        client,
        "/group/stories/new",
        resident_story(story="", consent_store=None, age=None),
    )
    assert response.status_code == 200
    # Every problem at once, not one per send.
    assert error_summary(response) == [
        "Select how old the resident is",
        "Tell us what happened",
        "Tick the box to agree that we can store and analyse your story. "
        "We cannot accept it otherwise",
    ]
    assert submission_count(app) == 0


def test_the_attestation_and_the_story_are_both_reported_in_one_send(app, client, contact):
    response = send_story(
        client, "/group/stories/new", resident_story(attested=None, postcode="not a postcode")
    )
    assert field_error(response, "attested") == (
        "Confirm that the resident agreed to the choices ticked"
    )
    assert field_error(response, "postcode") == (
        "Enter the first part of a postcode, like B11, or a full postcode"
    )
