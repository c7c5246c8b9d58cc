"""Security behaviour that holds on every page (OWASP ASVS 3.4, 4.2.2, 7.4, 8.2, 14.4, 14.5)."""

import pytest
from flask import Blueprint

from engage.models import Role
from engage.permissions import public
from engage.security import CONTENT_SECURITY_POLICY
from tests import factories
from tests.helpers import csrf_token, heading, page, sign_in, submit_form

EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Content-Type": "text/html; charset=utf-8",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("url", ["/", "/sign-in", "/no-such-page"])
def test_security_headers_are_set_exactly(client, url):
    response = client.get(url)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, name
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Strict-Transport-Security" not in response.headers  # only behind TLS


def test_policy_forbids_inline_script_and_style():
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_no_page_uses_inline_script_or_style(client):
    for url in ["/", "/sign-in", "/accessibility", "/nothing-here"]:
        soup = page(client.get(url))
        assert all(tag.get("src") for tag in soup.find_all("script")), url
        assert soup.find("style") is None, url
        assert soup.find(attrs={"style": True}) is None, url


def test_hsts_in_production_mode(app, client):
    app.config["HSTS"] = True
    try:
        response = client.get("/")
    finally:
        app.config["HSTS"] = False
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_session_cookie_is_httponly_and_samesite(app, client):
    with app.app_context():
        factories.user(role=Role.ADMIN, email="cookie@test.example")
    response = sign_in(client, "cookie@test.example")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "engage_session" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookie_is_secure_with_host_prefix(monkeypatch, database_url, fresh_app):
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 64)
    monkeypatch.setenv("ENCRYPTION_KEYS", "G6W9pK3p0m1lC4cTq8y3o1S0d2aZ5vQ7r9tB2nX4uE0=")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    production = fresh_app(from_environment=True)
    with production.app_context():
        factories.user(role=Role.ADMIN, email="prod-cookie@test.example")
    client = production.test_client()
    response = sign_in(client, "prod-cookie@test.example")
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "engage_session" in c)
    assert cookie.startswith("__Host-engage_session=")
    attributes = [part.strip() for part in cookie.split(";")]
    assert "Secure" in attributes and "HttpOnly" in attributes and "SameSite=Lax" in attributes
    assert "Path=/" in attributes
    assert not any(a.lower().startswith("domain=") for a in attributes)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/sign-in", data={"email": "a@b.example", "password": "x" * 12})
    assert response.status_code == 400
    assert heading(response) == "There is a problem with your request"
    assert "expired" in page(response).get_text()


def test_sign_out_needs_csrf_and_post(login_as, client):
    login_as(Role.ADMIN)
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/staff/").status_code == 200  # still signed in


def test_trace_is_not_allowed(client):
    assert client.open("/", method="TRACE").status_code == 405


@pytest.mark.parametrize("url", ["/.git/config", "/app.py.bak", "/wsgi.py", "/static/../wsgi.py"])
def test_source_and_repository_files_are_not_served(client, url):
    assert client.get(url).status_code == 404


def test_unknown_page_gets_a_404_in_the_site_layout(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert heading(response) == "Page not found"
    assert page(response).find("a", class_="skip-link") is not None


def test_unexpected_error_shows_a_reference_not_a_traceback(fresh_app):
    # A separate app: routes can't be added to one that has already served requests.
    app = fresh_app()
    broken = Blueprint("broken_for_test", __name__)

    @broken.get("/test-only-explode")
    @public
    def explode():
        raise RuntimeError("secret internals")

    app.register_blueprint(broken)
    response = app.test_client().get("/test-only-explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert heading(response) == "Sorry, there is a problem with the service"
    assert "Traceback" not in body and "secret internals" not in body
    assert page(response).find("strong").get_text() == response.headers["X-Request-ID"][:12]


def test_no_default_credentials_exist_in_a_fresh_database(client):
    for email, password in [("admin@engage.example", "try-engage-locally"), ("admin", "admin")]:
        response = submit_form(client, "/sign-in", {"email": email, "password": password})
        assert response.status_code == 200
        assert "Enter a correct email address and password" in page(response).get_text()


def test_csrf_token_is_on_every_form(client):
    assert csrf_token(client, "/sign-in")


def test_database_errors_never_log_parameters(ctx):
    from engage.extensions import db

    assert db.engine.hide_parameters is True
