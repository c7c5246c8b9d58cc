"""Links that let someone choose a password: the first one for a community group's new
contact (3 days), and "Forgotten your password?" for anyone (1 hour).

A link carries the account's session nonce, signed. Choosing a password changes the
nonce, so the link works once, and every other session of that account ends with it.
A request for a link says the same whether or not the address has an account; links
sent and passwords changed are audited, and the account holder is told of the change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from engage.extensions import db
from engage.models import CommunityGroup, Role, User
from engage.services.accounts import accounts
from engage.services.common import audit, outbox
from engage.services.common.transaction import ServiceError, transactional

log = logging.getLogger(__name__)

SET = "set"
RESET = "reset"
_KINDS = {
    SET: ("engage-set-password", 3 * 24 * 60 * 60),
    RESET: ("engage-reset-password", 60 * 60),
}


def _serializer(kind: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_KINDS[kind][0])


def token_for(user: User, kind: str) -> str:
    return _serializer(kind).dumps({"user": user.id, "nonce": user.session_nonce})


def claim_of(token: str, kind: str) -> tuple[int, str] | None:
    """(user id, nonce) from a link still in date and not yet used, else None."""
    try:
        claim = _serializer(kind).loads(token, max_age=_KINDS[kind][1])
    except BadSignature:
        return None
    if not isinstance(claim, dict):
        return None
    user_id, nonce = claim.get("user"), claim.get("nonce")
    if not isinstance(user_id, int) or not isinstance(nonce, str):
        return None
    return (user_id, nonce) if accounts.password_link_usable(user_id, nonce) else None


def language_of(user: User) -> str:
    """The language an account holder reads email in: a group's, or staff English."""
    if user.role is not Role.GROUP_CONTACT:
        return "en"
    language = db.session.scalar(
        select(CommunityGroup.language).where(CommunityGroup.contact_user_id == user.id)
    )
    return language or "en"


def _queue_reset_email(user: User, link: str, language: str) -> None:
    with force_locale(language):
        outbox.queue(
            to=user.email,
            subject=_("Choose a new password for Engage"),
            body=_(
                "Someone asked to reset the password of your Engage account.\n\n"
                "If it was you, choose a new password with this link. It works once, for "
                "an hour:\n%(link)s\n\n"
                "If it was not you, you need do nothing: your password has not changed.",
                link=outbox.secret_mark("link"),
            ),
            kind="password_reset",
            # The link lets its holder set the password: never stored in the clear.
            secrets={"link": link},
        )


@transactional
def request_reset(
    email: str, *, language: str, link_for: Callable[[str], str], origin=audit.SYSTEM
) -> None:
    """Email a reset link if an active account has this address. The caller tells the
    person the same thing either way, so nobody learns who has an account."""
    user = db.session.scalar(
        select(User).where(User.email == accounts.normalise_email(email), User.active)
    )
    if user is None:
        log.info("password_reset_requested", extra={"user_id": None})
        return
    _queue_reset_email(user, link_for(token_for(user, RESET)), language)
    # Anyone may ask for a link to any address: the actor is the request, not the account.
    audit.record("password.reset_requested", object_type="user", object_id=user.id, actor=origin)
    log.info("password_reset_requested", extra={"user_id": user.id})


@transactional
def send_reset_by_admin(user_id: int, *, by: User, link_for: Callable[[str], str]) -> User:
    """An administrator sends someone a reset link (for example after a phone call)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise ServiceError({"user": "This account can't be given a new password"})
    _queue_reset_email(user, link_for(token_for(user, RESET)), language_of(user))
    audit.record("password.reset_link_sent", object_type="user", object_id=user.id, actor=by)
    log.info("password_reset_link_sent", extra={"user_id": user.id, "by": by.id})
    return user


@transactional
def choose_password(token: str, kind: str, password: str, *, origin=audit.SYSTEM) -> User:
    """Set the password from a link. Every session of the account ends (its nonce
    changes), the link stops working, and the holder is told."""
    claim = claim_of(token, kind)
    if claim is None:
        raise ServiceError({"token": _("This link has expired or has already been used")})
    user = accounts.apply_new_password(*claim, password)
    audit.record_by_holder("password.reset" if kind == RESET else "password.set", user, origin)
    if kind == RESET:
        with force_locale(language_of(user)):
            outbox.queue(
                to=user.email,
                subject=_("Your Engage password was changed"),
                body=_(
                    "The password of your Engage account was changed, and every other "
                    "signed-in session of it was ended.\n\n"
                    "If this was you, you need do nothing. If it was not, tell us at once."
                ),
                kind="password_changed",
            )
    return user
