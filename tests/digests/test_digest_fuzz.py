"""Hostile words in a working group's digest (issue 14): an approved story and its
officer's summary full of markup, formulas and odd Unicode show literally on the digest
page and in the digest email, HTML and plain text alike; nothing in them becomes an
element or an attribute, and no personal data the redactor covers reaches the group."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.extensions import db
from engage.models import Digest, Role, Submission
from engage.services.digests import issuing
from engage.typed_text import as_typed, is_blank
from tests import factories
from tests.adversarial_text_fuzz import (
    PERSONAL_DATA,
    assert_no_markup_from_payload,
    hostile_text,
)

# Hostile words, and personal data between separators as writers put it (see
# tests/nlp/test_pii_fuzz.py): the text and the personal data in it.
pieces = st.lists(
    st.one_of(
        hostile_text(max_pieces=3).map(lambda words: (words, None)),
        st.one_of(*PERSONAL_DATA.values()).map(lambda item: (f", {item}, ", item)),
    ),
    min_size=1,
    max_size=5,
)


def _item(soup: BeautifulSoup, story_id: int):
    heading = soup.find(id=f"story-{story_id}")
    assert heading is not None, f"story {story_id} is not in the digest"
    return heading.find_parent("article")


def test_any_story_and_summary_show_literally_in_the_digest_and_its_email(app, client, login_as):
    login_as(Role.SECRETARIAT)  # reads every group's digests
    with app.app_context():
        group = factories.working_group("Housing working group")
        factories.routing_rule(group, ["housing"])
        group_id = group.id
    seen = {"stories": 0}

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(parts=pieces, summary=hostile_text(min_size=1))
    def check(parts, summary):
        story = "".join(words for words, _ in parts)
        personal = [item for _, item in parts if item]
        if is_blank(as_typed(story)):
            return  # never stored (tests/stories/test_intake_fuzz.py)
        with app.app_context():
            approved = factories.approved_story(story, themes=["housing"], summary=summary)
            story_id = approved.id
            quote, kept_summary = approved.redacted_story, approved.officer_summary
            digest = factories.digest(db.session.get(type(group), group_id))
            digest_id = digest.id
            _, text, html_email = issuing.render_email(
                db.session.get(Digest, digest_id), "https://engage.example/digests/1"
            )
            original = db.session.get(Submission, story_id).story
        response = client.get(f"/digests/{digest_id}")
        assert response.status_code == 200
        shown = response.get_data(as_text=True)
        for html in (shown, html_email):
            assert_no_markup_from_payload(html)
            soup = BeautifulSoup(html, "html.parser")
            if html is shown:
                item = _item(soup, story_id)
                quoted = item.select_one("blockquote").get_text()
                summaries = [p.get_text() for p in item.select("p.pre-wrap")]
            else:
                quoted = soup.select_one("blockquote").get_text()
                summaries = [p.get_text() for p in soup.select("p[style*=pre-wrap]")]
            assert quoted == quote
            if kept_summary:
                assert any(s.endswith(kept_summary) for s in summaries), summaries
            assert original == quote or original not in html
        # The plain-text email keeps the words as they are, markup and all.
        assert quote in text
        if kept_summary:
            assert kept_summary in text
        for item in personal:
            assert item not in shown and item not in html_email and item not in text, item
        seen["stories"] += 1

    check()
    assert seen["stories"] >= 8, seen
