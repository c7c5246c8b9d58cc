"""The accountability pages: indicators and measurements, the decisions log with the
stories behind a decision, and "you said, we did" reaching residents and /your-story."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import InfluencedDecision, Measurement, OutboxMessage, Role
from engage.services.accountability import decisions
from engage.services.accountability.decisions import DecisionInput
from tests import factories
from tests.helpers import error_summary, field_error, page, submit_form

STORY = "Our flat on Pennycress Lane has had black mould since March and nobody comes."


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT)


def test_the_menu_leads_to_indicators_and_decisions(client, secretariat):
    hrefs = [a["href"] for a in page(client.get("/staff/")).select(".site-nav a")]
    assert "/accountability/" in hrefs and "/accountability/decisions" in hrefs


def test_every_function_and_indicator_is_listed(client, secretariat):
    soup = page(client.get("/accountability/"))
    assert len(soup.select("h2 a[href^='/accountability/functions/']")) == 6
    assert len(soup.select("a[href^='/accountability/indicators/']")) == 12


def test_recording_keeps_what_was_typed_and_says_what_is_wrong(client, secretariat):
    url = "/accountability/indicators/leadership_diversity/periods/2026/record"
    response = submit_form(
        client, url, {"value": "fourteen", "rag": "green", "rag_reason": "", "source": "HR"}
    )
    assert response.status_code == 200
    assert field_error(response, "value") == "Enter a number, like 12 or 12.5"
    assert "Say why it is this colour" in error_summary(response)
    soup = page(response)
    assert soup.find(id="value")["value"] == "fourteen"
    assert soup.find(id="source").get_text().lstrip("\r\n") == "HR"


def test_record_publish_and_correct_a_measurement(client, app, secretariat):
    url = "/accountability/indicators/leadership_diversity/periods/2026/record"
    response = submit_form(
        client,
        url,
        {
            "value": "14.5",
            "rag": "amber",
            "rag_reason": "Up from 12% but below the 20% aim.",
            "source": "WMCA workforce report 2026, table 3",
            "evidence_links": "https://www.wmca.org.uk/",
        },
    )
    assert response.status_code == 302
    measurement_url = response.headers["Location"]
    shown = page(client.get(measurement_url))
    assert "Draft" in shown.get_text()
    version = shown.find("input", attrs={"name": "version"})["value"]
    publish = measurement_url + "/publish"
    response = submit_form(client, publish, {"version": version}, form_url=measurement_url)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Measurement))
        assert stored.published_at is not None
    # Publishing refreshed the public figures: the trend is there without waiting a night.
    public = page(client.get("/figures/")).get_text(" ", strip=True)
    assert "Increased leadership diversity within WMCA." in public and "14.5" in public
    # The published version can't be edited, even by posting to the edit page.
    edit = submit_form(client, measurement_url + "/edit", {"value": "99"}, form_url=measurement_url)
    assert edit.status_code == 302
    correction = submit_form(
        client,
        measurement_url + "/correct",
        {"value": "15.5", "rag": "amber", "rag_reason": "As before", "source": "Table 3"},
    )
    assert field_error(correction, "correction_reason")
    correction = submit_form(
        client,
        measurement_url + "/correct",
        {
            "value": "15.5",
            "rag": "amber",
            "rag_reason": "As before",
            "source": "Table 3",
            "correction_reason": "Read from the wrong row of table 3.",
        },
    )
    assert correction.status_code == 302
    with app.app_context():
        versions = db.session.scalars(select(Measurement).order_by(Measurement.version)).all()
        assert [(float(m.value), m.published_at is not None) for m in versions] == [
            (14.5, True),
            (15.5, False),
        ]
    trend = page(client.get("/accountability/functions/champion_inclusion"))
    assert "14.50" in trend.get_text() or "14.5" in trend.get_text()
    assert trend.select_one("img.chart-image")


def test_counted_indicator_pages_link_to_their_records(client, secretariat):
    soup = page(client.get("/accountability/indicators/decisions_influenced"))
    assert "counted from the site's records" in soup.get_text()
    link = soup.select_one("a[href*='/records/']")["href"]
    assert client.get(link).status_code == 200
    assert (
        client.get("/accountability/indicators/decisions_influenced/records/2026-Q9").status_code
        == 404
    )
    assert client.get("/accountability/indicators/no_such/records/2026").status_code == 404


def test_log_a_decision_link_its_stories_and_tell_residents(client, app, secretariat, sent_mail):
    with app.app_context():
        group = factories.working_group("Housing working group")
        factories.routing_rule(group, ["housing"])
        story = factories.approved_story(STORY, contact=True, contact_email="resident@example.org")
        digest = factories.digest(group)
        meeting = factories.meeting(held=True)
        story_id, digest_id, meeting_id = story.id, digest.id, meeting.id
    response = submit_form(
        client,
        "/accountability/decisions/new",
        {
            "title": "Damp repairs within 28 days",
            "decided_by": "WMCA Housing and Land Board",
            "decided_on": "2026-11-20",
            "what_changed": "Partner landlords now fix reported damp within 28 days.",
            "significance": "3",
            "meeting_ids": [str(meeting_id)],
            "digest_ids": [str(digest_id)],
        },
    )
    assert response.status_code == 302, error_summary(response)
    stories_url = response.headers["Location"]
    soup = page(client.get(stories_url))
    assert soup.find("input", attrs={"name": "story_ids", "value": str(story_id)})
    assert STORY not in soup.get_text()  # officers' summary only, never the story
    response = submit_form(client, stories_url, {"story_ids": [str(story_id)], "version": "1"})
    assert response.status_code == 302
    with app.app_context():
        decision = db.session.scalar(select(InfluencedDecision))
        assert [s.id for s in decision.stories] == [story_id]
        decision_id = decision.id
    closure_url = f"/accountability/decisions/{decision_id}/you-said-we-did"
    response = submit_form(client, closure_url, {"you_said_en": "", "we_did_en": "x"})
    assert field_error(response, "you_said_en") == "Write what residents told us"
    assert page(response).find(id="we_did_en").get_text().lstrip("\r\n") == "x"
    response = submit_form(
        client,
        closure_url,
        {
            "you_said_en": "Residents told us damp was ignored for months.",
            "we_did_en": "Landlords now fix reported damp within 28 days.",
        },
    )
    assert response.status_code == 302
    decision_page = page(client.get(f"/accountability/decisions/{decision_id}"))
    form = decision_page.select_one("form[action$='/publish']")
    response = submit_form(
        client,
        form["action"],
        {"version": form.find("input", attrs={"name": "version"})["value"]},
        form_url=f"/accountability/decisions/{decision_id}",
    )
    assert response.status_code == 302
    with app.app_context():
        emails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "you_said_we_did")
        ).all()
        assert [m.to_address for m in emails] == ["resident@example.org"]
        assert STORY not in emails[0].body


def test_your_story_shows_what_it_fed_into(client, app):
    from engage.services.accountability import closing_loop

    code = "0K0M-X1PD-9RTB"
    with app.app_context():
        secretary = factories.user(role=Role.SECRETARIAT, email="s@test.example")
        group = factories.working_group("Housing working group")
        factories.routing_rule(group, ["housing"])
        story = factories.approved_story(STORY, code=code)
        decision = decisions.add(
            DecisionInput(
                title="Damp repairs within 28 days",
                decided_by="WMCA Housing and Land Board",
                decided_on=date(2026, 11, 20),
                what_changed="Faster repairs.",
                significance="3",
            ),
            actor=secretary,
        )
        decisions.set_stories(decision.id, [story.id], version=1, actor=secretary)
        closure = closing_loop.write(
            decision.id,
            closing_loop.ClosureInput(
                texts={
                    "en": ("Damp was ignored.", "Repairs now come within 28 days."),
                    "pl": ("Wilgoć była ignorowana.", "Naprawy są teraz w ciągu 28 dni."),
                }
            ),
            actor=secretary,
        )
        closing_loop.publish(closure.id, version=closure.version, actor=secretary)
    response = submit_form(client, "/your-story", {"code": code})
    assert response.status_code == 302
    text = page(client.get("/your-story/status")).get_text(" ", strip=True)
    assert "Housing working group" in text
    assert "Damp repairs within 28 days" in text
    assert "Repairs now come within 28 days." in text
    polish = page(client.get("/your-story/status?lang=pl")).get_text(" ", strip=True)
    assert "Naprawy są teraz w ciągu 28 dni." in polish
