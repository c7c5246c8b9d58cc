"""Coming back with the reference code: status, changing consent, downloading what was
given, withdrawing, and closing the story on a shared computer."""

import json

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Channel,
    ConsentEvent,
    EqualityAnswers,
    OutboxMessage,
    Purpose,
    Submission,
    SubmissionContact,
    SubmissionStatus,
)
from engage.services.stories import intake
from engage.services.stories.intake import StoryInput
from tests import factories
from tests.helpers import (
    error_summary,
    field_error,
    heading,
    open_story_form,
    page,
    submit_form,
)

CODE = "0K0M-X1PD-9RTA"
STORY = "At the job centre they assumed I could not read English."
NOT_FOUND = "We could not find a story with that code. Check it and try again"


# Helpers (local to this module)


def stored_story(
    app,
    *,
    code: str = CODE,
    age_group: AgeGroup = AgeGroup.ADULT,
    story: str = STORY,
    email: str = "",
    phone: str = "",
    answers: dict | None = None,
    channel: Channel = Channel.WEB,
    **granted: bool,
) -> int:
    """A story stored as the web form would store it; returns its id."""
    consents = {p: granted.get(p.value, p is Purpose.STORE) for p in Purpose}
    with app.test_request_context():
        submission = intake.submit_story(
            StoryInput(
                story=story,
                age_group=age_group,
                consents=consents,
                what_to_change="Interpreters on request",
                local_authority_id=factories.authority("Wolverhampton").id,
                postcode="WV10 0QP",
                heard_about="friend_or_family",
                contact_email=email,
                contact_phone=phone,
            ),
            receipt_code=code,
            channel=channel,
            language="en",
            notice_version=1,
        )
        if answers is not None:
            intake.record_equality_answers(submission.id, answers)
        submission_id = submission.id
        db.session.remove()
    return submission_id


def everything_story(app, **overrides) -> int:
    values = {
        "email": "amina@example.org",
        "phone": "07700 900 982",
        "answers": {"sex": "female", "religion": "other", "religion_other": "Baháʼí"},
        "share": True,
        "contact": True,
        "equality": True,
    }
    return stored_story(app, **{**values, **overrides})


def open_story(client, code: str = CODE):
    return submit_form(client, "/your-story", {"code": code})


def submission(app, submission_id: int) -> dict:
    with app.app_context():
        s = db.session.get(Submission, submission_id)
        return {
            "status": s.status,
            "story": s.story,
            "what_to_change": s.what_to_change,
            "local_authority_id": s.local_authority_id,
            "postcode_district": s.postcode_district,
            "heard_about": s.heard_about,
            "counted": s.counted,
            "withdrawn_at": s.withdrawn_at,
            "consents": {p.value: v for p, v in s.consents().items()},
            "contact": (s.contact.email, s.contact.phone) if s.contact else None,
            "equality": s.equality is not None,
        }


def events(app, submission_id: int) -> list[tuple[str, bool, str, str, int]]:
    with app.app_context():
        return [
            (e.purpose.value, e.granted, e.channel.value, e.language, e.notice.version)
            for e in db.session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.submission_id == submission_id)
                .order_by(ConsentEvent.id)
            )
        ]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def choices(client, **ticked: str) -> object:
    return submit_form(client, "/your-story/choices", ticked)


def consent_rows(response) -> dict[str, str]:
    rows = page(response).select(".summary-list__row")
    return {
        row.find("dt").get_text(strip=True): row.find("dd").get_text(strip=True) for row in rows
    }


def flashes(response) -> list[str]:
    return [p.get_text(strip=True) for p in page(response).select(".notification")]


# Finding a story with its code


@pytest.mark.parametrize(
    "typed",
    ["0K0M-X1PD-9RTA", "0k0m-x1pd-9rta", "0K0MX1PD9RTA", "OKOM-X1PD-9RTA", "okom xlpd 9rta"],
)
def test_the_right_code_opens_the_status_page_however_it_is_typed(app, client, typed):
    stored_story(app)
    response = open_story(client, typed)
    assert response.status_code == 302
    assert response.headers["Location"] == "/your-story/status"
    status = client.get("/your-story/status")
    assert heading(status) == "Your story"
    assert "We have your story." in page(status).get_text()


@pytest.mark.parametrize(
    "typed",
    [
        "0K0M-X1PD-9RTB",  # well formed, but no such story
        "ZZZZ-ZZZZ-ZZZZ",
        "0K0M-X1PD-9RT",  # too short
        "hello",
        "UUUU-UUUU-UUUU",
        "' OR 1=1 --",
    ],
)
def test_a_wrong_or_malformed_code_gets_the_same_answer(app, client, typed):
    stored_story(app)
    response = open_story(client, typed)
    assert response.status_code == 200
    assert heading(response) == "See or change your story"
    assert field_error(response, "code") == NOT_FOUND
    assert error_summary(response) == [NOT_FOUND]
    assert client.get("/your-story/status").headers["Location"] == "/your-story"


def test_an_empty_code_is_asked_for(client):
    response = open_story(client, "")
    assert field_error(response, "code") == "Enter your reference code"


def test_a_code_in_the_address_bar_opens_nothing(app, client):
    stored_story(app)
    response = client.get(f"/your-story?code={CODE}")
    assert response.status_code == 200
    assert heading(response) == "See or change your story"
    assert client.get("/your-story/status").headers["Location"] == "/your-story"


def test_code_lookups_are_rate_limited(app, client):
    stored_story(app)
    for n in range(10):
        assert open_story(client, f"0K0M-X1PD-9R{n}A").status_code == 200
    response = open_story(client, CODE)
    assert response.status_code == 429
    # The same page, with the code still in the box and how long to wait.
    assert heading(response) == "See or change your story"
    assert page(response).find("input", attrs={"name": "code"})["value"] == CODE
    assert error_summary(response) == [
        "You have tried too many codes in a short time. You can try again in 15 minutes."
    ]
    assert client.get("/your-story/status").headers["Location"] == "/your-story"


def test_how_long_to_wait_is_said_in_the_residents_language(app, client):
    client.get("/your-story?lang=pl")
    for n in range(11):
        response = open_story(client, f"0K0M-X1PD-9R{n}A")
    assert response.status_code == 429
    assert "za 15 minut." in " ".join(error_summary(response))


@pytest.mark.parametrize(
    "url",
    [
        "/your-story/status",
        "/your-story/choices",
        "/your-story/download",
        "/your-story/download.json",
        "/your-story/withdraw",
    ],
)
def test_every_story_page_needs_the_code_first(app, client, url):
    stored_story(app)
    response = client.get(url)
    assert response.headers["Location"] == "/your-story"
    assert "Enter your reference code to see your story." in flashes(client.get("/your-story"))


def test_the_story_stays_open_while_it_is_being_used(app, client):
    stored_story(app)
    with freeze_time("2026-12-01 09:00") as clock:
        open_story(client)
        for _ in range(4):  # an hour in all, a page every 15 minutes
            clock.tick(15 * 60)
            assert client.get("/your-story/choices").status_code == 200
        clock.tick(31 * 60)  # then half an hour away
        assert client.get("/your-story/status").headers["Location"] == "/your-story"


def test_the_story_closes_in_the_browser_after_30_minutes(app, client):
    stored_story(app)
    with freeze_time("2026-12-01 09:00") as clock:
        open_story(client)
        assert client.get("/your-story/status").status_code == 200
        clock.tick(31 * 60)
        assert client.get("/your-story/status").headers["Location"] == "/your-story"


# The status page


def test_the_status_page_shows_the_consent_choices(app, client):
    stored_story(app, share=True, equality=True)
    open_story(client)
    response = client.get("/your-story/status")
    assert consent_rows(response) == {
        "Store and analyse my story": "Yes",
        "Quote my words, without my name": "No",
        "Share it with the working groups": "Yes",
        "Contact me about it": "No",
        "Use my equality answers": "Yes",
    }
    links = {a.get_text(strip=True): a["href"] for a in page(response).select("main a")}
    assert links["Change what you agreed to"] == "/your-story/choices"
    assert links["Withdraw your story"] == "/your-story/withdraw"
    assert links["Download it as a file (JSON)"] == "/your-story/download.json"


# Changing consent


def test_the_choices_page_shows_the_current_choices(app, client):
    stored_story(app, share=True)
    open_story(client)
    soup = page(client.get("/your-story/choices"))
    assert soup.find("input", attrs={"name": "consent_share"}).has_attr("checked")
    assert not soup.find("input", attrs={"name": "consent_quote"}).has_attr("checked")
    assert soup.find("input", attrs={"name": "consent_store"}) is None


def test_changing_a_choice_records_a_new_consent_event(app, client):
    submission_id = stored_story(app, share=True)
    before = events(app, submission_id)
    open_story(client)
    response = choices(client, consent_share="y", consent_quote="y")
    assert response.headers["Location"] == "/your-story/status"
    status = client.get("/your-story/status")
    assert "Your choices have been saved." in flashes(status)
    assert consent_rows(status)["Quote my words, without my name"] == "Yes"
    assert events(app, submission_id) == [*before, ("quote", True, "web", "en", 1)]
    assert submission(app, submission_id)["consents"]["quote"] is True


def test_unticking_contact_deletes_the_contact_details(app, client):
    submission_id = everything_story(app)
    open_story(client)
    response = choices(client, consent_share="y", consent_equality="y")
    assert response.headers["Location"] == "/your-story/status"
    assert submission(app, submission_id)["contact"] is None
    assert count(app, SubmissionContact) == 0
    assert events(app, submission_id)[-1] == ("contact", False, "web", "en", 1)


def test_unticking_equality_deletes_the_equality_answers(app, client):
    submission_id = everything_story(app)
    open_story(client)
    choices(client, consent_share="y", consent_contact="y")
    assert submission(app, submission_id)["equality"] is False
    assert count(app, EqualityAnswers) == 0
    assert events(app, submission_id)[-1] == ("equality", False, "web", "en", 1)
    assert submission(app, submission_id)["contact"] == ("amina@example.org", "+447700900982")


def test_newly_ticking_contact_needs_an_email_or_phone(app, client):
    submission_id = stored_story(app)
    before = events(app, submission_id)
    open_story(client)
    response = choices(client, consent_contact="y")
    assert response.status_code == 200
    assert field_error(response, "contact_email") == (
        "Enter an email address or a phone number so we can contact you"
    )
    assert page(response).find("input", attrs={"name": "consent_contact"}).has_attr("checked")
    assert events(app, submission_id) == before
    assert submission(app, submission_id)["contact"] is None


def test_newly_ticking_contact_checks_the_details_beside_the_field(app, client):
    submission_id = stored_story(app)
    open_story(client)
    response = choices(client, consent_contact="y", contact_email="amina@")
    assert field_error(response, "contact_email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page(response).find("input", attrs={"name": "contact_email"})["value"] == "amina@"
    assert submission(app, submission_id)["consents"]["contact"] is False


def test_newly_ticking_contact_with_a_phone_number_stores_it(app, client):
    submission_id = stored_story(app)
    open_story(client)
    response = choices(client, consent_contact="y", contact_phone="0121 496 0000")
    assert response.headers["Location"] == "/your-story/status"
    assert submission(app, submission_id)["contact"] == (None, "+441214960000")
    assert events(app, submission_id)[-1] == ("contact", True, "web", "en", 1)


def test_newly_agreeing_to_equality_questions_asks_them(app, client):
    submission_id = stored_story(app)
    open_story(client)
    response = choices(client, consent_equality="y")
    assert response.headers["Location"] == "/your-story/about-you"
    answered = submit_form(client, "/your-story/about-you", {"sex": "male"})
    assert answered.headers["Location"] == "/your-story/status"
    with app.app_context():
        assert db.session.get(EqualityAnswers, submission_id).sex == "male"


@pytest.mark.parametrize("age_group", [AgeGroup.UNDER_18, AgeGroup.UNDER_13])
def test_a_child_is_not_offered_quotes_and_cannot_agree_to_them_later(app, client, age_group):
    submission_id = stored_story(app, age_group=age_group, channel=Channel.GROUP)
    open_story(client)
    form = client.get("/your-story/choices")
    assert page(form).find("input", attrs={"name": "consent_quote"}) is None
    response = choices(client, consent_quote="y", consent_share="y")
    assert response.headers["Location"] == "/your-story/status"
    stored = submission(app, submission_id)
    assert stored["consents"]["share"] is True
    assert stored["consents"]["quote"] is False
    assert ("quote", True) not in [event[:2] for event in events(app, submission_id)]


# Download


def test_the_download_is_an_attachment_holding_everything(app, client):
    submission_id = everything_story(app)
    open_story(client)
    response = client.get("/your-story/download.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert 'filename="your-story.json"' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["story"] == STORY
    assert data["what_you_would_like_to_change"] == "Interpreters on request"
    assert data["area"] == {"code": "E08000031", "name": "Wolverhampton"}
    assert data["postcode_district"] == "WV10"
    assert data["status"] == "received"
    assert data["age_group"] == "18_plus"
    assert data["consent"] == {
        "store": True,
        "quote": False,
        "share": True,
        "contact": True,
        "equality": True,
    }
    history = [
        (e["purpose"], e["granted"], e["channel"], e["language"], e["privacy_notice_version"])
        for e in data["consent_history"]
    ]
    assert history == events(app, submission_id)
    assert all(e["at"] for e in data["consent_history"])
    assert data["contact"] == {"email": "amina@example.org", "phone": "+447700900982"}
    assert data["equality_answers"]["sex"] == "female"
    assert data["equality_answers"]["religion_described"] == "Baháʼí"


def test_the_download_page_shows_everything_held(app, client):
    everything_story(app)
    open_story(client)
    response = client.get("/your-story/download")
    assert heading(response) == "What you told us"
    text = page(response).get_text(" ", strip=True)
    for held in [STORY, "Interpreters on request", "Wolverhampton", "WV10", "amina@example.org"]:
        assert held in text
    assert len(page(response).select("table tbody tr")) == len(Purpose)


def test_stored_markup_is_never_rendered_unescaped(app, client):
    submission_id = everything_story(app)
    with app.app_context():
        # Text that reached the database some other way (an import, an old version).
        stored = db.session.get(Submission, submission_id)
        stored.story = "<script>alert('story')</script><b>bold</b>"
        stored.what_to_change = '<img src=x onerror="alert(1)">'
        stored.equality.religion_other = "<script>alert('faith')</script>"
        db.session.commit()
    open_story(client)
    for url in ["/your-story/status", "/your-story/download", "/your-story/choices"]:
        response = client.get(url)
        assert response.status_code == 200
        soup = page(response)
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()], url
        assert soup.find("img", attrs={"onerror": True}) is None, url
        assert soup.find("b", string="bold") is None, url
    body = client.get("/your-story/download").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;story&#39;)&lt;/script&gt;" in body
    assert "&lt;script&gt;alert(&#39;faith&#39;)&lt;/script&gt;" in body
    download = client.get("/your-story/download.json")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")


# Withdrawal


def test_withdrawal_erases_the_story_and_everything_personal_at_once(app, client):
    submission_id = everything_story(app)
    before = events(app, submission_id)
    open_story(client)
    form = client.get("/your-story/withdraw")
    assert heading(form) == "Withdraw your story"
    response = submit_form(client, "/your-story/withdraw", {"keep_count": "y"})
    assert response.headers["Location"] == "/your-story/withdrawn"

    stored = submission(app, submission_id)
    assert stored["status"] is SubmissionStatus.WITHDRAWN
    assert stored["withdrawn_at"] is not None
    assert stored["story"] is None
    assert stored["what_to_change"] is None
    assert stored["contact"] is None and count(app, SubmissionContact) == 0
    assert stored["equality"] is False and count(app, EqualityAnswers) == 0
    assert stored["consents"] == {p.value: False for p in Purpose}
    new = events(app, submission_id)[len(before) :]
    assert sorted(new) == sorted(
        (purpose, False, "web", "en", 1) for purpose in ["store", "share", "contact", "equality"]
    )
    # Allowed to be counted, so the area is kept (without anything else).
    assert stored["counted"] is True
    assert stored["postcode_district"] == "WV10"
    assert stored["local_authority_id"] is not None


def test_withdrawal_without_keeping_the_count_also_clears_area_and_postcode(app, client):
    submission_id = everything_story(app)
    open_story(client)
    submit_form(client, "/your-story/withdraw", {})
    stored = submission(app, submission_id)
    assert stored["status"] is SubmissionStatus.WITHDRAWN
    assert stored["counted"] is False
    assert stored["local_authority_id"] is None
    assert stored["postcode_district"] is None
    assert stored["heard_about"] is None


def test_after_withdrawal_the_story_is_closed_everywhere_and_the_code_says_so(app, client):
    everything_story(app)
    open_story(client)
    other_browser = app.test_client()
    open_story(other_browser)
    done = submit_form(client, "/your-story/withdraw", {"keep_count": "y"})
    confirmation = client.get(done.headers["Location"])
    assert heading(confirmation) == "Your story has been withdrawn and deleted"
    # Withdrawal ends every browser's session on the server.
    for browser in (client, other_browser):
        assert browser.get("/your-story/status").headers["Location"] == "/your-story"
    # The code still opens the (withdrawn) story, which says so.
    open_story(client)
    status = client.get("/your-story/status")
    assert heading(status) == "Your story"
    text = page(status).select_one(".inset").get_text(" ", strip=True)
    assert text.startswith("You withdrew your story on")
    assert "We deleted it, along with any contact details and equality answers." in text
    assert page(status).find("a", string="Change what you agreed to") is None
    assert client.get("/your-story/withdraw").headers["Location"] == "/your-story/status"
    assert client.get("/your-story/choices").headers["Location"] == "/your-story"


def test_after_withdrawal_the_story_is_nowhere_in_the_database(app, client):
    canary = "Canary qx93 story about the benefits office"
    everything_story(app, story=canary)
    open_story(client)
    submit_form(client, "/your-story/withdraw", {})
    assert rows_containing(app, "qx93") == []
    assert rows_containing(app, "Baháʼí") == []


def test_after_withdrawal_the_email_address_is_nowhere_in_the_database(app, client):
    everything_story(app, email="canary.qx94@example.org")
    assert count(app, OutboxMessage) == 1
    open_story(client)
    submit_form(client, "/your-story/withdraw", {"keep_count": "y"})
    assert rows_containing(app, "canary.qx94") == []
    assert rows_containing(app, "+447700900982") == []


def rows_containing(app, needle: str) -> list[str]:
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()):
                if any(needle in str(value) for value in row):
                    found.append(table.name)
    return found


# Closing the story on a shared computer


def test_forget_removes_access_from_this_browser(app, client):
    stored_story(app)
    open_story(client)
    status = client.get("/your-story/status")
    form = page(status).find("form", attrs={"action": "/your-story/forget"})
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post("/your-story/forget", data={"csrf_token": token})
    assert response.headers["Location"] == "/your-story"
    assert "This browser no longer has access to your story." in flashes(client.get("/your-story"))
    for url in ["/your-story/status", "/your-story/download.json", "/your-story/withdraw"]:
        assert client.get(url).headers["Location"] == "/your-story"


def test_forget_from_the_thank_you_page_hides_the_code(app, client):
    response = open_story_form(client)
    fields = {
        name: page(response).find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    client.post("/tell/story", data={**fields, "story": STORY, "consent_store": "y"})
    done = client.get("/tell/done")
    assert done.status_code == 200
    form = page(done).find("form", attrs={"action": "/your-story/forget"})
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    client.post("/your-story/forget", data={"csrf_token": token})
    assert client.get("/tell/done").headers["Location"] == "/tell"
    assert count(app, Submission) == 1


def test_forget_needs_a_csrf_token(app, client):
    stored_story(app)
    open_story(client)
    assert client.post("/your-story/forget").status_code == 400
    assert client.get("/your-story/status").status_code == 200
