"""The resident's download: the page says everything in words, in their language; the
file keeps codes, and matches its published schema."""

import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from engage.equality import QUESTIONS
from engage.extensions import db
from engage.models import AgeGroup, Channel, EthnicGroup, Purpose, SubmissionStatus
from engage.services.stories import intake
from engage.services.stories.intake import HEARD_ABOUT
from tests.helpers import page
from tests.stories.test_receipt_views import CODE, everything_story, open_story, stored_story

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "your-story-download.md"
SCHEMA = json.loads(resources.files("engage").joinpath("data/your-story.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def enum_of(schema: dict) -> set[str]:
    """The codes a property allows, whether or not it may also be null."""
    if "enum" in schema:
        return set(schema["enum"])
    return {code for option in schema["anyOf"] for code in option.get("enum", [])}


def downloaded(client) -> dict:
    return json.loads(client.get("/your-story/download.json").get_data(as_text=True))


def test_the_schema_is_itself_valid_and_served_publicly(client):
    Draft202012Validator.check_schema(SCHEMA)
    response = client.get("/your-story/download-schema.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert json.loads(response.get_data(as_text=True)) == SCHEMA


def test_every_download_matches_the_schema(app, client):
    everything_story(
        app,
        answers={
            "ethnic_group_id": str(_group_id(app, "other_any")),
            "ethnic_group_other": "Kurdish <Feyli>",
            "age_band": "35_44",
            "religion": "other",
            "religion_other": "Baháʼí",
        },
    )
    open_story(client)
    data = downloaded(client)
    assert list(VALIDATOR.iter_errors(data)) == []
    assert data["format"] == "engage-your-story/1"
    assert data["equality_answers"]["ethnic_group"] == {
        "code": "other_any",
        "name": "Any other ethnic group",
    }
    assert data["equality_answers"]["ethnic_group_described"] == "Kurdish <Feyli>"


def test_a_withdrawn_story_and_one_with_nothing_optional_match_it_too(app, client):
    stored_story(app)
    open_story(client)
    assert list(VALIDATOR.iter_errors(downloaded(client))) == []
    with app.test_request_context():
        submission = intake.find_by_receipt(CODE)
        intake.withdraw(submission.id, keep_count=False, channel=Channel.WEB, language="en")
        # Withdrawal closes the story in every browser; what it leaves is still valid.
        assert list(VALIDATOR.iter_errors(intake.export(intake.get(submission.id)))) == []


def _group_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(EthnicGroup.id).where(EthnicGroup.code == code))


def test_the_schemas_codes_are_the_applications_codes(app):
    properties = SCHEMA["properties"]
    assert enum_of(properties["status"]) == {s.value for s in SubmissionStatus}
    assert enum_of(properties["how_it_reached_us"]) == {c.value for c in Channel}
    assert enum_of(properties["age_group"]) == {a.value for a in AgeGroup}
    assert enum_of(properties["heard_about"]) == {code for code, _ in HEARD_ABOUT}
    assert set(properties["consent"]["properties"]) == {p.value for p in Purpose}
    history = properties["consent_history"]["items"]["properties"]
    assert enum_of(history["purpose"]) == {p.value for p in Purpose}
    equality = properties["equality_answers"]["anyOf"][0]["properties"]
    for question in QUESTIONS:
        assert enum_of(equality[question.field]) == question.codes(), question.field
    with app.app_context():
        codes = set(db.session.scalars(select(EthnicGroup.code)))
    documented = DOCUMENT.read_text(encoding="utf-8")
    assert all(f"`{code}`" in documented for code in codes)


def test_the_page_gives_words_where_the_file_gives_codes(app, client):
    everything_story(
        app, answers={"age_band": "25_34", "sex": "female", "disability": "prefer_not_to_say"}
    )
    open_story(client)
    text = page(client.get("/your-story/download")).get_text(" ", strip=True)
    for words in [
        "25 to 34",
        "Female",
        "Prefer not to say",
        "18 or over",
        "Online form",
        "From a friend or family member",
        "Store and analyse my story",
        "Share it with the working groups",
        "Received: waiting to be read",
    ]:
        assert words in text, words
    for code in ["25_34", "18_plus", "friend_or_family", "store, quote", "age band", "13 15"]:
        assert code not in text, code


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("pl", ["Kobieta", "25 do 34"]),
        ("ur", ["خاتون"]),
    ],
)
def test_the_page_is_in_the_residents_language(app, client, language, words):
    everything_story(app, answers={"age_band": "25_34", "sex": "female"})
    client.get(f"/your-story?lang={language}")
    open_story(client)
    soup = page(client.get("/your-story/download"))
    assert soup.html["lang"] == language
    text = soup.get_text(" ", strip=True)
    for expected in words:
        assert expected in text
