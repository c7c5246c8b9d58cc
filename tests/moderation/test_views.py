"""The moderation workspace through the test client, as officers use it."""

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, OutboxMessage, Role, SafeguardingFlag, Submission, User
from engage.services.stories import moderation
from tests import factories
from tests.helpers import error_summary, field_error, heading, page, submit_form


@pytest.fixture
def story_id(app):
    with app.app_context():
        return factories.submission().id


@pytest.fixture
def officer_id(login_as):
    return login_as(Role.ENGAGEMENT_OFFICER)


def review_url(story_id):
    return f"/moderation/{story_id}"


def post(client, story_id, action, data, form_url=None):
    return submit_form(
        client, f"/moderation/{story_id}/{action}", data, form_url=form_url or review_url(story_id)
    )


def version(app, story_id) -> str:
    with app.app_context():
        return str(db.session.get(Submission, story_id).version)


def test_queue_lists_waiting_stories_without_their_words(client, officer_id, story_id):
    response = client.get("/moderation/")
    assert response.status_code == 200
    text = page(response).get_text()
    assert f"Story {story_id}" in text
    assert "headscarf" not in text and "Amina" not in text


def test_queue_filters_and_pages(app, client, officer_id):
    with app.app_context():
        ids = [
            factories.submission(f"Story number {n} about buses.", tag=False).id for n in range(3)
        ]
        app.config["MODERATION_PAGE_SIZE"] = 2
    try:
        first = page(client.get("/moderation/"))
        shown = [a.get_text() for a in first.select("tbody th a")]
        assert shown == [f"Story {ids[2]}", f"Story {ids[1]}"]
        next_link = first.find("a", rel="next")["href"]
        second = page(client.get(next_link))
        assert [a.get_text() for a in second.select("tbody th a")] == [f"Story {ids[0]}"]
        assert second.find("a", rel="next") is None
        previous = page(client.get(second.find("a", rel="prev")["href"]))
        assert [a.get_text() for a in previous.select("tbody th a")] == shown
        oldest = page(client.get("/moderation/?order=oldest"))
        assert oldest.select("tbody th a")[0].get_text() == f"Story {ids[0]}"
        none = page(client.get("/moderation/?status=approved"))
        assert "No stories match" in none.get_text()
    finally:
        app.config["MODERATION_PAGE_SIZE"] = 25


def test_tampered_cursor_and_filters_are_ignored(client, officer_id, story_id):
    response = client.get("/moderation/?after=not-a-cursor&area=abc&status=<script>")
    assert response.status_code == 200
    assert f"Story {story_id}" in page(response).get_text()


def test_review_shows_consent_highlights_and_is_audited(app, client, officer_id, story_id):
    response = client.get(review_url(story_id))
    assert response.status_code == 200
    soup = page(response)
    assert heading(response) == f"Story {story_id}"
    assert "May be shared with working groups" in soup.get_text()
    marks = [m.contents[0] for m in soup.select(".story-original mark")]
    assert "Amina Yusuf" in marks and "07700 900123" in marks
    assert "[NAME]" in soup.select_one(".story-redacted").get_text()
    with app.app_context():
        viewed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "submission.viewed")
        ).all()
        assert [(e.actor_id, e.object_id) for e in viewed] == [(officer_id, story_id)]


def test_story_text_is_escaped(app, client, officer_id):
    with app.app_context():
        story_id = factories.submission("<script>alert(1)</script> the driver drove off").id
    body = client.get(review_url(story_id)).get_data(as_text=True)
    assert "<script>alert(1)" not in body


def test_an_officer_works_a_story_to_approval(app, client, officer_id, story_id):
    response = post(client, story_id, "claim", {"claim-version": version(app, story_id)})
    assert response.status_code == 302
    with app.app_context():
        proposals = db.session.get(Submission, story_id).pii_proposals
        decisions = {f"proposal-{p.id}": "remove" for p in proposals}
    response = post(
        client, story_id, "redaction", {"redaction-version": version(app, story_id), **decisions}
    )
    assert response.status_code == 302
    response = post(
        client,
        story_id,
        "themes",
        {"themes-version": version(app, story_id), "themes-themes": ["transport"]},
    )
    assert response.status_code == 302
    response = post(
        client,
        story_id,
        "summary",
        {"summary-version": version(app, story_id), "summary-summary": "Refused by a driver."},
    )
    assert response.status_code == 302
    response = post(client, story_id, "approve", {"approve-version": version(app, story_id)})
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/"
    with app.app_context():
        approved = db.session.get(Submission, story_id)
        assert approved.status.value == "approved"
        assert "Amina" not in approved.redacted_story and "[PHONE]" in approved.redacted_story


def test_approving_too_early_says_why(app, client, officer_id, story_id):
    response = post(client, story_id, "approve", {"approve-version": version(app, story_id)})
    assert response.status_code == 400
    assert any("Confirm which personal data is removed" in m for m in error_summary(response))


def test_a_stale_page_is_refused_and_keeps_what_was_typed(app, client, officer_id, story_id):
    old = version(app, story_id)
    post(client, story_id, "summary", {"summary-version": old, "summary-summary": "First"})
    response = post(
        client, story_id, "summary", {"summary-version": old, "summary-summary": "My careful words"}
    )
    assert response.status_code == 409
    soup = page(response)
    # It was this officer's own change, in another tab: nobody else is blamed.
    assert "The latest change: you saved its summary, in another tab or window" in (
        soup.get_text(" ", strip=True)
    )
    assert "another officer" not in soup.get_text().lower()
    assert soup.find("textarea", id="summary-summary").get_text().strip() == "My careful words"
    assert soup.find("input", attrs={"name": "summary-version"})["value"] == version(app, story_id)


def test_rejecting_in_a_stale_tab_after_approving_keeps_the_reason(app, client, story_id):
    """Approve in one tab, then type a reason in an older tab and press Reject."""
    from tests.helpers import sign_in

    with app.app_context():
        factories.user(role=Role.ENGAGEMENT_OFFICER, email="tabs@test.example")
        story = db.session.get(Submission, story_id)
        officer = db.session.scalar(select(User).where(User.email == "tabs@test.example"))
        moderation.open_for_review(story.id, officer)
        story = moderation.confirm_redaction(
            story.id, officer, story.version, {p.id: True for p in story.pii_proposals}
        )
        story = moderation.confirm_themes(story.id, officer, story.version, ["transport"])
        old = version(app, story_id)
        moderation.approve(story_id, officer, int(old))
    sign_in(client, "tabs@test.example")
    response = post(
        client, story_id, "reject", {"reject-version": old, "reject-reason": "Spam, sent twice"}
    )
    assert response.status_code == 409
    soup = page(response)
    text = soup.get_text(" ", strip=True)
    assert "The latest change: you approved it, in another tab or window" in text
    # The reject form is gone (the story is decided), but the reason is shown to copy.
    assert soup.find("textarea", id="reject-reason") is None
    unsent = soup.select_one(".unsent").get_text(" ", strip=True)
    assert "Reason for rejecting" in unsent and "Spam, sent twice" in unsent


def test_a_change_by_a_colleague_is_named(app, client, officer_id, story_id):
    old = version(app, story_id)
    with app.app_context():
        colleague = factories.user(role=Role.ENGAGEMENT_OFFICER, email="colleague@test.example")
        colleague.display_name = "Priya Shah"
        db.session.commit()
        moderation.save_summary(story_id, colleague, int(old), "Her summary")
        moderation.release(story_id, colleague)
    response = post(
        client, story_id, "summary", {"summary-version": old, "summary-summary": "My summary"}
    )
    assert response.status_code == 409
    text = page(response).get_text(" ", strip=True)
    assert "The latest change: Priya Shah let it go for someone else" in text
    assert page(response).find("textarea", id="summary-summary").get_text().strip() == (
        "My summary"
    )


def test_someone_else_s_story_is_shown_read_only(app, client, officer_id, story_id):
    with app.app_context():
        holder = factories.user(role=Role.ENGAGEMENT_OFFICER, email="reader@test.example")
        holder.display_name = "Priya Shah"
        db.session.commit()
        moderation.claim(story_id, holder)
    soup = page(client.get(review_url(story_id)))
    actions = {form["action"].rsplit("/", 1)[-1] for form in soup.find_all("form")}
    # Only raising a safeguarding concern (and signing out) stays open to a reader.
    assert actions == {"safeguarding", "sign-out"}
    assert "Priya Shah is deciding this story" in soup.get_text()


def test_an_approved_story_shows_its_confirmed_themes(app, client, officer_id, story_id):
    with app.app_context():
        officer = db.session.get(User, officer_id)
        story = db.session.get(Submission, story_id)
        story = moderation.confirm_redaction(
            story.id, officer, story.version, {p.id: True for p in story.pii_proposals}
        )
        moderation.confirm_themes(
            story.id, officer, story.version, ["transport", "criminal_justice"]
        )
        moderation.approve(story_id, officer, int(version(app, story_id)))
    themes = page(client.get(review_url(story_id))).find(
        "section", attrs={"aria-labelledby": "themes-heading"}
    )
    assert "Confirmed" in themes.get_text() and "Criminal justice" in themes.get_text()
    assert "Transport and connectivity" in themes.get_text()


def test_a_story_held_by_someone_else_cannot_be_changed(app, client, officer_id, story_id):
    with app.app_context():
        holder = factories.user(role=Role.ENGAGEMENT_OFFICER, email="holder@test.example")
        moderation.claim(story_id, holder)
    assert "is working on this story until" in page(client.get(review_url(story_id))).get_text()
    response = post(
        client,
        story_id,
        "summary",
        {"summary-version": version(app, story_id), "summary-summary": "Mine"},
    )
    assert response.status_code == 409
    assert "Nothing was changed" in page(response).get_text()


def test_hand_marking_needs_words_that_are_there(app, client, officer_id, story_id):
    response = post(
        client,
        story_id,
        "redaction/add",
        {"add-version": version(app, story_id), "add-phrase": "nowhere", "add-kind": "NAME"},
    )
    assert response.status_code == 400
    assert "not in the story" in field_error(response, "add-phrase")


def test_safeguarding_tells_the_lead_without_the_story(app, client, officer_id, story_id):
    response = post(
        client,
        story_id,
        "safeguarding",
        {"safeguarding-category": "risk_to_life", "safeguarding-concern": "Says they will end it"},
    )
    assert response.status_code == 302
    with app.app_context():
        alert = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "safeguarding_alert")
        )
        assert alert.to_address == app.config["SAFEGUARDING_LEAD_EMAIL"]
        assert f"/moderation/{story_id}" in alert.body
        for private in ("headscarf", "Amina", "end it"):
            assert private not in alert.body and private not in alert.subject
        flag_id = db.session.scalar(select(SafeguardingFlag.id))
    urgent = page(client.get("/moderation/urgent"))
    assert f"story {story_id}" in urgent.get_text()
    assert "1 open safeguarding concern" in page(client.get("/moderation/")).get_text()
    refused = submit_form(
        client,
        f"/moderation/safeguarding/{flag_id}/close",
        {"action_taken": ""},
        form_url="/moderation/urgent",
    )
    assert refused.status_code == 400
    closed = submit_form(
        client,
        f"/moderation/safeguarding/{flag_id}/close",
        {"action_taken": "Lead rang the resident's GP."},
        form_url="/moderation/urgent",
    )
    assert closed.status_code == 302
    with app.app_context():
        assert db.session.get(Submission, story_id).safeguarding is False


def test_safeguarding_needs_a_category_and_a_concern(app, client, officer_id, story_id):
    response = post(client, story_id, "safeguarding", {"safeguarding-concern": ""})
    assert response.status_code == 400
    assert field_error(response, "safeguarding-category")
    assert field_error(response, "safeguarding-concern")


def test_missing_story_is_404(client, officer_id):
    assert client.get("/moderation/999999").status_code == 404


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("summary", {"summary-version": "²", "summary-summary": "x"}),
        ("redaction", {"redaction-version": "1", "proposal-²": "remove"}),
        ("redaction/remove", {"remove-version": "1", "remove-proposal_id": "²"}),
        ("duplicate", {"duplicate-version": "1", "duplicate-original": "²"}),
        ("duplicate", {"duplicate-version": "1", "duplicate-original": "999999999999"}),
        ("approve", {"approve-version": "99999999999999999999"}),
    ],
)
def test_odd_numbers_are_refused_not_a_crash(app, client, officer_id, story_id, action, data):
    before = version(app, story_id)
    response = post(client, story_id, action, data)
    assert 400 <= response.status_code < 500
    assert version(app, story_id) == before


def test_a_form_without_its_version_asks_for_a_reload(app, client, officer_id, story_id):
    response = post(client, story_id, "summary", {"summary-summary": "Words"})
    assert response.status_code == 400
    assert any("Reload the story" in m for m in error_summary(response))
    assert "Words" in page(response).find("textarea", id="summary-summary").get_text()


@pytest.mark.parametrize(
    "url",
    [
        "/moderation/99999999999999999999",
        "/moderation/?after=2026-01-01T00:00:00%2B00:00~99999999999999999999",
        "/moderation/?area=99999999999",
        "/moderation/?area=²",
    ],
)
def test_huge_or_odd_ids_in_links_are_not_a_crash(client, officer_id, url):
    assert client.get(url).status_code in (200, 404)


def test_the_review_page_repeats_no_id(app, client, officer_id, story_id):
    for phrase in ("bus driver", "headscarf"):
        post(
            client,
            story_id,
            "redaction/add",
            {"add-version": version(app, story_id), "add-phrase": phrase, "add-kind": "NAME"},
        )
    ids = [tag["id"] for tag in page(client.get(review_url(story_id))).find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_closing_a_concern_someone_already_closed_says_so(app, client, officer_id, story_id):
    with app.app_context():
        story = db.session.get(Submission, story_id)
        flag_id = factories.safeguarding_flag(story).id
    for expected in ("is closed", "already closed"):
        response = submit_form(
            client,
            f"/moderation/safeguarding/{flag_id}/close",
            {"action_taken": "Lead called back."},
            form_url="/moderation/urgent",
        )
        assert response.status_code == 302
        assert expected in page(client.get(response.headers["Location"])).get_text()


def _signed_out_elsewhere(client, story_id):
    """Open the story, then sign out as another tab would; return the old page's token."""
    soup = page(client.get(review_url(story_id)))
    token = soup.find("input", attrs={"name": "summary-csrf_token"})["value"]
    submit_form(client, "/sign-out", {}, form_url=review_url(story_id))
    return token


def test_words_typed_after_signing_out_in_another_tab_are_kept(app, client, officer_id, story_id):
    token = _signed_out_elsewhere(client, story_id)
    response = client.post(
        f"/moderation/{story_id}/summary",
        data={
            "summary-csrf_token": token,
            "summary-version": version(app, story_id),
            "summary-summary": "A long summary <b>typed</b> with care",
        },
        headers={
            "Origin": "http://localhost",
            "Referer": f"http://localhost/moderation/{story_id}",
        },
    )
    assert response.status_code == 400
    soup = page(response)
    assert "You are signed out" in soup.get_text()
    assert [b.get_text() for b in soup.select(".story-original")] == [
        "A long summary <b>typed</b> with care"
    ]
    again = soup.find("a", string="Sign in again")["href"]
    assert again == f"/sign-in?next=/moderation/{story_id}"
    with app.app_context():
        assert db.session.get(Submission, story_id).officer_summary in (None, "")


def test_words_are_not_shown_back_to_a_post_from_another_site(app, client, officer_id, story_id):
    token = _signed_out_elsewhere(client, story_id)
    data = {"summary-csrf_token": token, "summary-summary": "Words chosen by another site"}
    for headers in ({"Origin": "https://elsewhere.example"}, {}):
        response = client.post(f"/moderation/{story_id}/summary", data=data, headers=headers)
        assert response.status_code == 400
        assert "Words chosen by another site" not in response.get_data(as_text=True)
    forged = {**data, "summary-csrf_token": "made-up"}
    response = client.post(
        f"/moderation/{story_id}/summary", data=forged, headers={"Origin": "http://localhost"}
    )
    assert "Words chosen by another site" not in response.get_data(as_text=True)


def test_the_urgent_view_is_linked_from_the_queue_even_when_nothing_is_open(client, officer_id):
    soup = page(client.get("/moderation/"))
    assert soup.find("a", href="/moderation/urgent") is not None


def test_administrators_find_the_equality_answers_from_the_story(app, client, login_as):
    from engage.services.stories import intake

    with app.app_context():
        story = factories.submission(equality=True)
        intake.record_equality_answers(story.id, {"age_band": "25_34"})
        plain = factories.submission().id
        story_id = story.id
    login_as(Role.ADMIN)
    link = page(client.get(review_url(story_id))).find("a", string="See the equality answers")
    assert link["href"] == f"/admin/stories/{story_id}/equality"
    assert page(client.get(review_url(plain))).find("a", string="See the equality answers") is None


def test_officers_are_not_shown_the_equality_link(app, client, officer_id):
    from engage.services.stories import intake

    with app.app_context():
        story_id = factories.submission(equality=True).id
        intake.record_equality_answers(story_id, {"age_band": "25_34"})
    soup = page(client.get(review_url(story_id)))
    assert soup.find("a", string="See the equality answers") is None
