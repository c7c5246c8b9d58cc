"""How often officers agree with the theme model's suggestions, for administrators.

A story counts when an officer confirmed its themes (a ThemeLabel) in the window and the
model had scored it (SubmissionTheme rows). For each theme of such a story:

- accepted: the model suggested it and the officer kept it;
- removed: the model suggested it and the officer took it off;
- added: the model did not suggest it and the officer chose it.

Rates: accepted and removed out of the themes suggested (they add up to all of them),
added out of the themes the officers chose. A removed or added rate that rises means the
model is drifting away from how officers read the stories.

Everything is counted in one grouped query (a column per theme), whatever the number of
stories: no query per story, and no story text is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, and_, case, func, literal, or_, select

from engage.extensions import db
from engage.models import Submission, SubmissionTheme, Theme, ThemeLabel
from engage.nlp.language import name_of

WINDOW_DAYS = 90
NOT_DETECTED = "Not detected"
NOT_RECORDED = "Not recorded (before versions were stored)"


@dataclass(frozen=True)
class Tally:
    """Counts for one slice: a theme, a language, a model version or the whole."""

    stories: int = 0
    suggested: int = 0
    accepted: int = 0
    added: int = 0

    @property
    def removed(self) -> int:
        return self.suggested - self.accepted

    @property
    def chosen(self) -> int:
        """The themes the officers chose: kept suggestions and their own additions."""
        return self.accepted + self.added

    @property
    def accepted_rate(self) -> float | None:
        return _rate(self.accepted, self.suggested)

    @property
    def removed_rate(self) -> float | None:
        return _rate(self.removed, self.suggested)

    @property
    def added_rate(self) -> float | None:
        return _rate(self.added, self.chosen)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            stories=self.stories + other.stories,
            suggested=self.suggested + other.suggested,
            accepted=self.accepted + other.accepted,
            added=self.added + other.added,
        )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Row:
    key: str | None  # the theme's slug, the language code or the model version
    label: str
    tally: Tally


@dataclass(frozen=True)
class Agreement:
    since: datetime
    until: datetime
    whole: Tally
    by_theme: list[Row] = field(default_factory=list)
    by_language: list[Row] = field(default_factory=list)
    by_version: list[Row] = field(default_factory=list)
    # For each language (in by_language's order), its themes that were suggested or
    # chosen: "criminal justice in Urdu" drifting shows here before it shows overall.
    by_language_and_theme: list[tuple[Row, list[Row]]] = field(default_factory=list)


def _chosen(themes_column, slug: str):
    """1 when the officer's space-separated themes include `slug` (matched whole, with
    LIKE's own characters in the slug escaped), else 0."""
    escaped = slug.replace("/", "//").replace("%", "/%").replace("_", "/_")
    padded = literal(" ", String) + themes_column + literal(" ", String)
    return case((padded.like(f"% {escaped} %", escape="/"), 1), else_=0)


def agreement(*, now: datetime | None = None, days: int = WINDOW_DAYS) -> Agreement:
    """Officers' agreement with the suggestions for the stories labelled in the `days`
    up to `now` (both ends included)."""
    until = now or datetime.now(UTC)
    since = until - timedelta(days=days)
    themes = db.session.scalars(select(Theme).order_by(Theme.sort_order, Theme.id)).all()

    # One row per story labelled in the window that the model scored: its language, the
    # model version that scored it and, per theme, whether the model suggested it (s)
    # and whether the officer chose it (c). The officer's choice is read from the label,
    # so a theme the model never scored (added to the list after the story was tagged)
    # still counts as added.
    per_theme = []
    for theme in themes:
        suggested = and_(SubmissionTheme.theme_id == theme.id, SubmissionTheme.suggested.is_(True))
        per_theme += [
            func.max(case((suggested, 1), else_=0)).label(f"s{theme.id}"),
            _chosen(ThemeLabel.themes, theme.slug).label(f"c{theme.id}"),
        ]
    stories = (
        select(
            Submission.language.label("language"),
            func.max(SubmissionTheme.model_version).label("version"),
            *per_theme,
        )
        .select_from(ThemeLabel)
        .join(SubmissionTheme, SubmissionTheme.submission_id == ThemeLabel.submission_id)
        .join(Submission, Submission.id == ThemeLabel.submission_id)
        .where(ThemeLabel.labelled_at >= since, ThemeLabel.labelled_at <= until)
        .group_by(ThemeLabel.submission_id, ThemeLabel.themes, Submission.language)
        .subquery("labelled")
    )

    # Then one row per language and model version, with each theme's counts: stories
    # where it was suggested or chosen, suggested, accepted (both) and added (chosen only).
    counts = []
    for theme in themes:
        was_suggested, was_chosen = stories.c[f"s{theme.id}"], stories.c[f"c{theme.id}"]
        counts += [
            func.sum(case((or_(was_suggested == 1, was_chosen == 1), 1), else_=0)),
            func.sum(was_suggested),
            func.sum(case((and_(was_suggested == 1, was_chosen == 1), 1), else_=0)),
            func.sum(case((and_(was_suggested == 0, was_chosen == 1), 1), else_=0)),
        ]
    groups = db.session.execute(
        select(stories.c.language, stories.c.version, func.count(), *counts).group_by(
            stories.c.language, stories.c.version
        )
    ).all()

    whole = Tally()
    by_theme: dict[int, Tally] = {}
    by_language: dict[str | None, Tally] = {}
    by_version: dict[str | None, Tally] = {}
    by_pair: dict[tuple[str | None, int], Tally] = {}
    for language, version, story_count, *theme_counts in groups:
        group = Tally(stories=story_count)
        for index, theme in enumerate(themes):
            involved, suggested, accepted, added = theme_counts[4 * index : 4 * index + 4]
            tally = Tally(stories=0, suggested=suggested, accepted=accepted, added=added)
            group = group + tally
            with_stories = tally + Tally(stories=involved)
            by_theme[theme.id] = by_theme.get(theme.id, Tally()) + with_stories
            pair = (language, theme.id)
            by_pair[pair] = by_pair.get(pair, Tally()) + with_stories
        by_language[language] = by_language.get(language, Tally()) + group
        by_version[version] = by_version.get(version, Tally()) + group
        whole = whole + group

    language_rows = [
        Row(code, language_label(code), tally)
        for code, tally in sorted(
            by_language.items(), key=lambda item: (-item[1].stories, language_label(item[0]))
        )
    ]
    return Agreement(
        since=since,
        until=until,
        whole=whole,
        by_theme=[
            Row(theme.slug, theme.label, by_theme.get(theme.id, Tally()))
            for theme in themes
            if theme.active or by_theme.get(theme.id, Tally()).stories
        ],
        by_language=language_rows,
        by_language_and_theme=[
            (
                row,
                [
                    Row(theme.slug, theme.label, by_pair[(row.key, theme.id)])
                    for theme in themes
                    if by_pair.get((row.key, theme.id), Tally()).stories
                ],
            )
            for row in language_rows
        ],
        by_version=[
            Row(version, version_label(version), tally)
            for version, tally in sorted(by_version.items(), key=lambda item: _version_key(item[0]))
        ],
    )


def language_label(code: str | None) -> str:
    return NOT_DETECTED if code is None else name_of(code)


def version_label(version: str | None) -> str:
    return NOT_RECORDED if version is None else version


def _version_key(version: str | None) -> tuple:
    """Oldest first: '2' before '10'; scores from before versions were stored first."""
    if version is None:
        return (0, ())
    return (1, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _parts(version)))


def _parts(version: str) -> list[str]:
    return [p for p in re.split(r"(\d+)", version) if p and p not in {".", "-"}]
