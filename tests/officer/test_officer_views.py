"""Engagement officers: the list of groups, verifying or rejecting one, recording its
engagement, and entering stories heard at events or on the phone."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage import clock
from engage.extensions import db
from engage.models import (
    AgeGroup,
    Channel,
    CommunityGroup,
    ConsentEvent,
    EngagementKind,
    GroupEngagement,
    GroupStatus,
    GroupType,
    OutboxMessage,
    Purpose,
    Role,
    Submission,
    User,
)
from engage.services.stories import receipts
from tests import factories
from tests.helpers import csrf_token, error_summary, field_error, heading, page

STORY = "At the job centre they assumed I could not read English."


@pytest.fixture
def officer(login_as):
    return login_as(Role.ENGAGEMENT_OFFICER)


def make_group(app, name: str, *, status=GroupStatus.PENDING, email: str | None = None) -> int:
    with app.app_context():
        group = CommunityGroup(
            name=name,
            group_type=GroupType.RESIDENTS_ASSOCIATION,
            contact_name=f"Contact of {name}",
            contact_email=email or f"{name.lower().replace(' ', '.')}@group.example",
            communities_served="Tenants of the estate",
            status=status,
        )
        group.areas = [factories.authority("Wolverhampton")]
        db.session.add(group)
        db.session.commit()
        return group.id


def group_state(app, group_id: int) -> dict:
    with app.app_context():
        group = db.session.get(CommunityGroup, group_id)
        return {
            "status": group.status,
            "contact_user_id": group.contact_user_id,
            "reviewed_by_id": group.reviewed_by_id,
            "rejection_reason": group.rejection_reason,
        }


def outbox(app, kind: str) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()
        return [{"to": m.to_address, "subject": m.subject, "body": m.body} for m in rows]


def group_contacts(app) -> list[dict]:
    with app.app_context():
        users = db.session.scalars(select(User).where(User.role == Role.GROUP_CONTACT)).all()
        return [{"id": u.id, "email": u.email, "name": u.display_name} for u in users]


def post(client, url: str, data: dict | None = None, *, form_url: str):
    return client.post(url, data={"csrf_token": csrf_token(client, form_url), **(data or {})})


def verify(client, group_id: int):
    detail = f"/officer/groups/{group_id}"
    return post(client, f"{detail}/verify", form_url=detail)


def reject(client, group_id: int, reason: str):
    detail = f"/officer/groups/{group_id}"
    return post(client, f"{detail}/reject", {"reason": reason}, form_url=detail)


def flashes(client) -> str:
    return page(client.get("/officer/groups?status=all")).get_text(" ", strip=True)


# The list


def test_the_list_shows_groups_waiting_for_a_decision_by_default(app, client, officer):
    make_group(app, "Pending Tenants")
    make_group(app, "Verified Tenants", status=GroupStatus.VERIFIED)
    make_group(app, "Rejected Tenants", status=GroupStatus.REJECTED)
    response = client.get("/officer/groups")
    assert response.status_code == 200
    names = [a.get_text(strip=True) for a in page(response).select("tbody th a")]
    assert names == ["Pending Tenants"]
    current = page(response).select_one(".sub-nav a[aria-current=page]")
    assert current.get_text(strip=True) == "Waiting for a decision"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("verified", ["Verified Tenants"]),
        ("rejected", ["Rejected Tenants"]),
        ("all", ["Pending Tenants", "Rejected Tenants", "Verified Tenants"]),
        ("nonsense", ["Pending Tenants"]),
    ],
)
def test_the_list_can_show_each_status(app, client, officer, status, expected):
    make_group(app, "Pending Tenants")
    make_group(app, "Verified Tenants", status=GroupStatus.VERIFIED)
    make_group(app, "Rejected Tenants", status=GroupStatus.REJECTED)
    response = client.get(f"/officer/groups?status={status}")
    names = sorted(a.get_text(strip=True) for a in page(response).select("tbody th a"))
    assert names == expected


def test_the_detail_page_shows_the_registration(app, client, officer):
    group_id = make_group(app, "Whitmore Reans Tenants")
    response = client.get(f"/officer/groups/{group_id}")
    assert response.status_code == 200
    assert heading(response) == "Whitmore Reans Tenants"
    text = page(response).get_text(" ", strip=True)
    assert "Wolverhampton" in text
    assert "whitmore.reans.tenants@group.example" in text
    assert "Verify and create the contact's account" in text


def test_an_unknown_group_is_404(client, officer):
    assert client.get("/officer/groups/999999").status_code == 404
    token = csrf_token(client, "/officer/groups")
    assert client.post("/officer/groups/999999/verify", data={"csrf_token": token}).status_code == (
        404
    )


def test_names_with_markup_are_shown_as_text(app, client, officer):
    make_group(app, "<script>alert(1)</script>")
    body = client.get("/officer/groups").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# Verifying


def test_verify_creates_one_contact_account_and_emails_a_set_password_link(
    app, client, officer, sent_mail
):
    group_id = make_group(app, "Low Hill Tenants", email="chidi@lowhill.example")
    response = verify(client, group_id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/officer/groups/{group_id}"
    follow = client.get(response.headers["Location"])
    assert "Low Hill Tenants is verified" in page(follow).get_text()
    [contact] = group_contacts(app)
    assert contact["email"] == "chidi@lowhill.example"
    assert contact["name"] == "Contact of Low Hill Tenants"
    state = group_state(app, group_id)
    assert state["status"] is GroupStatus.VERIFIED
    assert state["contact_user_id"] == contact["id"]
    assert state["reviewed_by_id"] == officer
    [message] = outbox(app, "group_verified")
    assert message["to"] == "chidi@lowhill.example"
    # Sent at once, the link in the email only: the stored message never holds it.
    assert "/account/set-password/" not in message["body"]
    [email] = [e for e in sent_mail if e["To"] == "chidi@lowhill.example"]
    link = re.search(r"https?://\S+/account/set-password/(\S+)", email.get_content())
    assert link is not None
    # The link in the email works: it opens the page to choose a password.
    path = "/account/set-password/" + link.group(1)
    assert heading(client.get(path)) == "Choose a password"


def test_verifying_twice_is_refused(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants")
    verify(client, group_id)
    response = verify(client, group_id)
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert "This group has already been decided" in page(follow).get_text()
    assert len(group_contacts(app)) == 1
    assert len(outbox(app, "group_verified")) == 1


def test_a_contact_whose_email_belongs_to_staff_is_refused(app, client, officer):
    with app.app_context():
        factories.user(role=Role.SECRETARIAT, email="clerk@council.example")
    group_id = make_group(app, "Staff Tenants", email="clerk@council.example")
    response = verify(client, group_id)
    follow = client.get(response.headers["Location"])
    assert "The contact's email address already belongs to a staff account" in (
        page(follow).get_text()
    )
    state = group_state(app, group_id)
    assert state["status"] is GroupStatus.PENDING
    assert state["contact_user_id"] is None
    assert group_contacts(app) == []
    assert outbox(app, "group_verified") == []
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "clerk@council.example"))
        assert staff.role is Role.SECRETARIAT


def test_verify_needs_a_csrf_token(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants")
    assert client.post(f"/officer/groups/{group_id}/verify").status_code == 400
    assert group_state(app, group_id)["status"] is GroupStatus.PENDING


# Rejecting


def test_reject_without_a_reason_shows_an_error_and_changes_nothing(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants")
    response = reject(client, group_id, "   ")
    assert response.status_code == 200
    assert field_error(response, "reason") == "Enter why the group is not being verified"
    assert error_summary(response) == ["Enter why the group is not being verified"]
    assert group_state(app, group_id) == {
        "status": GroupStatus.PENDING,
        "contact_user_id": None,
        "reviewed_by_id": None,
        "rejection_reason": "",
    }
    assert outbox(app, "group_rejected") == []


def test_reject_with_a_reason_records_it_and_tells_the_contact(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants")
    response = reject(client, group_id, "We could not find the association on any register")
    assert response.status_code == 302
    state = group_state(app, group_id)
    assert state["status"] is GroupStatus.REJECTED
    assert state["rejection_reason"] == "We could not find the association on any register"
    assert state["reviewed_by_id"] == officer
    assert state["contact_user_id"] is None
    [message] = outbox(app, "group_rejected")
    assert message["to"] == "low.hill.tenants@group.example"
    assert "We could not find the association on any register" in message["body"]
    assert group_contacts(app) == []
    follow = client.get(response.headers["Location"])
    assert "was not verified" in page(follow).get_text()
    # Once decided, the page offers no decision any more.
    assert "Verify and create the contact's account" not in page(follow).get_text()


def test_a_rejected_group_cannot_be_verified_afterwards(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants")
    reject(client, group_id, "Outside the region")
    verify(client, group_id)
    assert group_state(app, group_id)["status"] is GroupStatus.REJECTED
    assert group_contacts(app) == []


# Recording engagement


def record(client, group_id: int, **data):
    values = {"kind": "consultation_response", "occurred_on": "2026-06-01", "description": "x"}
    values.update(data)
    detail = f"/officer/groups/{group_id}"
    return post(client, f"{detail}/engagements", values, form_url=detail)


def engagement_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(GroupEngagement))


def test_engagement_is_recorded_for_a_verified_group(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants", status=GroupStatus.VERIFIED)
    response = record(
        client, group_id, occurred_on="2026-06-01", description="Answered the transport survey"
    )
    assert response.status_code == 302
    with app.app_context():
        [engagement] = db.session.scalars(select(GroupEngagement)).all()
        assert engagement.group_id == group_id
        assert engagement.kind is EngagementKind.CONSULTATION_RESPONSE
        assert engagement.occurred_on == date(2026, 6, 1)
        assert engagement.description == "Answered the transport survey"
        assert engagement.recorded_by_id == officer
    follow = client.get(response.headers["Location"])
    assert "Answered the transport survey" in page(follow).get_text()


def test_engagement_is_refused_for_a_pending_group(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants")
    response = record(client, group_id, description="Came to the meeting")
    assert response.status_code == 200
    assert "Only verified groups can have engagement recorded" in error_summary(response)
    assert engagement_count(app) == 0


def test_engagement_in_the_future_is_refused_beside_the_date(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants", status=GroupStatus.VERIFIED)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = record(client, group_id, occurred_on=tomorrow, description="Future meeting")
    assert response.status_code == 200
    assert field_error(response, "occurred_on") == "The date must be today or in the past"
    assert engagement_count(app) == 0


def test_engagement_without_a_description_is_refused_beside_it(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants", status=GroupStatus.VERIFIED)
    response = record(client, group_id, description="   ")
    assert response.status_code == 200
    assert field_error(response, "description") == "Describe what the group took part in"
    assert engagement_count(app) == 0


def test_engagement_without_a_kind_or_a_real_date_is_refused(app, client, officer):
    group_id = make_group(app, "Low Hill Tenants", status=GroupStatus.VERIFIED)
    response = record(client, group_id, kind="", occurred_on="2026-13-45")
    assert response.status_code == 200
    assert field_error(response, "kind") == "Select what the group took part in"
    assert field_error(response, "occurred_on") is not None
    assert engagement_count(app) == 0


# Stories entered by an officer


def story_form_hidden_fields(client, url: str) -> dict:
    receipt_token = page(client.get(url)).find("input", attrs={"name": "receipt_token"})
    assert receipt_token is not None, f"no story form on {url}"
    form = receipt_token.find_parent("form")
    return {f["name"]: f.get("value", "") for f in form.find_all("input", type="hidden")}


def send_story(client, data: dict):
    url = "/officer/stories/new"
    return client.post(url, data={**story_form_hidden_fields(client, url), **data})


def resident_story(**overrides) -> dict:
    values = {
        "age": "18_plus",
        "channel": "officer_event",
        "story": STORY,
        "consent_store": "y",
        "attested": "y",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def only_submission(app) -> dict:
    with app.app_context():
        [submission] = db.session.scalars(select(Submission)).all()
        events = db.session.scalars(
            select(ConsentEvent).where(ConsentEvent.submission_id == submission.id)
        ).all()
        return {
            "channel": submission.channel,
            "group_id": submission.group_id,
            "entered_by_id": submission.entered_by_id,
            "age_group": submission.age_group,
            "consents": submission.consents(),
            "receipt_hash": submission.receipt_hash,
            "events": [(e.purpose, e.channel, e.recorded_by_id) for e in events],
        }


def test_the_officer_form_offers_event_or_phone(client, officer):
    soup = page(client.get("/officer/stories/new"))
    radios = soup.find_all("input", attrs={"name": "channel"})
    assert {radio["value"] for radio in radios} == {"officer_event", "officer_phone"}
    assert [radio["value"] for radio in radios if radio.has_attr("checked")] == ["officer_event"]


def test_a_story_heard_on_the_phone_records_that_channel(app, client, officer):
    response = send_story(client, resident_story(channel="officer_phone"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/officer/stories/sent"
    stored = only_submission(app)
    assert stored["channel"] is Channel.OFFICER_PHONE
    assert stored["group_id"] is None
    assert stored["entered_by_id"] == officer
    assert {purpose for purpose, _, _ in stored["events"]} == set(Purpose)
    assert all(
        channel is Channel.OFFICER_PHONE and recorded_by == officer
        for _, channel, recorded_by in stored["events"]
    )
    sent = client.get("/officer/stories/sent")
    code = page(sent).select_one(".receipt-code").get_text(strip=True)
    assert receipts.digest(code) == stored["receipt_hash"]


def test_a_story_heard_at_an_event_records_that_channel(app, client, officer):
    assert send_story(client, resident_story(channel="officer_event")).status_code == 302
    assert only_submission(app)["channel"] is Channel.OFFICER_EVENT


def test_a_channel_not_on_the_list_is_refused(app, client, officer):
    response = send_story(client, resident_story(channel="web"))
    assert response.status_code == 200
    assert field_error(response, "channel") is not None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_an_officer_story_needs_the_attestation(app, client, officer):
    response = send_story(client, resident_story(attested=None))
    assert response.status_code == 200
    assert field_error(response, "attested") == (
        "Confirm that the resident agreed to the choices ticked"
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_an_officer_can_enter_a_story_for_a_child_under_13_without_a_quote(app, client, officer):
    response = send_story(client, resident_story(age="under_13", consent_quote="y"))
    assert response.status_code == 302
    stored = only_submission(app)
    assert stored["age_group"] is AgeGroup.UNDER_13
    assert stored["consents"][Purpose.QUOTE] is False


def test_admins_may_use_the_officer_pages(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/officer/groups").status_code == 200
    assert client.get("/officer/stories/new").status_code == 200


# Who may not


OFFICER_PAGES = ["/officer/groups", "/officer/stories/new", "/officer/stories/sent"]


@pytest.mark.parametrize("role", [Role.GROUP_CONTACT, Role.SECRETARIAT, Role.WORKING_GROUP_MEMBER])
def test_other_roles_cannot_reach_the_officer_pages(app, client, login_as, role):
    login_as(role)
    group_id = make_group(app, "Low Hill Tenants")
    for url in [*OFFICER_PAGES, f"/officer/groups/{group_id}"]:
        assert client.get(url).status_code == 403, url


def test_a_group_contact_cannot_verify_or_reject_a_group(app, client, login_as):
    user_id = login_as(Role.GROUP_CONTACT)
    own = make_group(app, "Own Group", status=GroupStatus.VERIFIED)
    with app.app_context():
        db.session.get(CommunityGroup, own).contact_user_id = user_id
        db.session.commit()
    pending = make_group(app, "Low Hill Tenants")
    token = csrf_token(client, "/group/")
    base = f"/officer/groups/{pending}"
    assert client.post(f"{base}/verify", data={"csrf_token": token}).status_code == 403
    reason = {"csrf_token": token, "reason": "No"}
    assert client.post(f"{base}/reject", data=reason).status_code == 403
    engagement = {
        "csrf_token": token,
        "kind": "event_attended",
        "occurred_on": "2026-06-01",
        "description": "Self-reported",
    }
    assert client.post(f"/officer/groups/{own}/engagements", data=engagement).status_code == 403
    assert group_state(app, pending)["status"] is GroupStatus.PENDING
    assert engagement_count(app) == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/officer/groups")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
