"""The retention schedule: what is erased, when, and what is kept and why.

The periods are the data protection officer's, in config (RETENTION, days per kind;
docs/retention.md). `run` erases everything due in one transaction, nightly from Celery
beat (engage.tasks.apply_retention) or by hand (`engage retention run`). It is safe to
repeat: a second run finds nothing more to erase.

`RULES` states, for every table, which columns are erased (or that the whole row is
deleted) and which are kept, with the reason. tests/services/common/test_retention.py
fails when a column has no decision, so the schedule cannot fall behind the schema.

Erased text leaves no trace: NULL where the column allows it, otherwise "" (a story not
withdrawn keeps a value in `story`, so its erased words become "").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, exists, func, or_, select, update

from engage.extensions import db
from engage.models import (
    AuditEvent,
    ConsentEvent,
    DigestRead,
    EqualityAnswers,
    FiguresSnapshot,
    GroupEngagement,
    Membership,
    Person,
    PiiProposal,
    RecoveryCode,
    Submission,
    SubmissionContact,
    SubmissionStatus,
    User,
)
from engage.models.users import new_session_nonce
from engage.services.common import audit, outbox
from engage.services.stories import intake, resident_sessions

log = logging.getLogger(__name__)

# The database refuses to delete an audit row younger than 6 calendar years (migration
# 0006, by its own clock): the audit period never goes below that, with a day to spare.
AUDIT_FLOOR_YEARS = 6
# The public figures page serves the newest snapshot; a few more stay to compare with.
FIGURES_SNAPSHOTS_KEPT = 7
# What an anonymised staff account or former member is called afterwards.
FORMER_STAFF = "Former staff member"
FORMER_MEMBER = "Former member"
ERASED_EMAIL_DOMAIN = "erased.invalid"

# The kinds `run` counts, in the order it erases them (whole stories before their parts).
KINDS = (
    "rejected_story",
    "raw_story",
    "contact_details",
    "equality_answers",
    "withdrawn_consent",
    "sent_email",
    "resident_sessions",
    "expired_claims",
    "audit_log",
    "staff_account",
    "former_member",
    "group_engagement",
    "figures_snapshot",
)


@dataclass(frozen=True)
class Rule:
    """One table's retention. `kind`: the RETENTION setting that times it (None when
    nothing in it is erased on a schedule of its own). `whole_row`: the row is deleted
    when due. Otherwise every column is in `erased` or `kept`."""

    why: str
    kind: str | None = None
    whole_row: bool = False
    erased: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def _cols(names: str) -> tuple[str, ...]:
    return tuple(names.split())


BODY_RECORD = "kept as the body's record (data inventory)"
REFERENCE = "reference data, no personal data: kept while in use, edited by admins"
NO_TEXT = "ids, codes and times only; no words or personal data"

RULES: dict[str, Rule] = {
    # Residents' stories and what hangs off them.
    "submissions": Rule(
        "the resident's own words go once the redacted version has been approved and the "
        "period has passed; a rejected or duplicate story is erased as withdrawal erases it. "
        "The row stays for counts and so the resident's code still shows what happened.",
        kind="raw_story",
        erased=_cols(
            "story what_to_change redacted_story officer_summary decision_reason "
            "claimed_by_id claimed_until"
        ),
        kept=_cols(
            "id receipt_hash status channel age_group local_authority_id postcode_district "
            "heard_about consent_store consent_quote consent_share consent_contact "
            "consent_equality counted group_id entered_by_id created_at updated_at "
            "withdrawn_at tagging_status tagging_attempts tagging_next_attempt_at tagged_at "
            "language language_flagged version redaction_confirmed_at themes_confirmed_at "
            "decided_by_id decided_at duplicate_of_id safeguarding"
        ),
    ),
    "submission_contacts": Rule(
        "contact details, long enough to tell residents what changed", "contact_details", True
    ),
    "equality_answers": Rule("equality answers", "equality_answers", True),
    "consent_events": Rule(
        "proof of consent: kept while the story is held, and 6 years after a withdrawal",
        "withdrawn_consent",
        True,
    ),
    "pii_proposals": Rule(
        "offsets into the resident's words: deleted with those words", "raw_story", True
    ),
    "safeguarding_flags": Rule(
        "the officer's words may repeat the story, so they go with it; the record that a "
        "concern was raised and acted on stays",
        "rejected_story",
        erased=_cols("concern action_taken"),
        kept=_cols(
            "id submission_id category raised_by_id raised_at closed_by_id closed_at lead_email"
        ),
    ),
    "story_routes": Rule(
        "removed when a story is erased or no longer shared", "rejected_story", True
    ),
    "influenced_decision_stories": Rule(
        "the link goes when a story is erased or withdrawn", "rejected_story", True
    ),
    "resident_sessions": Rule("deleted once expired (an hour at most)", None, True),
    "submission_themes": Rule(
        "theme scores: counts only, kept with the story row",
        kept=_cols("id submission_id theme_id score suggested model_version"),
    ),
    "confirmed_themes": Rule(
        "themes an officer confirmed: counts only, kept with the story row",
        kept=_cols("submission_id theme_id"),
    ),
    "theme_labels": Rule(
        "themes used to retrain the tagger: no words, kept with the story row",
        kept=_cols("submission_id themes labelled_by_id labelled_at"),
    ),
    "loop_notices": Rule(
        'which residents were told of a "you said, we did": no words, kept with the story',
        kept=_cols("id closure_id submission_id emailed created_at"),
    ),
    # Email.
    "outbox_messages": Rule(
        "sent email, or email given up on, after OUTBOX_RETENTION_DAYS; a story's email "
        "goes with its contact details",
        "sent_email",
        True,
    ),
    # Staff, members and groups.
    "users": Rule(
        "an account no longer active is anonymised 12 months after its last activity (rows "
        "elsewhere point to it, so it is not deleted)",
        "staff_account",
        erased=_cols("email display_name password_hash totp_secret_encrypted session_nonce"),
        kept=_cols(
            "id role active created_at last_signed_in_at password_changed_at "
            "totp_confirmed_at totp_last_step failed_sign_ins locked_until digests_by_email"
        ),
    ),
    "recovery_codes": Rule("deleted with the account", "staff_account", True),
    "digest_reads": Rule("deleted with the account", "staff_account", True),
    "people": Rule(
        "the register: anonymised 6 years after the person's last term ended (attendance "
        "and minutes still point to their seat)",
        "former_member",
        erased=_cols("full_name email organisation"),
        kept=_cols("id created_at"),
    ),
    "memberships": Rule(
        "the seat stays as the body's record; the reason given for ending it goes with the "
        "person's name",
        "former_member",
        erased=_cols("end_reason"),
        kept=_cols(
            "id person_id body_id role local_authority_id substitute_for_id term_start "
            "term_end volunteers_agreement_signed_on ended_on version created_at updated_at"
        ),
    ),
    "community_groups": Rule(
        "kept while the group is active; the inventory's 2 years after that are applied by "
        "an administrator, as no date of ending is recorded to count from",
        kept=_cols(
            "id name group_type charity_number company_number communities_served "
            "contact_name contact_email contact_phone contact_consent_at language status "
            "reviewed_by_id reviewed_at rejection_reason contact_user_id created_at"
        ),
    ),
    "community_group_areas": Rule("as the group", kept=_cols("group_id local_authority_id")),
    "community_group_themes": Rule("as the group", kept=_cols("group_id theme_id")),
    "group_engagements": Rule(
        "an indicator's evidence: 6 years after it happened", "group_engagement", True
    ),
    # Accountability.
    "audit_events": Rule("6 years, then deleted; never edited", "audit_log", True),
    "figures_snapshots": Rule(
        "counts only; older snapshots go, the newest few stay", "figures_snapshot", True
    ),
    "privacy_notices": Rule(
        "never deleted: proof of what residents were told",
        kept=_cols("id version body sha256 published_at"),
    ),
    "privacy_notice_translations": Rule(
        "never deleted: proof of what residents were told",
        kept=_cols("id notice_id language body sha256 published_at"),
    ),
    "routing_rules": Rule(
        "kept (ended, not deleted) so every route can say which rule sent it",
        kept=_cols("id body_id note active created_by_id created_at updated_at version"),
    ),
    "routing_rule_themes": Rule("with the rule", kept=_cols("rule_id theme_id")),
    "routing_rule_areas": Rule("with the rule", kept=_cols("rule_id local_authority_id")),
    "digests": Rule(
        "kept as the record of what was issued (the words are read afresh, so an erased "
        "story's are gone)",
        kept=_cols(
            "id body_id period_start period_end issued_at stories_when_issued emails_queued"
        ),
    ),
    "meetings": Rule(
        BODY_RECORD,
        kept=_cols(
            "id body_id starts_at place online_link status minutes created_at updated_at version"
        ),
    ),
    "agenda_items": Rule(BODY_RECORD, kept=_cols("id meeting_id position title description lead")),
    "papers": Rule(
        BODY_RECORD,
        kept=_cols(
            "id agenda_item_id title filename content_type size content uploaded_by_id uploaded_at"
        ),
    ),
    "attendance": Rule(
        BODY_RECORD,
        kept=_cols("id meeting_id membership_id status substitute_membership_id recorded_at"),
    ),
    "decisions": Rule(
        BODY_RECORD, kept=_cols("id meeting_id agenda_item_id text recorded_by_id recorded_at")
    ),
    "meeting_actions": Rule(
        BODY_RECORD,
        kept=_cols(
            "id body_id meeting_id agenda_item_id description owner due_on status "
            "closed_on created_at version"
        ),
    ),
    "action_updates": Rule(
        BODY_RECORD,
        kept=_cols("id action_id meeting_id status note recorded_by_id recorded_at"),
    ),
    "meeting_packs": Rule(
        BODY_RECORD + "; redacted, consented words only, and a story erased or withdrawn is "
        "taken out and its PDF rebuilt",
        kept=_cols(
            "id meeting_id version content story_ids pdf pdf_error built_by_id built_at "
            "published_at published_by_id"
        ),
    ),
    "measurements": Rule(
        "the Taskforce's public record; published versions never change",
        kept=_cols(
            "id indicator_id period_kind period_start version value narrative computed rag "
            "rag_reason evidence_links source correction_reason recorded_by_id recorded_at "
            "published_at published_by_id row_version"
        ),
    ),
    "measurement_documents": Rule(
        "kept with the measurement",
        kept=_cols("id measurement_id filename content_type data uploaded_by_id uploaded_at"),
    ),
    "register_entries": Rule(
        "the Taskforce's record (organisations, not people)",
        kept=_cols(
            "id kind title description organisation occurred_on funding_pence "
            "evidence_links recorded_by_id recorded_at version"
        ),
    ),
    "influenced_decisions": Rule(
        "the Taskforce's public record",
        kept=_cols(
            "id title decided_by decided_on what_changed significance evidence_links "
            "meeting_decision_id recorded_by_id recorded_at version"
        ),
    ),
    "influenced_decision_meetings": Rule(
        "kept with the decision", kept=_cols("influenced_decision_id meeting_id")
    ),
    "influenced_decision_agenda_items": Rule(
        "kept with the decision", kept=_cols("influenced_decision_id agenda_item_id")
    ),
    "influenced_decision_digests": Rule(
        "kept with the decision", kept=_cols("influenced_decision_id digest_id")
    ),
    "loop_closures": Rule(
        "the Taskforce's public record",
        kept=_cols(
            "id decision_id theme_id created_by_id created_at published_at "
            "published_by_id residents_told version"
        ),
    ),
    "loop_closure_texts": Rule(
        "kept with the summary (written for the public, about no one)",
        kept=_cols("id closure_id locale you_said we_did"),
    ),
    "commitments": Rule(
        "the Taskforce's public record",
        kept=_cols(
            "id kind source reference title description owner due_on status closed_on "
            "created_by_id created_at version"
        ),
    ),
    "commitment_updates": Rule(
        "kept with the commitment",
        kept=_cols("id commitment_id status note evidence_links recorded_by_id recorded_at"),
    ),
    "terms_reviews": Rule(
        "the Taskforce's record", kept=_cols("id reviewed_on note recorded_by_id recorded_at")
    ),
    "evidence_datasets": Rule(
        "published statistics, no people",
        kept=_cols("id title measure unit description indicator_id created_by_id created_at"),
    ),
    "evidence_versions": Rule(
        "earlier versions stay so figures can be traced (aggregates, no people)",
        kept=_cols(
            "id dataset_id version source source_url licence note filename csv_text "
            "rows_json row_count uploaded_by_id uploaded_at"
        ),
    ),
    "annual_reports": Rule(
        "every year's published report stays on the site (no story text)",
        kept=_cols(
            "id year narrative content pdf created_by_id created_at updated_at "
            "published_at published_by_id version"
        ),
    ),
    # Reference data.
    "themes": Rule(REFERENCE, kept=_cols("id slug label sort_order active")),
    "local_authorities": Rule(REFERENCE, kept=_cols("id code name constituent active")),
    "ethnic_groups": Rule(
        REFERENCE, kept=_cols("id code heading label sort_order allows_description")
    ),
    "taskforce_functions": Rule(REFERENCE, kept=_cols("id slug title description sort_order")),
    "indicators": Rule(REFERENCE, kept=_cols("id function_id slug text sort_order")),
    "bodies": Rule(
        REFERENCE,
        kept=_cols(
            "id slug name kind description theme_id active quorum digest_cadence digest_send_empty"
        ),
    ),
}


def period(kind: str) -> timedelta:
    return timedelta(days=current_app.config["RETENTION"][kind])


def cutoffs(now: datetime) -> dict[str, datetime]:
    """The moment before which each kind is due, for a run at `now`."""
    due = {kind: now - period(kind) for kind in current_app.config["RETENTION"]}
    try:
        floor = now.replace(year=now.year - AUDIT_FLOOR_YEARS)
    except ValueError:  # 29 February
        floor = now.replace(year=now.year - AUDIT_FLOOR_YEARS, day=28)
    due["audit_log"] = min(due["audit_log"], floor - timedelta(days=1))
    return due


def _ids(query) -> list[int]:
    return list(db.session.scalars(query))


def _rejected_stories(before: datetime) -> int:
    """Rejected and duplicate stories: erased as withdrawal erases them (intake)."""
    due = db.session.scalars(
        select(Submission).where(
            Submission.status.in_((SubmissionStatus.REJECTED, SubmissionStatus.DUPLICATE)),
            Submission.decided_at < before,
            Submission.story != "",
        )
    ).all()
    for submission in due:
        intake.erase_everything_said(submission)
    db.session.flush()
    return len(due)


def _raw_stories(before: datetime) -> int:
    """Approved stories: the resident's words go, the approved redacted version stays."""
    ids = _ids(
        select(Submission.id).where(
            Submission.status == SubmissionStatus.APPROVED,
            Submission.redaction_confirmed_at.is_not(None),
            Submission.redacted_story.is_not(None),
            Submission.decided_at < before,
            or_(Submission.story != "", Submission.what_to_change.is_not(None)),
        )
    )
    if ids:
        db.session.execute(
            update(Submission)
            .where(Submission.id.in_(ids))
            .values(story="", what_to_change=None, claimed_by_id=None, claimed_until=None),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            delete(PiiProposal).where(PiiProposal.submission_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
    return len(ids)


def _contact_details(before: datetime) -> int:
    """Contact details, with any email about the story (as when consent is taken back)."""
    due = db.session.execute(
        select(Submission.id, Submission.receipt_hash)
        .join(SubmissionContact, SubmissionContact.submission_id == Submission.id)
        .where(Submission.created_at < before)
    ).all()
    for _, receipt_hash in due:
        outbox.erase_for(receipt_hash)
    if due:
        db.session.execute(
            delete(SubmissionContact).where(
                SubmissionContact.submission_id.in_([row.id for row in due])
            ),
            execution_options={"synchronize_session": False},
        )
    return len(due)


def _equality_answers(before: datetime) -> int:
    return db.session.execute(
        delete(EqualityAnswers).where(EqualityAnswers.created_at < before),
        execution_options={"synchronize_session": False},
    ).rowcount


def _withdrawn_consent(before: datetime) -> int:
    withdrawn = select(Submission.id).where(
        Submission.status == SubmissionStatus.WITHDRAWN, Submission.withdrawn_at < before
    )
    return db.session.execute(
        delete(ConsentEvent).where(ConsentEvent.submission_id.in_(withdrawn)),
        execution_options={"synchronize_session": False},
    ).rowcount


def _expired_claims(now: datetime) -> int:
    return db.session.execute(
        update(Submission)
        .where(Submission.claimed_until < now)
        .values(claimed_by_id=None, claimed_until=None),
        execution_options={"synchronize_session": False},
    ).rowcount


def _audit_log(before: datetime) -> int:
    return db.session.execute(
        delete(AuditEvent).where(AuditEvent.at < before),
        execution_options={"synchronize_session": False},
    ).rowcount


def _last_activity(user: User) -> datetime:
    """No date of deactivation is recorded: count from the account's last sign-in,
    password change or audit row by or about it (a deactivation writes one)."""
    audited = db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            or_(
                AuditEvent.actor_id == user.id,
                (AuditEvent.object_type == "user") & (AuditEvent.object_id == user.id),
            )
        )
    )
    times = [user.created_at, user.password_changed_at, user.last_signed_in_at, audited]
    return max(t for t in times if t is not None)


def _staff_accounts(before: datetime) -> int:
    candidates = db.session.scalars(
        select(User).where(User.active.is_(False), User.email.not_like(f"%@{ERASED_EMAIL_DOMAIN}"))
    ).all()
    due = [user for user in candidates if _last_activity(user) < before]
    for user in due:
        user.email = f"account-{user.id}@{ERASED_EMAIL_DOMAIN}"
        user.display_name = FORMER_STAFF
        user.password_hash = ""  # nosec B105 # no password matches an empty hash
        user.totp_secret_encrypted = None
        user.session_nonce = new_session_nonce()  # any session left ends
    if due:
        ids = [user.id for user in due]
        db.session.execute(
            delete(RecoveryCode).where(RecoveryCode.user_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            delete(DigestRead).where(DigestRead.user_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
    return len(due)


def _former_members(before: datetime) -> int:
    """People whose every membership ended before the cutoff (none open-ended)."""
    # A membership's last day: the earlier of its ending and its term end (Membership.last_day).
    last_day = case(
        (Membership.ended_on.is_(None), Membership.term_end),
        (Membership.term_end.is_(None), Membership.ended_on),
        (Membership.ended_on < Membership.term_end, Membership.ended_on),
        else_=Membership.term_end,
    )
    still_held = exists().where(
        Membership.person_id == Person.id,
        or_(last_day.is_(None), last_day >= before.date()),
    )
    people = db.session.scalars(
        select(Person).where(
            Person.full_name != FORMER_MEMBER,
            exists().where(Membership.person_id == Person.id),
            ~still_held,
        )
    ).all()
    for person in people:
        person.full_name = FORMER_MEMBER
        person.email = None
        person.organisation = ""
    if people:
        db.session.execute(
            update(Membership)
            .where(Membership.person_id.in_([p.id for p in people]))
            .values(end_reason=""),
            execution_options={"synchronize_session": False},
        )
    return len(people)


def _group_engagements(before: datetime) -> int:
    return db.session.execute(
        delete(GroupEngagement).where(GroupEngagement.occurred_on < before.date()),
        execution_options={"synchronize_session": False},
    ).rowcount


def _figures_snapshots(before: datetime) -> int:
    newest = (
        select(FiguresSnapshot.id)
        .order_by(FiguresSnapshot.produced_at.desc(), FiguresSnapshot.id.desc())
        .limit(FIGURES_SNAPSHOTS_KEPT)
    )
    keep = _ids(newest)
    return db.session.execute(
        delete(FiguresSnapshot).where(
            FiguresSnapshot.produced_at < before, FiguresSnapshot.id.not_in(keep)
        ),
        execution_options={"synchronize_session": False},
    ).rowcount


def _erase_due(now: datetime) -> dict[str, int]:
    due = cutoffs(now)
    counts = {
        "rejected_story": _rejected_stories(due["rejected_story"]),
        "raw_story": _raw_stories(due["raw_story"]),
        "contact_details": _contact_details(due["contact_details"]),
        "equality_answers": _equality_answers(due["equality_answers"]),
        "withdrawn_consent": _withdrawn_consent(due["withdrawn_consent"]),
        "sent_email": outbox.delete_sent_before(due["sent_email"]),
        "resident_sessions": resident_sessions.delete_expired(now),
        "expired_claims": _expired_claims(now),
        "audit_log": _audit_log(due["audit_log"]),
        "staff_account": _staff_accounts(due["staff_account"]),
        "former_member": _former_members(due["former_member"]),
        "group_engagement": _group_engagements(due["group_engagement"]),
        "figures_snapshot": _figures_snapshots(due["figures_snapshot"]),
    }
    return {kind: counts[kind] for kind in KINDS}


def detail(counts: dict[str, int]) -> str:
    """The audit row's detail: counts only, never any text."""
    return " ".join(f"{kind}={counts[kind]}" for kind in KINDS)


def run(now: datetime | None = None, *, dry_run: bool = False) -> dict[str, int]:
    """Erase everything due at `now`, in one transaction, and write one audit row with
    the counts. `dry_run`: count what would be erased, then roll it all back."""
    now = now or datetime.now(UTC)
    try:
        counts = _erase_due(now)
        audit.record("retention.applied", actor=audit.SYSTEM, detail=detail(counts))
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire_all()  # rows changed by bulk statements are read afresh
    log.info("retention_applied", extra={"dry_run": dry_run, **counts})
    return counts
