"""The small registers: entries added and changed as typed, funding typed in pounds and
kept in whole pence, counted by date within a window, stale forms refused."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, RegisterEntry, RegisterKind, Role
from engage.services.accountability import periods, registers
from engage.services.accountability.registers import EntryInput
from engage.services.common.transaction import Conflict, NotFound, ServiceError
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def actor(ctx):
    return factories.user(role=Role.SECRETARIAT)


def add(actor, kind=RegisterKind.HEIA, title="Adult skills fund", on=date(2026, 6, 1), **fields):
    return registers.add_entry(
        kind, EntryInput(title=title, occurred_on=on, **fields), actor=actor, today=TODAY
    )


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("12,500", 1_250_000),
        ("12500.50", 1_250_050),
        ("12500.5", 1_250_050),
        ("£12,500.05", 1_250_005),
        (" 1,234,567 ", 123_456_700),
        ("0", 0),
        ("0.99", 99),
        ("20,000,000", 2_000_000_000),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_pounds_as_people_type_them(typed, pence):
    assert registers.parse_pounds(typed) == (pence, None)


@pytest.mark.parametrize(
    "typed",
    [
        "twelve thousand",
        "12,50",
        "1,2345",
        ",500",
        "12.345",
        "-500",
        "12500.",
        ".5",
        "1e5",
        "١٢٥٠٠",  # digits, but not ones the amount is read in
        "£",
        "12 500 pounds",
    ],
)
def test_amounts_that_are_not_pounds_are_refused(typed):
    assert registers.parse_pounds(typed) == (None, registers.FUNDING_PROBLEM)


def test_an_amount_over_the_limit_is_refused():
    pence, problem = registers.parse_pounds("20,000,000.01")
    assert pence is None and problem == "Enter an amount of £20,000,000 or less"


def test_pounds_are_shown_the_uk_way():
    assert registers.format_pounds(1_250_000) == "£12,500"
    assert registers.format_pounds(1_250_005) == "£12,500.05"
    assert registers.format_pounds(None) == "None recorded"
    assert registers.typed_pounds(1_250_050) == "12,500.50"
    assert registers.parse_pounds(registers.typed_pounds(1_250_050)) == (1_250_050, None)


def test_an_initiative_keeps_its_funding_in_pence_and_words_as_typed(actor):
    entry = add(
        actor,
        RegisterKind.INITIATIVE,
        "Windrush <elders> lunch club & advice",
        organisation="Sandwell African Caribbean Elders",
        funding="12,500.50",
        evidence_links="https://www.tnlcommunityfund.org.uk/\n",
        description="Weekly\r\nlunch",
    )
    assert entry.funding_pence == 1_250_050
    assert entry.title == "Windrush <elders> lunch club & advice"
    assert entry.description == "Weekly\nlunch"
    assert entry.evidence_links == "https://www.tnlcommunityfund.org.uk/"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "register_entry.added"))
    assert (event.object_id, event.detail) == (entry.id, "kind=initiative")


def test_only_initiatives_record_funding(actor):
    entry = add(actor, RegisterKind.HEIA, funding="not read")
    assert entry.funding_pence is None


def test_problems_are_said_beside_each_field(actor):
    with pytest.raises(ServiceError) as refused:
        registers.add_entry(
            RegisterKind.INITIATIVE,
            EntryInput(
                title="",
                occurred_on=date(2026, 11, 24),
                funding="lots",
                evidence_links="see the report",
                organisation="o" * 301,
            ),
            actor=actor,
            today=TODAY,
        )
    errors = refused.value.errors
    assert set(errors) == {"title", "occurred_on", "funding", "evidence_links", "organisation"}
    assert errors["occurred_on"] == "The date must be today or in the past"
    assert errors["funding"] == registers.FUNDING_PROBLEM
    missing = registers.entry_problems(
        RegisterKind.HEIA, EntryInput(title="T", occurred_on=None), today=TODAY
    )
    assert missing == {"occurred_on": "Enter the date, for example 14 January 2027"}
    assert db.session.scalar(select(RegisterEntry)) is None


def test_counted_by_date_within_a_window_that_ends_before_its_end(actor):
    year = periods.year(2026)  # 1 April 2026 to 31 March 2027
    add(actor, on=date(2026, 3, 31), title="Last year")
    add(actor, on=date(2026, 4, 1), title="First day")
    add(actor, on=date(2026, 11, 23), title="Today")
    add(actor, RegisterKind.BEST_PRACTICE, on=date(2026, 5, 1))
    add(actor, RegisterKind.INITIATIVE, on=date(2026, 5, 1), funding="1,000")
    add(actor, RegisterKind.INITIATIVE, on=date(2026, 7, 1), funding="250.25")
    add(actor, RegisterKind.INITIATIVE, on=date(2026, 7, 2))
    add(actor, RegisterKind.INITIATIVE, on=date(2025, 7, 1), funding="99")
    found = registers.entries(RegisterKind.HEIA, year.start, year.end)
    assert [e.title for e in found] == ["First day", "Today"]
    assert registers.count(RegisterKind.HEIA, year.start, year.end) == 2
    assert registers.count(RegisterKind.HEIA, date(2026, 3, 31), date(2026, 4, 1)) == 1
    assert registers.count(RegisterKind.BEST_PRACTICE, year.start, year.end) == 1
    assert registers.funding_pence(year.start, year.end) == 125_025
    assert registers.funding_pence(date(2030, 1, 1), date(2031, 1, 1)) == 0
    assert registers.totals_by_year(RegisterKind.INITIATIVE) == [
        (2026, 3, 125_025),
        (2025, 1, 9900),
    ]
    assert registers.totals_by_year(RegisterKind.HEIA) == [(2026, 2, None), (2025, 1, None)]


def test_changing_an_entry_and_a_stale_form(actor):
    entry = add(actor, RegisterKind.INITIATIVE, funding="100")
    seen = entry.version
    changed = registers.change_entry(
        entry.id,
        EntryInput(title=entry.title, occurred_on=entry.occurred_on, funding="100.00"),
        version=seen,
        actor=actor,
        today=TODAY,
    )
    assert changed == []
    changed = registers.change_entry(
        entry.id,
        EntryInput(title="Renamed", occurred_on=entry.occurred_on, funding=""),
        version=seen,
        actor=actor,
        today=TODAY,
    )
    assert changed == ["title", "funding_pence"] and entry.funding_pence is None
    with pytest.raises(Conflict):
        registers.change_entry(
            entry.id,
            EntryInput(title="Stale", occurred_on=entry.occurred_on),
            version=seen,
            actor=actor,
            today=TODAY,
        )
    db.session.expire_all()
    assert db.session.get(RegisterEntry, entry.id).title == "Renamed"
    detail = db.session.scalar(
        select(AuditEvent.detail).where(AuditEvent.action == "register_entry.changed")
    )
    assert detail == "kind=initiative changed=title,funding_pence"


def test_register_addresses():
    assert registers.kind_of("best-practice") is RegisterKind.BEST_PRACTICE
    assert registers.slug_of(RegisterKind.INITIATIVE) == "initiatives"
    with pytest.raises(NotFound):
        registers.kind_of("best_practice")
