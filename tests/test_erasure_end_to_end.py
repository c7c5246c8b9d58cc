"""Erasure end to end: a resident tells a story through the real form, with a canary
string in every field that holds their words or details; it is tagged, approved with
its redaction and themes, routed, put in a digest, a meeting pack and emails, the
resident downloads it and the public figures are refreshed. Then they withdraw it with
their code, and the canary must be nowhere: not in any column of any table, any page or
file made again, any log record, nor a backup made after the withdrawal."""

from __future__ import annotations

import io
import json
import logging
import subprocess
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import MetaData, create_engine, select

from engage import clock
from engage.extensions import db
from engage.logs import JsonFormatter
from engage.models import (
    Channel,
    EqualityAnswers,
    EthnicGroup,
    MeetingPack,
    OutboxMessage,
    Purpose,
    Role,
    Submission,
    SubmissionContact,
)
from engage.services.common import outbox
from engage.services.common.audit import SYSTEM
from engage.services.digests import issuing
from engage.services.figures import snapshots
from engage.services.ops import backup
from engage.services.packs import builder
from engage.services.stories import intake, moderation
from tests import factories
from tests.helpers import csrf_token, open_story_form, page, submit_form

CANARY = "zqxcanary7"
PHONE = "07700 900731"
# How the phone number may be held: as typed, or normalised to +44.
PHONE_NEEDLES = ("7700 900731", "7700900731")
STORY = (
    f"The housing office lost my repair request three times. The damp and mould in the "
    f"flat ({CANARY}-story) made my daughter ill and nobody from the landlord came."
)


def contains_canary(value) -> bool:
    if value is None:
        return False
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        found = CANARY.encode() in value.lower() or any(n.encode() in value for n in PHONE_NEEDLES)
        if value.startswith(b"%PDF"):
            found = found or contains_canary(pdf_text(value))
        return found
    text = str(value)
    return CANARY in text.lower() or any(n in text for n in PHONE_NEEDLES)


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def database_hits(database_url: str) -> list[str]:
    """Every table.column holding the canary, every table reflected from the database
    (not only the models), every column read whatever its type."""
    engine = create_engine(database_url)
    hits = []
    try:
        metadata = MetaData()
        metadata.reflect(bind=engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    hits += [
                        f"{table.name}.{column}"
                        for column, value in row._mapping.items()
                        if contains_canary(value)
                    ]
    finally:
        engine.dispose()
    return sorted(set(hits))


@pytest.fixture
def json_log():
    """The app's JSON log lines (as production writes them) at DEBUG, for the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    engage_logger = logging.getLogger("engage")
    level = engage_logger.level
    engage_logger.addHandler(handler)
    engage_logger.setLevel(logging.DEBUG)
    yield stream
    engage_logger.removeHandler(handler)
    engage_logger.setLevel(level)


def tell_the_story(app, resident) -> str:
    """The resident's way: age, the story form with every consent, the equality
    questions with their own words for "other"; returns the code shown."""
    form = page(open_story_form(resident))
    hidden = {
        name: form.find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    sent = resident.post(
        "/tell/story",
        data={
            **hidden,
            "story": STORY,
            "what_to_change": f"Answer repair requests within a week ({CANARY}-change).",
            "postcode": "WV10 0AA",
            "consent_store": "y",
            "consent_share": "y",
            "consent_quote": "y",
            "consent_contact": "y",
            "consent_equality": "y",
            "contact_email": f"{CANARY}+x@example.org",
            "contact_phone": PHONE,
        },
    )
    assert sent.headers["Location"] == "/tell/about-you", sent.get_data(as_text=True)[:500]
    with app.app_context():
        other_group = db.session.scalar(
            select(EthnicGroup.id).where(EthnicGroup.label == "Any other Asian background")
        )
    answered = resident.post(
        "/tell/about-you",
        data={
            "csrf_token": csrf_token(resident, "/tell/about-you"),
            "age_band": "35_44",
            "sex": "female",
            "gender_same_as_birth": "yes",
            "disability": "prefer_not_to_say",
            "religion": "other",
            "religion_other": f"{CANARY}-faith",
            "sexual_orientation": "prefer_not_to_say",
            "ethnic_group_id": str(other_group),
            "ethnic_group_other": f"{CANARY}-heritage",
        },
    )
    assert answered.headers["Location"] == "/tell/done"
    return page(resident.get("/tell/done")).select_one(".receipt-code").get_text(strip=True)


def approve_with_redaction(submission_id: int, summary: str) -> None:
    """An officer's review: the redaction confirmed, a theme, a summary, approval."""
    officer = factories.user(role=Role.ENGAGEMENT_OFFICER, email="approver@test.example")
    story = moderation.claim(submission_id, officer)
    decisions = {p.id: True for p in story.pii_proposals}
    story = moderation.confirm_redaction(
        story.id, officer, story.version, decisions, most_of_story_confirmed=True
    )
    story = moderation.confirm_themes(story.id, officer, story.version, ["housing"])
    story = moderation.save_summary(story.id, officer, story.version, summary)
    moderation.approve(story.id, officer, story.version)


def figures_downloads(client) -> str:
    """Every public figures file, as anyone can download it."""
    package = client.get("/figures/datapackage.json")
    assert package.status_code == 200
    texts = [package.get_data(as_text=True)]
    for resource in package.get_json()["resources"]:
        for suffix in (".csv", ".json"):
            got = client.get(f"/figures/{resource['name']}{suffix}")
            assert got.status_code == 200, resource["name"]
            texts.append(got.get_data(as_text=True))
    return "\n".join(texts)


def backup_text(database_url: str, folder) -> bytes:
    """A backup made now, as bytes to search: SQLite's file as it is (free pages
    included), PostgreSQL's as the SQL pg_restore would run."""
    made = backup.make_backup(database_url, folder / "engage-test.backup")
    if database_url.startswith("sqlite"):
        return made.read_bytes()
    return subprocess.run(
        ["pg_restore", "--file=-", str(made)], capture_output=True, check=True
    ).stdout


def test_a_withdrawn_story_leaves_no_trace_anywhere(
    app, client, login_as, sent_mail, caplog, json_log, database_url, tmp_path
):
    caplog.set_level(logging.DEBUG)
    resident = app.test_client()
    with app.app_context():
        group = factories.working_group("Housing working group")
        factories.routing_rule(group, ["housing"])
        group_id = group.id
    member_id = login_as(Role.WORKING_GROUP_MEMBER)

    code = tell_the_story(app, resident)
    with app.app_context():
        factories.member_account(member_id, group_id)
        story = db.session.scalar(select(Submission))
        submission_id = story.id
        # Tagged by the task the form started, with the words as typed.
        assert story.story == STORY and story.tagged_at is not None
        assert story.contact.email == f"{CANARY}+x@example.org"
        approve_with_redaction(submission_id, f"Repairs never came ({CANARY}-summary).")
        digest_id = issuing.issue_now(group_id, actor=SYSTEM).id
        meeting = factories.meeting(body_slug=group.slug, on=clock.today() + timedelta(days=7))
        meeting_id = meeting.id
        pack = builder.build(meeting_id, actor=SYSTEM)
        pack_id = pack.id
        assert contains_canary(builder.pdf_of(pack))
        outbox.deliver_due()
        snapshots.refresh()
    # The canary reached every place it is looked for afterwards.
    assert any(contains_canary(m.as_string()) for m in sent_mail)
    assert contains_canary(client.get(f"/digests/{digest_id}").get_data(as_text=True))
    submit_form(resident, "/your-story", {"code": code})
    assert contains_canary(resident.get("/your-story/download.json").get_data(as_text=True))
    assert contains_canary(resident.get("/your-story/download").get_data(as_text=True))
    before = database_hits(database_url)
    assert {"submissions.story", "submission_contacts.email"} <= set(before)
    assert "equality_answers.religion_other" in before
    assert contains_canary(backup_text(database_url, tmp_path / "before"))

    withdrawn = submit_form(resident, "/your-story/withdraw", {"keep_count": "y"})
    assert withdrawn.headers["Location"] == "/your-story/withdrawn"

    # Nowhere in the database.
    assert database_hits(database_url) == []
    with app.app_context():
        assert db.session.get(EqualityAnswers, submission_id) is None
        assert db.session.scalar(select(SubmissionContact)) is None
        # Made again: the digest, the pack and its PDF, the figures.
        pack = db.session.get(MeetingPack, pack_id)
        assert not contains_canary(builder.pdf_of(pack))
        assert not contains_canary(json.dumps(builder.visible_content(pack), default=str))
        rebuilt = builder.build(meeting_id, actor=SYSTEM)
        assert not contains_canary(builder.pdf_of(rebuilt))
        assert not contains_canary(
            " ".join(
                m.body + (m.html_body or "") for m in db.session.scalars(select(OutboxMessage))
            )
        )
        snapshots.refresh()
    assert not contains_canary(client.get(f"/digests/{digest_id}").get_data(as_text=True))
    assert not contains_canary(figures_downloads(app.test_client()))
    # The resident's own download (the code still opens the withdrawn story).
    submit_form(resident, "/your-story", {"code": code})
    assert not contains_canary(resident.get("/your-story/download.json").get_data(as_text=True))
    assert not contains_canary(resident.get("/your-story/download").get_data(as_text=True))
    assert database_hits(database_url) == []

    # A backup made after the withdrawal.
    assert not contains_canary(backup_text(database_url, tmp_path / "after"))

    # No log record, of the whole test, in any logger, nor a JSON log line.
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    logged = [r for r in caplog.records if contains_canary(r.getMessage() + str(vars(r)))]
    assert logged == []
    assert json_log.getvalue() and not contains_canary(json_log.getvalue())


@pytest.mark.parametrize("taken_back", [Purpose.SHARE, Purpose.QUOTE])
def test_sharing_taken_back_rewrites_the_digest_emails_already_sent(
    app, login_as, sent_mail, taken_back
):
    """The outbox keeps a copy of each sent digest until its purge: once the resident
    takes back sharing or quoting, that copy no longer holds their words."""
    resident = app.test_client()
    with app.app_context():
        group = factories.working_group("Housing working group")
        factories.routing_rule(group, ["housing"])
        group_id = group.id
    member_id = login_as(Role.WORKING_GROUP_MEMBER)
    tell_the_story(app, resident)
    with app.app_context():
        factories.member_account(member_id, group_id)
        submission_id = db.session.scalar(select(Submission.id))
        approve_with_redaction(submission_id, f"Repairs never came ({CANARY}-summary).")
        issuing.issue_now(group_id, actor=SYSTEM)
        outbox.deliver_due()
        digests = select(OutboxMessage).where(OutboxMessage.digest_id.is_not(None))
        sent = db.session.scalars(digests).all()
        assert sent and all(m.sent_at is not None for m in sent)
        assert any(contains_canary(m.body + (m.html_body or "")) for m in sent)

        intake.change_consent(
            submission_id,
            {purpose: purpose is not taken_back for purpose in Purpose},
            contact_email=f"{CANARY}+x@example.org",
            channel=Channel.WEB,
            language="en",
        )
        for message in db.session.scalars(digests):
            assert message.sent_at is not None  # still a record of what was sent, and when
            text = message.body + (message.html_body or "")
            if taken_back is Purpose.SHARE:
                assert not contains_canary(text)
            else:
                # Still shared, so the officer's summary stays; the resident's words go.
                assert f"{CANARY}-summary" in text and f"{CANARY}-story" not in text
