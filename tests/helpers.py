"""Helpers for client tests: CSRF tokens, parsed pages, error messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
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


def totp_code(steps_ahead: int = 0) -> str:
    """The authenticator code for the factories' secret, now (or a step ahead)."""
    from tests.factories import TOTP_SECRET

    totp = pyotp.TOTP(TOTP_SECRET)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + steps_ahead)


def sign_in(client: FlaskClient, email: str, password: str | None = None):
    """Sign in through the real forms: the password, then the code if the account has one.

    A code can be used only once, so a second sign-in in the same 30 seconds uses the next
    step's code, as someone waiting for their app would."""
    from tests.factories import PASSWORD

    response = submit_form(client, "/sign-in", {"email": email, "password": password or PASSWORD})
    if response.status_code == 302 and response.headers["Location"] == "/sign-in/code":
        for ahead in (0, 1):
            response = submit_form(client, "/sign-in/code", {"code": totp_code(ahead)})
            if response.status_code == 302:
                break
    return response


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


def open_story_form(client: FlaskClient, age: str = "18_plus") -> TestResponse:
    """Answer the age question as a resident does, then open the story form."""
    answered = submit_form(client, "/tell/age", {"age": age})
    assert answered.status_code == 302, f"age question not accepted ({age})"
    response = client.get("/tell/story")
    assert response.status_code == 200, f"story form did not open (age={age})"
    return response


def age_resident_sessions(app, delta) -> None:
    """Move every resident's session back in time by `delta` (they live on the server)."""
    from engage.extensions import db
    from engage.models import ResidentSession

    with app.app_context():
        for row in db.session.query(ResidentSession):
            row.created_at -= delta
            row.last_seen_at -= delta
        db.session.commit()
