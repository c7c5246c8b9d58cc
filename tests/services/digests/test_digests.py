"""What a digest shows: counts with change, summaries, consented quotes, phrases and
equality breakdowns through disclosure control, worked out afresh at read time."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import Channel, EthnicGroup, StoryRoute
from engage.models.base import utcnow
from engage.services.digests import digests, phrases
from engage.services.stories import intake
from tests import factories

WORDS = "The repairs officer ignored the black mould in the bedroom again."


@pytest.fixture
def housing(ctx):
    group = factories.working_group("Housing working group")
    factories.routing_rule(group, ["housing", "health_wellbeing"])
    return group


def window():
    return utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1)


def test_a_group_sees_summaries_and_only_consented_quotes(housing):
    quoted = factories.approved_story(WORDS, themes=["housing"], summary="Mould not fixed.")
    unquoted = factories.approved_story(
        "My neighbour Jo shouted at me in the stairwell.",
        themes=["housing"],
        quote=False,
        summary="Harassment by a neighbour.",
    )
    found = digests.content(housing, *window())
    items = {item.submission_id: item for item in found.items}
    assert items[quoted.id].quote == quoted.redacted_story
    assert items[quoted.id].summary == "Mould not fixed."
    assert items[unquoted.id].quote is None
    assert items[unquoted.id].summary == "Harassment by a neighbour."
    # Nothing of the original text reaches the group when it may not be quoted.
    assert "stairwell" not in repr(items[unquoted.id])


def test_counts_by_theme_and_area_with_the_change_against_the_previous_period(housing):
    for _ in range(2):
        factories.approved_story(themes=["housing"], area="Walsall")
    old = factories.approved_story(themes=["health_wellbeing"], area="Walsall")
    db.session.execute(
        StoryRoute.__table__.update()
        .where(StoryRoute.submission_id == old.id)
        .values(routed_at=utcnow() - timedelta(days=1, hours=3))
    )
    db.session.commit()
    found = digests.content(housing, *window())
    assert found.total == 2 and found.previous_total == 1
    by_theme = {row.label: (row.now, row.before, row.change_text) for row in found.by_theme}
    assert by_theme["Housing and homelessness"] == (2, 0, "+2")
    assert by_theme["Health and wellbeing"] == (0, 1, "-1")
    assert [(r.label, r.now, r.before) for r in found.by_area] == [("Walsall", 2, 1)]
    assert found.by_month == [(date.today().replace(day=1), 2)]


def test_an_empty_digest_says_so(housing):
    found = digests.content(housing, *window())
    assert found.is_empty and found.items == [] and found.equality == []


def test_a_withdrawn_story_disappears_from_the_digest_at_once(housing):
    kept = factories.approved_story(themes=["housing"])
    gone = factories.approved_story(WORDS, themes=["housing"])
    assert digests.content(housing, *window()).total == 2
    intake.withdraw(gone.id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.commit()
    found = digests.content(housing, *window())
    assert found.story_ids == [kept.id] and found.total == 1
    assert "mould" not in repr(found).lower()


def test_equality_breakdowns_go_through_disclosure_control(housing):
    heading_a = db.session.scalar(select(EthnicGroup).where(EthnicGroup.sort_order == 1))
    for _ in range(14):
        story = factories.approved_story(themes=["housing"], equality=True)
        intake.record_equality_answers(
            story.id, {"ethnic_group_id": str(heading_a.id), "age_band": "25_34"}
        )
    one = factories.approved_story(themes=["housing"], equality=True)
    other_group = db.session.scalar(
        select(EthnicGroup).where(EthnicGroup.heading != heading_a.heading)
    )
    intake.record_equality_answers(one.id, {"ethnic_group_id": str(other_group.id)})
    db.session.commit()
    found = digests.content(housing, *window())
    title, ethnic = found.equality[0]
    cells = {cell.label: cell.shown for cell in ethnic.cells}
    assert title == "Ethnic group"
    # The single other answer is hidden, and so is the 14 beside it (secondary
    # suppression: it could be worked out from the total); nobody is shown as 0.
    assert cells[heading_a.heading] is None
    assert cells[other_group.heading] is None
    assert cells["Not answered"] == 0
    assert ethnic.total.shown == 15
    # No breakdown ever shows a count under 10.
    for _, breakdown in found.equality:
        assert all(c.shown in (None, 0) or c.shown >= 10 for c in breakdown.cells)


def test_stories_without_consent_to_equality_use_are_not_counted(housing):
    for _ in range(12):
        factories.approved_story(themes=["housing"], equality=False)
    assert digests.content(housing, *window()).equality == []


def test_recurring_phrases_come_from_the_stories_own_words(housing):
    for n in range(4):
        factories.approved_story(
            f"Story {n}: the black mould came back and the council never sent anyone.",
            themes=["housing"],
        )
    for n in range(4):
        factories.approved_story(
            f"Story {n}: the GP receptionist said no appointments for weeks.",
            themes=["health_wellbeing"],
            summary="Could not get a GP appointment.",
        )
    found = digests.content(housing, *window())
    housing_phrases = [p.text for p in found.phrases["Housing and homelessness"]]
    health_phrases = [p.text for p in found.phrases["Health and wellbeing"]]
    assert any("black mould" in p for p in housing_phrases)
    assert any("receptionist" in p or "appointments" in p for p in health_phrases)
    assert all(p.stories >= phrases.MIN_STORIES for p in found.phrases["Housing and homelessness"])


def test_phrases_skip_placeholders_and_common_words():
    grams = phrases.ngrams("I told [NAME] that the bus was late, the bus!")
    assert "name" not in grams and "the" not in grams and "the bus" not in grams
    assert "bus" in grams and "told" in grams


def test_phrases_need_several_stories():
    found = phrases.distinctive(
        {"A": ["unique words here"] * 2 + ["other text"], "B": ["something else"] * 3}
    )
    assert all(p.stories >= 3 for p in found["A"])
    assert "unique words" not in [p.text for p in found["A"]]


def test_items_are_paged(housing):
    for _ in range(3):
        factories.approved_story(themes=["housing"])
    first = digests.content(housing, *window(), offset=0, limit=2)
    second = digests.content(housing, *window(), offset=2, limit=2)
    assert len(first.items) == 2 and len(second.items) == 1
    assert not set(first.story_ids) & set(second.story_ids)
