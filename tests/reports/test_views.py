"""The annual report's pages: the secretariat drafts, previews and publishes a year's
report; a published one can't be changed through any page; the public read published
reports only."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader

from engage.extensions import db
from engage.models import AnnualReport, Role
from engage.services.common.audit import SYSTEM
from engage.services.reports import drafts, publishing
from tests import factories
from tests.helpers import csrf_token, error_summary, field_error, page, submit_form
from tests.services.reports.helpers import SETTINGS, at, stories


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT)


def _report(app, year: int = 2026, **kw) -> AnnualReport:
    with app.app_context():
        return factories.annual_report(year, **kw)


def _stored(app, year: int = 2026) -> AnnualReport:
    with app.app_context():
        report = drafts.get(year)
        db.session.expunge(report)
        return report


def test_the_list_offers_each_year_and_opens_an_existing_one(app, client, secretariat):
    _report(app, 2025)
    listed = page(client.get("/reports/"))
    assert [a.get_text() for a in listed.select("table a")] == ["2025/26"]
    options = [o["value"] for o in listed.select("select[name=report_year] option")]
    assert options[-1] == "2025" and "2026" in options
    response = submit_form(client, "/reports/new", {"report_year": "2026"}, form_url="/reports/")
    assert response.headers["Location"] == "/reports/2026"
    response = submit_form(client, "/reports/new", {"report_year": "2025"}, form_url="/reports/")
    assert response.headers["Location"] == "/reports/2025"
    assert "already has a report" in client.get("/reports/2025").get_data(as_text=True)
    refused = submit_form(client, "/reports/new", {"report_year": "1999"}, form_url="/reports/")
    assert refused.status_code == 200
    assert error_summary(refused) == ["Select the year the report is for"]


def test_adding_a_section_checks_it_and_keeps_what_was_typed(app, client, secretariat):
    _report(app, sections=())
    url = "/reports/2026/sections/new"
    typed = "Our **first** year <script>alert(1)</script>"
    response = submit_form(client, url, {"heading": "", "markdown": typed, "version": "1"})
    assert response.status_code == 200
    assert field_error(response, "heading") == "Enter a heading"
    assert page(response).find("textarea").get_text().lstrip("\r\n") == typed
    version = page(client.get(url)).find("input", attrs={"name": "version"})["value"]
    response = submit_form(
        client, url, {"heading": "Foreword", "markdown": typed, "version": version}
    )
    assert response.headers["Location"] == "/reports/2026#sections"
    assert [(s.heading, s.markdown) for s in drafts.sections(_stored(app))] == [("Foreword", typed)]


def test_a_stale_form_keeps_what_was_typed_and_says_so(app, client, secretariat):
    _report(app)
    url = "/reports/2026/sections/0/edit"
    form = page(client.get(url))
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    version = form.find("input", attrs={"name": "version"})["value"]
    with app.app_context():  # someone else saves first
        drafts.add_section(2026, "Theirs", "Their words", version=int(version), actor=SYSTEM)
    mine = "My words, typed while they saved"
    response = client.post(
        url,
        data={"csrf_token": token, "heading": "Foreword", "markdown": mine, "version": version},
    )
    assert response.status_code == 200
    assert "Someone else changed this report" in " ".join(error_summary(response))
    assert page(response).find("textarea").get_text().lstrip("\r\n") == mine
    shown = page(response).select_one(".story-original").get_text()
    assert shown == "The Taskforce's **first** year."  # the section as saved now
    new_version = page(response).find("input", attrs={"name": "version"})["value"]
    assert int(new_version) > int(version)
    saved = drafts.sections(_stored(app))
    assert saved[0].markdown == "The Taskforce's **first** year."


def test_sections_are_changed_moved_and_removed(app, client, secretariat):
    _report(app, sections=(("One", "First"), ("Two", "Second")))
    edit = "/reports/2026/sections/1/edit"
    version = page(client.get(edit)).find("input", attrs={"name": "version"})["value"]
    submit_form(client, edit, {"heading": "Two", "markdown": "Changed", "version": version})
    shown = page(client.get("/reports/2026"))
    move = shown.select("form[action='/reports/2026/sections/1/move']")[0]
    data = {i["name"]: i.get("value", "") for i in move.find_all("input")}
    response = client.post("/reports/2026/sections/1/move", data={**data, "direction": "up"})
    assert response.headers["Location"] == "/reports/2026#sections"
    assert [s.heading for s in drafts.sections(_stored(app))] == ["Two", "One"]
    remove = "/reports/2026/sections/0/remove"
    version = page(client.get(remove)).find("input", attrs={"name": "version"})["value"]
    submit_form(client, remove, {"version": version})
    assert [(s.heading, s.markdown) for s in drafts.sections(_stored(app))] == [("One", "First")]
    assert client.get("/reports/2026/sections/5/edit").status_code == 404
    assert client.get("/reports/2031").status_code == 404


def test_the_preview_is_accessible_and_sanitised(app, client, secretariat):
    _report(app, sections=(("Foreword", "Hi <script>alert(1)</script> [x](javascript:y)"),))
    with app.app_context():
        stories(12, at(2026, 6), area="Walsall")
    soup = page(client.get("/reports/2026/preview"))
    assert soup.find("script", string=lambda s: s and "alert" in s) is None
    narrative = soup.select_one(".report-narrative")
    assert narrative.get_text().strip() == "Hi <script>alert(1)</script> [x](javascript:y)"
    assert narrative.find("a") is None
    assert [h.get_text() for h in soup.select("main h1")] == [
        "Race Equity Taskforce annual progress report 2026/27"
    ]
    headings = [h.get_text() for h in soup.select("main h2")]
    assert headings[:3] == ["Contents", "Foreword", "What residents told us"]
    for table in soup.select("main table"):
        assert table.find("caption").get_text().strip()
    for image in soup.select("main img.chart-image"):
        assert image["alt"].endswith("The figures are in the table below it.")
        assert image["src"].startswith("data:image/png;base64,")
    assert "Walsall" in soup.get_text()


def test_a_draft_pdf_is_built_for_the_secretariat(app, client, secretariat):
    _report(app)
    response = client.get("/reports/2026/report.pdf")
    assert response.mimetype == "application/pdf"
    assert "draft-annual-progress-report-2026-27.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.outline[0].title == "Foreword"


def test_publishing_asks_first_then_freezes_the_report(app, client, secretariat):
    _report(app)
    confirm = page(client.get("/reports/2026/publish"))
    assert confirm.find("h1").get_text() == "Publish the report?"
    version = confirm.find("input", attrs={"name": "version"})["value"]
    response = submit_form(client, "/reports/2026/publish", {"version": version})
    assert response.headers["Location"] == "/reports/2026"
    report = _stored(app)
    assert report.published_at is not None and report.pdf
    assert json.loads(report.content)["narrative"][0]["heading"] == "Foreword"
    shown = client.get("/reports/2026").get_data(as_text=True)
    assert "Published" in shown and "/reports/2026/sections/new" not in shown
    assert client.get("/reports/2026/report.pdf").data == report.pdf


def test_a_published_report_cannot_be_changed_through_any_page(app, client, secretariat):
    _report(app, sections=(("One", "First"), ("Two", "Second")), published=True)
    before = _stored(app)
    token = csrf_token(client, "/reports/2026")
    version = str(before.version)
    attempts = {
        "/reports/2026/sections/new": {"heading": "New", "markdown": "Text"},
        "/reports/2026/sections/0/edit": {"heading": "Changed", "markdown": "Text"},
        "/reports/2026/sections/0/move": {"direction": "down"},
        "/reports/2026/sections/0/remove": {},
        "/reports/2026/publish": {},
    }
    for url, data in attempts.items():
        if not url.endswith("/move"):
            opened = client.get(url)
            assert opened.headers["Location"] == "/reports/2026", url
        response = client.post(url, data={"csrf_token": token, "version": version, **data})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/reports/2026"), url
    assert "can&#39;t be changed" in client.get("/reports/2026").get_data(as_text=True)
    after = _stored(app)
    assert (after.narrative, after.content, after.pdf, after.version) == (
        before.narrative,
        before.content,
        before.pdf,
        before.version,
    )


def test_the_public_see_published_reports_only(app, client):
    _report(app, 2025, published=True)
    _report(app, 2026)
    listed = page(client.get("/progress-reports/"))
    assert [a["href"] for a in listed.select("main a")] == ["/progress-reports/2025"]
    assert client.get("/progress-reports/2026").status_code == 404
    assert client.get("/progress-reports/2026.pdf").status_code == 404
    assert client.get("/progress-reports/2031").status_code == 404
    soup = page(client.get("/progress-reports/2025"))
    body = soup.select_one("main div[lang=en]")
    assert body is not None and body["dir"] == "ltr"
    assert "Foreword" in body.get_text()
    pdf = client.get("/progress-reports/2025.pdf")
    assert pdf.mimetype == "application/pdf"
    with app.app_context():
        assert pdf.data == publishing.get_published(2025).pdf
    assert "annual-progress-report-2025-26.pdf" in pdf.headers["Content-Disposition"]


def test_the_public_pages_chrome_is_translated(app, client):
    _report(app, 2025, published=True)
    soup = page(client.get("/progress-reports/2025?lang=pl"))
    assert soup.html["lang"] == "pl"
    assert soup.select_one("main div[lang=en]") is not None


def test_no_story_text_or_contact_details_in_the_published_report(app, client):
    with app.app_context():
        factories.approved_story(
            "Plantedstorytext-zq The landlord ignored us.",
            summary="Plantedsummary-zq",
            contact=True,
            contact_email="plantedcontact-zq@example.org",
            area="Sandwell",
        )
        drafts.start(2026, actor=SYSTEM, today=date(2026, 12, 6))
        publishing.publish(
            2026, version=1, actor=SYSTEM, today=date(2026, 12, 6), settings=SETTINGS
        )
    html = client.get("/progress-reports/2026").get_data(as_text=True)
    pdf = PdfReader(io.BytesIO(client.get("/progress-reports/2026.pdf").data))
    pdf_text = "\n".join(p.extract_text() for p in pdf.pages)
    for planted in ("Plantedstorytext-zq", "Plantedsummary-zq", "plantedcontact-zq"):
        assert planted not in html
        assert planted not in pdf_text
