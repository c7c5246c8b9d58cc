"""The annual report's figures: counted for the chosen financial year beside the one
before, under disclosure control, leaving out withdrawn stories, and holding nothing a
resident wrote or gave about themselves."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AttendanceStatus,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    CommitmentUpdate,
    Digest,
    Indicator,
    InfluencedDecision,
    LoopClosure,
    LoopClosureText,
    Measurement,
    MembershipRole,
    PeriodKind,
    Rag,
    Significance,
    StoryRoute,
    Theme,
)
from engage.services.meetings import attendance
from engage.services.reports import annual, blocks
from tests import factories
from tests.services.reports.helpers import SETTINGS, at, block, rows, section, stories

TODAY = date(2027, 5, 1)  # the 2026/27 year is over


def _gather(year: int = 2026, today: date = TODAY) -> dict:
    return annual.gather(year, today=today, settings=SETTINGS)


def test_stories_by_quarter_are_protected_and_compared_with_the_year_before(ctx):
    stories(12, at(2026, 5))  # Q1
    stories(3, at(2026, 8))  # Q2: too few to show
    stories(23, at(2026, 11))  # Q3
    stories(14, at(2025, 5))  # the year before, Q1
    by_quarter = rows(block(section(_gather(), "What residents told us"), "Stories received by"))
    # Q2's 3 is hidden, and Q1's 12 too, or 3 would be the total less the others.
    assert by_quarter == {
        "Q1 (April to June)": [15, blocks.SUPPRESSED],
        "Q2 (July to September)": [0, blocks.SUPPRESSED],
        "Q3 (October to December)": [0, 25],
        "Q4 (January to March)": [0, 0],
        "Whole year": [15, 40],  # 14 and 38, rounded to 5
    }
    chart = block(section(_gather(), "What residents told us"), "Stories received by")
    assert chart["series"][1] == {"name": "2026/27", "values": [None, None, 25, 0]}


def test_the_totals_come_from_the_protected_breakdown(ctx):
    stories(12, at(2026, 5))
    stories(3, at(2026, 8))
    stories(4, at(2025, 8))
    told = section(_gather(), "What residents told us")
    quarters = rows(block(told, "Stories received by quarter"))
    assert quarters["Whole year"] == [blocks.SUPPRESSED, 15]
    assert "about 15 stories in 2026/27" in told["blocks"][0]["text"]
    assert "and fewer than 10 in 2025/26" in told["blocks"][0]["text"]
    # Every count shown is 0 or a multiple of 5 of at least 10.
    for row in quarters.values():
        for value in row:
            assert value == blocks.SUPPRESSED or value == 0 or (value >= 10 and value % 5 == 0)


def test_stories_are_counted_as_the_public_figures_count_them(ctx):
    """A withdrawn story counts only where its resident allowed it (its date and area
    are kept for that); one not to be counted never does."""
    stories(20, at(2026, 6), area="Dudley")
    stories(15, at(2026, 6), area="Dudley", withdrawn=True)
    stories(15, at(2026, 6), area="Dudley", withdrawn=True, counted=False)
    stories(12, at(2026, 6), area="Walsall", counted=False)
    by_area = rows(block(section(_gather(), "What residents told us"), "Stories received by area"))
    assert by_area["Dudley"] == [0, 35]
    assert by_area["Walsall"] == [0, 0]
    assert by_area["All areas"] == [0, 35]


def test_stories_by_area_and_theme(ctx):
    stories(11, at(2026, 7), area="Birmingham", themes=("housing", "health_wellbeing"))
    stories(10, at(2026, 7), themes=("housing",))
    stories(12, at(2026, 7), area="Coventry")
    told = section(_gather(), "What residents told us")
    by_area = rows(block(told, "Stories received by area"))
    assert by_area["Birmingham"] == [0, 10]
    assert by_area["Coventry"] == [0, 10]
    assert by_area[annual.NO_AREA] == [0, 10]
    by_theme = rows(block(told, "Stories received by theme"))
    housing = db.session.scalar(select(Theme.label).where(Theme.slug == "housing"))
    health = db.session.scalar(select(Theme.label).where(Theme.slug == "health_wellbeing"))
    assert by_theme[housing] == [0, 20]
    assert by_theme[health] == [0, 10]
    assert by_theme[annual.NO_THEME] == [0, 10]
    chart = block(told, "Stories received by theme")
    assert chart["type"] == "figure"
    assert chart["series"][1]["values"][chart["labels"].index(housing)] == 20


def test_quarters_follow_the_uk_clock(ctx):
    # 00:30 on 1 July in the UK is still 30 June in UTC: it is in Q2.
    stories(10, datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    quarters = rows(block(section(_gather(), "What residents told us"), "Stories received by q"))
    assert quarters["Q2 (July to September)"] == [0, 10]
    assert quarters["Q1 (April to June)"] == [0, 0]


def test_stories_routed_digests_and_meetings(ctx):
    group = factories.working_group()
    routed = stories(11, at(2026, 9), themes=("housing",))
    for story in routed:
        db.session.add(StoryRoute(submission_id=story.id, body_id=group.id, routed_at=at(2026, 9)))
    for year in (2025, 2026):
        start, end = at(year, 9, 1), at(year, 9, 30)
        db.session.add(Digest(body_id=group.id, period_start=start, period_end=end, issued_at=end))
    db.session.commit()
    held = factories.meeting(on=date(2026, 10, 15), held=True)
    factories.meeting(on=date(2026, 11, 15))  # scheduled, not held
    from engage.services.meetings import minutes

    minutes.record_decision(
        held.id, "Ask for a report on damp.", agenda_item_id=None, actor=factories.user()
    )
    done = section(_gather(), "What was done with it")
    assert rows(block(done, "Stories sent to working groups"))[group.name] == [0, 10]
    assert rows(block(done, "Digests issued"))[group.name] == [1]
    meetings = rows(block(done, "Meetings held"))
    assert meetings[held.body.name] == [1, 1]


def test_decisions_influenced_and_you_said_we_did_in_the_year(ctx):
    inside = InfluencedDecision(
        title="Interpreters funded in GP surgeries",
        decided_by="Birmingham and Solihull ICB",
        decided_on=date(2026, 9, 1),
        what_changed="Funding",
        significance=Significance.SIGNIFICANT,
    )
    outside = InfluencedDecision(
        title="An older decision",
        decided_by="WMCA Board",
        decided_on=date(2026, 3, 31),
        what_changed="Something",
        significance=Significance.MAJOR,
    )
    closure = LoopClosure(decision=inside, published_at=at(2026, 10))
    closure.texts.append(
        LoopClosureText(locale="en", you_said="No interpreters.", we_did="Interpreters funded.")
    )
    closure.texts.append(LoopClosureText(locale="pl", you_said="Brak.", we_did="Tłumacze."))
    draft = LoopClosure(decision=inside)
    draft.texts.append(LoopClosureText(locale="en", you_said="Unpublished", we_did="Not yet"))
    db.session.add_all([inside, outside, closure, draft])
    db.session.commit()
    done = section(_gather(), "What was done with it")
    by_significance = rows(block(done, "Decisions influenced in 2026/27, by significance"))
    assert by_significance[Significance.SIGNIFICANT.label] == [1]
    assert by_significance[Significance.MAJOR.label] == [0]
    assert by_significance["All"] == [1]
    table = next(b for b in done["blocks"] if b.get("caption") == "Decisions influenced in 2026/27")
    assert rows(table) == {
        "Interpreters funded in GP surgeries": [
            "Birmingham and Solihull ICB",
            "1 September 2026",
            "3 Significant",
        ]
    }
    scale = rows(block(done, "The significance scale"))
    assert scale["4 Major"] == [Significance.MAJOR.meaning]
    closures = block(done, "\u201cYou said, we did\u201d published")
    assert closures["rows"] == [
        ["No theme", "No interpreters.", "Interpreters funded.", "15 October 2026"]
    ]


def _indicator(slug: str) -> Indicator:
    return db.session.scalar(select(Indicator).where(Indicator.slug == slug))


def _measure(indicator, kind, start, version, value, *, published=True, **fields):
    db.session.add(
        Measurement(
            indicator_id=indicator.id,
            period_kind=kind,
            period_start=start,
            version=version,
            value=Decimal(value) if value is not None else None,
            published_at=at(2026, 12) if published else None,
            **fields,
        )
    )
    db.session.commit()


def test_indicators_show_the_newest_published_version_of_each_period(ctx):
    groups = _indicator("community_groups_engaged")
    q1 = date(2026, 4, 1)
    _measure(groups, PeriodKind.QUARTER, q1, 1, "4", rag=Rag.RED, rag_reason="Too few")
    _measure(groups, PeriodKind.QUARTER, q1, 2, "6", rag=Rag.AMBER, rag_reason="Corrected")
    _measure(groups, PeriodKind.QUARTER, q1, 3, "99", published=False)  # a draft
    _measure(groups, PeriodKind.QUARTER, date(2025, 4, 1), 1, "2")
    _measure(groups, PeriodKind.YEAR, date(2024, 4, 1), 1, "9.5", narrative="A start")
    voice = section(_gather(), "Indicators: Amplify community voice")
    table = block(voice, f"Measurements: {groups.text}")
    found = rows(table)
    assert found["2026/27 Q1"] == [6, "Amber", "Corrected", None]
    assert found["2026/27 Q2"][0] == "Not measured"
    assert found["2024/25 (whole year)"] == [9.5, "Not set", None, "A start"]
    assert "2025/26 (whole year)" not in found
    chart = block(voice, "Number of community groups engaged within WMCA decision making: by q")
    assert chart["series"] == [
        {"name": "2025/26", "values": [2, None, None, None]},
        {"name": "2026/27", "values": [6, None, None, None]},
    ]
    feedback = _indicator("community_partner_feedback")
    heading = voice["blocks"].index({"type": "subheading", "text": feedback.text})
    assert voice["blocks"][heading + 1]["text"].startswith("No measurement")


def test_evidence_data_is_shown_beside_its_indicator(ctx):
    dataset = factories.evidence_dataset()
    dataset.indicator_id = _indicator("equity_data_in_outcomes").id
    db.session.commit()
    data = section(_gather(), "Indicators: Data driven decisions")
    evidence = block(data, "Evidence: Employment rate by ethnic group")
    assert evidence["labels"][:2] == ["Indian", "White"]
    assert evidence["series"][0]["values"] == [72.5, 76.4, 73.1]
    assert evidence["columns"] and evidence["rows"]
    assert evidence["rows"]
    assert any("ONS Annual Population Survey" in b.get("text", "") for b in data["blocks"])


def _commitment(title, *, due=None, status=CommitmentStatus.NOT_STARTED, created=None):
    made = Commitment(
        kind=CommitmentKind.STRATEGIC,
        title=title,
        owner="WMCA",
        due_on=due,
        status=status,
        created_at=created or at(2026, 4),
    )
    db.session.add(made)
    db.session.commit()
    return made


def _update(commitment, status, when):
    db.session.add(CommitmentUpdate(commitment=commitment, status=status, recorded_at=when))
    commitment.status = status
    db.session.commit()


def test_commitments_by_status_overdue_and_implemented(ctx):
    late = _commitment("Publish the ethnicity pay gap", due=date(2027, 1, 31))
    done = _commitment("Fund interpreters", due=date(2026, 12, 1))
    _update(done, CommitmentStatus.ON_TRACK, at(2026, 6))
    _update(done, CommitmentStatus.IMPLEMENTED, at(2026, 11))
    after = _commitment("Review procurement", due=date(2026, 9, 1))
    _update(after, CommitmentStatus.IMPLEMENTED, at(2027, 4, 20))  # after the year
    _commitment("Added later", created=at(2027, 4, 10))
    part = section(_gather(), "Commitments")
    counts = rows(block(part, "Commitments by status on 31 March 2027"))
    assert counts["Not started"] == [2, 0, 2]  # the late one, and `after` back then
    assert counts["Implemented"] == [1, 0, 1]
    assert counts["All"] == [3, 0, 3]
    overdue = rows(block(part, "Overdue on 31 March 2027"))
    assert set(overdue) == {"Publish the ethnicity pay gap", "Review procurement"}
    assert overdue["Review procurement"] == ["WMCA", "1 September 2026", "Not started"]
    assert rows(block(part, "Implemented in 2026/27")) == {
        "Fund interpreters": ["WMCA", "15 November 2026"]
    }
    assert late.id


def test_membership_by_role_and_attendance_without_names(ctx):
    start = date(2026, 1, 1)
    factories.membership(role=MembershipRole.CHAIR, name="Chair Person Uniquename", start=start)
    one = factories.membership(name="Independent Zebedee", start=start)
    factories.membership(name="Independent Two", start=start)
    factories.membership(role=MembershipRole.SECRETARIAT, name="Secretariat Person", start=start)
    meeting = factories.meeting(on=date(2026, 10, 15))
    actor = factories.user()
    expected = attendance.expected(meeting)
    answers = {row.membership.id: AttendanceStatus.PRESENT for row in expected}
    answers[one.id] = AttendanceStatus.APOLOGIES
    attendance.record_attendance(meeting.id, answers, actor=actor, today=date(2026, 11, 1))
    part = section(_gather(), "Membership and attendance")
    members = rows(block(part, "Members of"))
    assert members == {"Chair": [1], "Independent member": [2], "All members": [3]}
    seats = rows(block(part, "Attendance at meetings"))
    assert seats["Chair"] == [1, 1, 0, 0, 0, "100%"]
    assert seats["Independent members"] == [2, 1, 1, 0, 0, "50%"]
    assert seats["All seats"] == [3, 2, 1, 0, 0, "67%"]
    text = json.dumps(part)
    for name in ("Uniquename", "Zebedee", "Independent Two", "Secretariat Person"):
        assert name not in text


def test_a_year_under_way_counts_to_today(ctx):
    content = _gather(2026, today=date(2026, 12, 6))
    assert content["as_at"] == "Figures up to 6 December 2026: the year is not over."
    assert content["label"] == "2026/27"
    assert content["dates"] == "1 April 2026 to 31 March 2027"
    commitments = section(content, "Commitments")
    assert commitments["blocks"][-1]["text"].startswith("No commitments were being tracked")


def test_nothing_a_resident_wrote_or_gave_reaches_the_report(ctx):
    planted = "Zyxwv-planted-story-words"
    story = factories.approved_story(
        f"{planted} The housing officer ignored us.",
        summary="Summary-planted-qwerty",
        contact=True,
        contact_email="planted-resident@example.org",
        area="Sandwell",
    )
    assert story.contact is not None
    json_text = json.dumps(_gather(2026, today=date(2026, 12, 6)), ensure_ascii=False)
    for secret in (planted, "Summary-planted-qwerty", "planted-resident@example.org"):
        assert secret not in json_text


def test_a_theme_an_admin_retired_still_counts_under_its_name(ctx):
    retired = db.session.scalar(select(Theme).where(Theme.slug == "transport"))
    retired.active = False
    db.session.commit()
    stories(10, at(2026, 7), themes=("transport",))
    by_theme = rows(block(section(_gather(), "What residents told us"), "Stories received by th"))
    assert by_theme[retired.label] == [0, 10]
