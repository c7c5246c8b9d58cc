"""Hostile text through the real story form (issue 14): whatever a resident types into
any field, the answer is never a 5xx. Either the story is stored exactly as typed (the
normalisation in engage/typed_text.py and nothing else) and their own page shows it
literally, or the form comes back saying what is wrong beside the field, with every word
still in the box and nothing stored. A NUL, which no keyboard types, is refused at the
edge (engage.security)."""

from __future__ import annotations

import itertools

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import Submission
from engage.models.submissions import CHANGE_MAX_LENGTH, STORY_MAX_LENGTH
from engage.typed_text import as_typed, is_blank
from tests.adversarial_text_fuzz import (
    MARK,
    assert_no_markup_from_payload,
    hostile_text,
    shown_text,
)
from tests.helpers import open_story_form, page, submit_form

# Mostly ordinary lengths; sometimes one over the limit, to see the words kept.
# Hostile words round an ordinary sentence: never blank, well within the limits.
worded = st.tuples(hostile_text(max_pieces=5), hostile_text(max_pieces=5)).map(
    lambda parts: f"{parts[0]} The bus drove past me again. {parts[1]}"
)
# Anything at all, including blank and one character over the limit.
stories = st.one_of(
    worded,
    hostile_text(min_size=1, max_pieces=8),
    hostile_text(min_size=1, max_pieces=3).map(lambda t: t + "w" * STORY_MAX_LENGTH),
)
changes = st.one_of(
    st.just(""),
    hostile_text(max_pieces=4),
    hostile_text(max_pieces=2).map(lambda t: "c" * CHANGE_MAX_LENGTH + t),
)
short_answers = st.one_of(st.just(""), hostile_text(max_pieces=2))
VALID_POSTCODES = ["", "B11", "b11 2aa", " WV1 1AA "]
VALID_CONTACTS = [
    ("amina@example.com", ""),
    ("", "07700 900982"),
    (" Amina.Y+story@Example.ORG ", "+44 121 496 0655"),
    ("", "(0121) 496 0655"),
]

_addresses = itertools.count(1)


def _fresh_address(client) -> None:
    """Each example from its own address, so the form's rate limit is not under test."""
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = (
        f"10.{200 + n // 62_500 % 50}.{n // 250 % 250}.{n % 250 + 1}"
    )


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


def _in_the_box(html: str, name: str) -> str:
    """What a textarea holds, as a browser reads it: HTML drops one newline after the
    opening tag (WTForms writes one so that a leading line break survives)."""
    text = BeautifulSoup(html, "html.parser").find("textarea", attrs={"name": name}).get_text()
    return text.removeprefix("\r\n") if text.startswith("\r\n") else text.removeprefix("\n")


def _send(app, fields: dict[str, str], ticked: dict[str, str]):
    """Open the form as a new resident and send it; the response and the number of
    stories before."""
    resident = app.test_client()
    _fresh_address(resident)
    soup = page(open_story_form(resident))
    hidden = {
        name: soup.find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    before = _count(app)
    response = resident.post("/tell/story", data={**hidden, **fields, **ticked})
    assert response.status_code < 500
    return resident, response, before


def _check_stored(app, resident, response, before, fields) -> None:
    """Stored once, exactly as typed, and shown literally on the resident's own page."""
    assert response.status_code == 302, "a form that can be stored was refused"
    assert _count(app) == before + 1
    with app.app_context():
        stored = db.session.scalar(select(Submission).order_by(Submission.id.desc()))
        kept_story, kept_change = stored.story, stored.what_to_change
    assert kept_story == as_typed(fields["story"])
    change = as_typed(fields["what_to_change"])
    assert kept_change == (None if is_blank(change) else change)
    code = page(resident.get("/tell/done")).select_one(".receipt-code").get_text(strip=True)
    submit_form(resident, "/your-story", {"code": code})
    own = resident.get("/your-story/download").get_data(as_text=True)
    assert_no_markup_from_payload(own)
    assert shown_text(own, ".data-list dd") == kept_story
    if MARK in kept_story:
        assert MARK in BeautifulSoup(own, "html.parser").get_text()


def _check_refused(app, response, before, fields) -> None:
    """Nothing stored; the page says what is wrong beside the field and keeps the words."""
    assert response.status_code == 200
    assert _count(app) == before
    html = response.get_data(as_text=True)
    errors = {e["id"] for e in page(response).select(".error-message[id$='-error']")}
    assert errors, "refused without saying why"
    typed = as_typed(fields["story"])
    if is_blank(typed) or len(typed) > STORY_MAX_LENGTH:
        assert "story-error" in errors
    if len(as_typed(fields["what_to_change"])) > CHANGE_MAX_LENGTH:
        assert "what_to_change-error" in errors
    assert _in_the_box(html, "story") == fields["story"]
    assert _in_the_box(html, "what_to_change") == fields["what_to_change"]
    assert_no_markup_from_payload(html)


def _has_nul(fields: dict[str, str]) -> bool:
    return any("\x00" in value for value in fields.values())


def test_a_story_that_can_be_stored_is_stored_and_shown_exactly_as_typed(app):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        story=worded,
        change=st.one_of(st.just(""), hostile_text(max_pieces=4)),
        postcode=st.sampled_from(VALID_POSTCODES),
        contact=st.one_of(st.none(), st.sampled_from(VALID_CONTACTS)),
    )
    def check(story, change, postcode, contact):
        fields = {"story": story, "what_to_change": change, "postcode": postcode}
        ticked = {"consent_store": "y"}
        if contact:
            ticked["consent_contact"] = "y"
            fields["contact_email"], fields["contact_phone"] = contact
        resident, response, before = _send(app, fields, ticked)
        if _has_nul(fields):
            # No keyboard types a NUL: the request is refused at the edge.
            assert response.status_code == 400 and _count(app) == before
            return
        _check_stored(app, resident, response, before, fields)

    check()


def test_any_story_form_is_stored_as_typed_or_refused_beside_the_field(app):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        story=stories,
        change=changes,
        postcode=short_answers,
        email=short_answers,
        phone=short_answers,
        store=st.booleans(),
        contact=st.booleans(),
    )
    def check(story, change, postcode, email, phone, store, contact):
        fields = {
            "story": story,
            "what_to_change": change,
            "postcode": postcode,
            "contact_email": email,
            "contact_phone": phone,
        }
        ticked = {"consent_store": "y"} if store else {}
        if contact:
            ticked["consent_contact"] = "y"
        resident, response, before = _send(app, fields, ticked)
        if _has_nul(fields):
            assert response.status_code == 400 and _count(app) == before
        elif response.status_code == 302:
            _check_stored(app, resident, response, before, fields)
        else:
            _check_refused(app, response, before, fields)

    check()
