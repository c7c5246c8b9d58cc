"""Residents' stories: validation, storage once, consent records, equality answers kept
apart, consent changes, withdrawal and the resident's own export."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Channel,
    ConsentEvent,
    EqualityAnswers,
    EthnicGroup,
    OutboxMessage,
    PrivacyNotice,
    Purpose,
    Submission,
    SubmissionContact,
    SubmissionStatus,
)
from engage.models.base import utcnow
from engage.services.common.transaction import ServiceError
from engage.services.stories import intake, receipts
from engage.services.stories.intake import StoryInput
from tests import factories

STORY = "The bus driver would not let my son on with his friends."


@pytest.fixture
def ctx(ctx):
    """Refusals carry translated messages, so these services run as in a web request."""
    with ctx.test_request_context():
        yield ctx


def story_input(**overrides) -> StoryInput:
    values = {
        "story": STORY,
        "age_group": AgeGroup.ADULT,
        "consents": {Purpose.STORE: True},
    }
    values.update(overrides)
    return StoryInput(**values)


def submit(data: StoryInput | None = None, *, code: str | None = None, **options) -> Submission:
    options = {"channel": Channel.WEB, "language": "en", "notice_version": 1, **options}
    return intake.submit_story(
        data or story_input(), receipt_code=code or receipts.new_code(), **options
    )


def refusal(data: StoryInput, **options) -> dict[str, str]:
    with pytest.raises(ServiceError) as refused:
        submit(data, **options)
    return {name: str(message) for name, message in refused.value.errors.items()}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def all_consents(**granted: bool) -> dict[Purpose, bool]:
    return {p: granted.get(p.value, p is Purpose.STORE) for p in Purpose}


def ethnic_group(label: str) -> EthnicGroup:
    return db.session.scalar(select(EthnicGroup).where(EthnicGroup.label == label))


# Validation


def test_a_story_needs_consent_to_store_it(ctx):
    errors = refusal(story_input(consents={Purpose.STORE: False, Purpose.QUOTE: True}))
    assert errors == {
        "consent_store": "Tick the box to agree that we can store and analyse your story. "
        "We cannot accept it otherwise"
    }
    assert count(Submission) == 0
    assert count(ConsentEvent) == 0


def test_an_empty_story_is_refused(ctx):
    assert refusal(story_input(story="  \n\t "))["story"] == "Tell us what happened"


def test_markup_alone_is_words_and_is_kept(ctx):
    assert submit(story_input(story="<p></p>")).story == "<p></p>"


def test_a_story_of_exactly_10000_characters_is_accepted(ctx):
    submission = submit(story_input(story="a" * 10_000))
    assert len(submission.story) == 10_000


def test_a_story_over_10000_characters_is_refused_with_its_length(ctx):
    errors = refusal(story_input(story="a" * 10_001))
    assert errors["story"] == (
        "Your story must be 10,000 characters or fewer. It has 1 character too many: "
        "all your words are still in the box, so you can shorten it."
    )
    assert count(Submission) == 0


def test_what_to_change_is_bounded_too(ctx):
    errors = refusal(story_input(what_to_change="b" * 2_001))
    assert errors == {
        "what_to_change": "Use 2,000 characters or fewer. You have 1 character too many."
    }
    errors = refusal(story_input(what_to_change="b" * 2_250))
    assert errors["what_to_change"].endswith("You have 250 characters too many.")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"contact_email": "not-an-email"},
            "contact_email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"contact_phone": "call me"},
            "contact_phone",
            "Enter a UK phone number, like 07700 900 982",
        ),
        (
            {},
            "contact_email",
            "Enter an email address or a phone number so we can contact you",
        ),
    ],
)
def test_contact_details_are_checked_when_contact_is_agreed(ctx, fields, field, message):
    data = story_input(consents=all_consents(contact=True), **fields)
    assert refusal(data) == {field: message}
    assert count(SubmissionContact) == 0


def test_an_invalid_postcode_is_refused(ctx):
    errors = refusal(story_input(postcode="not a postcode"))
    assert errors == {
        "postcode": "Enter the first part of a postcode, like B11, or a full postcode"
    }


def test_an_unknown_area_or_heard_about_answer_is_refused(ctx):
    errors = refusal(story_input(local_authority_id=999_999, heard_about="carrier-pigeon"))
    assert set(errors) == {"local_authority_id", "heard_about"}


def test_validation_reports_every_problem_at_once(ctx):
    errors = refusal(
        story_input(
            story="",
            consents={Purpose.CONTACT: True},
            postcode="???",
            contact_email="nope",
        )
    )
    assert set(errors) == {"story", "consent_store", "postcode", "contact_email"}


def test_a_refusal_outside_a_web_request_is_still_a_service_error(app):
    """The services also run from the command line and the worker, with no request."""
    with app.app_context():
        try:
            with pytest.raises(ServiceError) as refused:
                submit(story_input(consents={}))
            assert "consent_store" in refused.value.errors
            assert count(Submission) == 0
        finally:
            db.session.remove()


# Storing


def test_a_story_is_stored_exactly_as_typed_with_its_area(ctx):
    birmingham = factories.authority("Birmingham")
    typed = "  my manager said <you people> are lazy, rent went up >10%, I <3 Wolverhampton  "
    submission = submit(
        story_input(
            story=typed,
            what_to_change="<i>Fair</i> interviews & a<b",
            local_authority_id=birmingham.id,
            postcode="b66 1aa",
            heard_about="community_group",
        )
    )
    db.session.expire_all()
    stored = db.session.get(Submission, submission.id)
    assert stored.story == typed
    assert stored.what_to_change == "<i>Fair</i> interviews & a<b"
    assert stored.local_authority.name == "Birmingham"
    assert stored.postcode_district == "B66"
    assert stored.heard_about == "community_group"
    assert stored.status is SubmissionStatus.RECEIVED
    assert stored.channel is Channel.WEB


def test_only_the_postcode_district_is_ever_stored(ctx):
    submission = submit(story_input(postcode="b66 1aa"))
    assert submission.postcode_district == "B66"
    columns = {c.name for c in Submission.__table__.columns}
    assert not {"postcode", "postcode_full", "ip", "ip_address"} & columns


def test_an_empty_what_to_change_is_stored_as_nothing(ctx):
    assert submit(story_input(what_to_change="  ")).what_to_change is None


def test_the_receipt_code_itself_is_never_stored(ctx):
    code = receipts.new_code()
    submission = submit(code=code)
    assert submission.receipt_hash == receipts.digest(code)
    for value in vars(submission).values():
        assert receipts.normalise(str(value)) != receipts.normalise(code) or value is None


def test_contact_details_are_not_stored_without_consent_to_contact(ctx):
    submission = submit(
        story_input(
            consents=all_consents(contact=False, share=True),
            contact_email="amina@example.org",
            contact_phone="07700 900 982",
        )
    )
    assert submission.contact is None
    assert count(SubmissionContact) == 0
    assert count(OutboxMessage) == 0


def test_contact_details_are_stored_apart_and_normalised(ctx):
    submission = submit(
        story_input(
            consents=all_consents(contact=True),
            contact_email=" Amina@Example.ORG ",
            contact_phone="07700 900 982",
        )
    )
    db.session.expire_all()
    contact = db.session.get(SubmissionContact, submission.id)
    assert (contact.email, contact.phone) == ("amina@example.org", "+447700900982")
    assert not {"email", "phone"} & {c.name for c in Submission.__table__.columns}


def test_the_same_receipt_code_stores_the_story_once(ctx):
    code = receipts.new_code()
    first = submit(code=code)
    second = submit(story_input(story="A different text"), code=code.lower().replace("-", ""))
    assert second.id == first.id
    assert count(Submission) == 1
    assert count(ConsentEvent) == len(Purpose)
    assert db.session.get(Submission, first.id).story == STORY


def test_a_story_entered_twice_at_once_is_stored_once(ctx, monkeypatch):
    """An officer's double click: the second request passes the "already stored?" check
    before the first commits, and meets the unique receipt when it writes."""
    from engage.models import AuditEvent, Role

    officer = factories.user(role=Role.ENGAGEMENT_OFFICER)
    code = receipts.new_code()
    first = submit(code=code, channel=Channel.OFFICER_PHONE, entered_by=officer)
    real_find = intake.find_by_receipt
    calls = []

    def not_yet_stored(typed):
        calls.append(typed)
        return None if len(calls) == 1 else real_find(typed)

    monkeypatch.setattr(intake, "find_by_receipt", not_yet_stored)
    second = submit(code=code, channel=Channel.OFFICER_PHONE, entered_by=officer)
    assert second.id == first.id
    assert count(Submission) == 1
    entered = select(func.count()).where(AuditEvent.action == "submission.entered")
    assert db.session.scalar(entered) == 1


def test_a_repeated_submission_is_returned_even_when_the_repeat_would_be_invalid(ctx):
    code = receipts.new_code()
    first = submit(code=code)
    again = submit(story_input(consents={}), code=code)
    assert again.id == first.id


def test_every_purpose_gets_a_complete_consent_event(ctx):
    submission = submit(
        story_input(consents=all_consents(share=True, equality=True)),
        language="pl",
        notice_version=1,
    )
    events = db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.submission_id == submission.id)
    ).all()
    assert {e.purpose for e in events} == set(Purpose)
    assert {e.purpose: e.granted for e in events} == {
        Purpose.STORE: True,
        Purpose.QUOTE: False,
        Purpose.SHARE: True,
        Purpose.CONTACT: False,
        Purpose.EQUALITY: True,
    }
    for event in events:
        assert event.purpose is not None
        assert event.granted is not None
        assert event.notice is not None and event.notice.version == 1
        assert event.notice.sha256 and len(event.notice.sha256) == 64
        assert event.channel is Channel.WEB
        assert event.language == "pl"
        assert event.recorded_at is not None
    assert submission.consents() == {e.purpose: e.granted for e in events}


def test_the_notice_recorded_is_the_one_the_form_showed_not_a_newer_one(ctx):
    db.session.add(PrivacyNotice(version=2, body="## Changed\nNew text", sha256="b" * 64))
    db.session.commit()
    submission = submit(notice_version=1)
    assert {e.notice.version for e in submission.consent_events} == {1}
    newer = submit(notice_version=2)
    assert {e.notice.version for e in newer.consent_events} == {2}


@pytest.mark.parametrize("age_group", [AgeGroup.UNDER_18])
def test_children_are_never_recorded_as_agreeing_to_quotes(ctx, age_group):
    submission = submit(
        story_input(age_group=age_group, consents=all_consents(quote=True, share=True))
    )
    assert submission.consent_quote is False
    quote = [e for e in submission.consent_events if e.purpose is Purpose.QUOTE]
    assert [e.granted for e in quote] == [False]
    assert submission.consent_share is True


def test_an_under_13_on_their_own_on_the_web_is_not_stored(ctx):
    errors = refusal(story_input(age_group=AgeGroup.UNDER_13))
    assert "age_group" in errors
    assert count(Submission) == 0
    assert count(ConsentEvent) == 0


def test_find_by_receipt_accepts_any_way_of_typing_the_code(ctx):
    submission = submit(code="0K0M-X1PD-9RTA")
    for typed in ["0K0M-X1PD-9RTA", "0k0mx1pd9rta", "OKOM X1PD 9RTA", "oKoM-xlPD-9RTA"]:
        assert intake.find_by_receipt(typed).id == submission.id


@pytest.mark.parametrize("typed", ["", "nonsense", "0K0M-X1PD-9RTB", "0K0M-X1PD-9RT"])
def test_find_by_receipt_finds_nothing_for_a_wrong_or_malformed_code(ctx, typed):
    submit(code="0K0M-X1PD-9RTA")
    assert intake.find_by_receipt(typed) is None


# Equality answers


ANSWERS = {
    "age_band": "25_34",
    "sex": "female",
    "gender_same_as_birth": "prefer_not_to_say",
    "disability": "no",
    "religion": "other",
    "religion_other": "Rastafari <Jamaican>",
    "sexual_orientation": "prefer_not_to_say",
}


@pytest.mark.parametrize(
    ("age_group", "refused", "accepted"),
    [
        (AgeGroup.ADULT, ["13_15", "16_17"], ["18_24", "75_plus", "prefer_not_to_say"]),
        (AgeGroup.UNDER_18, ["18_24", "25_34", "75_plus"], ["13_15", "16_17"]),
        (AgeGroup.UNDER_13, ["13_15", "18_24", "prefer_not_to_say"], [None]),
    ],
)
def test_the_age_band_must_agree_with_the_age_given_first(ctx, age_group, refused, accepted):
    for band in refused:
        submission = submit(
            story_input(age_group=age_group, consents=all_consents(equality=True)),
            channel=Channel.GROUP,
        )
        with pytest.raises(ServiceError) as refusal_:
            intake.record_equality_answers(submission.id, {"age_band": band})
        assert refusal_.value.errors == {"age_band": "Select one of the answers"}, band
    for band in accepted:
        submission = submit(
            story_input(age_group=age_group, consents=all_consents(equality=True)),
            channel=Channel.GROUP,
        )
        intake.record_equality_answers(submission.id, {"age_band": band, "sex": "female"})
        assert db.session.get(EqualityAnswers, submission.id).age_band == band


def test_an_over_long_other_description_is_refused_not_cut(ctx):
    submission = submit(story_input(consents=all_consents(equality=True)))
    with pytest.raises(ServiceError) as refused:
        intake.record_equality_answers(
            submission.id, {"religion": "other", "religion_other": "r" * 125}
        )
    assert refused.value.errors == {
        "religion_other": "Use 120 characters or fewer. You have 5 characters too many."
    }
    assert db.session.get(EqualityAnswers, submission.id) is None


def test_equality_answers_are_stored_apart_only_with_consent(ctx):
    submission = submit(story_input(consents=all_consents(equality=True)))
    assert intake.needs_equality_answers(submission)
    group = ethnic_group("Any other Black, Black British or Caribbean background")
    intake.record_equality_answers(
        submission.id, {**ANSWERS, "ethnic_group_id": str(group.id), "ethnic_group_other": "Somali"}
    )
    db.session.expire_all()
    answers = db.session.get(EqualityAnswers, submission.id)
    assert answers.ethnic_group.label == group.label
    assert answers.ethnic_group_other == "Somali"
    assert answers.age_band == "25_34"
    assert answers.religion == "other"
    assert answers.religion_other == "Rastafari <Jamaican>"
    assert not intake.needs_equality_answers(db.session.get(Submission, submission.id))
    equality_columns = {c.name for c in EqualityAnswers.__table__.columns} - {"submission_id"}
    equality_columns -= {"created_at"}
    assert not equality_columns & {c.name for c in Submission.__table__.columns}


def test_equality_answers_are_refused_without_consent(ctx):
    submission = submit(story_input(consents=all_consents(equality=False)))
    assert not intake.needs_equality_answers(submission)
    with pytest.raises(ServiceError):
        intake.record_equality_answers(submission.id, ANSWERS)
    assert count(EqualityAnswers) == 0


def test_free_text_is_kept_only_for_an_other_answer(ctx):
    submission = submit(story_input(consents=all_consents(equality=True)))
    intake.record_equality_answers(
        submission.id,
        {
            "ethnic_group_id": str(ethnic_group("Indian").id),
            "ethnic_group_other": "Gujarati",
            "religion": "hindu",
            "religion_other": "ignored",
        },
    )
    answers = db.session.get(EqualityAnswers, submission.id)
    assert answers.ethnic_group_other is None
    assert answers.religion_other is None


def test_every_equality_question_may_be_left_unanswered(ctx):
    submission = submit(story_input(consents=all_consents(equality=True)))
    intake.record_equality_answers(submission.id, {})
    answers = db.session.get(EqualityAnswers, submission.id)
    assert answers.ethnic_group is None
    assert answers.sex is None and answers.religion is None


@pytest.mark.parametrize(
    ("answers", "field"),
    [({"sex": "robot"}, "sex"), ({"ethnic_group_id": "999999"}, "ethnic_group_id")],
)
def test_answers_outside_the_list_are_refused(ctx, answers, field):
    submission = submit(story_input(consents=all_consents(equality=True)))
    with pytest.raises(ServiceError) as refused:
        intake.record_equality_answers(submission.id, answers)
    assert field in refused.value.errors
    assert count(EqualityAnswers) == 0


# Changing consent


def contact_submission(**consents) -> Submission:
    return submit(
        story_input(
            consents=all_consents(contact=True, **consents),
            contact_email="amina@example.org",
            contact_phone="07700 900 982",
        )
    )


def test_changing_consent_records_an_event_for_each_change_only(ctx):
    submission = submit()
    before = count(ConsentEvent)
    intake.change_consent(
        submission.id,
        {Purpose.QUOTE: False, Purpose.SHARE: True, Purpose.CONTACT: False, Purpose.EQUALITY: True},
        channel=Channel.WEB,
        language="ur",
    )
    new = db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id)).all()[before:]
    assert [(e.purpose, e.granted) for e in new] == [
        (Purpose.SHARE, True),
        (Purpose.EQUALITY, True),
    ]
    assert all(e.language == "ur" and e.channel is Channel.WEB for e in new)
    assert all(e.notice.version == 1 and e.recorded_at is not None for e in new)
    stored = db.session.get(Submission, submission.id)
    assert stored.consent_share and stored.consent_equality and stored.consent_store


def test_consent_to_store_cannot_be_dropped_by_changing_choices(ctx):
    submission = submit()
    intake.change_consent(
        submission.id, all_consents(store=False), channel=Channel.WEB, language="en"
    )
    assert db.session.get(Submission, submission.id).consent_store is True


def test_unticking_contact_deletes_the_contact_details(ctx):
    submission = contact_submission()
    assert count(SubmissionContact) == 1
    intake.change_consent(
        submission.id, all_consents(contact=False), channel=Channel.WEB, language="en"
    )
    assert count(SubmissionContact) == 0
    last = db.session.get(Submission, submission.id).consent_events[-1]
    assert (last.purpose, last.granted) == (Purpose.CONTACT, False)


def test_newly_ticking_contact_needs_an_email_or_phone(ctx):
    submission = submit()
    before = count(ConsentEvent)
    with pytest.raises(ServiceError) as refused:
        intake.change_consent(
            submission.id, all_consents(contact=True), channel=Channel.WEB, language="en"
        )
    assert set(refused.value.errors) == {"contact_email"}
    assert count(ConsentEvent) == before
    assert db.session.get(Submission, submission.id).consent_contact is False


def test_newly_ticking_contact_stores_the_details_given(ctx):
    submission = submit()
    intake.change_consent(
        submission.id,
        all_consents(contact=True),
        contact_phone="0121 496 0000",
        channel=Channel.WEB,
        language="en",
    )
    contact = db.session.get(SubmissionContact, submission.id)
    assert (contact.email, contact.phone) == (None, "+441214960000")


def test_unticking_equality_deletes_the_answers(ctx):
    submission = submit(story_input(consents=all_consents(equality=True)))
    intake.record_equality_answers(submission.id, ANSWERS)
    assert count(EqualityAnswers) == 1
    intake.change_consent(
        submission.id, all_consents(equality=False), channel=Channel.WEB, language="en"
    )
    assert count(EqualityAnswers) == 0


def test_a_child_cannot_be_recorded_as_agreeing_to_quotes_later(ctx):
    submission = submit(story_input(age_group=AgeGroup.UNDER_18))
    intake.change_consent(
        submission.id, all_consents(quote=True), channel=Channel.WEB, language="en"
    )
    stored = db.session.get(Submission, submission.id)
    assert stored.consent_quote is False
    assert not [e for e in stored.consent_events if e.purpose is Purpose.QUOTE and e.granted]


def test_a_withdrawn_story_cannot_have_its_consent_changed(ctx):
    submission = submit()
    intake.withdraw(submission.id, keep_count=True, channel=Channel.WEB, language="en")
    with pytest.raises(ServiceError):
        intake.change_consent(
            submission.id, all_consents(share=True), channel=Channel.WEB, language="en"
        )


# Withdrawal


def full_submission() -> Submission:
    submission = submit(
        story_input(
            what_to_change="Fair interviews",
            consents=all_consents(contact=True, share=True, equality=True),
            contact_email="amina@example.org",
            local_authority_id=factories.authority("Sandwell").id,
            postcode="B66 1AA",
            heard_about="event",
        )
    )
    intake.record_equality_answers(submission.id, ANSWERS)
    return submission


def test_withdrawal_erases_everything_personal_at_once(ctx):
    submission = full_submission()
    intake.withdraw(submission.id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.expire_all()
    stored = db.session.get(Submission, submission.id)
    assert stored.story is None
    assert stored.what_to_change is None
    assert stored.contact is None and count(SubmissionContact) == 0
    assert stored.equality is None and count(EqualityAnswers) == 0
    assert stored.status is SubmissionStatus.WITHDRAWN
    assert stored.withdrawn_at is not None
    assert abs(stored.withdrawn_at - utcnow()) < timedelta(minutes=1)
    assert stored.consents() == {p: False for p in Purpose}
    # Kept for anonymous counts only, as allowed.
    assert stored.counted is True
    assert stored.local_authority.name == "Sandwell"
    assert stored.postcode_district == "B66"


def test_withdrawal_records_a_refusal_for_each_purpose_that_was_granted(ctx):
    submission = full_submission()
    before = len(submission.consent_events)
    intake.withdraw(submission.id, keep_count=False, channel=Channel.WEB, language="pl")
    db.session.expire_all()
    events = db.session.get(Submission, submission.id).consent_events[before:]
    assert sorted(e.purpose.value for e in events) == ["contact", "equality", "share", "store"]
    assert all(e.granted is False for e in events)
    assert all(e.language == "pl" and e.notice is not None for e in events)


def test_withdrawal_without_keeping_the_count_also_clears_area_and_postcode(ctx):
    submission = full_submission()
    intake.withdraw(submission.id, keep_count=False, channel=Channel.WEB, language="en")
    db.session.expire_all()
    stored = db.session.get(Submission, submission.id)
    assert stored.counted is False
    assert stored.local_authority_id is None
    assert stored.postcode_district is None
    assert stored.heard_about is None


def test_withdrawing_twice_changes_nothing_more(ctx):
    submission = full_submission()
    intake.withdraw(submission.id, keep_count=True, channel=Channel.WEB, language="en")
    events = count(ConsentEvent)
    intake.withdraw(submission.id, keep_count=False, channel=Channel.WEB, language="en")
    assert count(ConsentEvent) == events
    assert db.session.get(Submission, submission.id).counted is True


def test_after_withdrawal_the_story_text_is_nowhere_in_the_database(ctx):
    canary = "Canary story zq7x about the housing office"
    submission = submit(
        story_input(
            story=canary,
            what_to_change=canary + " change",
            consents=all_consents(equality=True),
        )
    )
    intake.record_equality_answers(
        submission.id, {"religion": "other", "religion_other": "Canaryfaith zq7x"}
    )
    intake.withdraw(submission.id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.remove()
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                if any("zq7x" in str(value) for value in row):
                    found.append(table.name)
    assert found == []


# Export


def test_the_export_holds_everything_linked_to_the_story(ctx):
    submission = full_submission()
    data = intake.export(db.session.get(Submission, submission.id))
    assert data["story"] == STORY
    assert data["what_you_would_like_to_change"] == "Fair interviews"
    assert data["area"] == {"code": "E08000028", "name": "Sandwell"}
    assert data["postcode_district"] == "B66"
    assert data["status"] == "received"
    assert data["consent"] == {
        "store": True,
        "quote": False,
        "share": True,
        "contact": True,
        "equality": True,
    }
    assert len(data["consent_history"]) == len(Purpose)
    assert data["consent_history"][0]["privacy_notice_version"] == 1
    assert data["contact"] == {"email": "amina@example.org", "phone": None}
    assert data["equality_answers"]["religion_described"] == "Rastafari <Jamaican>"
    assert data["equality_answers"]["age_band"] == "25_34"


def test_the_export_after_withdrawal_holds_no_story(ctx):
    submission = full_submission()
    intake.withdraw(submission.id, keep_count=True, channel=Channel.WEB, language="en")
    data = intake.export(db.session.get(Submission, submission.id))
    assert data["status"] == "withdrawn"
    assert data["story"] is None
    assert data["contact"] is None
    assert data["equality_answers"] is None
    assert data["withdrawn_at"] is not None
    assert [e["granted"] for e in data["consent_history"][len(Purpose) :]] == [False] * 4
