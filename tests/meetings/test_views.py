"""The secretariat's meetings pages: wiring, wording, errors beside the fields, what was
typed kept, papers downloaded as attachments."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engage.extensions import db
from engage.models import (
    ActionStatus,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingAction,
    MeetingStatus,
    MembershipRole,
    Paper,
    Role,
)
from tests import factories
from tests.helpers import csrf_token, error_summary, field_error, heading, page, submit_form

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT)


@pytest.fixture
def meeting_id(app):
    with app.app_context():
        return factories.meeting(on=date(2026, 10, 15)).id


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_menu_leads_to_meetings(client, secretariat):
    soup = page(client.get("/staff/"))
    assert "/meetings/" in [a["href"] for a in soup.select(".site-nav a")]


@pytest.mark.parametrize("role", [Role.WORKING_GROUP_MEMBER, Role.ENGAGEMENT_OFFICER])
def test_others_are_refused(app, client, login_as, meeting_id, role):
    login_as(role)
    assert client.get("/meetings/").status_code == 403
    assert client.get(f"/meetings/{meeting_id}").status_code == 403


def test_unknown_ids_are_not_found(client, secretariat):
    for url in (
        "/meetings/999999",
        "/meetings/999999/edit",
        "/meetings/agenda/999999/edit",
        "/meetings/papers/999999",
        "/meetings/actions/999999/update",
        "/meetings/?body=nowhere",
    ):
        assert client.get(url).status_code == 404, url


def test_schedule_a_meeting(app, client, secretariat):
    form = page(client.get("/meetings/new"))
    chosen = form.select_one("#body_id option[selected]")
    assert chosen.get_text() == "Race Equity Taskforce"
    response = submit_form(
        client,
        "/meetings/new",
        {
            "body_id": chosen["value"],
            "meeting_on": "2027-01-14",
            "start_time": "2pm",
            "place": "Council House <Room 1>",
            "online_link": "",
            "status": "scheduled",
        },
    )
    assert response.status_code == 302
    shown = client.get(response.headers["Location"])
    assert heading(shown) == "14 January 2027, 14:00"
    text = page(shown).get_text(" ", strip=True)
    assert "Council House <Room 1>" in text
    assert "No agenda yet." in text
    assert page(shown).find("a", string="Add the first agenda item")
    assert "Scheduled: Race Equity Taskforce, 14 January 2027 at 14:00." in text


def test_errors_show_beside_the_fields_and_keep_what_was_typed(app, client, secretariat):
    with app.app_context():
        body_id = factories.body().id
    typed_place = "  The <annexe> & hall  "
    response = submit_form(
        client,
        "/meetings/new",
        {
            "body_id": str(body_id),
            "meeting_on": "31 February 2027",
            "start_time": "teatime",
            "place": typed_place,
            "online_link": "http://insecure.example.org/meet",
            "status": "scheduled",
        },
    )
    assert response.status_code == 200
    assert heading(response) == "Schedule a meeting"
    assert field_error(response, "meeting_on") == (
        "Enter the date as a real date, for example 14 January 2027"
    )
    assert field_error(response, "start_time") == (
        "Enter the time as hours and minutes, for example 14:00 or 2pm"
    )
    assert "starting with https://" in field_error(response, "online_link")
    assert len(error_summary(response)) == 3
    soup = page(response)
    assert soup.find(id="meeting_on")["value"] == "31 February 2027"
    assert soup.find(id="start_time")["value"] == "teatime"
    assert soup.find(id="place")["value"] == typed_place
    assert soup.find(id="online_link")["value"] == "http://insecure.example.org/meet"
    assert soup.find("input", attrs={"maxlength": True}) is None
    assert count(app, Meeting) == 0


def test_schedule_the_year_previews_then_schedules(app, client, secretariat, meeting_id):
    with app.app_context():
        body_id = factories.body().id
        factories.meeting(on=date(2027, 3, 14), at="10:00")
    query = (
        f"/meetings/year?body_id={body_id}&first_on=2027-01-14&start_time=14:00"
        "&count=4&every=2&unit=months&place=Council+House&online_link="
    )
    preview = client.get(query)
    soup = page(preview)
    listed = [li.get_text(" ", strip=True) for li in soup.select("#preview-heading ~ ul li")]
    assert listed == [
        "14 January 2027 at 14:00",
        "14 May 2027 at 14:00",
        "14 July 2027 at 14:00",
    ]
    left_out = soup.select_one(".panel--warning").get_text(" ", strip=True)
    assert "14 March 2027: Race Equity Taskforce already meets that day, at 10:00" in left_out
    assert count(app, Meeting) == 2  # the preview changed nothing
    form = soup.select_one("main form[method=post]")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    response = client.post("/meetings/year", data=data)
    assert response.status_code == 302
    assert count(app, Meeting) == 5
    shown = page(client.get(response.headers["Location"])).get_text(" ", strip=True)
    assert "Scheduled 3 meetings of Race Equity Taskforce." in shown
    assert "Left out: 14 March 2027" in shown


def test_the_year_preview_shows_errors_beside_fields(client, secretariat):
    response = client.get("/meetings/year?body_id=&first_on=soon&start_time=14:00&count=40")
    assert field_error(response, "body_id") == "Select the body that is meeting"
    assert field_error(response, "first_on") == (
        "Enter the date as a real date, for example 14 January 2027"
    )
    assert field_error(response, "count") == "Enter how many meetings, from 1 to 24"
    assert page(response).find(id="count")["value"] == "40"
    assert page(response).select_one("main form[method=post]") is None


def test_edit_with_a_stale_version_says_so(app, client, secretariat, meeting_id):
    token = csrf_token(client, f"/meetings/{meeting_id}/edit")
    data = {
        "csrf_token": token,
        "meeting_on": "2026-10-15",
        "start_time": "15:00",
        "place": "Elsewhere",
        "online_link": "",
        "status": "scheduled",
        "version": "0",
    }
    response = client.post(f"/meetings/{meeting_id}/edit", data=data, follow_redirects=True)
    assert "Someone else changed this meeting" in page(response).get_text()
    data["version"] = "1"
    response = client.post(f"/meetings/{meeting_id}/edit", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).place == "Elsewhere"


def test_cancel_a_meeting(app, client, secretariat, meeting_id):
    response = submit_form(client, f"/meetings/{meeting_id}/cancel", {"version": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status is MeetingStatus.CANCELLED


def test_agenda_items_added_moved_and_removed(app, client, secretariat, meeting_id):
    url = f"/meetings/{meeting_id}/agenda/new"
    response = submit_form(client, url, {"title": "   ", "description": "Kept <as typed>"})
    assert field_error(response, "title") == "Enter the item's title"
    assert (
        page(response).find(id="description").get_text().removeprefix("\r\n") == "Kept <as typed>"
    )
    for title in ("Welcome", "Housing", "AOB"):
        assert submit_form(client, url, {"title": title}).status_code == 302
    with app.app_context():
        items = {i.title: i.id for i in db.session.scalars(select(AgendaItem))}
    token = csrf_token(client, f"/meetings/{meeting_id}")
    client.post(
        f"/meetings/agenda/{items['AOB']}/move", data={"csrf_token": token, "direction": "up"}
    )
    soup = page(client.get(f"/meetings/{meeting_id}"))
    assert [h.get_text() for h in soup.select("#agenda ~ ol h3")] == [
        "1. Welcome",
        "2. AOB",
        "3. Housing",
    ]
    # The first item cannot move up, the last cannot move down.
    first_forms = soup.select("#agenda ~ ol > li")[0].select("button")
    assert [b["value"] for b in first_forms] == ["down"]
    response = submit_form(
        client,
        f"/meetings/agenda/{items['Housing']}/remove",
        {
            "version": page(client.get(f"/meetings/agenda/{items['Housing']}/remove")).find(
                "input", attrs={"name": "version"}
            )["value"]
        },
    )
    assert response.status_code == 302
    assert count(app, AgendaItem) == 2


def test_papers_upload_download_and_remove(app, client, secretariat, meeting_id):
    with app.app_context():
        item_id = factories.agenda_item(meeting_id, "Terms").id
    url = f"/meetings/agenda/{item_id}/papers/new"
    renamed = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "file": (io.BytesIO(EXE), "budget.pdf"),
            "title": "Budget <draft>",
        },
    )
    assert renamed.status_code == 200
    assert field_error(renamed, "file").startswith(
        "This file's name ends in .pdf, but it is not a PDF."
    )
    assert page(renamed).find(id="title")["value"] == "Budget <draft>"
    assert count(app, Paper) == 0

    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "file": (io.BytesIO(factories.PDF), "Budget <2027> & plan.pdf"),
            "title": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        paper_id = db.session.scalar(select(Paper.id))
    soup = page(client.get(f"/meetings/{meeting_id}"))
    assert (
        "Budget <2027> & plan"
        in soup.select_one(f'a[href="/meetings/papers/{paper_id}"]').get_text()
    )
    download = client.get(f"/meetings/papers/{paper_id}")
    assert download.status_code == 200
    assert download.data == factories.PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="Budget 2027 plan.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert submit_form(client, f"/meetings/papers/{paper_id}/remove", {}).status_code == 302
    assert count(app, Paper) == 0


def test_a_paper_over_the_limit_is_refused_in_words(app, client, secretariat, meeting_id):
    with app.app_context():
        item_id = factories.agenda_item(meeting_id, "Terms").id
    url = f"/meetings/agenda/{item_id}/papers/new"
    big = factories.PDF + b"0" * (11 * 1024 * 1024)
    # Encoded here, in memory: the test client would spool so large a body to a file
    # it never closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client, url),
            "file": FileStorage(io.BytesIO(big), filename="big.pdf"),
        }
    )
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert field_error(response, "file") == "The file is 11.0 MB. Upload a file of 10 MB or less"


def test_attendance_with_a_substitute_and_quorum(app, client, secretariat):
    with app.app_context():
        chair = factories.membership(role=MembershipRole.CHAIR, name="Chair Person")
        rep = factories.membership(
            role=MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            name="Rep Birmingham",
            authority_name="Birmingham",
        )
        factories.membership(
            role=MembershipRole.SUBSTITUTE, name="Sub Birmingham", substitute_for_id=rep.id
        )
        other = factories.membership(name="Amina Yusuf")
        meeting_id = factories.meeting(on=date(2026, 10, 15)).id
        ids = (chair.id, rep.id, other.id)
    url = f"/meetings/{meeting_id}/attendance"
    soup = page(client.get(url))
    labels = [label.get_text() for label in soup.select(f"#seat-{rep.id} ~ * label, label")]
    assert "Substitute attended (Sub Birmingham)" in labels
    assert soup.find(id=f"seat-{other.id}-1").get("value") == "apologies"  # no substitute
    missing = submit_form(client, url, {f"seat-{ids[0]}": "present"})
    assert field_error(missing, f"seat-{ids[1]}") == "Select whether Rep Birmingham attended"
    assert page(missing).find(id=f"seat-{ids[0]}-0").has_attr("checked")  # kept
    response = submit_form(
        client,
        url,
        {
            f"seat-{ids[0]}": "apologies",
            f"seat-{ids[1]}": "substitute",
            f"seat-{ids[2]}": "present",
        },
    )
    assert response.status_code == 302
    shown = page(client.get(f"/meetings/{meeting_id}")).get_text(" ", strip=True)
    assert "Quorate: 2 seats filled, 2 needed" in shown
    assert "Substitute attended: Sub Birmingham" in shown
    assert count(app, Attendance) == 3


def test_minutes_decisions_and_actions(app, client, secretariat, meeting_id):
    over = "x" * 100_001
    response = submit_form(
        client, f"/meetings/{meeting_id}/minutes", {"minutes": over, "version": "1"}
    )
    assert field_error(response, "minutes") == (
        "Use 100,000 characters or fewer. You have 1 character too many."
    )
    assert page(response).find(id="minutes").get_text().removeprefix("\r\n") == over
    assert (
        submit_form(
            client, f"/meetings/{meeting_id}/minutes", {"minutes": "Present: <all>", "version": "1"}
        ).status_code
        == 302
    )
    assert (
        submit_form(
            client,
            f"/meetings/{meeting_id}/decisions/new",
            {"text": "Agreed the plan", "agenda_item_id": ""},
        ).status_code
        == 302
    )
    refused = submit_form(
        client,
        f"/meetings/{meeting_id}/actions/new",
        {"description": "Write to <them>", "owner": "", "due_on": "2026-01-01"},
    )
    assert field_error(refused, "owner") == "Enter who will do it"
    assert "on or after the day of the meeting" in field_error(refused, "due_on")
    assert page(refused).find(id="description").get_text().removeprefix("\r\n") == "Write to <them>"
    assert (
        submit_form(
            client,
            f"/meetings/{meeting_id}/actions/new",
            {"description": "Write to <them>", "owner": "Sam", "due_on": "2026-10-30"},
        ).status_code
        == 302
    )
    text = page(client.get(f"/meetings/{meeting_id}")).get_text(" ", strip=True)
    assert "Present: <all>" in text and "Agreed the plan" in text
    assert "Write to <them>" in text and "Overdue" not in text

    with app.app_context():
        later_id = factories.meeting(on=date(2026, 11, 12)).id
        action_id = db.session.scalar(select(MeetingAction.id))
    carried = page(client.get(f"/meetings/{later_id}"))
    assert (
        "Write to <them>" in carried.select_one("#carried-caption").find_parent("table").get_text()
    )
    assert "Overdue" in carried.get_text()
    update_url = f"/meetings/actions/{action_id}/update?from={later_id}"
    response = submit_form(
        client,
        update_url,
        {"status": "done", "note": "Sent", "meeting_id": str(later_id), "version": "1"},
    )
    assert response.headers["Location"].startswith(f"/meetings/{later_id}")
    with app.app_context():
        action = db.session.get(MeetingAction, action_id)
        assert (action.status, action.closed_on) == (ActionStatus.DONE, date(2026, 11, 12))
    stale = submit_form(
        client, update_url, {"status": "open", "note": "", "meeting_id": "", "version": "1"}
    )
    assert (
        "Someone else updated this action" in page(client.get(stale.headers["Location"])).get_text()
    )


def test_forward_plan_and_attendance_rates(app, client, secretariat):
    with app.app_context():
        soon = factories.meeting(on=date(2027, 1, 14))
        factories.agenda_item(soon.id, "Welcome")
        factories.membership(name="Amina Yusuf")
    soup = page(client.get("/meetings/"))
    row = soup.select_one("#plan-heading ~ div table tbody tr").get_text(" ", strip=True)
    assert "14 January 2027, 14:00" in row and "1 item" in row and "Not published" in row
    rates = client.get("/meetings/attendance-rates")
    assert rates.status_code == 200
    assert "0 meetings of Race Equity Taskforce held" in page(rates).get_text(" ", strip=True)
    wrong = client.get(
        "/meetings/attendance-rates?body=taskforce&from_on=2026-12-01&to_on=2026-01-01"
    )
    assert field_error(wrong, "to_on") == "The end date must be on or after the start date"


def test_minutes_from_a_stale_page_are_kept_to_copy(app, client, secretariat, meeting_id):
    url = f"/meetings/{meeting_id}/minutes"
    assert submit_form(client, url, {"minutes": "First draft", "version": "1"}).status_code == 302
    with app.app_context():
        factories.agenda_item(meeting_id)  # not a change to the meeting itself
    stale = submit_form(client, url, {"minutes": "My <own> words", "version": "1"})
    assert stale.status_code == 200
    soup = page(stale)
    assert soup.find(id="minutes").get_text().removeprefix("\r\n") == "My <own> words"
    assert "Someone else changed this meeting" in soup.get_text()
    assert "First draft" in soup.select_one(".story-original").get_text()
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).minutes == "First draft"
    # The form now carries the current version: sending again saves.
    version = soup.find("input", attrs={"name": "version"})["value"]
    assert (
        submit_form(client, url, {"minutes": "My <own> words", "version": version}).status_code
        == 302
    )


def test_the_secretariat_sets_a_bodys_quorum_and_bad_input_is_kept(app, client, login_as):
    from engage.models import Body

    with app.app_context():
        taskforce = db.session.scalar(select(Body).where(Body.slug == "taskforce"))
        body_id = taskforce.id
    login_as(Role.SECRETARIAT)
    url = f"/meetings/bodies/{body_id}/quorum"
    response = submit_form(client, url, {"quorum": "eight"})
    assert response.status_code == 200
    assert "Enter how many seats make a meeting quorate" in " ".join(error_summary(response))
    assert 'value="eight"' in response.get_data(as_text=True)
    response = submit_form(client, url, {"quorum": "8"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Body, body_id).quorum == 8
    submit_form(client, url, {"quorum": ""})
    with app.app_context():
        assert db.session.get(Body, body_id).quorum is None
