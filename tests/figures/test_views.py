"""The public figures page, its charts and downloads, and "you said, we did": open to
anyone, served from the snapshot alone, and never showing anything personal."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from engage.extensions import db
from engage.services.figures import snapshots
from tests.helpers import page
from tests.services.figures import fixtures

TABLES = [
    "stories-by-quarter",
    "stories-by-area",
    "stories-by-theme",
    "ethnic-group",
    "ethnic-group-detailed",
    "ethnic-group-by-sex",
    "ethnic-group-by-age",
    "ethnic-group-by-area",
    "decisions-by-significance",
    "decisions",
    "you-said-we-did",
    "indicators",
]


@pytest.fixture
def figures(app):
    with app.app_context():
        fixtures.everything()
        fixtures.decision("<script>alert(1)</script> Safer streets")
        snapshots.refresh(fixtures.NOW)


def test_before_the_first_refresh_the_page_says_the_figures_are_coming(client):
    response = client.get("/figures/")
    assert response.status_code == 200
    assert "The figures are being prepared" in response.get_data(as_text=True)
    for url in (
        "/figures/stories-by-area.csv",
        "/figures/stories-by-area.json",
        "/figures/stories-by-area.schema.json",
        "/figures/datapackage.json",
        "/figures/charts/stories-by-area.png",
    ):
        assert client.get(url).status_code == 404, url


def test_anyone_can_read_the_figures(client, figures):
    response = client.get("/figures/")
    assert response.status_code == 200
    html = page(response)
    headings = [h.get_text(strip=True) for h in html.select("main h2")]
    for heading in ("Stories received", "Who told us", "Decisions influenced", "Indicators"):
        assert heading in headings
    text = html.get_text(" ", strip=True)
    assert "Received from 1 April 2025 to 15 January 2027" in text
    assert "Figures produced 15 January 2027" in text
    assert "[c] means the number is not shown: it is fewer than 10" in text
    assert "Bus fares for carers frozen" in text
    assert "Partners said the meetings were clearer." in text


def test_every_chart_has_its_table_and_its_image(client, figures):
    html = page(client.get("/figures/"))
    images = html.select("img.chart-image")
    assert len(images) >= 7
    for image in images:
        assert "The numbers are in the table below it" in image["alt"]
        response = client.get(image["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        figure = image.find_parent("figure")
        assert figure.find_next_sibling("div", class_="table-wrapper") is not None
    assert client.get("/figures/charts/ethnic-group-by-area.png").status_code == 404
    assert client.get("/figures/charts/indicator-nothing.png").status_code == 404


def test_hidden_counts_show_the_marker(client, figures):
    html = page(client.get("/figures/"))
    table = html.find(id="ethnic-group-caption").find_parent("table")
    row = next(tr for tr in table.select("tbody tr") if "Other ethnic group" in tr.get_text())
    cell = row.select("td")[0]
    assert cell.get_text(" ", strip=True) == "[c] not shown"


def test_staff_text_is_escaped(client, figures):
    body = client.get("/figures/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Safer streets" in body


def test_nothing_personal_is_ever_served(client, figures):
    urls = ["/figures/", "/you-said-we-did", "/figures/datapackage.json"]
    for name in TABLES:
        urls += [f"/figures/{name}.csv", f"/figures/{name}.json", f"/figures/{name}.schema.json"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for secret in fixtures.SECRETS:
            assert secret not in body, (url, secret)


def test_downloads_are_open_data(client, figures):
    response = client.get("/figures/stories-by-area.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="stories-by-area.csv"'
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.get_data(as_text=True).startswith("period,produced_at,area,area_label,")
    document = client.get("/figures/stories-by-area.json").get_json()
    assert document["schema"] == "http://localhost/figures/stories-by-area.schema.json"
    assert client.get(document["schema"]).get_json()["primaryKey"] == ["area"]
    package = client.get("/figures/datapackage.json").get_json()
    assert [r["name"] for r in package["resources"]] == TABLES
    for resource in package["resources"]:
        assert client.get(f"/figures/{resource['path']}").status_code == 200
        assert client.get(f"/figures/{resource['schema']}").status_code == 200
    for url in ("/figures/nothing.csv", "/figures/nothing.json", "/figures/nothing.schema.json"):
        assert client.get(url).status_code == 404


def test_the_page_and_downloads_never_count_stories(app, client, figures):
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        client.get("/figures/")
        client.get("/figures/ethnic-group-by-area.csv")
        client.get("/figures/ethnic-group.json")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements and all("figures_snapshots" in s for s in statements), statements
    assert len(statements) <= 3


def test_the_page_speaks_the_readers_language(client, figures):
    response = client.get("/figures/?lang=ur")
    assert response.status_code == 200
    assert page(response).find("html")["lang"] == "ur"


def test_published_reports_are_listed(app, client, figures):
    html = page(client.get("/figures/"))
    section = html.find(id="reports").find_parent("section")
    assert "2025/26" in section.get_text() and "2026/27" not in section.get_text()
    link = section.find("a")
    if "reports.public_report" in app.view_functions:
        assert link["href"] == "/progress-reports/2025"
    else:
        assert link is None


def test_you_said_we_did_by_theme_in_the_readers_language(client, figures):
    response = client.get("/you-said-we-did")
    assert response.status_code == 200
    html = page(response)
    assert [h.get_text(strip=True) for h in html.select("main h2")] == [
        "Transport and connectivity",
        "Other",
    ]
    assert "Fares frozen." in html.get_text() and "Draft did." not in html.get_text()
    polish = page(client.get("/you-said-we-did?lang=pl"))
    said = polish.find("p", string="Bilety drogie.")
    assert said is not None and said["lang"] == "pl"
    # The summary with no Polish words shows in English, marked as English.
    english = polish.find("p", string="Fares cost too much.")
    assert english["lang"] == "en"


def test_you_said_we_did_with_nothing_published(client):
    response = client.get("/you-said-we-did")
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.get_data(as_text=True)


def test_the_home_page_links_to_the_figures(client):
    html = page(client.get("/"))
    hrefs = [a["href"] for a in html.select("a")]
    assert "/figures/" in hrefs and "/you-said-we-did" in hrefs
    footer = [a["href"] for a in html.select("footer a")]
    assert "/figures/" in footer and "/you-said-we-did" in footer


def test_every_download_named_on_the_page_works(client, figures):
    html = page(client.get("/figures/"))
    links = [a["href"] for a in html.find(id="downloads").find_parent("section").select("a")]
    assert len(links) == 3 * len(TABLES) + 1
    for href in links:
        response = client.get(href)
        assert response.status_code == 200, href
        if href.endswith(".json"):
            json.loads(response.get_data(as_text=True))
