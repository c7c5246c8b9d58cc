"""The public figures' raw counts, each worked out in the database as grouped counts:
three queries, whatever the number of stories (never a story loaded into Python).

What is counted: stories received up to the moment of the refresh, that may be counted
(`received`); their equality answers only where the resident agreed to their use."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, literal, select

from engage.equality import AGE_BAND, SEX
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
from engage.services.accountability import periods

NOT_ANSWERED = "not_answered"
NOT_GIVEN = "not_given"
# Ethnic groups are published by their census heading; each heading has a short code.
PREFER_NOT = "prefer_not_to_say"


def received(now: datetime):
    """The stories the public figures count: received before `now`, neither rejected
    (not a story) nor a duplicate (counted once already), and allowed to be counted. A
    withdrawn story is counted, by its date, area and themes only, where the resident
    allowed it (`counted`): its text and equality answers are gone."""
    return and_(
        Submission.counted.is_(True),
        Submission.status.not_in([SubmissionStatus.REJECTED, SubmissionStatus.DUPLICATE]),
        Submission.created_at < now,
    )


@dataclass(frozen=True)
class EthnicCategory:
    code: str
    label: str
    heading_code: str
    heading_label: str


@dataclass(frozen=True)
class Reference:
    """The fixed rows and columns of the tables: every category, counted or not."""

    years: tuple[int, ...]
    areas: tuple[tuple[str, str], ...]
    themes: tuple[tuple[str, str], ...]
    ethnic: tuple[EthnicCategory, ...]
    sexes: tuple[tuple[str, str], ...]
    ages: tuple[tuple[str, str], ...]

    @property
    def headings(self) -> tuple[tuple[str, str], ...]:
        seen: dict[str, str] = {}
        for category in self.ethnic:
            seen.setdefault(category.heading_code, category.heading_label)
        return tuple(seen.items())


@dataclass
class Grouped:
    """Counts by group. Stories: (area, financial year, quarter); story-themes: (theme,
    financial year); equality: (ethnic group, sex, age band, area), codes throughout."""

    stories: dict[tuple[str, int, int], int] = field(default_factory=dict)
    themes: dict[tuple[str, int], int] = field(default_factory=dict)
    equality: dict[tuple[str, str, str, str], int] = field(default_factory=dict)


def heading_code(heading: str, first_code: str) -> str:
    """A heading's code from its first group's: `asian_indian` -> `asian`."""
    if first_code == PREFER_NOT:
        return PREFER_NOT
    return first_code.split("_", 1)[0]


def reference(years: tuple[int, ...]) -> Reference:
    """Every category, from the reference data and the equality questions (English)."""
    from flask_babel import force_locale

    groups = list(db.session.scalars(select(EthnicGroup).order_by(EthnicGroup.sort_order)))
    first: dict[str, str] = {}
    for group in groups:
        first.setdefault(group.heading, group.code)
    ethnic = [
        EthnicCategory(g.code, g.label, heading_code(g.heading, first[g.heading]), g.heading)
        for g in groups
    ]
    ethnic.append(EthnicCategory(NOT_ANSWERED, "Not answered", NOT_ANSWERED, "Not answered"))
    areas = [
        (a.code, a.name)
        for a in db.session.scalars(
            select(LocalAuthority).order_by(LocalAuthority.constituent.desc(), LocalAuthority.name)
        )
    ]
    themes = [
        (t.slug, t.label) for t in db.session.scalars(select(Theme).order_by(Theme.sort_order))
    ]
    with force_locale("en"):
        sexes = [(code, str(label)) for code, label in SEX.options]
        ages = [(code, str(label)) for code, label in AGE_BAND.options]
    return Reference(
        years=years,
        areas=(*areas, (NOT_GIVEN, "Area not given")),
        themes=tuple(themes),
        ethnic=tuple(ethnic),
        sexes=(*sexes, (NOT_ANSWERED, "Not answered")),
        ages=(*ages, (NOT_ANSWERED, "Not answered")),
    )


def years_counted(now: datetime) -> tuple[int, ...]:
    """The financial years from the first story counted to the one `now` is in."""
    from engage.clock import LONDON

    last = periods.financial_year_of(now.astimezone(LONDON).date())
    first_at = db.session.scalar(select(func.min(Submission.created_at)).where(received(now)))
    first = periods.financial_year_of(first_at.astimezone(LONDON).date()) if first_at else last
    return tuple(range(min(first, last), last + 1))


def _quarter_of(column, years: tuple[int, ...]):
    """A CASE giving each row's quarter as year * 10 + quarter, from the quarters' UTC
    bounds (so a story just after a British midnight falls in the right quarter)."""
    whens = []
    for year in years:
        for number, quarter in enumerate(periods.quarters(year), start=1):
            start, end = quarter.utc_bounds()
            whens.append((and_(column >= start, column < end), literal(year * 10 + number)))
    return case(*whens, else_=literal(0))


def grouped(now: datetime, ref: Reference) -> Grouped:
    out = Grouped()
    quarter = _quarter_of(Submission.created_at, ref.years).label("quarter")
    area = LocalAuthority.code.label("area")
    rows = db.session.execute(
        select(area, quarter, func.count())
        .select_from(Submission)
        .outerjoin(LocalAuthority, LocalAuthority.id == Submission.local_authority_id)
        .where(received(now))
        .group_by(area, quarter)
    ).all()
    for code, key, count in rows:
        if key:  # every story counted falls in one of the years
            out.stories[(code or NOT_GIVEN, key // 10, key % 10)] = count

    year = _year_of(Submission.created_at, ref.years).label("year")
    rows = db.session.execute(
        select(Theme.slug, year, func.count())
        .select_from(ConfirmedTheme)
        .join(Submission, Submission.id == ConfirmedTheme.submission_id)
        .join(Theme, Theme.id == ConfirmedTheme.theme_id)
        .where(received(now))
        .group_by(Theme.slug, year)
    ).all()
    out.themes = {(slug, key): count for slug, key, count in rows if key}

    rows = db.session.execute(
        select(
            EthnicGroup.code,
            EqualityAnswers.sex,
            EqualityAnswers.age_band,
            area,
            func.count(),
        )
        .select_from(Submission)
        .join(EqualityAnswers, EqualityAnswers.submission_id == Submission.id)
        .outerjoin(EthnicGroup, EthnicGroup.id == EqualityAnswers.ethnic_group_id)
        .outerjoin(LocalAuthority, LocalAuthority.id == Submission.local_authority_id)
        .where(received(now), Submission.consent_equality.is_(True))
        .group_by(EthnicGroup.code, EqualityAnswers.sex, EqualityAnswers.age_band, area)
    ).all()
    known_sexes = {code for code, _ in ref.sexes}
    known_ages = {code for code, _ in ref.ages}
    equality: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for ethnic, sex, age, area_code, count in rows:
        key = (
            ethnic or NOT_ANSWERED,
            sex if sex in known_sexes else NOT_ANSWERED,
            age if age in known_ages else NOT_ANSWERED,
            area_code or NOT_GIVEN,
        )
        equality[key] += count
    out.equality = dict(equality)
    return out


def _year_of(column, years: tuple[int, ...]):
    whens = []
    for year in years:
        start, end = periods.year(year).utc_bounds()
        whens.append((and_(column >= start, column < end), literal(year)))
    return case(*whens, else_=literal(0))


def first_day(years: tuple[int, ...]) -> date:
    return periods.year(years[0]).start
