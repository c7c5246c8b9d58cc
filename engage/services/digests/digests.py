"""What a working group's digest shows, worked out from the current data each time.

A digest covers the stories routed to a body in a period. Everything is counted in the
database; only the phrases read text, and from at most PHRASE_SAMPLE stories. A story
withdrawn, taken back from sharing, or no longer approved is simply not found, so it is
gone from every digest from that moment.

What a group may see of a story: the officer's summary; the redacted text only where
the resident agreed to quoting; themes, area, month, how it reached us and its language.
Never the original text, contact details, an individual's equality answers or which
community group passed it on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, func, select

from engage.extensions import db
from engage.models import (
    Body,
    ConfirmedTheme,
    Digest,
    EqualityAnswers,
    EthnicGroup,
    LocalAuthority,
    StoryRoute,
    Submission,
    Theme,
)
from engage.services.common import disclosure
from engage.services.common.transaction import NotFound
from engage.services.digests import phrases as phrase_finder
from engage.services.digests.routing import confirmed_theme_names, pairs_for, shareable

PHRASE_SAMPLE = 2000
ITEMS_PER_PAGE = 50
NO_AREA = "Area not given"


@dataclass(frozen=True)
class Count:
    label: str
    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def change_text(self) -> str:
        if self.change == 0:
            return "no change"
        return f"{self.change:+,}"


@dataclass(frozen=True)
class Item:
    submission_id: int
    themes: list[str]
    area: str
    month: date
    channel: str
    language: str | None
    summary: str | None
    quote: str | None


@dataclass
class Content:
    body: Body
    start: datetime
    end: datetime
    total: int = 0
    previous_total: int = 0
    by_theme: list[Count] = field(default_factory=list)
    by_area: list[Count] = field(default_factory=list)
    by_month: list[tuple[date, int]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    offset: int = 0
    phrases: dict[str, list[phrase_finder.Phrase]] = field(default_factory=dict)
    phrases_from: int = 0
    equality: list[tuple[str, disclosure.Breakdown]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    @property
    def story_ids(self) -> list[int]:
        return [item.submission_id for item in self.items]


def get(digest_id: int) -> Digest:
    digest = db.session.get(Digest, digest_id)
    if digest is None:
        raise NotFound(digest_id)
    return digest


def _routed(body_id: int, start: datetime, end: datetime, *columns) -> Select:
    """`columns` of the stories a body's digest covers: routed to it in [start, end)
    and still shareable. Each use is one pass over the body's routes in the period."""
    return (
        select(*columns)
        .select_from(StoryRoute)
        .join(Submission, Submission.id == StoryRoute.submission_id)
        .where(
            StoryRoute.body_id == body_id,
            StoryRoute.routed_at >= start,
            StoryRoute.routed_at < end,
            shareable(),
        )
    )


def _month_of(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _theme_counts(body_id: int, start: datetime, end: datetime) -> dict[int, int]:
    query = (
        _routed(body_id, start, end, ConfirmedTheme.theme_id, func.count())
        .join(ConfirmedTheme, ConfirmedTheme.submission_id == StoryRoute.submission_id)
        .group_by(ConfirmedTheme.theme_id)
    )
    return dict(db.session.execute(query).all())


def _area_and_month_counts(body_id: int, start: datetime, end: datetime):
    """Counts by area and by month from one pass: (by area, by month, total)."""
    month = _month_of(Submission.created_at)
    rows = db.session.execute(
        _routed(body_id, start, end, Submission.local_authority_id, month, func.count()).group_by(
            Submission.local_authority_id, month
        )
    ).all()
    by_area: dict[int | None, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    for area, key, count in rows:
        by_area[area] += count
        by_month[key] += count
    return dict(by_area), dict(by_month), sum(by_area.values())


def _compare(labels: dict, now: dict, before: dict) -> list[Count]:
    keys = sorted(set(now) | set(before), key=lambda k: (-(now.get(k, 0)), labels.get(k, "")))
    return [Count(labels.get(k, NO_AREA), now.get(k, 0), before.get(k, 0)) for k in keys]


def content(
    body: Body,
    start: datetime,
    end: datetime,
    *,
    offset: int = 0,
    limit: int = ITEMS_PER_PAGE,
    with_phrases: bool = True,
) -> Content:
    """The digest for `body` over [start, end), read afresh: a handful of grouped
    queries, whatever the number of stories."""
    out = Content(body, start, end, offset=offset)
    before = start - (end - start)
    areas_now, months, out.total = _area_and_month_counts(body.id, start, end)
    areas_before, _, out.previous_total = _area_and_month_counts(body.id, before, start)
    themes = {t.id: t.label for t in db.session.scalars(select(Theme))}
    out.by_theme = _compare(
        themes, _theme_counts(body.id, start, end), _theme_counts(body.id, before, start)
    )
    areas = {a.id: a.name for a in db.session.scalars(select(LocalAuthority))}
    out.by_area = _compare(areas, areas_now, areas_before)
    out.by_month = [(date.fromisoformat(f"{key}-01"), months[key]) for key in sorted(months)]
    if not out.total:
        return out
    out.items = _items(body.id, start, end, offset, limit, areas)
    if with_phrases:
        out.phrases, out.phrases_from = _phrases(body.id, start, end, themes)
    out.equality = _equality(body.id, start, end)
    return out


def _newest(body_id: int, start: datetime, end: datetime, *columns) -> Select:
    """Newest routed first: the route index (body, routed_at) gives them without a sort."""
    return _routed(body_id, start, end, *columns).order_by(
        StoryRoute.routed_at.desc(), StoryRoute.submission_id.desc()
    )


def _items(
    body_id: int, start: datetime, end: datetime, offset: int, limit: int, areas: dict
) -> list[Item]:
    if limit <= 0:
        return []
    stories = list(
        db.session.scalars(_newest(body_id, start, end, Submission).offset(offset).limit(limit))
    )
    names = confirmed_theme_names([s.id for s in stories])
    return [as_item(s, names.get(s.id, []), areas) for s in stories]


def as_item(story: Submission, themes: list[str], areas: dict) -> Item:
    """Only what a working group may see of a story."""
    return Item(
        submission_id=story.id,
        themes=themes,
        area=areas.get(story.local_authority_id, NO_AREA),
        month=story.created_at.date().replace(day=1),
        channel=story.channel.value,
        language=story.language,
        summary=story.officer_summary,
        quote=story.redacted_story if story.consent_quote else None,
    )


def _phrases(body_id: int, start: datetime, end: datetime, themes: dict[int, str]):
    """Texts a group may see, newest first, at most PHRASE_SAMPLE of them."""
    rows = db.session.execute(
        _newest(
            body_id,
            start,
            end,
            Submission.id,
            Submission.consent_quote,
            Submission.redacted_story,
            Submission.officer_summary,
        ).limit(PHRASE_SAMPLE)
    ).all()
    text_of = {
        row.id: (row.redacted_story if row.consent_quote else row.officer_summary) or ""
        for row in rows
    }
    by_theme: dict[str, list[str]] = {}
    for submission_id, theme_id in pairs_for(
        list(text_of), ConfirmedTheme.submission_id, ConfirmedTheme.theme_id
    ):
        if text_of[submission_id]:
            by_theme.setdefault(themes[theme_id], []).append(text_of[submission_id])
    found = phrase_finder.distinctive(by_theme)
    ordered = {label: found[label] for label in themes.values() if found.get(label)}
    return ordered, len(rows)


EQUALITY_QUESTIONS = (
    ("age_band", "Age"),
    ("sex", "Sex"),
    ("disability", "Disability"),
)


def _equality(body_id: int, start: datetime, end: datetime):
    """Breakdowns of the equality answers of the digest's stories whose residents
    agreed to their use, through disclosure control only: never per person. One grouped
    query; each question's counts are summed from it."""
    from engage.labels import EQUALITY_ANSWERS

    rule = disclosure.from_config(current_app.config)
    columns = [getattr(EqualityAnswers, column) for column, _ in EQUALITY_QUESTIONS]
    rows = db.session.execute(
        _routed(body_id, start, end, EthnicGroup.heading, *columns, func.count())
        .join(EqualityAnswers, EqualityAnswers.submission_id == StoryRoute.submission_id)
        .outerjoin(EthnicGroup, EthnicGroup.id == EqualityAnswers.ethnic_group_id)
        .where(Submission.consent_equality.is_(True))
        .group_by(EthnicGroup.heading, *columns)
    ).all()
    if not rows:
        return []
    headings = list(
        db.session.scalars(
            select(EthnicGroup.heading)
            .group_by(EthnicGroup.heading)
            .order_by(func.min(EthnicGroup.sort_order))
        )
    )
    tallies: list[dict] = [defaultdict(int) for _ in range(len(columns) + 1)]
    for row in rows:
        *answers, count = row
        for position, answer in enumerate(answers):
            tallies[position][answer] += count
    counts = {heading: tallies[0].get(heading, 0) for heading in headings}
    counts["Not answered"] = tallies[0].get(None, 0)
    out = [("Ethnic group", disclosure.control(counts, **rule))]
    for position, (column, title) in enumerate(EQUALITY_QUESTIONS, start=1):
        answers = EQUALITY_ANSWERS.get(column, {})
        counts = {str(label): tallies[position].get(code, 0) for code, label in answers.items()}
        counts["Not answered"] = tallies[position].get(None, 0)
        out.append((title, disclosure.control(counts, **rule)))
    return out


def stories_of(digest: Digest, limit: int = 200) -> list[Item]:
    """What a group may see of the stories a digest covers, newest first: for linking a
    decision to the stories behind it."""
    areas = dict(db.session.execute(select(LocalAuthority.id, LocalAuthority.name)).all())
    return _items(digest.body_id, digest.period_start, digest.period_end, 0, limit, areas)
