"""The evidence data pages: adding a dataset, uploading versions with every problem said
and what was typed kept, files downloaded exactly as sent, the chart and its table."""

import io
import json

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engage.extensions import db
from engage.models import Indicator, Role
from engage.models.evidence import EvidenceDataset, EvidenceVersion
from tests import factories
from tests.helpers import csrf_token, error_summary, field_error, page

GOOD = (
    b"\xef\xbb\xbfethnic_group,area,period,value,lower,upper,sample_size\r\n"
    b"Indian,West Midlands,=SUM(A1:A9),72.5,70.1,74.9,1200\r\n"
    b"White,West Midlands,<script>alert(1)</script>,76.4,,,\r\n"
)


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT)


@pytest.fixture
def dataset_id(app):
    with app.app_context():
        return factories.evidence_dataset(content=None).id


def versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(EvidenceVersion))


def post_upload(client, dataset_id, content=GOOD, filename="figures.csv", **fields):
    url = f"/evidence/{dataset_id}/versions/new"
    data = {
        "csrf_token": csrf_token(client, url),
        "source": "ONS Annual Population Survey",
        "source_url": "https://www.ons.gov.uk/",
        "licence": "Open Government Licence v3.0",
        "note": "",
        **fields,
    }
    if content is not None:
        data["file"] = FileStorage(io.BytesIO(content), filename=filename)
    # Encoded here, in memory: the test client would spool a large body to a file it
    # never closes.
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_menu_leads_to_evidence_data(client, secretariat):
    soup = page(client.get("/staff/"))
    assert "/evidence/" in [a["href"] for a in soup.select(".site-nav a")]


def test_add_a_dataset_then_upload_its_figures(app, client, secretariat):
    form = page(client.get("/evidence/new"))
    groups = [g["label"] for g in form.select("#indicator_id optgroup")]
    assert groups[2] == "Data driven decisions" and len(groups) == 6
    with app.app_context():
        indicator = db.session.scalar(
            select(Indicator.id).where(Indicator.slug == "equity_data_in_outcomes")
        )
    response = client.post(
        "/evidence/new",
        data={
            "csrf_token": csrf_token(client, "/evidence/new"),
            "title": "Employment rate by ethnic group",
            "measure": "Employment rate, people aged 16 to 64",
            "unit": "%",
            "description": "",
            "indicator_id": str(indicator),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        made = db.session.scalar(select(EvidenceDataset))
        assert made.indicator_id == indicator
    assert response.headers["Location"] == f"/evidence/{made.id}/versions/new"
    assert post_upload(client, made.id).headers["Location"] == f"/evidence/{made.id}"
    shown = page(client.get(f"/evidence/{made.id}"))
    assert "Latest figures (version 1)" in shown.get_text()
    assert shown.select_one("img.chart-image")["src"] == f"/evidence/{made.id}/versions/1/chart.png"


def test_a_dataset_form_keeps_what_was_typed(client, secretariat):
    response = client.post(
        "/evidence/new",
        data={
            "csrf_token": csrf_token(client, "/evidence/new"),
            "title": "",
            "measure": "Attainment <b>at</b> key stage 2",
            "indicator_id": "999999",
        },
    )
    assert response.status_code == 200
    assert field_error(response, "title") == "Enter the title"
    assert field_error(response, "indicator_id") == "Choose an indicator from the list, or none"
    assert page(response).select_one("#measure")["value"] == "Attainment <b>at</b> key stage 2"


def test_a_refused_file_lists_its_problems_and_keeps_the_typed_fields(
    app, client, secretariat, dataset_id
):
    bad = b'ethnic_group,value\nIndian,"12,5"\nMartian,3\n'
    response = post_upload(
        client, dataset_id, content=bad, source="APS <table A09>", note="Second try"
    )
    assert response.status_code == 200
    assert versions(app) == 0
    assert error_summary(response) == [
        "The file has 2 problems, listed under the file box. Correct the file and choose it again."
    ]
    soup = page(response)
    problems = [li.get_text() for li in soup.select("#file-problems li")]
    assert problems == [
        "Row 2: value \u201c12,5\u201d is not a number.",
        "Row 3: ethnic_group \u201cMartian\u201d is not a 2021 census ethnic group, a census "
        "heading or \u201cAll\u201d.",
    ]
    assert "Choose the file again" in soup.select_one("#file-again").get_text()
    described = soup.select_one("#file")["aria-describedby"].split()
    assert {"file-error", "file-problems", "file-again"} <= set(described)
    assert soup.select_one("#source")["value"] == "APS <table A09>"
    assert soup.select_one("#licence")["value"] == "Open Government Licence v3.0"
    assert soup.select_one("#note").get_text().lstrip("\r\n") == "Second try"


def test_a_missing_source_says_so_and_asks_for_the_file_again(app, client, secretariat, dataset_id):
    response = post_upload(client, dataset_id, source="", source_url="javascript:alert(1)")
    assert versions(app) == 0
    assert field_error(response, "source").startswith("Enter the source")
    assert field_error(response, "source_url").startswith("Enter the web address")
    assert page(response).select_one("#file-again") is not None


def test_no_file_chosen(client, secretariat, dataset_id):
    response = post_upload(client, dataset_id, content=None)
    assert field_error(response, "file") == "Choose the CSV file to upload"


def test_wrong_headers_are_listed(client, secretariat, dataset_id):
    response = post_upload(client, dataset_id, content=b"Ethnic group,value,notes\nIndian,1,x\n")
    problems = [li.get_text() for li in page(response).select("#file-problems li")]
    assert (
        problems[0]
        == "Column \u201cEthnic group\u201d should be named exactly \u201cethnic_group\u201d."
    )
    assert "\u201cnotes\u201d" in problems[1]


def test_a_file_too_large_is_refused_in_words(client, secretariat, dataset_id):
    big = b"ethnic_group,value\n" + b"Indian,1\n" * 400_000  # 3.6 MB
    response = post_upload(client, dataset_id, content=big)
    assert response.status_code == 200
    assert field_error(response, "file").startswith("The file is 3.4 MB.")


def test_versions_are_numbered_and_downloaded_exactly_as_sent(app, client, secretariat, dataset_id):
    second = GOOD.replace(b"72.5", b"72.9")
    post_upload(client, dataset_id)
    post_upload(client, dataset_id, content=second, filename="APS 2024.csv")
    assert versions(app) == 2
    first_file = client.get(f"/evidence/{dataset_id}/versions/1.csv")
    assert first_file.data == GOOD
    assert first_file.mimetype == "text/csv"
    disposition = first_file.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "figures (version 1).csv" in disposition
    assert client.get(f"/evidence/{dataset_id}/versions/2.csv").data == second
    shown = page(client.get(f"/evidence/{dataset_id}"))
    rows = [r.select_one("th").get_text() for r in shown.select("#versions-heading ~ div tbody tr")]
    assert rows == ["Version 2", "Version 1"]
    earlier = page(client.get(f"/evidence/{dataset_id}/versions/1"))
    assert "This is an earlier version" in earlier.get_text()
    assert client.get(f"/evidence/{dataset_id}/versions/3").status_code == 404
    assert client.get(f"/evidence/{dataset_id}/versions/3.csv").status_code == 404


def test_the_chart_and_its_table(client, secretariat, dataset_id):
    post_upload(client, dataset_id)
    png = client.get(f"/evidence/{dataset_id}/versions/1/chart.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    response = client.get(f"/evidence/{dataset_id}/versions/1")
    soup = page(response)
    image = soup.select_one("img.chart-image")
    assert "The figures are in the table below" in image["alt"]
    table = soup.select_one("table")
    assert [th.get_text() for th in table.select("thead th")] == [
        "Ethnic group",
        "Area",
        "Period",
        "Value (%)",
        "Lower limit",
        "Upper limit",
        "Sample size",
    ]
    cells = [td.get_text() for td in table.select("tbody tr")[0].select("th, td")]
    assert cells == ["Indian", "West Midlands", "=SUM(A1:A9)", "72.5", "70.1", "74.9", "1,200"]
    text = soup.get_text(" ", strip=True)
    assert "Source: ONS Annual Population Survey" in text
    assert "Licence: Open Government Licence v3.0" in text
    assert soup.select_one(".evidence a[href='https://www.ons.gov.uk/']") is not None


def test_text_from_the_file_is_escaped(client, secretariat, dataset_id):
    post_upload(client, dataset_id)
    html = client.get(f"/evidence/{dataset_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_schema_for_the_secretariat(client, secretariat):
    response = client.get("/evidence/schema.json")
    assert response.mimetype == "application/json"
    schema = json.loads(response.data)
    fields = {f["name"]: f for f in schema["fields"]}
    assert "Indian" in fields["ethnic_group"]["constraints"]["enum"]
    assert "Birmingham" in fields["area"]["constraints"]["enum"]


def test_the_list(client, secretariat, app):
    with app.app_context():
        factories.evidence_dataset("Attainment at key stage 2")
        factories.evidence_dataset("Awaiting figures", content=None)
    soup = page(client.get("/evidence/"))
    titles = [a.get_text() for a in soup.select("tbody th a")]
    assert titles == ["Attainment at key stage 2", "Awaiting figures"]
    assert "No figures yet" in soup.get_text()
    assert soup.select_one("a[href='/evidence/new']") is not None


def test_other_staff_read_but_do_not_upload(app, client, login_as, dataset_id):
    with app.app_context():
        other = factories.evidence_dataset("Read only").id
    login_as(Role.WORKING_GROUP_MEMBER)
    soup = page(client.get("/evidence/"))
    assert soup.select_one("a[href='/evidence/new']") is None
    shown = page(client.get(f"/evidence/{other}"))
    assert shown.select_one(f"a[href='/evidence/{other}/versions/new']") is None
    assert client.get(f"/evidence/{other}/versions/1.csv").status_code == 200
    assert client.get(f"/evidence/{other}/versions/new").status_code == 403
    assert client.get("/evidence/new").status_code == 403


def test_unknown_ids_are_not_found(client, secretariat):
    for url in (
        "/evidence/999999",
        "/evidence/999999/versions/new",
        "/evidence/999999/versions/1",
        "/evidence/999999/versions/1.csv",
        "/evidence/999999/versions/1/chart.png",
    ):
        assert client.get(url).status_code == 404, url
