"""How often officers agree with the theme suggestions: exact counts per theme, language
and model version, the 90-day window's edges, and which stories are left out."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from engage.extensions import db
from engage.models import SubmissionTheme, Theme, ThemeLabel
from engage.services.stories import theme_agreement
from engage.services.stories.theme_agreement import Tally
from tests import factories

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
RECENT = NOW - timedelta(days=3)


def story(
    *,
    language: str | None = "en",
    suggested: set[str] = frozenset(),
    chosen: set[str] | None = None,
    labelled_at: datetime = RECENT,
    version: str | None = "2",
    scored: bool = True,
    not_scored: set[str] = frozenset(),
) -> int:
    """A story the model scored (every theme but `not_scored`, suggesting `suggested`) and
    an officer labelled with `chosen` (None: not labelled yet)."""
    made = factories.submission("A story about the bus and the landlord.", tag=False)
    made.language = language
    if scored:
        for theme in db.session.scalars(select(Theme)):
            if theme.slug in not_scored:
                continue
            db.session.add(
                SubmissionTheme(
                    submission_id=made.id,
                    theme_id=theme.id,
                    score=0.9 if theme.slug in suggested else 0.1,
                    suggested=theme.slug in suggested,
                    model_version=version,
                )
            )
    if chosen is not None:
        db.session.add(
            ThemeLabel(
                submission_id=made.id,
                themes=" ".join(sorted(chosen)),
                labelled_at=labelled_at,
            )
        )
    db.session.commit()
    return made.id


@pytest.fixture
def labelled(ctx):
    """Six stories that count, and five that must not."""
    # English, model version 2: one suggestion kept, one removed.
    story(suggested={"housing", "health_wellbeing"}, chosen={"housing"})
    # The officer adds criminal justice, which this story was never scored for.
    story(
        suggested={"transport"},
        chosen={"transport", "criminal_justice"},
        not_scored={"criminal_justice"},
    )
    # Polish: nothing suggested, the officer adds two themes.
    story(language="pl", chosen={"housing", "jobs_economy"})
    # Urdu, model version 1: the suggestion is wrong.
    story(language="ur", version="1", suggested={"housing"}, chosen={"transport"})
    # Language not detected, scored before versions were stored: kept.
    story(language=None, version=None, suggested={"jobs_economy"}, chosen={"jobs_economy"})
    # Exactly at the window's start: counts. The officer says there is no theme.
    story(suggested={"housing"}, chosen=set(), labelled_at=NOW - timedelta(days=90))

    # Left out: scored but not labelled; labelled but never scored; labelled a second
    # before the window; labelled after `now`.
    story(suggested={"housing"}, chosen=None)
    story(chosen={"housing"}, scored=False)
    story(
        suggested={"housing"}, chosen={"transport"}, labelled_at=NOW - timedelta(days=90, seconds=1)
    )
    story(suggested={"housing"}, chosen={"transport"}, labelled_at=NOW + timedelta(seconds=1))


def rows(found) -> dict:
    return {row.key: row.tally for row in found}


def test_the_whole(labelled):
    report = theme_agreement.agreement(now=NOW)
    assert report.since == NOW - timedelta(days=90) and report.until == NOW
    assert report.whole == Tally(stories=6, suggested=6, accepted=3, added=4)
    assert report.whole.removed == 3 and report.whole.chosen == 7
    assert report.whole.accepted_rate == 0.5
    assert report.whole.removed_rate == 0.5
    assert report.whole.added_rate == pytest.approx(4 / 7)


def test_per_theme(labelled):
    by_theme = theme_agreement.agreement(now=NOW).by_theme
    # Every active theme, in the list's order, with nothing for a theme nobody used.
    assert [row.key for row in by_theme] == [
        "jobs_economy",
        "education_skills",
        "transport",
        "housing",
        "health_wellbeing",
        "criminal_justice",
    ]
    tallies = rows(by_theme)
    assert tallies["housing"] == Tally(stories=4, suggested=3, accepted=1, added=1)
    assert tallies["housing"].removed == 2
    assert tallies["health_wellbeing"] == Tally(stories=1, suggested=1, accepted=0, added=0)
    assert tallies["health_wellbeing"].removed_rate == 1.0
    assert tallies["transport"] == Tally(stories=2, suggested=1, accepted=1, added=1)
    assert tallies["criminal_justice"] == Tally(stories=1, suggested=0, accepted=0, added=1)
    assert tallies["criminal_justice"].accepted_rate is None
    assert tallies["criminal_justice"].added_rate == 1.0
    assert tallies["jobs_economy"] == Tally(stories=2, suggested=1, accepted=1, added=1)
    assert tallies["education_skills"] == Tally()
    assert tallies["education_skills"].added_rate is None


def test_per_language(labelled):
    by_language = theme_agreement.agreement(now=NOW).by_language
    # Most stories first, then by name.
    assert [(row.key, row.label) for row in by_language] == [
        ("en", "English"),
        (None, "Not detected"),
        ("pl", "Polish"),
        ("ur", "Urdu"),
    ]
    tallies = rows(by_language)
    assert tallies["en"] == Tally(stories=3, suggested=4, accepted=2, added=1)
    assert tallies["en"].removed == 2
    assert tallies["pl"] == Tally(stories=1, suggested=0, accepted=0, added=2)
    assert tallies["pl"].added_rate == 1.0 and tallies["pl"].removed_rate is None
    assert tallies["ur"] == Tally(stories=1, suggested=1, accepted=0, added=1)
    assert tallies[None] == Tally(stories=1, suggested=1, accepted=1, added=0)


def test_per_model_version(labelled):
    by_version = theme_agreement.agreement(now=NOW).by_version
    assert [(row.key, row.label) for row in by_version] == [
        (None, theme_agreement.NOT_RECORDED),
        ("1", "1"),
        ("2", "2"),
    ]
    tallies = rows(by_version)
    assert tallies[None] == Tally(stories=1, suggested=1, accepted=1, added=0)
    assert tallies["1"] == Tally(stories=1, suggested=1, accepted=0, added=1)
    assert tallies["2"] == Tally(stories=4, suggested=4, accepted=2, added=3)


def test_the_window_follows_now(labelled):
    # A second later the story labelled exactly 90 days before has left the window, and
    # the one labelled a second after the old `now` has come in.
    report = theme_agreement.agreement(now=NOW + timedelta(seconds=1))
    assert report.whole == Tally(stories=6, suggested=6, accepted=3, added=5)
    shorter = theme_agreement.agreement(now=NOW, days=2)
    assert shorter.whole == Tally()
    assert shorter.by_theme[0].tally == Tally()
    assert shorter.by_language == [] and shorter.by_version == []


def test_nothing_labelled(ctx):
    report = theme_agreement.agreement(now=NOW)
    assert report.whole == Tally() and report.whole.accepted_rate is None
    assert report.by_language == [] and report.by_version == []
    assert len(report.by_theme) == 6


def test_a_slug_only_matches_itself(ctx):
    """Theme slugs are matched whole in the officer's themes, and the "_" in a slug
    (a wildcard to LIKE) matches only itself."""
    db.session.add(Theme(slug="jobsxeconomy", label="Look-alike", sort_order=99, active=False))
    db.session.add(Theme(slug="jobs", label="Prefix", sort_order=98, active=False))
    db.session.commit()
    story(suggested={"jobs_economy"}, chosen={"jobsxeconomy"})
    tallies = rows(theme_agreement.agreement(now=NOW).by_theme)
    assert tallies["jobs_economy"] == Tally(stories=1, suggested=1, accepted=0, added=0)
    assert tallies["jobsxeconomy"] == Tally(stories=1, suggested=0, accepted=0, added=1)
    # An inactive theme nobody used is not listed.
    assert "jobs" not in tallies


def test_the_figures_take_the_same_few_queries_however_many_stories(labelled):
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        theme_agreement.agreement(now=NOW)
        few = len(statements)
        for _ in range(5):
            story(language="pl", suggested={"housing"}, chosen={"housing"})
        statements.clear()
        theme_agreement.agreement(now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == few <= 3


def test_versions_sort_by_number():
    assert sorted(["10", "2", None, "1", "2b"], key=theme_agreement._version_key) == [
        None,
        "1",
        "2",
        "2b",
        "10",
    ]


def test_each_language_theme_by_theme_adds_up_to_the_theme_and_language_totals(labelled):
    report = theme_agreement.agreement(now=NOW)
    assert [row.key for row, _ in report.by_language_and_theme] == [
        row.key for row in report.by_language
    ]
    for language, theme_rows in report.by_language_and_theme:
        themes_only = sum((row.tally for row in theme_rows), Tally())
        assert (themes_only.suggested, themes_only.accepted, themes_only.added) == (
            language.tally.suggested,
            language.tally.accepted,
            language.tally.added,
        )
    by_theme = rows(report.by_theme)
    for slug, total in by_theme.items():
        parts = [
            row.tally
            for _, theme_rows in report.by_language_and_theme
            for row in theme_rows
            if row.key == slug
        ]
        assert sum(parts, Tally()) == total
    polish = next(rows_ for lang, rows_ in report.by_language_and_theme if lang.key == "pl")
    assert polish and all(row.tally.stories for row in polish)
