"""The public "you said, we did" list: published only, by theme, in the reader's
language where there are words for it."""

from __future__ import annotations

from engage.services.figures import you_said_we_did
from tests.services.figures import fixtures


def test_published_summaries_by_theme_in_the_readers_language(ctx):
    made = fixtures.decision()
    fixtures.closure(
        made,
        texts={"en": ("Fares cost too much.", "Fares frozen."), "pl": ("Za drogo.", "Zamrożone.")},
    )
    fixtures.closure(made, slug="housing", texts={"en": ("Damp homes.", "New standard.")})
    fixtures.closure(made, slug=None)
    fixtures.closure(made, published=False, texts={"en": ("Draft.", "Draft.")})
    groups = you_said_we_did.by_theme("pl")
    assert [g.theme for g in groups] == [
        "Transport and connectivity",
        "Housing and homelessness",
        None,
    ]
    transport = groups[0].summaries[0]
    assert (transport.you_said, transport.we_did, transport.language) == (
        "Za drogo.",
        "Zamrożone.",
        "pl",
    )
    # No Polish words for the housing one: English, and said to be English.
    assert groups[1].summaries[0].language == "en"
    assert groups[1].summaries[0].decided_by == "WMCA Board"
    assert all("Draft." not in s.you_said for g in groups for s in g.summaries)


def test_urdu_falls_back_to_english(ctx):
    fixtures.closure(fixtures.decision())
    (group,) = you_said_we_did.by_theme("ur")
    assert group.summaries[0].you_said == "Fares cost too much."
    assert group.summaries[0].language == "en"


def test_nothing_published_is_an_empty_list(ctx):
    assert you_said_we_did.by_theme("en") == []
