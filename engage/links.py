"""Absolute links that go out in email, built in one place for every blueprint."""

from __future__ import annotations

from flask import url_for

from engage.services.accounts import password_links


def set_password_url(user) -> str:
    """The first-password link for a community group's new contact (3 days)."""
    token = password_links.token_for(user, password_links.SET)
    return url_for("auth.set_password", token=token, _external=True)


def reset_password_url(token: str) -> str:
    """A 'forgotten your password' link (an hour)."""
    return url_for("auth.reset_password", token=token, _external=True)
