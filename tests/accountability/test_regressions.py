"""Defects a review of the accountability code found, each kept as a test so it stays
fixed: versions that didn't move, links dropped on edit, a query per decision, promises
of email to residents who won't get one, residents linked late never told, reopened
stories cut from their decisions, the pack's dashboard period, future periods, a
percentage over 100, the date example, last year's demo history, table captions."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from engage import clock
from engage.extensions import db
from engage.models import Digest, LoopNotice, OutboxMessage, Role, User
from engage.services.accountability import closing_loop, decisions, measurements, periods
from engage.services.accountability.closing_loop import ClosureInput
from engage.services.accountability.decisions import DecisionInput
from engage.services.accountability.measurements import MeasurementInput
from engage.services.common.audit import SYSTEM
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.packs import builder
from engage.services.stories import moderation
from tests import factories
from tests.helpers import field_error, page, submit_form

SAID = "Residents told us damp in their homes was ignored for months."
DID = "Landlords now fix reported damp within 28 days."


def _secretary():
    return factories.user(role=Role.SECRETARIAT, email="sec-review@test.example")


def _decision(secretary, **overrides) -> int:
    values = {
        "title": "Damp repairs timetable for social housing",
        "decided_by": "WMCA Housing and Land Board",
        "decided_on": date(2026, 11, 20),
        "what_changed": "Landlords in the partnership now fix reported damp within 28 days.",
        "significance": "3",
    }
    values.update(overrides)
    return decisions.add(DecisionInput(**values), actor=secretary).id


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT)


# 1. Optimistic locking: a change to the words alone does not move the version -------


def test_rewriting_only_the_words_moves_the_closure_version(ctx):
    """closing_loop.rewrite changes only LoopClosureText rows, so the LoopClosure row's
    version_id_col never moves: a second editor (or the publish button) holding the old
    version is accepted and overwrites/publishes words nobody checked."""
    secretary = _secretary()
    decision_id = _decision(secretary)
    closure = closing_loop.write(
        decision_id, ClosureInput(texts={"en": (SAID, DID)}), actor=secretary
    )
    seen = closure.version
    closing_loop.rewrite(
        closure.id,
        ClosureInput(texts={"en": (SAID, "First editor's corrected words.")}),
        version=seen,
        actor=secretary,
    )
    with pytest.raises(Conflict):
        closing_loop.rewrite(
            closure.id,
            ClosureInput(texts={"en": (SAID, "Second editor, working from the old page.")}),
            version=seen,
            actor=secretary,
        )


def test_changing_only_what_informed_a_decision_moves_its_version(ctx):
    """decisions.change with only the meeting/digest links changed issues no UPDATE of
    influenced_decisions, so the version stays and a stale form is accepted."""
    secretary = _secretary()
    group = factories.working_group("Housing working group")
    first = factories.digest(group)
    decision_id = _decision(secretary)
    seen = decisions.get(decision_id).version
    data = decisions.input_from(decisions.get(decision_id))
    data.digest_ids = [first.id]
    decisions.change(decision_id, data, version=seen, actor=secretary)
    stale = decisions.input_from(decisions.get(decision_id))
    stale.digest_ids = []
    with pytest.raises(Conflict):
        decisions.change(decision_id, stale, version=seen, actor=secretary)


# 2. Editing an older decision silently drops its digest links ------------------------


def _as_browser_sends(form) -> dict:
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "textarea":
            value = field.get_text().removeprefix("\r\n").removeprefix("\n")
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            value = chosen.get("value", "") if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if not field.has_attr("checked"):
                continue
            value = field.get("value", "on")
        else:
            value = field.get("value", "")
        data.setdefault(name, []).append(value)
    return data


def test_editing_an_older_decision_keeps_its_digest_links(app, client, secretariat):
    """_decision_form offers only the 40 newest digests and, unlike meetings, does not
    add the ones already linked: saving the edit page unlinks them without a word."""
    with app.app_context():
        secretary = _secretary()
        group = factories.working_group("Housing working group")
        start = datetime(2025, 1, 6, tzinfo=UTC)
        made = []
        for week in range(41):
            digest = Digest(
                body_id=group.id,
                period_start=start + timedelta(weeks=week),
                period_end=start + timedelta(weeks=week + 1),
                issued_at=start + timedelta(weeks=week + 1),
            )
            db.session.add(digest)
            made.append(digest)
        db.session.commit()
        oldest = made[0].id
        decision_id = _decision(secretary, digest_ids=[oldest])
    url = f"/accountability/decisions/{decision_id}/edit"
    form = page(client.get(url)).find(id="what_changed").find_parent("form")
    sent = _as_browser_sends(form)
    sent["title"] = ["Damp repairs timetable (renamed)"]
    response = client.post(url, data=sent)
    assert response.status_code == 302, page(response).select_one(".error-summary")
    with app.app_context():
        assert [d.id for d in decisions.get(decision_id).digests] == [oldest]


# 3. N+1 on the decisions log ----------------------------------------------------------


def _statements(app, client, url) -> int:
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_decisions_log_does_not_query_once_per_decision(app, client, secretariat):
    """decisions.html reads d.stories and d.closures for every row: two lazy loads a
    decision, on a page that grows with every decision ever logged."""
    with app.app_context():
        secretary = _secretary()
        _decision(secretary)
    few = _statements(app, client, "/accountability/decisions")
    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.email == "sec-review@test.example"))
        for n in range(10):
            _decision(secretary, title=f"Decision {n}")
    many = _statements(app, client, "/accountability/decisions")
    assert many - few < 5, (few, many)


# 4. The publish button promises emails to residents who never agreed to contact --------


def test_the_publish_page_counts_only_residents_who_will_be_emailed(app, client, secretariat):
    """decision.html (and closure_form.html) say "emails the {{ stories|length }} linked
    residents who agreed to be contacted", counting every linked story."""
    with app.app_context():
        secretary = _secretary()
        contactable = factories.approved_story(contact=True, contact_email="a@example.org")
        silent = factories.approved_story()  # did not agree to be contacted
        decision_id = _decision(secretary)
        decisions.set_stories(decision_id, [contactable.id, silent.id], version=1, actor=secretary)
        closing_loop.write(decision_id, ClosureInput(texts={"en": (SAID, DID)}), actor=secretary)
    text = page(client.get(f"/accountability/decisions/{decision_id}")).get_text(" ", strip=True)
    promised = re.search(r"emails the (\d+) linked resident", text)
    assert promised is not None
    assert promised.group(1) == "1", text


# 5. Residents behind a decision are never told if linked after publishing ---------------


def test_a_story_linked_after_publishing_is_told(ctx):
    """closing_loop.publish is the only place residents are told; set_stories after a
    published "you said, we did" links a consenting resident who is never emailed
    (yet /your-story then shows them the closure)."""
    secretary = _secretary()
    decision_id = _decision(secretary)
    closure = closing_loop.write(
        decision_id, ClosureInput(texts={"en": (SAID, DID)}), actor=secretary
    )
    closing_loop.publish(closure.id, version=closure.version, actor=secretary)
    story = factories.approved_story(contact=True, contact_email="late@example.org")
    db.session.execute(db.delete(OutboxMessage))
    db.session.commit()
    decisions.set_stories(
        decision_id, [story.id], version=decisions.get(decision_id).version, actor=secretary
    )
    assert closing_loop.fed_into(db.session.get(type(story), story.id)).closures  # shown...
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "you_said_we_did")
    ).all()
    assert [m.to_address for m in told] == ["late@example.org"]  # ...but never emailed


# 6. Reopening a story for a fix loses what it fed into, for good -------------------------


def test_reopening_and_reapproving_a_story_keeps_what_it_fed_into(ctx):
    """moderation._move calls story_changes.no_longer_shown(unroute=True) on reopen, and
    the hook's decisions.forget_story deletes the decision links permanently. Approval
    re-routes the story but nothing re-links it: the resident, already emailed, no
    longer sees the "you said, we did" at /your-story, and the decision loses a story."""
    secretary = _secretary()
    story = factories.approved_story(contact=True, contact_email="amina@example.org")
    decision_id = _decision(secretary)
    decisions.set_stories(decision_id, [story.id], version=1, actor=secretary)
    closure = closing_loop.write(
        decision_id, ClosureInput(texts={"en": (SAID, DID)}), actor=secretary
    )
    closing_loop.publish(closure.id, version=closure.version, actor=secretary)
    assert db.session.scalar(select(LoopNotice.emailed).where(LoopNotice.submission_id == story.id))
    officer = factories.user(role=Role.ENGAGEMENT_OFFICER, email="reopener@test.example")
    story = moderation.reopen(story.id, officer, story.version)
    story = moderation.approve(story.id, officer, story.version)
    db.session.expire_all()
    fed = closing_loop.fed_into(db.session.get(type(story), story.id))
    assert [c.id for c in fed.closures] == [closure.id]


# 7. The pack's dashboard shows whatever was published last, not the latest period ------


def test_the_pack_dashboard_shows_the_latest_period_not_the_latest_correction(ctx):
    """measurements.latest_published orders by published_at: correcting an old year
    after the new year is published puts the old year back on every pack."""
    secretary = _secretary()
    diversity = measurements.indicator_by_slug("leadership_diversity")

    def publish(period, value):
        made = measurements.record(
            diversity.id,
            period,
            MeasurementInput(value=value, rag="amber", rag_reason="Why", source="HR report"),
            actor=secretary,
        )
        return measurements.publish(made.id, version=made.row_version, actor=secretary)

    old = publish(periods.year(2024), "11.8")
    publish(periods.year(2025), "13.6")
    fix = measurements.correct(
        old.id,
        MeasurementInput(
            value="12.1", rag="red", rag_reason="Why", source="HR", correction_reason="Wrong row"
        ),
        actor=secretary,
    )
    measurements.publish(fix.id, version=fix.row_version, actor=secretary)
    meeting = factories.meeting(on=clock.today() + timedelta(days=7))
    content = json.loads(builder.build(meeting.id, actor=SYSTEM).content)
    [section] = [s for s in content["sections"] if s["heading"] == "Indicators"]
    rows = {row[0]: row for block in section["blocks"] for row in block["rows"]}
    assert rows[diversity.text][1:3] == ["2025/26", "13.6%"]


# 8. Periods that have not begun can be measured and published --------------------------


def test_a_period_that_has_not_begun_cannot_be_measured(ctx):
    """record() takes any period; a counted indicator published for a future year is
    fixed at 0 and can only be corrected."""
    secretary = _secretary()
    decisions_influenced = measurements.indicator_by_slug("decisions_influenced")
    future = periods.year(periods.financial_year_of(clock.today()) + 2)
    with pytest.raises(ServiceError):
        measurements.record(
            decisions_influenced.id,
            future,
            MeasurementInput(rag="green", rag_reason="Looks fine"),
            actor=secretary,
        )


# 9. A percentage outside 0-100 is accepted ----------------------------------------------


@pytest.mark.parametrize("typed", ["150", "-3"])
def test_leadership_diversity_is_a_percentage(ctx, typed):
    diversity = measurements.indicator_by_slug("leadership_diversity")
    errors = measurements.problems(
        diversity, MeasurementInput(value=typed, rag="red", rag_reason="Why", source="HR")
    )
    assert "value" in errors


# 10. The date example the page gives is refused, in WTForms' words --------------------


def test_a_decision_date_typed_as_the_page_suggests_is_accepted(client, secretariat):
    """With no date the page says "for example 14 1 2027", but DATE_FORMATS has no
    "%d %m %Y" and DecisionForm has no friendlier_errors, so typing exactly that gets
    WTForms' "Not a valid date value."."""
    response = submit_form(client, "/accountability/decisions/new", {"decided_on": ""})
    suggested = field_error(response, "decided_on")
    example = re.search(r"for example (.+)$", suggested).group(1)
    response = submit_form(client, "/accountability/decisions/new", {"decided_on": example})
    assert field_error(response, "decided_on") is None, field_error(response, "decided_on")


# 11. Demo history misses last financial year when loaded January to March -------------


def test_demo_history_covers_last_financial_year_in_february(ctx):
    """demo_history.load starts at date(today.year - 1, 4, 1): in January-March that is
    the start of the current financial year, so "last year's" report has no stories."""
    from engage import demo_history
    from engage.models import Submission

    factories.working_group("Housing working group")
    factories.working_group("Jobs economy working group")
    today = date(2027, 2, 15)
    assert demo_history.load(today) > 0
    last_year = periods.year(periods.financial_year_of(today) - 1)
    start, end = last_year.utc_bounds()
    count = db.session.scalar(
        select(db.func.count())
        .select_from(Submission)
        .where(Submission.created_at >= start, Submission.created_at < end)
    )
    assert count > 0


# 12. The measurement history table has no caption --------------------------------------


def test_every_table_on_a_measurement_page_has_a_caption(app, client, secretariat):
    with app.app_context():
        secretary = _secretary()
        diversity = measurements.indicator_by_slug("leadership_diversity")
        made = measurements.record(
            diversity.id,
            periods.year(2025),
            MeasurementInput(value="13", rag="amber", rag_reason="Why", source="HR"),
            actor=secretary,
        )
        made = measurements.publish(made.id, version=made.row_version, actor=secretary)
        fix = measurements.correct(
            made.id,
            MeasurementInput(
                value="14", rag="amber", rag_reason="Why", source="HR", correction_reason="Typo"
            ),
            actor=secretary,
        )
        fix_id = fix.id
    soup = page(client.get(f"/accountability/measurements/{fix_id}"))
    tables = soup.find_all("table")
    assert tables
    assert all(t.find("caption") for t in tables)
