"""The commitments pages: who may read and change them, errors beside the fields with
what was typed kept (a stale form too), the filters without JavaScript, and overdue
commitments flagged."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage import clock
from engage.extensions import db
from engage.models import Commitment, CommitmentKind, CommitmentStatus, CommitmentUpdate, Role
from engage.services.accountability import commitments
from engage.services.accountability.commitments import CommitmentInput, UpdateInput
from tests import factories
from tests.helpers import error_summary, field_error, page, submit_form

TODAY = date(2026, 11, 23)
TRICKY = "Fund <script>alert(1)</script> & mentoring"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def add(app, title="Publish ethnicity pay gap data", **fields) -> int:
    with app.app_context():
        made = commitments.add(
            CommitmentInput(
                kind=fields.pop("kind", CommitmentKind.STRATEGIC),
                title=title,
                owner=fields.pop("owner", "WMCA Director of Inclusive Communities"),
                **fields,
            ),
            actor=factories.user(role=Role.ADMIN),
        )
        return made.id


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_menu_leads_to_commitments(client, login_as):
    login_as(Role.WORKING_GROUP_MEMBER)
    assert "/commitments/" in [a["href"] for a in page(client.get("/staff/")).select(".site-nav a")]


@pytest.mark.parametrize("role", [Role.WORKING_GROUP_MEMBER, Role.ENGAGEMENT_OFFICER])
def test_staff_read_but_only_the_secretariat_changes(app, client, login_as, role):
    commitment_id = add(app, TRICKY)
    login_as(role)
    listing = client.get("/commitments/")
    assert listing.status_code == 200
    assert "Add a commitment" not in listing.get_data(as_text=True)
    shown = client.get(f"/commitments/{commitment_id}")
    assert shown.status_code == 200
    assert page(shown).find("h1").get_text() == TRICKY
    assert "<script>alert" not in shown.get_data(as_text=True)
    assert "Record progress" not in shown.get_data(as_text=True)
    for url in ("/commitments/new", f"/commitments/{commitment_id}/edit"):
        assert client.get(url).status_code == 403


def test_unknown_commitments_are_not_found(client, login_as):
    login_as(Role.SECRETARIAT)
    for url in ("/commitments/999999", "/commitments/999999/edit", "/commitments/999999/update"):
        assert client.get(url).status_code == 404


def test_adding_shows_every_problem_and_keeps_what_was_typed(app, client, login_as):
    login_as(Role.SECRETARIAT)
    typed = {
        "kind": "report_recommendation",
        "source": "",
        "reference": "R3",
        "title": TRICKY,
        "description": "Why it matters\r\nto residents",
        "owner": "",
        "due_on": "31/02/2027",
    }
    response = submit_form(client, "/commitments/new", typed)
    assert response.status_code == 200
    assert field_error(response, "source") == "Enter the report the recommendation comes from"
    assert field_error(response, "owner") == "Enter who is responsible for it"
    assert field_error(response, "due_on").startswith("Enter the due date as a real date")
    assert len(error_summary(response)) == 3
    soup = page(response)
    assert soup.find(id="title")["value"] == TRICKY
    assert soup.find(id="reference")["value"] == "R3"
    assert soup.find(id="due_on")["value"] == "31/02/2027"
    assert "Why it matters" in soup.find(id="description").get_text()
    assert soup.select_one("input[name=kind][checked]")["value"] == "report_recommendation"
    assert count(app, Commitment) == 0

    typed.update(source="Golden Decade report", owner="WMCA Chief Executive", due_on="2027-03-31")
    response = submit_form(client, "/commitments/new", typed)
    assert response.status_code == 302
    with app.app_context():
        made = db.session.scalar(select(Commitment))
        assert (made.title, made.due_on) == (TRICKY, date(2027, 3, 31))
        assert response.headers["Location"] == f"/commitments/{made.id}"


def test_recording_progress_builds_the_history(app, client, login_as):
    commitment_id = add(app)
    login_as(Role.SECRETARIAT)
    url = f"/commitments/{commitment_id}/update"
    version = page(client.get(url)).find("input", attrs={"name": "version"})["value"]
    bad = {
        "status": "on_track",
        "note": "Draft <published>",
        "evidence_links": "see minutes",
        "version": version,
    }
    response = submit_form(client, url, bad)
    assert field_error(response, "evidence_links") == commitments.LINK_PROBLEM.format(number=1)
    assert "Draft <published>" in page(response).find(id="note").get_text()
    assert page(response).find(id="evidence_links").get_text().strip() == "see minutes"
    good = {**bad, "evidence_links": "https://www.wmca.org.uk/board/paper.pdf"}
    response = submit_form(client, url, good)
    assert response.status_code == 302
    shown = page(client.get(f"/commitments/{commitment_id}"))
    history = shown.find(id="history").find_parent("section")
    assert "Draft <published>" in history.get_text()
    link = history.find("a", href="https://www.wmca.org.uk/board/paper.pdf")
    assert link is not None and link["rel"] == ["noopener", "noreferrer"]
    assert "On track" in history.get_text()


def test_a_stale_edit_keeps_what_was_typed(app, client, login_as):
    commitment_id = add(app)
    login_as(Role.SECRETARIAT)
    url = f"/commitments/{commitment_id}/edit"
    opened = page(client.get(url))
    version = opened.find("input", attrs={"name": "version"})["value"]
    with app.app_context():  # someone else changes it meanwhile
        found = db.session.get(Commitment, commitment_id)
        commitments.change(
            commitment_id,
            CommitmentInput(kind=found.kind, title="Their title", owner=found.owner),
            version=found.version,
            actor=factories.user(role=Role.SECRETARIAT),
        )
    mine = {
        "kind": "strategic",
        "title": "My title",
        "owner": "WMCA Director of Inclusive Communities",
        "description": "My words",
        "version": version,
    }
    response = submit_form(client, url, mine)
    assert response.status_code == 200
    assert "Someone else changed this commitment" in " ".join(error_summary(response))
    soup = page(response)
    assert soup.find(id="title")["value"] == "My title"
    assert "My words" in soup.find(id="description").get_text()
    assert "Their title" in soup.get_text()  # the commitment as it is now
    # Sending again saves against the version now shown.
    mine["version"] = soup.find("input", attrs={"name": "version"})["value"]
    assert submit_form(client, url, mine).status_code == 302
    with app.app_context():
        assert db.session.get(Commitment, commitment_id).title == "My title"


def test_a_stale_update_keeps_the_note(app, client, login_as):
    commitment_id = add(app)
    login_as(Role.SECRETARIAT)
    url = f"/commitments/{commitment_id}/update"
    version = page(client.get(url)).find("input", attrs={"name": "version"})["value"]
    with app.app_context():
        commitments.add_update(
            commitment_id,
            UpdateInput(status=CommitmentStatus.AT_RISK, note="Budget cut"),
            version=int(version),
            actor=factories.user(role=Role.SECRETARIAT),
            today=TODAY,
        )
    response = submit_form(
        client, url, {"status": "on_track", "note": "My progress note", "version": version}
    )
    assert "Someone else changed this commitment's status" in " ".join(error_summary(response))
    assert "My progress note" in page(response).find(id="note").get_text()
    assert count(app, CommitmentUpdate) == 1


def test_overdue_is_flagged_and_filtered_without_javascript(app, client, login_as):
    late = add(app, "Late one", due_on=TODAY - timedelta(days=1))
    add(app, "Due today", due_on=TODAY)
    done = add(app, "Done one", due_on=TODAY - timedelta(days=40))
    with app.app_context():
        commitments.add_update(
            done,
            UpdateInput(status=CommitmentStatus.IMPLEMENTED, note="Published"),
            version=db.session.get(Commitment, done).version,
            actor=factories.user(role=Role.SECRETARIAT),
            today=TODAY,
        )
    login_as(Role.WORKING_GROUP_MEMBER)
    listing = page(client.get("/commitments/"))
    rows = {
        r.find("th").find("a").get_text(): r.get_text(" ", strip=True)
        for r in listing.select("tbody tr")
    }
    assert "Overdue by 1 day" in rows["Late one"]
    assert "Overdue" not in rows["Due today"] and "Overdue" not in rows["Done one"]
    filtered = page(client.get("/commitments/?overdue=y"))
    assert [a.get_text() for a in filtered.select("tbody th a")] == ["Late one"]
    assert filtered.find(id="overdue").has_attr("checked")
    implemented = page(client.get("/commitments/?status=implemented&kind=strategic"))
    assert [a.get_text() for a in implemented.select("tbody th a")] == ["Done one"]
    open_ones = page(client.get("/commitments/?status=open"))
    assert [a.get_text() for a in open_ones.select("tbody th a")] == ["Late one", "Due today"]
    shown = page(client.get(f"/commitments/{late}"))
    assert "Overdue by 1 day." in shown.select_one(".panel--warning").get_text(" ", strip=True)
    nonsense = client.get("/commitments/?status=nonsense&kind=x")
    assert nonsense.status_code == 200
    assert field_error(nonsense, "status") == "Select one of the options shown"
    assert len(page(nonsense).select("tbody tr")) == 3  # unreadable filters are ignored
