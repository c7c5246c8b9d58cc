"""The registers and housekeeping pages: who may read and change them, funding typed in
pounds with errors beside the field, stale edits kept, and the secretariat's reminders
on their home page."""

from datetime import date

import pytest
from sqlalchemy import select

from engage import clock
from engage.extensions import db
from engage.models import MembershipRole, RegisterEntry, RegisterKind, Role, TermsReview
from engage.services.accountability import registers
from engage.services.accountability.registers import EntryInput
from tests import factories
from tests.helpers import error_summary, field_error, page, submit_form

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def add(app, kind=RegisterKind.HEIA, title="Bus network redesign", **fields) -> int:
    with app.app_context():
        entry = registers.add_entry(
            kind,
            EntryInput(title=title, occurred_on=fields.pop("on", date(2026, 6, 1)), **fields),
            actor=factories.user(role=Role.ADMIN),
            today=TODAY,
        )
        return entry.id


def test_the_menu_leads_to_the_registers(client, login_as):
    login_as(Role.ENGAGEMENT_OFFICER)
    assert "/registers/" in [a["href"] for a in page(client.get("/staff/")).select(".site-nav a")]


@pytest.mark.parametrize("role", [Role.WORKING_GROUP_MEMBER, Role.ENGAGEMENT_OFFICER])
def test_staff_read_but_only_the_secretariat_changes(app, client, login_as, role):
    entry_id = add(app, RegisterKind.INITIATIVE, "Lunch <club>", funding="2,000")
    login_as(role)
    overview = page(client.get("/registers/"))
    assert "£2,000" in overview.get_text()
    assert "Housekeeping" not in overview.get_text()
    shown = client.get("/registers/initiatives")
    assert shown.status_code == 200
    assert "Lunch <club>" in page(shown).get_text() and "<club>" not in shown.get_data(as_text=True)
    assert "Add an entry" not in page(shown).get_text()
    for url in (
        "/registers/initiatives/new",
        f"/registers/initiatives/{entry_id}/edit",
        "/registers/housekeeping",
        "/registers/housekeeping/terms-review",
    ):
        assert client.get(url).status_code == 403, url


def test_unknown_registers_and_entries_are_not_found(app, client, login_as):
    entry_id = add(app)
    login_as(Role.SECRETARIAT)
    for url in (
        "/registers/best_practice",
        "/registers/other/new",
        f"/registers/initiatives/{entry_id}/edit",  # a HEIA entry, under another register
        "/registers/heia/999999/edit",
    ):
        assert client.get(url).status_code == 404, url


def test_an_initiative_with_funding_typed_in_pounds(app, client, login_as):
    login_as(Role.SECRETARIAT)
    url = "/registers/initiatives/new"
    typed = {
        "title": "Digital skills for Somali women",
        "organisation": "Ladywood Somali Women's Association",
        "occurred_on": "2026-09-14",
        "funding": "twelve thousand",
        "description": "Ten weekly sessions",
        "evidence_links": "https://www.example.org/grant",
    }
    response = submit_form(client, url, typed)
    assert response.status_code == 200
    assert field_error(response, "funding") == registers.FUNDING_PROBLEM
    assert error_summary(response) == [registers.FUNDING_PROBLEM]
    soup = page(response)
    assert soup.find(id="funding")["value"] == "twelve thousand"
    assert soup.find(id="title")["value"] == typed["title"]
    typed["funding"] = "12,500.50"
    response = submit_form(client, url, typed)
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(RegisterEntry))
        assert entry.funding_pence == 1_250_050 and entry.kind is RegisterKind.INITIATIVE
    assert response.headers["Location"] == f"/registers/initiatives#entry-{entry.id}"
    listing = page(client.get("/registers/initiatives"))
    assert "£12,500.50" in listing.find(id=f"entry-{entry.id}").get_text()
    edit = page(client.get(f"/registers/initiatives/{entry.id}/edit"))
    assert edit.find(id="funding")["value"] == "12,500.50"


def test_other_registers_ask_for_no_funding_and_refuse_a_future_date(client, login_as):
    login_as(Role.SECRETARIAT)
    form = page(client.get("/registers/best-practice/new"))
    assert form.find(id="funding") is None
    assert form.find("label", attrs={"for": "title"}).get_text() == "What was shared"
    response = submit_form(
        client, "/registers/best-practice/new", {"title": "Shared", "occurred_on": "2026-11-24"}
    )
    assert field_error(response, "occurred_on") == "The date must be today or in the past"
    response = submit_form(
        client, "/registers/best-practice/new", {"title": "Shared", "occurred_on": "30/02/2026"}
    )
    assert field_error(response, "occurred_on") == (
        "Enter the date as a real date, for example 14 January 2027"
    )


def test_a_stale_edit_keeps_what_was_typed(app, client, login_as):
    entry_id = add(app)
    login_as(Role.SECRETARIAT)
    url = f"/registers/heia/{entry_id}/edit"
    version = page(client.get(url)).find("input", attrs={"name": "version"})["value"]
    with app.app_context():
        registers.change_entry(
            entry_id,
            EntryInput(title="Their title", occurred_on=date(2026, 6, 1)),
            version=int(version),
            actor=factories.user(role=Role.SECRETARIAT),
            today=TODAY,
        )
    mine = {"title": "My title", "occurred_on": "2026-06-02", "version": version}
    response = submit_form(client, url, mine)
    assert "Someone else changed this entry" in " ".join(error_summary(response))
    soup = page(response)
    assert soup.find(id="title")["value"] == "My title"
    assert "Their title" in soup.get_text()
    mine["version"] = soup.find("input", attrs={"name": "version"})["value"]
    assert submit_form(client, url, mine).status_code == 302
    with app.app_context():
        assert db.session.get(RegisterEntry, entry_id).title == "My title"


def test_housekeeping_reminders_and_recording_a_review(app, client, login_as):
    with app.app_context():
        unsigned = factories.membership(
            role=MembershipRole.INDEPENDENT_MEMBER, name="Yusuf Patel", signed=None
        ).id
    login_as(Role.SECRETARIAT)
    home = page(client.get("/staff/")).get_text(" ", strip=True)
    assert "1 reminder" in home and "1 member has not signed" in home
    shown = page(client.get("/registers/housekeeping"))
    text = shown.get_text(" ", strip=True)
    assert "Due on 31 May 2027" in text and "Yusuf Patel" in text
    assert shown.find("a", href=f"/admin/memberships/{unsigned}/edit") is not None
    url = "/registers/housekeeping/terms-review"
    response = submit_form(client, url, {"reviewed_on": "2026-12-01", "note": "Early <look>"})
    assert field_error(response, "reviewed_on") == (
        "The date of the review must be today or in the past"
    )
    assert "Early <look>" in page(response).find(id="note").get_text()
    response = submit_form(client, url, {"reviewed_on": "2026-11-20", "note": "Early <look>"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(TermsReview.note)) == "Early <look>"
    text = page(client.get("/registers/housekeeping")).get_text(" ", strip=True)
    assert "Done on 20 November 2026; next due on 20 November 2027" in text


def test_other_staff_see_no_housekeeping_on_their_home_page(client, login_as):
    login_as(Role.ENGAGEMENT_OFFICER)
    assert "Housekeeping" not in page(client.get("/staff/")).get_text()
