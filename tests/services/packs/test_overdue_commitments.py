"""A meeting pack flags the commitments overdue on the meeting's day, in its content and
its PDF, or says that none are."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from engage import clock
from engage.models import CommitmentKind, CommitmentStatus, Role
from engage.services.accountability import commitments
from engage.services.accountability.commitments import CommitmentInput, UpdateInput
from engage.services.common.audit import SYSTEM
from engage.services.packs import builder
from tests import factories

TRICKY = "Publish <b>pay gap</b> data & act </font> on it"


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def add(actor, title, due_in_days, status=None, note="", reference=""):
    today = clock.today()
    made = commitments.add(
        CommitmentInput(
            kind=CommitmentKind.REPORT_RECOMMENDATION,
            source="Golden Decade report",
            reference=reference,
            title=title,
            owner="WMCA Director of Inclusive Communities",
            due_on=today + timedelta(days=due_in_days),
        ),
        actor=actor,
    )
    if status is not None:
        commitments.add_update(
            made.id,
            UpdateInput(status=status, note=note),
            version=made.version,
            actor=actor,
            today=today,
        )
    return made


def section(pack) -> dict:
    found = builder.visible_content(pack)["sections"]
    headings = [s["heading"] for s in found]
    assert headings[:4] == ["Agenda", "The previous meeting", "Open actions", "Overdue commitments"]
    return found[3]


@pytest.fixture
def meeting(ctx):
    return factories.meeting(on=clock.today() + timedelta(days=7))


def test_the_pack_lists_what_will_be_overdue_on_the_meetings_day(meeting):
    actor = factories.user(role=Role.SECRETARIAT)
    add(actor, TRICKY, -10, CommitmentStatus.AT_RISK, "Board paper <delayed>", reference="R3")
    add(actor, "Due between the build and the meeting", 3)
    add(actor, "Implemented already", -5, CommitmentStatus.IMPLEMENTED, "Done")
    add(actor, "Due on the meeting's day", 7)
    pack = builder.build(meeting.id, actor=SYSTEM)
    table = section(pack)["blocks"][0]
    assert table["columns"] == [
        "Commitment",
        "Reference",
        "Owner",
        "Due",
        "Days overdue",
        "Latest update",
    ]
    rows = table["rows"]
    assert [row[0] for row in rows] == [TRICKY, "Due between the build and the meeting"]
    first = rows[0]
    assert first[1] == "R3" and first[4] == 17 and rows[1][4] == 4
    assert first[5] == f"At risk, {clock.format_date(clock.today())}: Board paper <delayed>"
    assert rows[1][1] is None and rows[1][5].startswith("No update since it was added on")
    text = pdf_text(pack.pdf)
    assert "Overdue commitments" in text
    assert TRICKY in text and "Board paper <delayed>" in text
    assert "Implemented already" not in text


def test_a_pack_with_nothing_overdue_says_so(meeting):
    actor = factories.user(role=Role.SECRETARIAT)
    add(actor, "Not yet due", 30)
    pack = builder.build(meeting.id, actor=SYSTEM)
    assert section(pack)["blocks"] == [{"type": "paragraph", "text": "No commitments are overdue."}]
    assert "No commitments are overdue." in pdf_text(pack.pdf)
