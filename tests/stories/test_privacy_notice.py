"""The privacy notice in the resident's language, and a consent record that proves which
words they were shown."""

import hashlib

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import ConsentEvent, PrivacyNotice, PrivacyNoticeTranslation
from engage.services.stories import notices
from tests.helpers import open_story_form, page


def notice_text(response) -> str:
    """The notice's own words on the page (not the page around them)."""
    soup = page(response)
    block = soup.select_one("main div[lang]")
    return block.get_text("\n", strip=True), block["lang"]


@pytest.mark.parametrize(("language", "heading"), [("pl", "Kim jesteśmy"), ("ur", "ہم کون ہیں")])
def test_the_notice_is_shown_in_the_residents_language(app, client, language, heading):
    response = client.get(f"/privacy?lang={language}")
    text, marked = notice_text(response)
    assert marked == language
    assert text.startswith(heading)
    with app.app_context():
        translation = db.session.scalar(
            select(PrivacyNoticeTranslation).where(PrivacyNoticeTranslation.language == language)
        )
        english = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == 1))
        assert translation.sha256 == hashlib.sha256(translation.body.encode()).hexdigest()
    soup = page(response)
    # The fingerprint of the words shown, and the English text one click away.
    assert translation.sha256 in soup.get_text()
    original = soup.select_one("details div[lang=en]").get_text("\n", strip=True)
    assert original.startswith("Who we are")
    assert english.sha256 in soup.select_one("details").get_text()


def test_the_translations_say_the_same_things_as_the_english(app):
    with app.app_context():
        english = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == 1))
        translations = db.session.scalars(select(PrivacyNoticeTranslation)).all()
    assert {t.language for t in translations} == {"pl", "ur"}
    for translation in translations:
        # The same headings and numbered points in the same places, and the same
        # addresses, codes and ages.
        shape = [
            (line.startswith("## "), line[:3] if line[:1].isdigit() else "")
            for line in translation.body.split("\n")
        ]
        assert shape == [
            (line.startswith("## "), line[:3] if line[:1].isdigit() else "")
            for line in english.body.split("\n")
        ], translation.language
        for kept in ["ico.org.uk", "B11", "13", "17", "WMCA", "Engage"]:
            assert kept in translation.body, (translation.language, kept)


def test_a_language_without_a_translation_shows_the_english_and_says_so(app):
    with app.test_request_context():
        shown = notices.as_shown(notices.current(), "bn")
    assert shown.language == "en" and not shown.is_translation


def test_consent_given_in_polish_records_the_polish_texts_fingerprint(app, client):
    client.get("/tell?lang=pl")
    form = open_story_form(client)
    soup = page(form)
    fields = {
        name: soup.find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    client.post("/tell/story", data={**fields, "story": "Historia", "consent_store": "y"})
    with app.app_context():
        polish = db.session.scalar(
            select(PrivacyNoticeTranslation.sha256).where(PrivacyNoticeTranslation.language == "pl")
        )
        events = db.session.scalars(select(ConsentEvent)).all()
    assert events and {(e.language, e.notice_sha256) for e in events} == {("pl", polish)}


def test_consent_given_in_english_records_the_english_fingerprint(app, client):
    form = open_story_form(client)
    soup = page(form)
    fields = {
        name: soup.find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    client.post("/tell/story", data={**fields, "story": "A story", "consent_store": "y"})
    with app.app_context():
        english = db.session.scalar(select(PrivacyNotice.sha256).where(PrivacyNotice.version == 1))
        assert {e.notice_sha256 for e in db.session.scalars(select(ConsentEvent))} == {english}


def test_the_lawful_basis_is_shown_in_words_in_the_readers_language(app, client):
    original = dict(app.config["LAWFUL_BASIS"])
    app.config["LAWFUL_BASIS"]["equality"] = "public_task_equality"
    app.config["LAWFUL_BASIS"]["contact"] = "Our own wording (DPA 2018)"
    try:
        soup = page(client.get("/privacy"))
        rows = {row.th.get_text(strip=True): row.td for row in soup.select("table tbody tr")}
    finally:
        app.config["LAWFUL_BASIS"] = original
    assert rows["Equality monitoring"].get_text().startswith("Public task, with the substantial")
    assert rows["Storing and analysing stories"].get_text() == (
        "Explicit consent (UK GDPR Articles 6(1)(a) and 9(2)(a))"
    )
    # Wording from the configuration is shown as written, and marked as English.
    assert rows["Contacting residents"].get_text() == "Our own wording (DPA 2018)"
    assert rows["Contacting residents"]["lang"] == "en"


def test_an_earlier_version_links_to_the_current_one(app, client):
    with app.app_context():
        db.session.add(PrivacyNotice(version=2, body="## New\nChanged text", sha256="c" * 64))
        db.session.commit()
    response = client.get("/privacy/1")
    assert page(response).select_one(".inset a")["href"] == "/privacy"
