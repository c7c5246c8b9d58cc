"""Helpers for client tests: CSRF tokens, parsed pages, error messages."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def page(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"no CSRF token on {url} (status {response.status_code})"
    return field["value"]


def submit_form(client: FlaskClient, url: str, data: dict, *, form_url: str | None = None):
    """GET the page for its CSRF token, then POST the data as a browser would."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data})


def error_summary(response: TestResponse) -> list[str]:
    summary = page(response).select_one(".error-summary")
    return [li.get_text(" ", strip=True) for li in summary.select("li")] if summary else []


def field_error(response: TestResponse, field_id: str) -> str | None:
    error = page(response).find(id=f"{field_id}-error")
    if error is None:
        return None
    return error.get_text(" ", strip=True).removeprefix("Error:").strip()


def heading(response: TestResponse) -> str:
    return page(response).find("h1").get_text(" ", strip=True)
