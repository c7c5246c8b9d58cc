"""Demo data for accountability's registers: commitments of the West Midlands Combined
Authority and recommendations of equity reports, with months of progress behind them
(two overdue, so the meeting pack flags them); entries in the three small registers in
this financial year and the last; and the terms of reference review not yet due.

Everything is made through the services, audited as the demo secretariat account; the
history is then dated back (demo data only) so it reads as months of work."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from engage.clock import LONDON
from engage.extensions import db
from engage.models import (
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    PeriodKind,
    RegisterKind,
    User,
)
from engage.services.accountability import commitments, housekeeping, periods, registers
from engage.services.common import audit

SECRETARIAT_EMAIL = "secretariat@engage.example"
ADMIN_EMAIL = "admin@engage.example"
GOLDEN_DECADE = "Golden Decade report"
INCLUSIVE = "WMCA Director of Inclusive Communities"
SKILLS = "WMCA Director of Employment and Skills"
EVIDENCE = "https://governance.wmca.example"

# (kind, source, reference, title, description, owner, due in days from today,
#  days ago it was added, [(days ago, status, note, evidence links)])
COMMITMENTS = [
    (
        CommitmentKind.REPORT_RECOMMENDATION,
        GOLDEN_DECADE,
        "GD-R1",
        "Publish the combined authority's ethnicity pay gap every year",
        "Publish the ethnicity pay gap of the combined authority's own workforce each "
        "year, with an action plan to close it, alongside the gender pay gap report.",
        "WMCA Director of People and Organisational Development",
        -75,
        420,
        [
            (300, CommitmentStatus.ON_TRACK, "Payroll data cleansed; draft figures produced.", ""),
            (
                90,
                CommitmentStatus.AT_RISK,
                "Publication delayed: the move to the new HR system has held up the data. "
                "The Taskforce asked for a revised date at its next meeting.",
                f"{EVIDENCE}/board/people-committee-update.pdf",
            ),
        ],
    ),
    (
        CommitmentKind.REPORT_RECOMMENDATION,
        GOLDEN_DECADE,
        "GD-R4",
        "Set targets for ethnic minority representation in senior leadership",
        "Agree targets for the share of senior leadership posts held by people from "
        "Black, Asian and other ethnic minority backgrounds, and report on them yearly.",
        "WMCA Chief Executive",
        120,
        400,
        [
            (
                60,
                CommitmentStatus.ON_TRACK,
                "Targets agreed in principle by the senior leadership team; board paper drafted.",
                "",
            ),
        ],
    ),
    (
        CommitmentKind.REPORT_RECOMMENDATION,
        GOLDEN_DECADE,
        "GD-R7",
        "Carry out a Health and Equity Impact Assessment for every major investment",
        "Every investment decision over £5 million taken to the WMCA Board comes with a "
        "Health and Equity Impact Assessment that names who benefits and who may lose out.",
        INCLUSIVE,
        -30,
        380,
        [
            (250, CommitmentStatus.ON_TRACK, "Assessment template piloted on two programmes.", ""),
            (
                150,
                CommitmentStatus.IMPLEMENTED,
                "Required for all major investment decisions from this month's WMCA Board.",
                f"{EVIDENCE}/board/heia-assurance-framework.pdf\n"
                f"{EVIDENCE}/board/minutes-investment-board.pdf",
            ),
        ],
    ),
    (
        CommitmentKind.REPORT_RECOMMENDATION,
        GOLDEN_DECADE,
        "GD-R9",
        "Fund community-led mentoring into apprenticeships for young Black men",
        "Commission mentoring led by community organisations to help young Black men into "
        "construction, digital and transport apprenticeships.",
        SKILLS,
        -20,
        200,
        [],
    ),
    (
        CommitmentKind.STRATEGIC,
        "WMCA Inclusive Growth Framework",
        "IG-3",
        "Reach residents of the most deprived neighbourhoods through the Adult Skills Fund",
        "Adult Skills Fund learners should come from the most deprived neighbourhoods at "
        "least in proportion to their share of the region's working-age population.",
        SKILLS,
        200,
        330,
        [
            (
                40,
                CommitmentStatus.ON_TRACK,
                "Enrolment data by neighbourhood now reported each quarter.",
                f"{EVIDENCE}/skills/adult-skills-fund-q2.pdf",
            ),
        ],
    ),
    (
        CommitmentKind.STRATEGIC,
        "WMCA Corporate Strategy",
        "CS-E2",
        "Translate key information on transport and housing programmes into the region's "
        "most spoken languages",
        "",
        "WMCA Director of Communications",
        -100,
        500,
        [
            (
                210,
                CommitmentStatus.DROPPED,
                "Replaced by the regional interpreting and translation framework the seven "
                "councils now lead.",
                "",
            ),
        ],
    ),
    (
        CommitmentKind.STRATEGIC,
        "Race Equalities Taskforce board report (July 2021)",
        "RET-2",
        "Report progress on race equity to the WMCA Board every year",
        "",
        INCLUSIVE,
        None,
        600,
        [(100, CommitmentStatus.ON_TRACK, "Annual progress report in preparation.", "")],
    ),
]

# (register, title, organisation, days into the financial year, this year?, funding,
#  description, evidence)
ENTRIES = [
    (
        RegisterKind.HEIA,
        "West Midlands bus network redesign",
        "Transport for West Midlands",
        150,
        False,
        "",
        "Found that evening cuts on three routes would fall hardest on shift workers in "
        "Sandwell and Ladywood; two routes were kept.",
        f"{EVIDENCE}/transport/bus-network-heia.pdf",
    ),
    (
        RegisterKind.HEIA,
        "Adult Skills Fund commissioning",
        "WMCA Employment and Skills",
        30,
        True,
        "",
        "Assessed the fund's commissioning plan for reach into deprived neighbourhoods.",
        "",
    ),
    (
        RegisterKind.HEIA,
        "Brownfield Housing Fund affordable homes criteria",
        "WMCA Housing and Regeneration",
        60,
        True,
        "",
        "",
        f"{EVIDENCE}/housing/brownfield-heia.pdf",
    ),
    (
        RegisterKind.BEST_PRACTICE,
        "Residents' research on GP interpreting shared with the integrated care board",
        "Black Country Integrated Care Board",
        200,
        False,
        "",
        "Findings from community researchers on access to interpreters at GP surgeries.",
        "",
    ),
    (
        RegisterKind.BEST_PRACTICE,
        "Guidance on community panels in senior recruitment",
        "Shared with the seven constituent councils",
        45,
        True,
        "",
        "How the Taskforce's community panel took part in recruiting a director.",
        f"{EVIDENCE}/people/community-panels-guidance.pdf",
    ),
    (
        RegisterKind.INITIATIVE,
        "Youth mentoring into construction apprenticeships",
        "Wolverhampton Punjabi Youth Forum",
        120,
        False,
        "42,000",
        "Mentors from the trades for young people leaving college.",
        "",
    ),
    (
        RegisterKind.INITIATIVE,
        "Windrush elders' digital inclusion lunch club",
        "Sandwell African Caribbean Elders",
        20,
        True,
        "18,750",
        "Weekly lunch club with help to get online for health appointments and benefits.",
        "",
    ),
    (
        RegisterKind.INITIATIVE,
        "Employment advice sessions for refugees and migrants",
        "Coventry Migrant Employment Hub",
        50,
        True,
        "9,500.50",
        "",
        "",
    ),
]


def _at(today: date, days_ago: int) -> datetime:
    """Mid-morning UK time, that many days before today (as stored, in UTC)."""
    local = datetime.combine(today - timedelta(days=days_ago), time(10, 30))
    return local.replace(tzinfo=LONDON).astimezone(UTC)


def _actor(today: date):
    user = db.session.scalar(select(User).where(User.email == SECRETARIAT_EMAIL))
    user = user or db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    return audit.as_actor(user)


def _commitments(actor, today: date) -> None:
    for kind, source, ref, title, description, owner, due, added, history in COMMITMENTS:
        made = commitments.add(
            commitments.CommitmentInput(
                kind=kind,
                source=source,
                reference=ref,
                title=title,
                description=description,
                owner=owner,
                due_on=today + timedelta(days=due) if due is not None else None,
            ),
            actor=actor,
        )
        for days_ago, status, note, links in history:
            update = commitments.add_update(
                made.id,
                commitments.UpdateInput(status=status, note=note, evidence_links=links),
                version=made.version,
                actor=actor,
                today=today - timedelta(days=days_ago),
            )
            update.recorded_at = _at(today, days_ago)
        made = db.session.get(Commitment, made.id)
        made.created_at = _at(today, added)
        db.session.commit()


def _entries(actor, today: date) -> None:
    this_year = periods.containing(today, PeriodKind.YEAR)
    last_year = periods.year(this_year.year - 1)
    for kind, title, organisation, day, current, funding, description, links in ENTRIES:
        start = this_year.start if current else last_year.start
        registers.add_entry(
            kind,
            registers.EntryInput(
                title=title,
                occurred_on=min(start + timedelta(days=day), today),
                organisation=organisation,
                funding=funding,
                description=description,
                evidence_links=links,
            ),
            actor=actor,
            today=today,
        )


def _terms_review(actor, today: date) -> None:
    """The first review is due on 31 May 2027; should the demo start near or after then,
    one is recorded a month back, so the reminder shows as not yet due."""
    if housekeeping.review_status(today).needs_action:
        housekeeping.record_review(
            housekeeping.ReviewInput(
                reviewed_on=today - timedelta(days=30),
                note="Reviewed by the Taskforce; membership and quorum unchanged.",
            ),
            actor=actor,
            today=today,
        )


def load(today: date) -> None:
    if db.session.scalar(select(Commitment.id).limit(1)) is not None:
        return
    actor = _actor(today)
    _commitments(actor, today)
    _entries(actor, today)
    _terms_review(actor, today)
