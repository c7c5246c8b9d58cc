"""What the annual progress report says for one financial year, worked out afresh from
the data (a draft is read afresh each time; publishing freezes it as JSON):

1. what residents told us: stories received by theme, area and quarter, beside the
   year before, every count under disclosure control;
2. what was done with it: stories routed, digests issued, meetings and their decisions,
   the decisions the Taskforce influenced and "you said, we did";
3. each function's indicators (engage.services.reports.indicators);
4. commitments (engage.services.reports.commitments);
5. membership and attendance (engage.services.reports.membership).

Counted in the database. Nothing here reads a story's text, a resident's details or
their equality answers: only counts of stories, and what the secretariat wrote for
publication (decisions influenced, "you said, we did")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, exists, func, select

from engage import clock
from engage.extensions import db
from engage.models import (
    Body,
    ConfirmedTheme,
    Decision,
    Digest,
    InfluencedDecision,
    LocalAuthority,
    LoopClosure,
    LoopClosureText,
    Meeting,
    MeetingStatus,
    Significance,
    StoryRoute,
    Submission,
    Theme,
)
from engage.models.base import utcnow
from engage.services.accountability import periods
from engage.services.common import disclosure
from engage.services.figures import counts
from engage.services.reports import blocks, commitments, indicators, membership

NO_AREA = "Area not given"
NO_THEME = "No theme confirmed yet"
TITLE = "Race Equity Taskforce annual progress report"


class Year:
    """The financial year a report covers and the one before it, with their bounds."""

    def __init__(self, year: int, today: date):
        self.number = year
        self.period = periods.year(year)
        self.previous = periods.year(year - 1)
        self.label = self.period.label
        self.previous_label = self.previous.label
        self.start, self.end = self.period.utc_bounds()
        self.previous_start, _ = self.previous.utc_bounds()
        # Figures run to the end of the year, or to today while it is under way.
        self.last_day = min(self.period.end - timedelta(days=1), today)
        self.complete = today >= self.period.end

    @property
    def dates(self) -> str:
        last = self.period.end - timedelta(days=1)
        return f"{clock.format_date(self.period.start)} to {clock.format_date(last)}"

    def which(self, column):
        """This year's label or the year before's, for a moment in either."""
        return case((column >= self.start, self.label), else_=self.previous_label)

    def either(self, column):
        return and_(column >= self.previous_start, column < self.end)

    def within(self, column):
        return and_(column >= self.start, column < self.end)


def received():
    """Stories that count: the same rule as the public figures (engage.services.figures
    .counts.received), so the report and the figures page agree: allowed to be counted
    (a withdrawn story only where its resident allowed it), neither rejected nor a
    duplicate."""
    return counts.received(utcnow())


def _grouped(query: Select) -> list[tuple]:
    """Counts of rows by every column of `query`. Grouped outside a subquery, so
    that a grouping expression with parameters (a CASE over dates) is the same on
    every database, PostgreSQL included."""
    inner = query.subquery()
    keys = list(inner.c)
    return list(db.session.execute(select(*keys, func.count()).group_by(*keys)).all())


def _two_years(rows, labels: list[str]) -> dict[str, dict[str, int]]:
    """{row label: {year label: count}} with every label in `labels`, in that order."""
    counts: dict[str, dict[str, int]] = {label: {} for label in labels}
    for label, which, count in rows:
        line = counts.setdefault(label, {})
        line[which] = line.get(which, 0) + count
    return counts


# 1. What residents told us ------------------------------------------------------------


def _quarter_label(quarter: periods.Period) -> str:
    last = quarter.end - timedelta(days=1)
    return f"Q{quarter.quarter} ({quarter.start:%B} to {last:%B})"


def _in(column, period: periods.Period):
    start, end = period.utc_bounds()
    return and_(column >= start, column < end)


def stories_by_quarter(year: Year) -> dict[str, dict[str, int]]:
    both = periods.quarters(year.number) + periods.quarters(year.number - 1)
    number = case(*[(_in(Submission.created_at, q), q.quarter) for q in both])
    rows = _grouped(
        select(number.label("quarter"), year.which(Submission.created_at).label("year")).where(
            received(), year.either(Submission.created_at)
        )
    )
    names = {q.quarter: _quarter_label(q) for q in periods.quarters(year.number)}
    return _two_years([(names[n], which, count) for n, which, count in rows], list(names.values()))


def stories_by_area(year: Year) -> dict[str, dict[str, int]]:
    rows = _grouped(
        select(LocalAuthority.name.label("area"), year.which(Submission.created_at).label("year"))
        .select_from(Submission)
        .outerjoin(LocalAuthority, LocalAuthority.id == Submission.local_authority_id)
        .where(received(), year.either(Submission.created_at))
    )
    constituent = db.session.scalars(
        select(LocalAuthority.name)
        .where(LocalAuthority.constituent, LocalAuthority.active)
        .order_by(LocalAuthority.name)
    ).all()
    named = [(name or NO_AREA, label, count) for name, label, count in rows]
    others = sorted({name for name, _, _ in named} - set(constituent) - {NO_AREA})
    return _two_years(named, [*constituent, *others, NO_AREA])


def stories_by_theme(year: Year) -> dict[str, dict[str, int]]:
    which = year.which(Submission.created_at).label("year")
    rows = _grouped(
        select(Theme.label.label("theme"), which)
        .select_from(ConfirmedTheme)
        .join(Submission, Submission.id == ConfirmedTheme.submission_id)
        .join(Theme, Theme.id == ConfirmedTheme.theme_id)
        .where(received(), year.either(Submission.created_at))
    )
    unthemed = _grouped(
        select(which).where(
            received(),
            year.either(Submission.created_at),
            ~exists().where(ConfirmedTheme.submission_id == Submission.id),
        )
    )
    themes = db.session.scalars(
        select(Theme.label).where(Theme.active).order_by(Theme.sort_order)
    ).all()
    named = list(rows) + [(NO_THEME, label, count) for label, count in unthemed]
    return _two_years(named, [*themes, NO_THEME])


def _about(cell: disclosure.Cell, threshold: int, *, none: str) -> str:
    """A protected total in words (one is hidden only when it is itself small)."""
    if cell.shown is None:
        return f"fewer than {threshold}"
    return none if cell.shown == 0 else f"about {cell.shown:,}"


def _residents(year: Year, settings: Mapping[str, int]) -> dict:
    columns = [year.previous_label, year.label]
    span = f"{year.label} and {year.previous_label}"
    by_quarter, table = blocks.controlled_figure(
        f"Stories received by quarter, {span}",
        stories_by_quarter(year),
        columns,
        label_heading="Quarter",
        total_label="Whole year",
        settings=settings,
    )
    by_area, _ = blocks.controlled_figure(
        f"Stories received by area, {span}",
        stories_by_area(year),
        columns,
        label_heading="Area",
        total_label="All areas",
        settings=settings,
    )
    by_theme, _ = blocks.controlled_figure(
        f"Stories received by theme, {span}",
        stories_by_theme(year),
        columns,
        label_heading="Theme",
        total_label="All themes (a story can have more than one)",
        settings=settings,
    )
    total, before = table[year.label].total, table[year.previous_label].total
    limit = table[year.label].threshold
    return {
        "heading": "What residents told us",
        "blocks": [
            blocks.paragraph(
                f"Residents told the Taskforce {_about(total, limit, none='no')} stories "
                f"in {year.label} ({year.dates}), and "
                f"{_about(before, limit, none='none')} in {year.previous_label}. "
                "A story counts here unless the resident withdrew it. Themes are the "
                "ones an engagement officer confirmed; the area is the one the resident "
                "gave."
            ),
            blocks.paragraph(disclosure.control({}, **settings).note),
            by_quarter,
            by_area,
            by_theme,
        ],
    }


# 2. What was done with it -------------------------------------------------------------


def stories_routed(year: Year) -> dict[str, dict[str, int]]:
    rows = _grouped(
        select(Body.name.label("body"), year.which(StoryRoute.routed_at).label("year"))
        .select_from(StoryRoute)
        .join(Body, Body.id == StoryRoute.body_id)
        .join(Submission, Submission.id == StoryRoute.submission_id)
        .where(received(), year.either(StoryRoute.routed_at))
    )
    return _two_years(rows, sorted({name for name, _, _ in rows}))


def _per_body(query: Select) -> dict[str, int]:
    return {name: count for name, count in _grouped(query)}


def digests_issued(year: Year) -> dict[str, int]:
    return _per_body(
        select(Body.name)
        .select_from(Digest)
        .join(Body, Body.id == Digest.body_id)
        .where(year.within(Digest.issued_at))
    )


def meetings_held(year: Year) -> tuple[dict[str, int], dict[str, int]]:
    held = and_(Meeting.status == MeetingStatus.HELD, year.within(Meeting.starts_at))
    meetings = _per_body(
        select(Body.name).select_from(Meeting).join(Body, Body.id == Meeting.body_id).where(held)
    )
    decisions = _per_body(
        select(Body.name)
        .select_from(Decision)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(Body, Body.id == Meeting.body_id)
        .where(held)
    )
    return meetings, decisions


def influenced(year: Year) -> list[InfluencedDecision]:
    return list(
        db.session.scalars(
            select(InfluencedDecision)
            .where(
                InfluencedDecision.decided_on >= year.period.start,
                InfluencedDecision.decided_on < year.period.end,
            )
            .order_by(InfluencedDecision.decided_on, InfluencedDecision.id)
        )
    )


def you_said_we_did(year: Year) -> list[list[str]]:
    """[theme, you said, we did, published on] in English, for those published in the
    year."""
    english = and_(LoopClosureText.closure_id == LoopClosure.id, LoopClosureText.locale == "en")
    rows = db.session.execute(
        select(
            Theme.label,
            LoopClosureText.you_said,
            LoopClosureText.we_did,
            LoopClosure.published_at,
        )
        .select_from(LoopClosure)
        .join(LoopClosureText, english)
        .outerjoin(Theme, Theme.id == LoopClosure.theme_id)
        .where(LoopClosure.published_at.is_not(None), year.within(LoopClosure.published_at))
        .order_by(LoopClosure.published_at, LoopClosure.id)
    ).all()
    return [
        [theme or "No theme", said, did, clock.format_date(published)]
        for theme, said, did, published in rows
    ]


def _routing_blocks(year: Year, settings: Mapping[str, int]) -> list[dict]:
    routed = stories_routed(year)
    if not routed:
        return [blocks.paragraph("No stories were sent to working groups in either year.")]
    figure, _ = blocks.controlled_figure(
        f"Stories sent to working groups, {year.label} and {year.previous_label}",
        routed,
        [year.previous_label, year.label],
        label_heading="Working group",
        total_label="All groups (a story can go to more than one)",
        settings=settings,
    )
    return [
        blocks.paragraph(
            "Approved stories that residents agreed to share go to the working groups "
            "whose themes and areas they match, and reach the groups in digests."
        ),
        figure,
    ]


def _meeting_blocks(year: Year) -> list[dict]:
    digests = digests_issued(year)
    meetings, decisions = meetings_held(year)
    result = []
    if digests:
        rows = [[name, count] for name, count in sorted(digests.items())]
        rows.append(["All groups", sum(digests.values())])
        caption = f"Digests issued in {year.label}"
        result.append(blocks.table(caption, ["Working group", "Digests"], rows))
    else:
        result.append(blocks.paragraph(f"No digests were issued in {year.label}."))
    if meetings:
        rows = [[name, meetings[name], decisions.get(name, 0)] for name in sorted(meetings)]
        rows.append(["All bodies", sum(meetings.values()), sum(decisions.values())])
        result.append(
            blocks.table(
                f"Meetings held and decisions made in {year.label}",
                ["Body", "Meetings held", "Decisions recorded"],
                rows,
            )
        )
    else:
        result.append(blocks.paragraph(f"No meetings were held in {year.label}."))
    return result


def _influence_blocks(year: Year) -> list[dict]:
    found = influenced(year)
    heading = blocks.subheading("Decisions the Taskforce influenced")
    scale = blocks.table(
        "The significance scale",
        ["Significance", "What it means"],
        [[s.label, s.meaning] for s in Significance],
    )
    if not found:
        none = f"No decisions influenced by the Taskforce were recorded in {year.label}."
        return [heading, blocks.paragraph(none), scale]
    counts = {s: sum(1 for d in found if d.significance is s) for s in Significance}
    plural = "decision" if len(found) == 1 else "decisions"
    return [
        heading,
        blocks.paragraph(
            f"{len(found)} {plural} of the combined authority and its partners in "
            f"{year.label} changed because of the Taskforce's advice or challenge."
        ),
        blocks.figure(
            f"Decisions influenced in {year.label}, by significance",
            labels=[s.label for s in Significance],
            series=[{"name": "Decisions", "values": [counts[s] for s in Significance]}],
            columns=["Significance", "Decisions"],
            rows=[[s.label, counts[s]] for s in Significance] + [["All", len(found)]],
            y_label="Decisions",
        ),
        blocks.table(
            f"Decisions influenced in {year.label}",
            ["Decision", "Decided by", "Date", "Significance"],
            [
                [d.title, d.decided_by, clock.format_date(d.decided_on), d.significance.label]
                for d in found
            ],
        ),
        scale,
    ]


def _loop_blocks(year: Year) -> list[dict]:
    closures = you_said_we_did(year)
    heading = blocks.subheading("You said, we did")
    if not closures:
        none = f"No \u201cyou said, we did\u201d was published in {year.label}."
        return [heading, blocks.paragraph(none)]
    return [
        heading,
        blocks.paragraph(
            "What changed, in plain words, as the residents whose stories informed it were told."
        ),
        blocks.table(
            f"\u201cYou said, we did\u201d published in {year.label}",
            ["Theme", "You said", "We did", "Published"],
            closures,
        ),
    ]


def _actions(year: Year, settings: Mapping[str, int]) -> dict:
    return {
        "heading": "What was done with it",
        "blocks": [
            *_routing_blocks(year, settings),
            *_meeting_blocks(year),
            *_influence_blocks(year),
            *_loop_blocks(year),
        ],
    }


# The whole report ---------------------------------------------------------------------


def gather(year_number: int, *, today: date, settings: Mapping[str, int]) -> dict:
    """The report's figures for a financial year (named by the year it starts) as a
    JSON-able dict: title, dates and sections of blocks. `settings` is the disclosure
    rule's (disclosure.from_config)."""
    year = Year(year_number, today)
    sections = [
        _residents(year, settings),
        _actions(year, settings),
        *indicators.sections(year.number),
        commitments.section(year.period, year.last_day),
        membership.section(year.period, year.last_day),
    ]
    as_at = (
        "Figures for the whole year."
        if year.complete
        else f"Figures up to {clock.format_date(year.last_day)}: the year is not over."
    )
    return {
        "year": year.number,
        "label": year.label,
        "title": f"{TITLE} {year.label}",
        "dates": year.dates,
        "as_at": as_at,
        "sections": sections,
    }
