"""Agenda items in order, and papers accepted for what they are."""

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import AgendaItem, AuditEvent, Paper, User
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.meetings import agenda
from engage.services.meetings.agenda import AgendaItemInput, PaperInput
from tests import factories


@pytest.fixture
def admin(ctx):
    return factories.user()


@pytest.fixture
def meeting(admin):
    return factories.meeting(on=date(2027, 1, 14))


def titles(meeting) -> list[tuple[int, str]]:
    db.session.expire_all()
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
    )
    return [(i.position, i.title) for i in items]


def audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_items_are_added_in_order_and_kept_as_typed(admin, meeting):
    agenda.add_item(meeting.id, AgendaItemInput(title="Welcome"), actor=admin)
    second = agenda.add_item(
        meeting.id,
        AgendaItemInput(
            title=" Rent >10% & <b>housing</b> ",
            description="Line one\r\nLine <two>",
            lead="The Chair",
        ),
        actor=admin,
    )
    assert titles(meeting) == [(1, "Welcome"), (2, "Rent >10% & <b>housing</b>")]
    assert second.description == "Line one\nLine <two>"
    assert [e.object_id for e in audited("agenda_item.added")][-1] == second.id
    assert len(audited("agenda_item.added")) == 2


def test_an_item_needs_a_title_within_its_limit(admin, meeting):
    with pytest.raises(ServiceError) as refused:
        agenda.add_item(meeting.id, AgendaItemInput(title="   "), actor=admin)
    assert refused.value.errors == {"title": "Enter the item's title"}
    long = "x" * 301
    problems = agenda.item_problems(AgendaItemInput(title=long, lead="y" * 170))
    assert problems["title"] == "Use 300 characters or fewer. You have 1 character too many."
    assert problems["lead"] == "Use 160 characters or fewer. You have 10 characters too many."


def test_moving_items_up_and_down(admin, meeting):
    items = [factories.agenda_item(meeting.id, t) for t in ("One", "Two", "Three")]
    assert agenda.move_item(items[2].id, "up", actor=admin)
    assert titles(meeting) == [(1, "One"), (2, "Three"), (3, "Two")]
    assert agenda.move_item(items[0].id, "down", actor=admin)
    assert titles(meeting) == [(1, "Three"), (2, "One"), (3, "Two")]
    # Already first: nothing moves, nothing is audited.
    moved = len(audited("agenda_item.moved"))
    assert not agenda.move_item(items[2].id, "up", actor=admin)
    assert len(audited("agenda_item.moved")) == moved == 2
    with pytest.raises(ServiceError):
        agenda.move_item(items[0].id, "sideways", actor=admin)


def test_removing_an_item_renumbers_the_rest_and_takes_its_papers(admin, meeting):
    items = [factories.agenda_item(meeting.id, t) for t in ("One", "Two", "Three")]
    factories.paper(items[1].id)
    agenda.remove_item(items[1].id, version=agenda.item_version(items[1]), actor=admin)
    assert titles(meeting) == [(1, "One"), (2, "Three")]
    assert db.session.scalars(select(Paper)).all() == []
    assert audited("agenda_item.removed")[0].detail == f"meeting={meeting.id} papers=1"


def test_an_item_changed_since_the_form_opened_is_a_conflict(admin, meeting):
    item = factories.agenda_item(meeting.id, "Housing")
    opened = agenda.item_version(item)
    assert agenda.update_item(
        item.id, AgendaItemInput(title="Housing", lead="Priya Shah"), version=opened, actor=admin
    )
    with pytest.raises(Conflict):
        agenda.update_item(item.id, AgendaItemInput(title="Homes"), version=opened, actor=admin)
    with pytest.raises(Conflict):
        agenda.remove_item(item.id, version=opened, actor=admin)
    # Saving what is already there writes nothing.
    assert not agenda.update_item(
        item.id,
        AgendaItemInput(title="Housing", lead="Priya Shah"),
        version=agenda.item_version(item),
        actor=admin,
    )
    assert len(audited("agenda_item.updated")) == 1


# Papers


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def item(meeting):
    return factories.agenda_item(meeting.id, "Terms of reference")


def upload(item, filename, content, title=""):
    actor = db.session.scalar(select(User).order_by(User.id))
    return agenda.upload_paper(
        item.id, PaperInput(filename=filename, content=content, title=title), actor=actor
    )


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("Report.pdf", factories.PDF, "application/pdf"),
        (
            "Report.DOCX",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("Report.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("Notes.txt", "Notes on <housing> — café\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_papers_of_each_kind_are_accepted(admin, item, filename, content, content_type):
    paper = upload(item, filename, content)
    assert paper.content_type == content_type
    assert paper.content == content
    assert paper.size == len(content)
    assert paper.title == filename.rpartition(".")[0]
    event = audited("paper.uploaded")[0]
    assert event.object_id == paper.id and event.actor_id == admin.id


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("minutes.pdf", EXE, "This file's name ends in .pdf, but it is not a PDF."),
        ("minutes.docx", EXE, "This file's name ends in .docx, but it is not a Word document"),
        ("minutes.txt", EXE, "This file's name ends in .txt, but it is not a plain text file."),
        ("minutes.exe", EXE, "Upload a PDF, a Word document (.docx)"),
        ("minutes.docx", odt(), "ends in .docx, but it is not a Word document"),
        ("minutes.odt", docx(), "ends in .odt, but it is not a OpenDocument"),
        ("minutes.pdf", b"", "The file is empty."),
        ("minutes", factories.PDF, "Upload a PDF"),
        ("", b"", "Choose the file to upload"),
        ("minutes.docx", b"PK\x03\x04not really a zip", "is not a Word document"),
    ],
)
def test_a_paper_is_judged_by_its_content(admin, item, filename, content, message):
    with pytest.raises(ServiceError) as refused:
        upload(item, filename, content)
    assert message in refused.value.errors["file"]
    assert db.session.scalars(select(Paper)).all() == []


def test_a_paper_over_10_mb_is_refused(admin, item):
    content = factories.PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ServiceError) as refused:
        upload(item, "big.pdf", content)
    assert refused.value.errors == {"file": "The file is 10.0 MB. Upload a file of 10 MB or less"}
    assert (
        agenda.paper_problems(PaperInput("ok.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5))) == {}
    )


def test_a_paper_keeps_its_name_but_downloads_under_a_safe_one(admin, item):
    paper = upload(item, 'C:\\Users\\me\\..\\"Plan"; rm -rf <x>.PDF', factories.PDF, "The plan")
    assert paper.filename == '"Plan"; rm -rf <x>.PDF'
    assert paper.title == "The plan"
    assert agenda.download_name(paper) == "Plan rm -rf x.pdf"
    urdu = upload(item, "رپورٹ.txt", "متن".encode())
    assert agenda.download_name(urdu) == "رپورٹ.txt"
    odd = upload(item, "....pdf", factories.PDF)
    assert agenda.download_name(odd) == "paper.pdf"


def test_removing_a_paper(admin, item):
    paper = factories.paper(item.id)
    agenda.remove_paper(paper.id, actor=admin)
    assert db.session.scalars(select(Paper)).all() == []
    assert audited("paper.removed")[0].object_id == paper.id
