"""The public figures' grouped counts, as the database works them out: what is counted,
in which quarter, and that the grouping agrees with counting stories one by one."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    ConfirmedTheme,
    EqualityAnswers,
    EthnicGroup,
    LocalAuthority,
    Submission,
    SubmissionStatus,
    Theme,
)
from engage.services.figures import counts
from tests.services.figures import microdata

NOW = datetime(2027, 1, 15, 9, tzinfo=UTC)
_serial = itertools.count(1)


def _story(
    when: datetime,
    *,
    status: SubmissionStatus = SubmissionStatus.APPROVED,
    counted: bool = True,
    area: str | None = "Birmingham",
    themes: tuple[str, ...] = (),
    equality: dict | None = None,
    consent_equality: bool | None = None,
) -> Submission:
    story = Submission(
        receipt_hash=hashlib.sha256(f"counts-{next(_serial)}".encode()).hexdigest(),
        status=status,
        channel="web",
        age_group="18_plus",
        story=None if status is SubmissionStatus.WITHDRAWN else "A story.",
        counted=counted,
        consent_store=True,
        consent_equality=equality is not None if consent_equality is None else consent_equality,
        local_authority_id=db.session.scalar(
            select(LocalAuthority.id).where(LocalAuthority.name == area)
        )
        if area
        else None,
        created_at=when,
        updated_at=when,
    )
    db.session.add(story)
    db.session.flush()
    for slug in themes:
        theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == slug))
        db.session.add(ConfirmedTheme(submission_id=story.id, theme_id=theme_id))
    if equality is not None:
        code = equality.pop("ethnic", None)
        db.session.add(
            EqualityAnswers(
                submission_id=story.id,
                ethnic_group_id=db.session.scalar(
                    select(EthnicGroup.id).where(EthnicGroup.code == code)
                )
                if code
                else None,
                **equality,
            )
        )
    db.session.commit()
    return story


def _grouped(now=NOW):
    ref = counts.reference(counts.years_counted(now))
    return counts.grouped(now, ref), ref


def test_only_stories_that_may_be_counted_are(ctx):
    when = datetime(2026, 5, 10, 12, tzinfo=UTC)
    _story(when)
    _story(when, status=SubmissionStatus.RECEIVED)  # not yet read: still received
    _story(when, status=SubmissionStatus.REJECTED)  # not a story
    _story(when, status=SubmissionStatus.DUPLICATE)  # counted once already
    _story(when, status=SubmissionStatus.WITHDRAWN, counted=True)  # resident allowed it
    _story(when, status=SubmissionStatus.WITHDRAWN, counted=False, area=None)
    _story(datetime(2027, 1, 16, tzinfo=UTC))  # after the refresh
    grouped, _ = _grouped()
    assert grouped.stories == {("E08000025", 2026, 1): 3}


def test_quarters_follow_the_british_clock(ctx):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: the second quarter.
    _story(datetime(2025, 6, 30, 23, 30, tzinfo=UTC))
    # 23:30 UTC on 31 March is 00:30 on 1 April: the next financial year.
    _story(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    # 00:30 UTC on 1 January (GMT): the fourth quarter.
    _story(datetime(2026, 1, 1, 0, 30, tzinfo=UTC))
    _story(datetime(2025, 6, 30, 22, 30, tzinfo=UTC))  # 23:30 BST: still the first
    grouped, ref = _grouped()
    assert ref.years == (2025, 2026)
    assert grouped.stories == {
        ("E08000025", 2025, 1): 1,
        ("E08000025", 2025, 2): 1,
        ("E08000025", 2025, 4): 1,
        ("E08000025", 2026, 1): 1,
    }


def test_themes_are_counted_by_financial_year(ctx):
    _story(datetime(2025, 5, 1, tzinfo=UTC), themes=("housing", "transport"))
    _story(datetime(2026, 5, 1, tzinfo=UTC), themes=("housing",))
    _story(datetime(2026, 5, 1, tzinfo=UTC), status=SubmissionStatus.REJECTED, themes=("housing",))
    grouped, _ = _grouped()
    assert grouped.themes == {("housing", 2025): 1, ("transport", 2025): 1, ("housing", 2026): 1}


def test_equality_answers_only_where_agreed(ctx):
    when = datetime(2026, 5, 10, tzinfo=UTC)
    _story(when, equality={"ethnic": "asian_pakistani", "sex": "female", "age_band": "25_34"})
    # Answers kept but the agreement since taken back: not counted.
    _story(when, equality={"ethnic": "white_irish", "sex": "male"}, consent_equality=False)
    _story(when, consent_equality=True)  # agreed but answered nothing: no row
    _story(when, area=None, equality={"sex": "something else"})
    grouped, _ = _grouped()
    assert grouped.equality == {
        ("asian_pakistani", "female", "25_34", "E08000025"): 1,
        ("not_answered", "not_answered", "not_answered", "not_given"): 1,
    }


def test_every_category_is_in_the_reference_whether_counted_or_not(ctx):
    ref = counts.reference((2026,))
    assert len(ref.areas) == 18 and ref.areas[-1] == ("not_given", "Area not given")
    assert [code for code, _ in ref.headings] == [
        "white",
        "mixed",
        "asian",
        "black",
        "other",
        "prefer_not_to_say",
        "not_answered",
    ]
    assert len([c for c in ref.ethnic if c.heading_code not in ("prefer_not_to_say",)]) == 20
    assert ref.sexes[-1][0] == "not_answered" and ref.ages[-1][0] == "not_answered"


def test_with_no_stories_the_years_are_this_one(ctx):
    assert counts.years_counted(NOW) == (2026,)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stories=microdata.microdata)
def test_the_grouping_agrees_with_counting_one_by_one(app, stories):
    with app.app_context():
        try:
            microdata.insert(stories)
            grouped, _ = _grouped()
        finally:
            microdata.remove_all()
    expected = microdata.grouped(stories)
    assert grouped.stories == expected.stories
    assert grouped.themes == expected.themes
    assert grouped.equality == expected.equality
