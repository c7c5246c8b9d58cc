"""Languages: residents and groups choose one, and switching never loses what they typed;
staff pages are in English and say so."""

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import CommunityGroup, Role, Submission
from tests import factories
from tests.helpers import csrf_token, open_story_form, page, sign_in, submit_form

STORY = "My manager said <you people> are lazy.\nمیرے مینیجر نے کہا"


def hidden(response, *names: str) -> dict[str, str]:
    soup = page(response)
    return {name: soup.find("input", attrs={"name": name})["value"] for name in names}


def story_fields(response) -> dict[str, str]:
    return hidden(response, "csrf_token", "age_group", "receipt_token", "notice_version")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def language_buttons(response) -> list:
    return page(response).select(".language-nav button[name=switch_language]")


def test_switching_language_mid_story_keeps_every_answer(app, client):
    form = open_story_form(client)
    typed = {
        "story": STORY,
        "what_to_change": "Fair <interviews>",
        "postcode": "B11",
        "heard_about": "event",
        "consent_share": "y",
        "consent_contact": "y",
        "contact_email": "ewa@example.org",
    }
    switched = client.post(
        "/tell/story", data={**story_fields(form), **typed, "switch_language": "pl"}
    )
    assert switched.status_code == 200
    soup = page(switched)
    assert soup.html["lang"] == "pl" and soup.html["dir"] == "ltr"
    assert soup.find("textarea", attrs={"name": "story"}).get_text().lstrip("\r\n") == STORY
    assert soup.find("textarea", attrs={"name": "what_to_change"}).get_text().lstrip("\r\n") == (
        "Fair <interviews>"
    )
    assert soup.find("input", attrs={"name": "postcode"})["value"] == "B11"
    assert soup.find("option", attrs={"value": "event"}).has_attr("selected")
    assert soup.find("input", attrs={"name": "consent_share"}).has_attr("checked")
    assert not soup.find("input", attrs={"name": "consent_store"}).has_attr("checked")
    assert soup.find("input", attrs={"name": "contact_email"})["value"] == "ewa@example.org"
    # The same receipt token, so sending it now stores it once with the same code.
    assert story_fields(switched)["receipt_token"] == story_fields(form)["receipt_token"]
    assert story_fields(switched)["age_group"] == "18_plus"
    # Not sent: no errors, nothing stored.
    assert soup.select(".error-summary") == []
    assert count(app, Submission) == 0
    # And the resident carries on in Polish and sends it.
    sent = client.post(
        "/tell/story", data={**story_fields(switched), **typed, "consent_store": "y"}
    )
    assert sent.headers["Location"] == "/tell/done"
    with app.app_context():
        stored = db.session.scalar(select(Submission))
        assert stored.story == STORY
        assert {e.language for e in stored.consent_events} == {"pl"}


def test_switching_to_urdu_turns_the_page_right_to_left(client):
    form = open_story_form(client)
    switched = client.post(
        "/tell/story", data={**story_fields(form), "story": STORY, "switch_language": "ur"}
    )
    assert page(switched).html["lang"] == "ur" and page(switched).html["dir"] == "rtl"


def test_a_switch_never_sends_the_form_or_changes_anything(app, client):
    form = open_story_form(client)
    data = {**story_fields(form), "story": STORY, "consent_store": "y", "switch_language": "ur"}
    for _ in range(30):  # well past the story form's rate limit, which does not apply
        assert client.post("/tell/story", data=data).status_code == 200
    assert count(app, Submission) == 0


def test_a_switch_on_a_page_opened_long_ago_still_keeps_the_words(client):
    with freeze_time("2026-12-01 09:00"):
        form = open_story_form(client)
    with freeze_time("2026-12-01 13:00"):  # the page's token has expired
        switched = client.post(
            "/tell/story", data={**story_fields(form), "story": STORY, "switch_language": "pl"}
        )
    assert switched.status_code == 200
    textarea = page(switched).find("textarea", attrs={"name": "story"})
    assert textarea.get_text().lstrip("\r\n") == STORY


def test_a_switch_sent_from_another_site_changes_the_language_but_fills_in_nothing(client):
    open_story_form(client)
    forged = client.post(
        "/tell/story",
        data={
            "csrf_token": "forged",
            "age_group": "18_plus",
            "story": "Words someone else chose",
            "consent_quote": "y",
            "switch_language": "pl",
        },
    )
    assert forged.status_code == 200
    soup = page(forged)
    assert soup.html["lang"] == "pl"
    assert soup.find("textarea", attrs={"name": "story"}).get_text().strip() == ""
    assert not soup.find("input", attrs={"name": "consent_quote"}).has_attr("checked")


def test_a_switch_cannot_withdraw_a_story_or_act_on_any_form(app, client):
    story = _story_with_code(app, client)
    withdraw = client.get("/your-story/withdraw")
    client.post(
        "/your-story/withdraw",
        data={"csrf_token": csrf_token(client, "/your-story/withdraw"), "switch_language": "ur"},
    )
    assert withdraw.status_code == 200
    with app.app_context():
        assert not db.session.get(Submission, story).is_withdrawn


def _story_with_code(app, client) -> int:
    form = open_story_form(client)
    client.post("/tell/story", data={**story_fields(form), "story": STORY, "consent_store": "y"})
    code = page(client.get("/tell/done")).select_one(".receipt-code").get_text(strip=True)
    submit_form(client, "/your-story", {"code": code})
    with app.app_context():
        return db.session.scalar(select(Submission.id))


@pytest.mark.parametrize(
    ("url", "typed", "check"),
    [
        ("/tell/age", {"age": "13_17"}, ("input", {"value": "13_17"}, "checked")),
        ("/your-story", {"code": "7KQM-X2PD"}, ("input", {"name": "code"}, "value")),
        (
            "/groups/register",
            {"name": "Ladywood <Somali> Mothers", "contact_name": "Hodan"},
            ("input", {"name": "name"}, "value"),
        ),
        ("/sign-in", {"email": "group@example.org"}, ("input", {"name": "email"}, "value")),
    ],
)
def test_every_form_a_resident_or_group_uses_comes_back_with_its_answers(client, url, typed, check):
    switched = client.post(
        url, data={"csrf_token": csrf_token(client, url), **typed, "switch_language": "ur"}
    )
    assert switched.status_code == 200
    soup = page(switched)
    assert soup.html["lang"] == "ur"
    tag, attrs, attribute = check
    element = soup.find(tag, attrs=attrs)
    if attribute == "checked":
        assert element.has_attr("checked")
    else:
        assert element[attribute] == next(iter(typed.values()))
    assert soup.select(".error-summary") == []


def test_changed_choices_survive_a_switch(app, client):
    _story_with_code(app, client)
    switched = client.post(
        "/your-story/choices",
        data={
            "csrf_token": csrf_token(client, "/your-story/choices"),
            "consent_share": "y",
            "switch_language": "pl",
        },
    )
    assert page(switched).find("input", attrs={"name": "consent_share"}).has_attr("checked")
    with app.app_context():
        assert db.session.scalar(select(Submission.consent_share)) is False


RESIDENT_FORM_PAGES = [
    "/tell/age",
    "/your-story",
    "/groups/register",
    "/sign-in",
]


@pytest.mark.parametrize("url", RESIDENT_FORM_PAGES)
def test_language_buttons_on_a_form_page_send_that_form(client, url):
    soup = page(client.get(url))
    buttons = language_buttons(client.get(url))
    assert len(buttons) == 2  # the two languages not being shown
    for button in buttons:
        form = soup.find("form", id=button["form"])
        assert form is not None and form.get("method") == "post"
        assert button["formaction"] == "?"  # this page, as it is
        assert button.has_attr("formnovalidate") and button["lang"] == button["value"]


def test_the_story_form_page_has_language_buttons_too(client):
    form = open_story_form(client)
    assert {b["value"] for b in language_buttons(form)} == {"pl", "ur"}
    assert {b["form"] for b in language_buttons(form)} == {"story-form"}


def test_pages_without_a_form_link_to_themselves_in_each_language_keeping_the_query(client):
    soup = page(client.get("/privacy?x=1&lang=pl"))
    links = {a["lang"]: a["href"] for a in soup.select(".language-nav a")}
    assert links == {"en": "?x=1&lang=en", "ur": "?x=1&lang=ur"}


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example", "/\t/evil.example"])
def test_a_language_link_never_leaves_the_site_however_the_address_starts(client, path):
    response = client.get("/", environ_overrides={"PATH_INFO": path})
    assert response.status_code == 404
    links = [a["href"] for a in page(response).select(".language-nav a")]
    # Only a query: the browser keeps this page's path, whatever it is.
    assert links == ["?lang=pl", "?lang=ur"]


def test_staff_pages_are_in_english_and_marked_so_whatever_language_was_chosen(app, client):
    client.get("/tell?lang=ur")
    with app.app_context():
        factories.user(role=Role.ENGAGEMENT_OFFICER, email="officer@test.example")
    sign_in(client, "officer@test.example")
    for url in ["/staff/", "/moderation/", "/tell"]:
        soup = page(client.get(url))
        assert (soup.html["lang"], soup.html["dir"]) == ("en", "ltr"), url
        assert soup.select(".language-nav") == [], url


def test_the_second_sign_in_step_is_in_english(app, client):
    client.get("/tell?lang=pl")
    with app.app_context():
        factories.user(role=Role.ENGAGEMENT_OFFICER, email="officer@test.example")
    response = submit_form(
        client, "/sign-in", {"email": "officer@test.example", "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/sign-in/code"
    assert page(client.get("/sign-in/code")).html["lang"] == "en"


def test_a_community_group_contact_chooses_their_language_too(app, client):
    with app.app_context():
        contact = factories.user(role=Role.GROUP_CONTACT, email="group@test.example")
        db.session.add(
            CommunityGroup(
                name="Ladywood Mothers",
                group_type="community_group",
                contact_name="Hodan",
                contact_email="group@test.example",
                contact_user_id=contact.id,
                status="verified",
            )
        )
        db.session.commit()
    sign_in(client, "group@test.example")
    soup = page(client.get("/group/?lang=ur"))
    assert soup.html["lang"] == "ur"
    assert soup.select(".language-nav")
