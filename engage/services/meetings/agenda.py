"""Agenda items in their order, and the papers attached to them.

A paper is accepted for what it is, not what it is called: its first bytes must be
those of a PDF, a Word (.docx) or OpenDocument (.odt) document, or it must be plain
UTF-8 text, and its name must end in the matching extension. It is kept in the
database and always downloaded as an attachment under a safe name."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import AgendaItem, Meeting, Paper
from engage.models.users import User
from engage.services.common import audit
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.meetings.common import line, paragraphs
from engage.services.meetings.meetings import get_meeting
from engage.typed_text import one_line

log = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 5000
LEAD_MAX_LENGTH = 160
PAPER_TITLE_MAX_LENGTH = 300
FILENAME_MAX_LENGTH = 200
PAPER_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class PaperKind:
    extension: str
    content_type: str
    label: str


PAPER_KINDS = {
    kind.extension: kind
    for kind in (
        PaperKind("pdf", "application/pdf", "PDF"),
        PaperKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document (.docx)",
        ),
        PaperKind("odt", "application/vnd.oasis.opendocument.text", "OpenDocument text (.odt)"),
        PaperKind("txt", "text/plain; charset=utf-8", "plain text file"),
    )
}
ACCEPTED = "a PDF, a Word document (.docx), an OpenDocument text (.odt) or a plain text file"


@dataclass
class AgendaItemInput:
    title: str | None
    description: str | None = ""
    lead: str | None = ""


@dataclass
class PaperInput:
    filename: str | None
    content: bytes | None
    title: str | None = ""


# Agenda items


def get_item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(item_id)
    return item


def item_version(item: AgendaItem) -> str:
    """A fingerprint of the item as it is now: a form carries it, and a save is refused
    as a conflict if the item changed since the form was opened."""
    text = "\x00".join([item.title, item.description, item.lead])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _validate_item(data: AgendaItemInput) -> tuple[dict[str, str], dict[str, str]]:
    errors: dict[str, str] = {}
    values = {
        "title": line(
            errors, "title", data.title, TITLE_MAX_LENGTH, required="Enter the item's title"
        ),
        "description": paragraphs(errors, "description", data.description, DESCRIPTION_MAX_LENGTH),
        "lead": line(errors, "lead", data.lead, LEAD_MAX_LENGTH),
    }
    return errors, values


def item_problems(data: AgendaItemInput) -> dict[str, str]:
    return _validate_item(data)[0]


def _renumber(meeting: Meeting) -> list[AgendaItem]:
    items = sorted(meeting.agenda, key=lambda i: (i.position, i.id))
    for position, item in enumerate(items, start=1):
        item.position = position
    return items


@transactional
def add_item(meeting_id: int, data: AgendaItemInput, *, actor: User) -> AgendaItem:
    meeting = get_meeting(meeting_id)
    errors, values = _validate_item(data)
    if errors:
        raise ServiceError(errors)
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(meeting=meeting, position=(last or 0) + 1, **values)
    db.session.add(item)
    db.session.flush()
    audit.record(
        "agenda_item.added",
        actor=actor,
        object_type="agenda_item",
        object_id=item.id,
        detail=f"meeting={meeting.id}",
    )
    return item


@transactional
def update_item(item_id: int, data: AgendaItemInput, *, version: str, actor: User) -> bool:
    """Save an item's changes; False when nothing changed (nothing is written)."""
    item = get_item(item_id)
    if item_version(item) != version:
        raise Conflict(item_id)
    errors, values = _validate_item(data)
    if errors:
        raise ServiceError(errors)
    changed = [name for name, value in values.items() if getattr(item, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(item, name, values[name])
    db.session.flush()
    audit.record(
        "agenda_item.updated",
        actor=actor,
        object_type="agenda_item",
        object_id=item.id,
        detail="changed=" + ",".join(changed),
    )
    return True


@transactional
def remove_item(item_id: int, *, version: str, actor: User) -> int:
    """Take an item (and its papers) off the agenda; decisions and actions recorded
    against it stay, without the item. Returns the meeting's id."""
    item = get_item(item_id)
    if item_version(item) != version:
        raise Conflict(item_id)
    meeting = item.meeting
    papers = len(item.papers)
    meeting.agenda.remove(item)
    db.session.flush()
    _renumber(meeting)
    audit.record(
        "agenda_item.removed",
        actor=actor,
        object_type="agenda_item",
        object_id=item_id,
        detail=f"meeting={meeting.id} papers={papers}",
    )
    return meeting.id


@transactional
def move_item(item_id: int, direction: str, *, actor: User) -> bool:
    """Move an item one place up or down; False if it is already first (or last)."""
    if direction not in ("up", "down"):
        raise ServiceError({"direction": "Choose to move the item up or down"})
    item = get_item(item_id)
    items = _renumber(item.meeting)
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index].position, items[other].position = items[other].position, items[index].position
    db.session.flush()
    audit.record(
        "agenda_item.moved",
        actor=actor,
        object_type="agenda_item",
        object_id=item.id,
        detail=f"direction={direction} position={item.position}",
    )
    return True


# Papers


def get_paper(paper_id: int) -> Paper:
    paper = db.session.get(Paper, paper_id)
    if paper is None:
        raise NotFound(paper_id)
    return paper


def paper_counts(item_ids: list[int]) -> dict[int, int]:
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(Paper.agenda_item_id, func.count())
        .where(Paper.agenda_item_id.in_(item_ids))
        .group_by(Paper.agenda_item_id)
    )
    return dict(rows.all())


def _zip_kind(content: bytes) -> str | None:
    """An OpenDocument text names itself in a first, uncompressed `mimetype` entry; a
    Word document has a content-types list and a main document part."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            first = entries[0] if entries else None
            if first is not None and first.filename == "mimetype" and first.file_size < 100:
                if archive.read(first).strip() == b"application/vnd.oasis.opendocument.text":
                    return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, RuntimeError):
        return None
    return None


_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not _NOT_TEXT.search(text)


def detect_kind(content: bytes) -> str | None:
    """What the file is, from its content: 'pdf', 'docx', 'odt', 'txt' or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if _is_text(content):
        return "txt"
    return None


def _extension(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


def _plain_name(filename: str | None) -> str:
    """The name as sent, without any folders a browser put before it, on one line."""
    name = one_line(filename).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(name) > FILENAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = FILENAME_MAX_LENGTH - len(extension) - len(dot)
        name = (stem[:keep] + dot + extension) if dot and keep > 0 else name[:FILENAME_MAX_LENGTH]
    return name


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _validate_paper(data: PaperInput) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    content = data.content or b""
    filename = _plain_name(data.filename)
    kind = None
    if not filename and not content:
        errors["file"] = f"Choose the file to upload: {ACCEPTED}"
    elif not content:
        errors["file"] = "The file is empty. Choose the file with the paper in it"
    elif len(content) > PAPER_MAX_BYTES:
        errors["file"] = (
            f"The file is {_megabytes(len(content))}. Upload a file of "
            f"{PAPER_MAX_BYTES // (1024 * 1024)} MB or less"
        )
    else:
        extension = _extension(filename)
        expected = PAPER_KINDS.get(extension)
        if expected is None:
            errors["file"] = f"Upload {ACCEPTED}"
        else:
            found = detect_kind(content)
            if found != extension:
                errors["file"] = (
                    f"This file's name ends in .{extension}, but it is not a "
                    f"{expected.label}. Upload {ACCEPTED}"
                )
            else:
                kind = expected
    title = line(errors, "title", data.title, PAPER_TITLE_MAX_LENGTH)
    if not title and filename:
        title = filename.rpartition(".")[0] or filename
    return errors, {"filename": filename, "kind": kind, "title": title, "content": content}


def paper_problems(data: PaperInput) -> dict[str, str]:
    return _validate_paper(data)[0]


@transactional
def upload_paper(item_id: int, data: PaperInput, *, actor: User) -> Paper:
    item = get_item(item_id)
    errors, checked = _validate_paper(data)
    if errors:
        raise ServiceError(errors)
    kind: PaperKind = checked["kind"]
    paper = Paper(
        agenda_item=item,
        title=checked["title"],
        filename=checked["filename"],
        content_type=kind.content_type,
        size=len(checked["content"]),
        content=checked["content"],
        uploaded_by_id=actor.id,
    )
    db.session.add(paper)
    db.session.flush()
    audit.record(
        "paper.uploaded",
        actor=actor,
        object_type="paper",
        object_id=paper.id,
        detail=f"item={item.id} kind={kind.extension} size={paper.size}",
    )
    log.info("paper_uploaded", extra={"paper_id": paper.id, "actor_id": actor.id})
    return paper


@transactional
def remove_paper(paper_id: int, *, actor: User) -> AgendaItem:
    paper = get_paper(paper_id)
    item = paper.agenda_item
    item.papers.remove(paper)
    db.session.flush()
    audit.record(
        "paper.removed",
        actor=actor,
        object_type="paper",
        object_id=paper_id,
        detail=f"item={item.id}",
    )
    return item


_UNSAFE_IN_NAME = re.compile(r"[^\w\-() ]+")


def download_name(paper: Paper) -> str:
    """A name to save the paper under: its own name's letters, digits, spaces, hyphens
    and brackets (any script), and the extension of what it really is."""
    kind = next(
        (k for k in PAPER_KINDS.values() if k.content_type == paper.content_type),
        PAPER_KINDS["txt"],
    )
    stem = paper.filename.rpartition(".")[0] or paper.filename
    stem = re.sub(r"[ _]{2,}", " ", _UNSAFE_IN_NAME.sub("_", stem)).strip(" _-")[:100]
    return f"{stem or 'paper'}.{kind.extension}"
