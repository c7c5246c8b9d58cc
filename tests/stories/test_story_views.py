"""Telling a story on the web: the age question, the story form with its consent, the
equality questions and the thank-you page, including every kind of bad input."""

import re
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    Channel,
    ConsentEvent,
    EqualityAnswers,
    EthnicGroup,
    OutboxMessage,
    PrivacyNotice,
    Purpose,
    Submission,
    SubmissionContact,
)
from engage.services.common import outbox
from engage.services.common.outbox import MemorySender
from engage.services.stories import receipts
from tests import factories
from tests.helpers import (
    age_resident_sessions,
    csrf_token,
    error_summary,
    field_error,
    heading,
    open_story_form,
    page,
    submit_form,
)

STORY = "The housing officer laughed at my accent and\nsaid I should go back home."
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
HIDDEN = ("csrf_token", "age_group", "receipt_token", "notice_version")
SCRIPT = "<script>alert('xss')</script>"


# Helpers (local to this module)


def story_form(client, age: str = "18_plus"):
    return open_story_form(client, age)


def hidden_fields(response) -> dict[str, str]:
    soup = page(response)
    return {name: soup.find("input", attrs={"name": name})["value"] for name in HIDDEN}


def post_story(client, data: dict, *, age: str = "18_plus", form=None):
    """Open the story form (or use the page given), then send it with the data."""
    fields = hidden_fields(form if form is not None else story_form(client, age))
    return client.post("/tell/story", data={**fields, **data})


def story_data(**overrides) -> dict:
    return {"story": STORY, "consent_store": "y", **overrides}


def textarea(response, name: str) -> str:
    """A textarea's text as the browser shows it (a single leading newline is dropped)."""
    text = page(response).find("textarea", attrs={"name": name}).get_text()
    return text.removeprefix("\r\n").removeprefix("\n")


def input_value(response, name: str) -> str | None:
    return page(response).find("input", attrs={"name": name}).get("value")


def is_ticked(response, name: str) -> bool:
    return page(response).find("input", attrs={"name": name}).has_attr("checked")


def counts(app) -> dict[str, int]:
    """The number of rows in every table."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def only_submission(app) -> dict:
    with app.app_context():
        submissions = db.session.scalars(select(Submission)).all()
        assert len(submissions) == 1, f"{len(submissions)} submissions stored"
        s = submissions[0]
        return {
            "id": s.id,
            "story": s.story,
            "what_to_change": s.what_to_change,
            "postcode_district": s.postcode_district,
            "local_authority_id": s.local_authority_id,
            "receipt_hash": s.receipt_hash,
            "consents": {p.value: v for p, v in s.consents().items()},
            "contact": (s.contact.email, s.contact.phone) if s.contact else None,
        }


def events(app) -> list[dict]:
    with app.app_context():
        return [
            {
                "purpose": e.purpose,
                "granted": e.granted,
                "notice": e.notice.version if e.notice else None,
                "channel": e.channel,
                "language": e.language,
                "recorded_at": e.recorded_at,
                "submission_id": e.submission_id,
            }
            for e in db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id))
        ]


def receipt_code_shown(client) -> str:
    response = client.get("/tell/done")
    assert response.status_code == 200
    return page(response).select_one(".receipt-code").get_text(strip=True)


@pytest.fixture
def mail(app):
    sender = MemorySender()
    app.extensions["engage_mail_sender"] = sender
    yield sender
    app.extensions.pop("engage_mail_sender", None)


# The age question


def test_the_story_form_asks_the_age_question_first(client):
    assert client.get("/tell/story").headers["Location"] == "/tell/age"
    # An age in the address does not skip the question.
    for age in ("18_plus", "13_17", "nonsense", "under_13"):
        assert client.get(f"/tell/story?age={age}").headers["Location"] == "/tell/age"


def test_the_age_question_can_be_changed_and_is_asked_again_for_a_new_story(app, client):
    submit_form(client, "/tell/age", {"age": "13_17"})
    again = client.get("/tell/age")
    assert page(again).find("input", attrs={"value": "13_17"}).has_attr("checked")
    submit_form(client, "/tell/age", {"age": "18_plus"})
    form = client.get("/tell/story")
    assert hidden_fields(form)["age_group"] == "18_plus"
    assert page(form).find("input", attrs={"name": "consent_quote"}) is not None
    post_story(client, story_data(), form=form)
    assert client.get("/tell/story").headers["Location"] == "/tell/age"


def test_the_start_page_leads_to_the_age_question(client):
    response = client.get("/tell")
    assert heading(response) == "Tell the Race Equity Taskforce what happened to you"
    assert page(response).find("a", string="Start now")["href"] == "/tell/age"


def test_an_age_must_be_chosen(app, client):
    response = submit_form(client, "/tell/age", {})
    assert response.status_code == 200
    assert field_error(response, "age") == "Select how old you are"


@pytest.mark.parametrize("age", ["18_plus", "13_17"])
def test_residents_aged_13_or_over_go_on_to_the_story_form(client, age):
    response = submit_form(client, "/tell/age", {"age": age})
    assert response.headers["Location"] == "/tell/story"
    form = client.get(response.headers["Location"])
    assert heading(form) == "Tell us what happened"
    assert hidden_fields(form)["age_group"] == age


def test_the_under_13_path_stores_nothing(app, client):
    before = counts(app)
    response = submit_form(client, "/tell/age", {"age": "under_13"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tell/ask-for-help"
    help_page = client.get("/tell/ask-for-help")
    assert heading(help_page) == "Ask an adult to help you"
    text = page(help_page).get_text(" ", strip=True)
    assert "a community group you know, who can send your story for you" in text
    assert "We have not kept anything you told us." in text
    assert counts(app) == before


def test_a_story_posted_as_an_under_13_is_refused_and_not_stored(app, client):
    before = counts(app)
    fields = hidden_fields(story_form(client))
    response = client.post("/tell/story", data={**fields, **story_data(), "age_group": "under_13"})
    assert response.status_code in (302, 400)
    assert response.headers.get("Location") != "/tell/done"
    assert counts(app) == before


# The story form


def test_every_consent_box_is_unticked_when_the_form_opens(client):
    response = story_form(client)
    for purpose in Purpose:
        assert not is_ticked(response, f"consent_{purpose.value}")
    fields = hidden_fields(response)
    assert fields["age_group"] == "18_plus"
    assert fields["notice_version"] == "1"
    link = page(response).find("a", string=re.compile("privacy notice"))
    assert link["href"] == "/privacy"
    assert "version 1" in link.get_text()


def test_a_story_is_stored_and_the_thank_you_page_shows_its_code(app, client):
    with app.app_context():
        sandwell = factories.authority("Sandwell").id
    response = post_story(
        client,
        story_data(
            what_to_change="Training for staff",
            local_authority_id=str(sandwell),
            postcode="B66",
            heard_about="community_group",
            consent_share="y",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/tell/done"
    done = client.get("/tell/done")
    assert heading(done) == "Thank you: your story has been sent"
    code = page(done).select_one(".receipt-code").get_text(strip=True)
    assert CODE.match(code), code
    stored = only_submission(app)
    assert stored["receipt_hash"] == receipts.digest(code)
    assert stored["story"] == STORY
    assert stored["what_to_change"] == "Training for staff"
    assert stored["local_authority_id"] == sandwell
    assert stored["consents"] == {
        "store": True,
        "quote": False,
        "share": True,
        "contact": False,
        "equality": False,
    }


def test_a_story_without_consent_to_store_it_is_refused_beside_that_box(app, client):
    before = counts(app)
    response = post_story(client, {"story": STORY, "consent_share": "y"})
    assert response.status_code == 200
    message = (
        "Tick the box to agree that we can store and analyse your story. "
        "We cannot accept it otherwise"
    )
    assert field_error(response, "consent_store") == message
    assert error_summary(response) == [message]
    assert page(response).select_one(".error-summary a")["href"] == "#consent_store"
    assert textarea(response, "story") == STORY
    assert is_ticked(response, "consent_share")
    assert counts(app) == before


def test_an_empty_story_is_refused(app, client):
    response = post_story(client, story_data(story="   "))
    assert field_error(response, "story") == "Tell us what happened"
    assert count(app, Submission) == 0


def test_an_over_long_story_is_refused_and_the_text_is_kept(app, client):
    long_story = ("My story. " * 1_001)[:10_001]
    response = post_story(client, story_data(story=long_story, what_to_change="Fairness"))
    assert response.status_code == 200
    assert field_error(response, "story") == (
        "Your story must be 10,000 characters or fewer. It has 1 character too many: "
        "all your words are still in the box, so you can shorten it."
    )
    assert textarea(response, "story") == long_story
    assert textarea(response, "what_to_change") == "Fairness"
    assert count(app, Submission) == 0


def test_a_story_of_exactly_10000_characters_is_accepted(app, client):
    response = post_story(client, story_data(story="x" * 10_000))
    assert response.headers["Location"] == "/tell/done"
    assert len(only_submission(app)["story"]) == 10_000


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"consent_contact": "y", "contact_email": "amina@@example"},
            "contact_email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"consent_contact": "y", "contact_phone": "call me maybe"},
            "contact_phone",
            "Enter a UK phone number, like 07700 900 982",
        ),
        (
            {"consent_contact": "y", "contact_phone": "+1 202 555 0100"},
            "contact_phone",
            "Enter a UK phone number, like 07700 900 982",
        ),
        (
            {"postcode": "ZZZ 999"},
            "postcode",
            "Enter the first part of a postcode, like B11, or a full postcode",
        ),
    ],
)
def test_invalid_contact_details_and_postcodes_are_refused_beside_the_field(
    app, client, fields, field, message
):
    before = counts(app)
    response = post_story(client, story_data(**fields))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert input_value(response, field) == fields[field]
    assert textarea(response, "story") == STORY
    assert counts(app) == before


def test_contact_consent_without_an_email_or_phone_asks_for_one(app, client):
    response = post_story(client, story_data(consent_contact="y"))
    assert field_error(response, "contact_email") == (
        "Enter an email address or a phone number so we can contact you"
    )
    assert is_ticked(response, "consent_contact")
    assert count(app, Submission) == 0


def test_a_full_postcode_is_stored_only_as_its_district(app, client):
    response = post_story(client, story_data(postcode="b66 1aa"))
    assert response.headers["Location"] == "/tell/done"
    assert only_submission(app)["postcode_district"] == "B66"
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()):
                # Hex digests (receipt hashes) can contain "1aa" by chance: skip them.
                values = [str(v) for v in row if not re.fullmatch(r"[0-9a-f]{64}", str(v))]
                assert not any("1AA" in v.upper().replace(" ", "") for v in values), table


def test_contact_details_are_not_stored_without_consent_to_contact(app, client):
    response = post_story(
        client, story_data(contact_email="amina@example.org", contact_phone="07700 900 982")
    )
    assert response.headers["Location"] == "/tell/done"
    assert only_submission(app)["contact"] is None
    assert count(app, SubmissionContact) == 0
    assert count(app, OutboxMessage) == 0


def test_contact_details_given_with_consent_are_stored_and_a_receipt_emailed(app, client, mail):
    response = post_story(
        client,
        story_data(
            consent_contact="y",
            contact_email="Amina@Example.org",
            contact_phone="07700 900 982",
        ),
    )
    assert response.headers["Location"] == "/tell/done"
    code = receipt_code_shown(client)
    assert only_submission(app)["contact"] == ("amina@example.org", "+447700900982")
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.kind == "receipt_confirmation"
        assert message.to_address == "amina@example.org"
        assert code not in message.body  # only in the email as it goes
    # Delivered straight after the story was committed.
    assert [email["To"] for email in mail.sent] == ["amina@example.org"]
    assert code in mail.sent[0].get_content()


def test_a_failing_email_does_not_lose_the_story_and_is_retried(app, client, mail):
    mail.fail_with = ConnectionRefusedError("mail server down")
    started = datetime.now(UTC)
    response = post_story(
        client, story_data(consent_contact="y", contact_email="amina@example.org")
    )
    assert response.headers["Location"] == "/tell/done"
    code = receipt_code_shown(client)
    assert only_submission(app)["story"] == STORY
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.sent_at is None
        assert message.attempts == 1
        assert message.next_attempt_at > started
        retry_at = message.next_attempt_at
    assert mail.sent == []

    mail.fail_with = None
    with app.app_context():
        assert outbox.deliver_due(now=retry_at) == (1, 0)
        assert db.session.scalars(select(OutboxMessage)).one().sent_at is not None
        db.session.remove()
    assert code in mail.sent[0].get_content()


def test_the_same_form_sent_twice_is_stored_once_with_the_same_code(app, client):
    fields = {**hidden_fields(story_form(client)), **story_data(consent_quote="y")}
    first = client.post("/tell/story", data=fields)
    assert first.headers["Location"] == "/tell/done"
    first_code = receipt_code_shown(client)
    second = client.post("/tell/story", data=fields)
    assert second.headers["Location"] == "/tell/done"
    second_code = receipt_code_shown(client)
    assert first_code == second_code
    assert count(app, Submission) == 1
    assert len(events(app)) == len(Purpose)


def test_the_same_form_sent_from_a_second_tab_is_stored_once(app, client):
    form = story_form(client)
    fields = {**hidden_fields(form), **story_data()}
    client.post("/tell/story", data=fields)
    first_code = receipt_code_shown(client)
    # A second copy of the page, open in another tab, carries a different form.
    other = {**hidden_fields(story_form(client)), **story_data()}
    client.post("/tell/story", data=other)
    assert receipt_code_shown(client) != first_code
    client.post("/tell/story", data=fields)
    assert receipt_code_shown(client) == first_code
    assert count(app, Submission) == 2


@pytest.mark.parametrize("problem", ["missing", "tampered", "timed_out", "session_lost"])
def test_an_expired_page_keeps_the_story_and_stores_nothing(app, client, problem):
    fields = {**hidden_fields(story_form(client)), **story_data(what_to_change="Fairness")}
    sender = client
    if problem == "missing":
        del fields["csrf_token"]
    elif problem == "tampered":
        fields["csrf_token"] = fields["csrf_token"][:-4] + "AAAA"
    elif problem == "session_lost":
        sender = app.test_client()  # the session cookie has gone
    before = counts(app)
    later = datetime.now(UTC) + timedelta(hours=3)  # past the CSRF token's two hours
    with freeze_time(later) if problem == "timed_out" else nullcontext():
        response = sender.post("/tell/story", data=fields)
        after_expired_page = counts(app)
        resent = sender.post(
            "/tell/story",
            data={**hidden_fields(response), **story_data(what_to_change="Fairness")},
        )

    assert response.status_code == 200
    summary = page(response).select_one(".error-summary")
    assert textarea(response, "story") == STORY
    assert textarea(response, "what_to_change") == "Fairness"
    if problem == "timed_out":
        # From this site, only too old: drawn again as it was, choices and all.
        assert summary.find("h2").get_text(strip=True) == "Nothing has been sent yet"
        assert "What you typed is still here" in summary.get_text()
        assert is_ticked(response, "consent_store")
    else:
        # Nothing proves it came from this site: the words only, the choices to make again.
        assert summary.find("h2").get_text(strip=True) == "Your story has not been sent yet"
        assert "we have kept only your words" in summary.get_text()
        assert not is_ticked(response, "consent_store")
    assert after_expired_page == before

    # Sending the page again as shown then works, and stores the words kept.
    assert resent.headers["Location"] == "/tell/done"
    assert only_submission(app)["story"] == STORY


def test_a_tampered_receipt_token_is_treated_as_an_expired_page(app, client):
    fields = {**hidden_fields(story_form(client)), **story_data()}
    fields["receipt_token"] = "not-a-signed-token"
    response = client.post("/tell/story", data=fields)
    assert response.status_code == 200
    assert "Your story has not been sent yet" in page(response).get_text()
    assert textarea(response, "story") == STORY
    assert hidden_fields(response)["receipt_token"] != "not-a-signed-token"
    assert count(app, Submission) == 0


def test_markup_typed_into_fields_that_are_refused_is_shown_back_escaped(app, client):
    response = post_story(
        client,
        {
            "story": SCRIPT + "Story",
            "what_to_change": '<img src=x onerror="alert(1)">Change',
            "postcode": "<b>B1</b>",
            "consent_contact": "y",
            "contact_email": SCRIPT,
            "contact_phone": "<svg/onload=alert(2)>",
        },
    )
    assert response.status_code == 200
    soup = page(response)
    assert not [s for s in soup.find_all("script") if "alert" in s.get_text()]
    assert soup.find("img", attrs={"onerror": True}) is None
    assert soup.find("svg") is None
    assert soup.find("b", string="B1") is None
    body = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(" in body
    assert textarea(response, "story") == SCRIPT + "Story"
    assert count(app, Submission) == 0


def test_markup_in_the_story_fields_is_stored_as_typed(app, client):
    story = f"{SCRIPT}My <b>manager</b> said <i>no</i>.<!-- hidden -->"
    change = '<a href="javascript:alert(1)">Fair</a> <img src=x onerror=alert(1)>pay'
    response = post_story(client, story_data(story=story, what_to_change=change))
    assert response.headers["Location"] == "/tell/done"
    stored = only_submission(app)
    assert stored["story"] == story
    assert stored["what_to_change"] == change


def test_story_posts_beyond_the_rate_limit_are_refused_and_keep_the_words(app, client):
    fields = hidden_fields(story_form(client))
    for _ in range(20):
        assert client.post("/tell/story", data={**fields, "story": ""}).status_code == 200
    data = story_data()
    response = client.post("/tell/story", data={**fields, **data})
    assert response.status_code == 429
    assert "Your story has not been sent yet" in page(response).get_text()
    assert "You can try again in 1 hour." in page(response).get_text()
    assert page(response).find("textarea", id="story").get_text().strip() == data["story"]
    assert count(app, Submission) == 0
    # Reading the form is not limited, and another address is not affected.
    assert client.get("/tell/story").status_code == 200
    client.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    assert post_story(client, story_data()).headers["Location"] == "/tell/done"


def test_under_18s_are_not_offered_quotes_and_a_posted_quote_is_not_stored(app, client):
    form = story_form(client, "13_17")
    assert page(form).find("input", attrs={"name": "consent_quote"}) is None
    response = post_story(client, story_data(consent_quote="y", consent_share="y"), form=form)
    assert response.headers["Location"] == "/tell/done"
    assert only_submission(app)["consents"]["quote"] is False
    quote_events = [e for e in events(app) if e["purpose"] is Purpose.QUOTE]
    assert [e["granted"] for e in quote_events] == [False]


def test_adults_can_agree_to_quotes(app, client):
    assert story_form(client).status_code == 200
    post_story(client, story_data(consent_quote="y"))
    assert only_submission(app)["consents"]["quote"] is True


def test_every_consent_event_is_complete_and_records_the_notice_shown(app, client):
    form = story_form(client)
    assert hidden_fields(form)["notice_version"] == "1"
    # A new notice is published while the resident is writing.
    with app.app_context():
        db.session.add(PrivacyNotice(version=2, body="## New\nChanged text", sha256="c" * 64))
        db.session.commit()
    response = post_story(client, story_data(consent_equality="y"), form=form)
    assert response.status_code == 302
    recorded = events(app)
    assert sorted(e["purpose"].value for e in recorded) == sorted(p.value for p in Purpose)
    for event in recorded:
        assert all(value is not None for value in event.values()), event
        assert event["notice"] == 1
        assert event["channel"] is Channel.WEB
        assert event["language"] == "en"
    granted = {e["purpose"].value: e["granted"] for e in recorded}
    assert granted == {
        "store": True,
        "quote": False,
        "share": False,
        "contact": False,
        "equality": True,
    }
    # The next form shows, and so records, the new version.
    assert hidden_fields(story_form(client))["notice_version"] == "2"


def test_the_language_of_the_page_is_recorded_with_the_consent(app, client):
    submit_form(client, "/tell/age?lang=pl", {"age": "18_plus"})
    form = client.get("/tell/story")
    post_story(client, story_data(), form=form)
    assert {e["language"] for e in events(app)} == {"pl"}


# Equality questions


ANSWERS = {
    "age_band": "35_44",
    "sex": "male",
    "gender_same_as_birth": "yes",
    "disability": "prefer_not_to_say",
    "religion": "muslim",
    "sexual_orientation": "prefer_not_to_say",
}


def test_equality_answers_without_consent_are_not_stored(app, client):
    response = post_story(client, story_data())
    assert response.headers["Location"] == "/tell/done"
    assert client.get("/tell/about-you").headers["Location"] == "/tell/done"
    posted = submit_form(client, "/tell/about-you", ANSWERS, form_url="/tell/age")
    assert posted.headers["Location"] == "/tell/done"
    assert count(app, EqualityAnswers) == 0
    assert only_submission(app)["story"] == STORY


def test_equality_answers_are_stored_apart_from_the_story_with_consent(app, client):
    response = post_story(client, story_data(consent_equality="y"))
    assert response.headers["Location"] == "/tell/about-you"
    questions = client.get("/tell/about-you")
    assert heading(questions) == "About you"
    with app.app_context():
        group = db.session.scalar(
            select(EthnicGroup).where(EthnicGroup.label == "Any other Asian background")
        )
        group_id = group.id
    answered = client.post(
        "/tell/about-you",
        data={
            "csrf_token": csrf_token(client, "/tell/about-you"),
            **ANSWERS,
            "ethnic_group_id": str(group_id),
            "ethnic_group_other": "Kashmiri <Pahari>",
        },
    )
    assert answered.headers["Location"] == "/tell/done"
    submission_id = only_submission(app)["id"]
    with app.app_context():
        answers = db.session.get(EqualityAnswers, submission_id)
        assert answers.ethnic_group_id == group_id
        assert answers.ethnic_group_other == "Kashmiri <Pahari>"
        assert answers.sex == "male" and answers.religion == "muslim"
    submission_columns = {c.name for c in Submission.__table__.columns}
    assert not {"ethnic_group_id", "sex", "religion", "sexual_orientation"} & submission_columns
    # Answered once: the questions are not asked again.
    assert client.get("/tell/about-you").headers["Location"] == "/tell/done"


def test_the_equality_questions_can_be_skipped(app, client):
    post_story(client, story_data(consent_equality="y"))
    response = client.post(
        "/tell/about-you",
        data={"csrf_token": csrf_token(client, "/tell/about-you"), **ANSWERS, "skip": "1"},
    )
    assert response.headers["Location"] == "/tell/done"
    assert count(app, EqualityAnswers) == 0


def test_an_answer_outside_the_list_is_refused_beside_the_question(app, client):
    post_story(client, story_data(consent_equality="y"))
    response = client.post(
        "/tell/about-you",
        data={"csrf_token": csrf_token(client, "/tell/about-you"), "sex": "robot"},
    )
    assert response.status_code == 200
    assert field_error(response, "sex") == "Select one of the options shown"
    assert count(app, EqualityAnswers) == 0


# The thank-you page and the code


def test_the_code_never_appears_in_a_url(app, client):
    locations = []
    response = submit_form(client, "/tell/age", {"age": "18_plus"})
    locations.append(response.headers["Location"])
    response = post_story(client, story_data(consent_equality="y"))
    locations.append(response.headers["Location"])
    response = client.post(
        "/tell/about-you",
        data={"csrf_token": csrf_token(client, "/tell/about-you"), **ANSWERS},
    )
    locations.append(response.headers["Location"])
    done = client.get("/tell/done")
    code = page(done).select_one(".receipt-code").get_text(strip=True)
    assert CODE.match(code)
    opened = submit_form(client, "/your-story", {"code": code})
    locations.append(opened.headers["Location"])
    status = client.get(opened.headers["Location"])
    assert heading(status) == "Your story"

    spellings = {code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()}
    for location in locations:
        assert not any(s in location for s in spellings), location
    for shown in (done, status):
        soup = page(shown)
        for element in soup.find_all(attrs={"href": True}) + soup.find_all(attrs={"action": True}):
            target = element.get("href") or element.get("action")
            assert not any(s in target for s in spellings), target


def test_the_thank_you_page_needs_a_story_just_sent(client):
    response = client.get("/tell/done")
    assert response.headers["Location"] == "/tell"


def test_the_thank_you_page_stops_showing_the_code_after_an_hour(client):
    post_story(client, story_data())
    assert client.get("/tell/done").status_code == 200
    age_resident_sessions(client.application, timedelta(hours=2))
    assert client.get("/tell/done").headers["Location"] == "/tell"


def test_the_privacy_notice_is_versioned(app, client):
    response = client.get("/privacy")
    assert heading(response) == "Privacy notice"
    with app.app_context():
        notice = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == 1))
        sha256 = notice.sha256
    assert sha256 in page(response).get_text()
    assert client.get("/privacy/1").status_code == 200
    assert client.get("/privacy/99").status_code == 404


def test_the_privacy_page_shows_the_configured_lawful_basis(app, client):
    original = dict(app.config["LAWFUL_BASIS"])
    app.config["LAWFUL_BASIS"] = {
        **original,
        "equality": (
            "Public task with the equality of opportunity condition (DPA 2018 Sch 1 para 8)"
        ),
    }
    try:
        text = page(client.get("/privacy")).get_text(" ", strip=True)
    finally:
        app.config["LAWFUL_BASIS"] = original
    assert "Equality monitoring Public task with the equality of opportunity condition" in text
    assert "Storing and analysing stories Explicit consent" in text


def test_every_problem_on_the_story_form_shows_at_once(app, client):
    response = post_story(
        client,
        {
            "story": "",
            "postcode": "nonsense",
            "consent_contact": "y",
            "contact_email": "e" * 260,
            "contact_phone": "12",
        },
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "Tell us what happened",
        "Enter the first part of a postcode, like B11, or a full postcode",
        "Tick the box to agree that we can store and analyse your story. "
        "We cannot accept it otherwise",
        "Use 254 characters or fewer. You have 6 characters too many.",
        "Enter a UK phone number, like 07700 900 982",
    ]
    assert count(app, Submission) == 0


@pytest.mark.parametrize("tampered", ["²", "99999999999999999999"])
def test_a_tampered_area_on_the_story_form_is_refused_not_a_500(app, client, tampered):
    response = post_story(client, story_data(local_authority_id=tampered))
    assert response.status_code == 200
    assert field_error(response, "local_authority_id") == "Select one of the options shown"
    assert count(app, Submission) == 0


def test_the_equality_page_shows_the_code_in_case_the_resident_goes_no_further(app, client):
    post_story(client, story_data(consent_equality="y"))
    soup = page(client.get("/tell/about-you"))
    assert CODE.match(soup.select_one(".inset .receipt-code").get_text(strip=True))


def test_answers_sent_after_the_page_outlived_its_hour_are_not_dropped_silently(app, client):
    post_story(client, story_data(consent_equality="y"))
    token = csrf_token(client, "/tell/about-you")
    age_resident_sessions(app, timedelta(hours=2))
    response = client.post("/tell/about-you", data={"csrf_token": token, **ANSWERS})
    assert response.status_code == 200
    assert heading(response) == "Your answers have not been saved"
    assert page(response).find("a", string="See or change your story")["href"] == "/your-story"
    assert count(app, EqualityAnswers) == 0


@pytest.mark.parametrize("tampered", ["1¿'\"(", "9" * 20, "-3", ""])
def test_a_tampered_notice_version_records_the_current_notice(client, app, tampered):
    """Found by wapiti (scripts/security_checks.sh): a non-number here was a 500."""
    form = story_form(client)
    fields = {**hidden_fields(form), "notice_version": tampered}
    sent = client.post("/tell/story", data={**fields, **story_data()})
    assert sent.status_code == 302
    with app.app_context():
        current = db.session.scalar(select(func.max(PrivacyNotice.version)))
        event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.purpose == Purpose.STORE))
        assert event.notice_id == db.session.scalar(
            select(PrivacyNotice.id).where(PrivacyNotice.version == current)
        )
