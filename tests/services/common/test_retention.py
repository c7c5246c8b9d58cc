"""The retention schedule erases what is due and nothing else (frozen time, every kind),
once: a second run finds nothing; one audit row per run holds the counts only. Every
column of every table has a retention decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select, update

from engage.config import BaseConfig, DevelopmentConfig
from engage.extensions import db
from engage.models import (
    AuditEvent,
    Base,
    Channel,
    CommunityGroup,
    ConsentEvent,
    DigestRead,
    EngagementKind,
    EqualityAnswers,
    FiguresSnapshot,
    GroupEngagement,
    GroupType,
    Membership,
    MembershipRole,
    OutboxMessage,
    RecoveryCode,
    ResidentSession,
    ResidentSessionPurpose,
    Role,
    SafeguardingFlag,
    Submission,
    SubmissionContact,
    SubmissionStatus,
    User,
)
from engage.services.common import retention
from engage.services.stories import intake, moderation, resident_sessions
from tests import factories

# Real time, not a made-up date: the database guards the audit log by its own clock.
NOW = datetime.now(UTC).replace(microsecond=0)
MARGIN = timedelta(minutes=1)
CANARY = "Canary-7f3b words that must vanish"
CANARY_EMAIL = "canary-7f3b@example.org"


@pytest.fixture
def frozen(ctx):
    with freeze_time(NOW):
        yield


def cutoff(kind: str) -> datetime:
    return retention.cutoffs(NOW)[kind]


def set_values(model, row_id, **values) -> None:
    db.session.execute(update(model).where(model.id == row_id).values(**values))
    db.session.commit()
    db.session.expire_all()


def get(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def officer() -> User:
    return db.session.scalar(
        select(User).where(User.email == "approver@test.example")
    ) or factories.user(role=Role.ENGAGEMENT_OFFICER, email="approver@test.example")


# Rules as data: every column decided ---------------------------------------------


def test_every_column_of_every_table_has_a_retention_decision():
    problems = []
    for table in Base.metadata.sorted_tables:
        rule = retention.RULES.get(table.name)
        if rule is None:
            problems.append(f"{table.name}: no rule")
            continue
        assert rule.why, table.name
        columns = {c.name for c in table.columns}
        listed = list(rule.erased) + list(rule.kept)
        if rule.whole_row:
            assert not listed, f"{table.name}: a whole-row rule lists no columns"
            continue
        problems += [f"{table.name}.{c}: twice" for c in set(listed) if listed.count(c) > 1]
        problems += [f"{table.name}.{c}: no decision" for c in sorted(columns - set(listed))]
        problems += [f"{table.name}.{c}: no such column" for c in sorted(set(listed) - columns)]
    problems += [
        f"{name}: no such table" for name in set(retention.RULES) - set(Base.metadata.tables)
    ]
    assert problems == [], "add these to RULES in engage/services/common/retention.py"


def test_every_rule_is_timed_by_a_setting_and_every_setting_is_used():
    settings = set(BaseConfig.RETENTION)
    assert {r.kind for r in retention.RULES.values() if r.kind} <= settings
    assert settings <= set(retention.KINDS)


def test_the_defaults_match_the_data_inventory():
    assert BaseConfig.RETENTION["sent_email"] == BaseConfig.OUTBOX_RETENTION_DAYS == 90
    assert BaseConfig.RETENTION["audit_log"] == 6 * 365
    assert BaseConfig.RETENTION["staff_account"] == 365
    assert BaseConfig.RETENTION["former_member"] == 6 * 365


def test_each_period_can_be_set_from_the_environment(monkeypatch):
    monkeypatch.setenv("RETENTION_RAW_STORY_DAYS", "365")
    monkeypatch.setenv("RETENTION_SENT_EMAIL_DAYS", "30")
    config = DevelopmentConfig()
    assert config.RETENTION["raw_story"] == 365
    assert config.OUTBOX_RETENTION_DAYS == 30  # the outbox purge follows the schedule
    assert config.RETENTION["rejected_story"] == BaseConfig.RETENTION["rejected_story"]
    assert BaseConfig.RETENTION["raw_story"] == 180  # the defaults are left alone


# Every kind: just inside its period kept, just past it erased ----------------------


def _approved(text: str = factories.STORY, **fields) -> Submission:
    return factories.approved_story(text, officer=officer(), **fields)


def test_raw_story_words_go_after_approval_and_the_redacted_version_stays(frozen):
    old = _approved(f"{factories.STORY} {CANARY}", what_to_change=f"Change {CANARY}")
    new = _approved(what_to_change="More buses")
    assert old.pii_proposals  # offsets into the words, to go with them
    redacted, summary = old.redacted_story, old.officer_summary
    set_values(Submission, old.id, decided_at=cutoff("raw_story") - MARGIN)
    set_values(Submission, new.id, decided_at=cutoff("raw_story") + MARGIN)

    counts = retention.run()

    assert counts["raw_story"] == 1
    erased, kept = get(Submission, old.id), get(Submission, new.id)
    assert (erased.story, erased.what_to_change) == ("", None)
    assert erased.pii_proposals == []
    assert (erased.redacted_story, erased.officer_summary) == (redacted, summary)
    assert erased.status is SubmissionStatus.APPROVED
    assert kept.story == factories.STORY and kept.what_to_change == "More buses"
    assert kept.pii_proposals


def test_a_story_not_yet_approved_keeps_its_words(frozen):
    waiting = factories.submission()
    set_values(Submission, waiting.id, created_at=NOW - timedelta(days=3000))
    assert retention.run()["raw_story"] == 0
    assert get(Submission, waiting.id).story == factories.STORY


def _decided(decide, **fields) -> Submission:
    story = factories.submission(
        f"{factories.STORY} {CANARY}",
        contact=True,
        contact_email="amina@example.org",
        equality=True,
        **fields,
    )
    intake.record_equality_answers(story.id, {"sex": "female", "religion": "muslim"})
    story = moderation.claim(story.id, officer())
    factories.safeguarding_flag(story, officer=officer())
    story = get(Submission, story.id)
    return decide(story)


def _reject(story):
    return moderation.reject(story.id, officer(), story.version, f"Spam {CANARY}")


def test_rejected_and_duplicate_stories_are_erased_as_withdrawal_erases(frozen):
    original = factories.submission()
    old = _decided(_reject)
    duplicate = _decided(
        lambda s: moderation.mark_duplicate(s.id, officer(), s.version, str(original.id))
    )
    new = _decided(_reject)
    for story in (old, duplicate):
        set_values(Submission, story.id, decided_at=cutoff("rejected_story") - MARGIN)
    set_values(Submission, new.id, decided_at=cutoff("rejected_story") + MARGIN)

    counts = retention.run()

    assert counts["rejected_story"] == 2
    for story_id, status in ((old.id, "rejected"), (duplicate.id, "duplicate")):
        erased = get(Submission, story_id)
        assert erased.status.value == status  # not withdrawn: the resident did not ask
        assert (erased.story, erased.what_to_change, erased.decision_reason) == ("", None, None)
        assert erased.contact is None and erased.equality is None
        assert erased.counted  # still counted, as the resident's page says
        flag = db.session.scalars(
            select(SafeguardingFlag).where(SafeguardingFlag.submission_id == story_id)
        ).one()
        assert CANARY not in flag.concern
    kept = get(Submission, new.id)
    assert CANARY in kept.story and kept.contact is not None and kept.equality is not None


def test_contact_details_go_two_years_after_the_story_with_its_email(frozen):
    old = factories.submission(contact=True, contact_email="old@example.org")
    new = factories.submission(contact=True, contact_email="new@example.org")
    assert db.session.scalar(
        select(func.count()).where(OutboxMessage.to_address == "old@example.org")
    )
    set_values(Submission, old.id, created_at=cutoff("contact_details") - MARGIN)
    set_values(Submission, new.id, created_at=cutoff("contact_details") + MARGIN)

    assert retention.run()["contact_details"] == 1

    assert db.session.get(SubmissionContact, old.id) is None
    assert db.session.get(SubmissionContact, new.id).email == "new@example.org"
    assert not db.session.scalar(
        select(func.count()).where(OutboxMessage.to_address == "old@example.org")
    )
    assert get(Submission, old.id).story == factories.STORY  # the story itself stays


def test_equality_answers_go_after_their_period(frozen):
    old, new = factories.submission(equality=True), factories.submission(equality=True)
    for story in (old, new):
        intake.record_equality_answers(story.id, {"sex": "male"})
    db.session.execute(
        update(EqualityAnswers)
        .where(EqualityAnswers.submission_id == old.id)
        .values(created_at=cutoff("equality_answers") - MARGIN)
    )
    db.session.execute(
        update(EqualityAnswers)
        .where(EqualityAnswers.submission_id == new.id)
        .values(created_at=cutoff("equality_answers") + MARGIN)
    )
    db.session.commit()

    assert retention.run()["equality_answers"] == 1

    assert db.session.get(EqualityAnswers, old.id) is None
    assert db.session.get(EqualityAnswers, new.id).sex == "male"


def test_consent_records_of_a_withdrawn_story_go_six_years_after(frozen):
    old, new = factories.submission(), factories.submission()
    for story in (old, new):
        intake.withdraw(story.id, keep_count=True, channel=Channel.WEB, language="en")
    set_values(Submission, old.id, withdrawn_at=cutoff("withdrawn_consent") - MARGIN)
    set_values(Submission, new.id, withdrawn_at=cutoff("withdrawn_consent") + MARGIN)

    def events(story_id):
        return db.session.scalar(select(func.count()).where(ConsentEvent.submission_id == story_id))

    due, kept_before = events(old.id), events(new.id)
    assert retention.run()["withdrawn_consent"] == due > 0
    assert events(old.id) == 0
    assert events(new.id) == kept_before > 0
    assert get(Submission, old.id) is not None  # the tombstone stays for counts


def test_sent_email_goes_after_its_period(frozen):
    def message(**times) -> int:
        row = OutboxMessage(to_address="a@example.org", subject="S", body="B", kind="t", **times)
        db.session.add(row)  # added directly: nothing starts delivering it
        db.session.commit()
        return row.id

    old = message(sent_at=cutoff("sent_email") - MARGIN)
    new = message(sent_at=cutoff("sent_email") + MARGIN)
    waiting = message(created_at=cutoff("sent_email") - MARGIN)

    assert retention.run()["sent_email"] == 1

    assert db.session.get(OutboxMessage, old) is None
    assert db.session.get(OutboxMessage, new) is not None
    assert db.session.get(OutboxMessage, waiting) is not None  # not sent yet: kept


def test_expired_resident_sessions_go(frozen):
    story = factories.submission()
    resident_sessions.open_session(story.id, ResidentSessionPurpose.INTAKE)
    resident_sessions.open_session(story.id, ResidentSessionPurpose.INTAKE)
    db.session.commit()
    old, new = db.session.scalars(select(ResidentSession.id).order_by(ResidentSession.id)).all()
    set_values(ResidentSession, old, created_at=NOW - resident_sessions.INTAKE_LIFETIME - MARGIN)
    set_values(ResidentSession, new, created_at=NOW - resident_sessions.INTAKE_LIFETIME + MARGIN)

    assert retention.run()["resident_sessions"] == 1

    assert db.session.scalars(select(ResidentSession.id)).all() == [new]


def test_expired_claims_are_cleared(frozen):
    expired, live = factories.submission(), factories.submission()
    who = officer()
    set_values(Submission, expired.id, claimed_by_id=who.id, claimed_until=NOW - MARGIN)
    set_values(Submission, live.id, claimed_by_id=who.id, claimed_until=NOW + MARGIN)

    assert retention.run()["expired_claims"] == 1

    assert get(Submission, expired.id).claimed_by_id is None
    assert get(Submission, expired.id).claimed_until is None
    assert get(Submission, live.id).claimed_by_id == who.id


def _audit_row(at: datetime) -> int:
    row = AuditEvent(action="test.old", at=at, detail="")
    db.session.add(row)
    db.session.commit()
    return row.id


def test_the_audit_log_goes_after_six_years(frozen):
    assert cutoff("audit_log") <= NOW - timedelta(days=BaseConfig.RETENTION["audit_log"])
    old = _audit_row(cutoff("audit_log") - MARGIN)
    new = _audit_row(cutoff("audit_log") + MARGIN)

    assert retention.run()["audit_log"] == 1

    assert db.session.get(AuditEvent, old) is None
    assert db.session.get(AuditEvent, new) is not None


def test_a_shorter_audit_period_never_goes_below_the_databases_six_years(frozen, app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION", {**app.config["RETENTION"], "audit_log": 30})
    five_years = _audit_row(NOW - timedelta(days=5 * 365))
    assert retention.run()["audit_log"] == 0  # the database would refuse it anyway
    assert db.session.get(AuditEvent, five_years) is not None


def test_staff_accounts_no_longer_active_are_anonymised_a_year_after(frozen):
    with freeze_time(NOW - timedelta(days=400)):
        old = factories.user(role=Role.ENGAGEMENT_OFFICER, email="gone@test.example")
        new = factories.user(role=Role.ENGAGEMENT_OFFICER, email="recent@test.example")
        active = factories.user(role=Role.ENGAGEMENT_OFFICER, email="here@test.example")
    db.session.add(RecoveryCode(user_id=old.id, code_hash="0" * 64))
    digest = factories.digest(factories.working_group())
    db.session.add(DigestRead(digest_id=digest.id, user_id=old.id))
    db.session.commit()
    set_values(User, old.id, active=False, last_signed_in_at=cutoff("staff_account") - MARGIN)
    set_values(User, new.id, active=False, last_signed_in_at=cutoff("staff_account") + MARGIN)

    assert retention.run()["staff_account"] == 1

    gone = get(User, old.id)
    assert "gone" not in gone.email and gone.email.endswith("@erased.invalid")
    assert gone.display_name == retention.FORMER_STAFF and gone.password_hash == ""
    assert gone.totp_secret_encrypted is None
    assert not db.session.scalar(select(func.count()).where(RecoveryCode.user_id == old.id))
    assert not db.session.scalar(select(func.count()).where(DigestRead.user_id == old.id))
    assert get(User, new.id).email == "recent@test.example"
    assert get(User, active.id).email == "here@test.example"  # still active: kept


def _member(name: str, *, term_end: date | None, ended_on: date | None = None):
    person = factories.person(name, email=f"{name.split()[0].lower()}@example.org")
    db.session.add(
        Membership(
            person_id=person.id,
            body_id=factories.body().id,
            role=MembershipRole.INDEPENDENT_MEMBER,
            term_start=date(2010, 1, 1),
            term_end=term_end,
            ended_on=ended_on,
            end_reason="Moved to Leeds",
        )
    )
    db.session.commit()
    return person


def test_former_members_are_anonymised_six_years_after_their_last_term(frozen):
    last_day = cutoff("former_member").date()
    old = _member(
        "Old Member", term_end=last_day + timedelta(days=400), ended_on=last_day - timedelta(days=1)
    )
    new = _member("Recent Member", term_end=last_day)
    sitting = _member("Sitting Member", term_end=None)

    assert retention.run()["former_member"] == 1

    gone = get(type(old), old.id)
    assert (gone.full_name, gone.email, gone.organisation) == (retention.FORMER_MEMBER, None, "")
    assert gone.memberships[0].end_reason == ""
    assert get(type(new), new.id).full_name == "Recent Member"
    assert get(type(sitting), sitting.id).email == "sitting@example.org"


def test_group_engagements_go_after_six_years(frozen):
    group = CommunityGroup(
        name="Test group",
        group_type=GroupType.COMMUNITY_GROUP,
        contact_name="Contact",
        contact_email="contact@example.org",
    )
    db.session.add(group)
    db.session.flush()
    last_day = cutoff("group_engagement").date()
    rows = [
        GroupEngagement(
            group_id=group.id, kind=EngagementKind.EVENT_ATTENDED, occurred_on=day, description="x"
        )
        for day in (last_day - timedelta(days=1), last_day)
    ]
    db.session.add_all(rows)
    db.session.commit()
    old, new = (row.id for row in rows)

    assert retention.run()["group_engagement"] == 1

    assert db.session.get(GroupEngagement, old) is None
    assert db.session.get(GroupEngagement, new) is not None


def test_older_figures_snapshots_go_and_the_newest_stay(frozen):
    def snapshot(at):
        row = FiguresSnapshot(produced_at=at, period_label="p", content="{}")
        db.session.add(row)
        db.session.commit()
        return row.id

    old = snapshot(cutoff("figures_snapshot") - MARGIN)
    inside = snapshot(cutoff("figures_snapshot") + MARGIN)
    newest = [snapshot(NOW - timedelta(hours=hour)) for hour in range(7)]

    assert retention.run()["figures_snapshot"] == 1

    assert db.session.get(FiguresSnapshot, old) is None
    remaining = set(db.session.scalars(select(FiguresSnapshot.id)))
    assert remaining == {inside, *newest}


def test_the_newest_snapshots_stay_however_old(frozen):
    ids = [
        FiguresSnapshot(produced_at=NOW - timedelta(days=400 + n), period_label="p", content="{}")
        for n in range(retention.FIGURES_SNAPSHOTS_KEPT + 2)
    ]
    db.session.add_all(ids)
    db.session.commit()
    assert retention.run()["figures_snapshot"] == 2
    assert db.session.scalar(select(func.count()).select_from(FiguresSnapshot)) == (
        retention.FIGURES_SNAPSHOTS_KEPT
    )


# The run as a whole -----------------------------------------------------------------


def _something_due_of_every_story_kind() -> None:
    # The approved version keeps the story's words, less personal data; the canary is in
    # the words only the resident's own version holds.
    old = _approved(what_to_change=f"Change {CANARY}")
    set_values(Submission, old.id, decided_at=NOW - timedelta(days=4000))
    rejected = _decided(_reject)
    set_values(Submission, rejected.id, decided_at=NOW - timedelta(days=4000))
    told = factories.submission(contact=True, contact_email=CANARY_EMAIL)
    set_values(Submission, told.id, created_at=NOW - timedelta(days=4000))


def test_a_second_run_erases_nothing_and_each_run_writes_one_audit_row(frozen):
    _something_due_of_every_story_kind()

    first = retention.run()
    second = retention.run()

    assert first["raw_story"] == 1 and first["rejected_story"] == 1
    assert first["contact_details"] == 1
    assert set(second.values()) == {0}
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention.applied").order_by(AuditEvent.id)
    ).all()
    assert [row.detail for row in rows] == [retention.detail(first), retention.detail(second)]
    assert "raw_story=1" in rows[0].detail and "rejected_story=1" in rows[0].detail
    assert rows[0].actor_id is None  # the system, not a person
    assert CANARY not in rows[0].detail


def test_no_trace_of_erased_words_is_left_in_any_text_column(frozen):
    _something_due_of_every_story_kind()
    retention.run()
    db.session.expire_all()
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column.type.python_type is not str:
                continue
            hits = db.session.scalar(
                select(func.count()).select_from(table).where(column.contains("7f3b"))
            )
            if hits:
                found.append(f"{table.name}.{column.name}")
    assert found == []


def test_a_dry_run_counts_and_changes_nothing(frozen):
    _something_due_of_every_story_kind()
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditEvent))

    counts = retention.run(dry_run=True)

    assert counts["raw_story"] == 1 and counts["rejected_story"] == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_rows
    held = Submission.story.contains(CANARY) | Submission.what_to_change.contains(CANARY)
    assert db.session.scalar(select(func.count()).where(held)) == 2
    contact = select(func.count()).where(SubmissionContact.email == CANARY_EMAIL)
    assert db.session.scalar(contact) == 1
    assert retention.run() == counts  # the real run then finds the same


def test_the_counts_are_told_in_words_on_the_audit_log():
    from engage import audit_words

    assert (
        audit_words.detail_words("retention.applied", "raw_story=2 sent_email=0 audit_log=1")
        == "Residents' own words erased after approval: 2; audit log rows deleted: 1"
    )
    assert audit_words.detail_words("retention.applied", "raw_story=0") == "Nothing was due"


# Pages once the resident's words are gone --------------------------------------------


def test_pages_still_work_once_the_residents_words_are_erased(app, client, login_as):
    from tests.helpers import page as page_of
    from tests.stories.test_download import VALIDATOR, downloaded
    from tests.stories.test_receipt_views import open_story, stored_story

    # The story holds no personal data, so its approved version repeats it; what the
    # resident would change ("Interpreters on request") is theirs alone.
    story_id = stored_story(app, share=True, quote=True)
    with app.app_context():
        story = moderation.claim(story_id, officer())
        story = moderation.confirm_redaction(
            story.id,
            officer(),
            story.version,
            {p.id: True for p in story.pii_proposals},
            most_of_story_confirmed=True,
        )
        story = moderation.confirm_themes(story.id, officer(), story.version, ["transport"])
        story = moderation.approve(story.id, officer(), story.version)
        redacted = story.redacted_story
        set_values(Submission, story_id, decided_at=datetime.now(UTC) - timedelta(days=4000))
        assert retention.run()["raw_story"] == 1
        db.session.remove()

    resident = app.test_client()
    assert open_story(resident).status_code in (200, 302)
    assert resident.get("/your-story").status_code == 200
    page = resident.get("/your-story/download").get_data(as_text=True)
    assert "Deleted" in page and "Interpreters on request" not in page
    data = downloaded(resident)
    assert data["story"] == "" and data["what_you_would_like_to_change"] is None
    assert list(VALIDATOR.iter_errors(data)) == []

    login_as(Role.ENGAGEMENT_OFFICER)
    response = client.get(f"/moderation/{story_id}")
    assert response.status_code == 200
    text = " ".join(page_of(response).get_text().split())
    assert "The resident's own words were erased on the retention schedule." in text
    assert redacted in text and "Interpreters on request" not in text


def test_erased_words_are_never_tagged_again(frozen):
    from engage.models import TaggingStatus
    from engage.services.stories import tagging

    story = _decided(_reject)
    set_values(Submission, story.id, decided_at=NOW - timedelta(days=4000))
    retention.run()
    set_values(Submission, story.id, tagging_status=TaggingStatus.FAILED)
    assert tagging.retry_due() == (0, 0)
    assert tagging.tag_submission(story.id) is True
    assert get(Submission, story.id).tagging_status is TaggingStatus.FAILED
