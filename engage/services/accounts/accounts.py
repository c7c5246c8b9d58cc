"""Accounts: creating them, signing in and ending sessions."""

from __future__ import annotations

import logging

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from engage.extensions import db
from engage.models.base import utcnow
from engage.models.users import Role, User, new_session_nonce
from engage.services.accounts import passwords
from engage.services.common import audit
from engage.services.common.transaction import NotFound, ServiceError, transactional

log = logging.getLogger(__name__)


class AccountLocked(Exception):
    """The right password for an account locked after too many wrong attempts."""

    def __init__(self, until):
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _checked_email(email: str) -> str:
    try:
        # Deliverability needs DNS, which staff set-up must not depend on.
        return normalise_email(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError:
        raise ServiceError(
            {"email": "Enter an email address in the correct format, like name@example.com"}
        ) from None


def get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(user_id)
    return user


def every_account() -> list[User]:
    """Every account, by role and then email address, for administrators."""
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


@transactional
def create_user(
    *, email: str, display_name: str, password: str, role: Role, actor=audit.SYSTEM
) -> User:
    email = _checked_email(email)
    errors: dict[str, str] = {}
    if not display_name.strip():
        errors["display_name"] = "Enter a name"
    problem = passwords.password_problem(password, email=email)
    if problem:
        errors["password"] = problem
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        errors["email"] = "An account with this email address already exists"
    if errors:
        raise ServiceError(errors)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created", actor=actor, object_type="user", object_id=user.id, detail=role.value
    )
    log.info("user_created", extra={"user_id": user.id, "role": role.value})
    return user


@transactional
def authenticate(email: str, password: str, *, origin=audit.SYSTEM) -> User | None:
    """The active user with these credentials, or None. Same cost either way. `origin`:
    where the attempt came from (an audit.Actor with no user yet); every attempt is
    audited, a failure for an unknown address without the address typed."""
    from engage.services.accounts import two_factor

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = passwords.verify_password(user.password_hash if user else None, password)
    attempt = audit.as_actor(origin).acting_as(user)
    if user is not None and two_factor.is_locked(user):
        log.info("sign_in_failed", extra={"user_id": user.id, "reason": "locked"})
        audit.record(
            "sign_in.failed",
            actor=attempt,
            object_type="user",
            object_id=user.id,
            detail="locked",
        )
        if ok and user.active:
            # Only someone who knows the password learns of the lock, and until when;
            # anyone else gets the same answer as a wrong password.
            raise AccountLocked(user.locked_until)
        return None
    if user is None or not ok or not user.active:
        log.info(
            "sign_in_failed",
            extra={"user_id": user.id if user else None, "reason": "bad_credentials"},
        )
        audit.record(
            "sign_in.failed",
            actor=attempt,
            object_type="user" if user else None,
            object_id=user.id if user else None,
            detail="wrong password" if user else "no such account",
        )
        if user is not None and user.active:
            two_factor.register_failure(user, origin=origin)
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if user.needs_two_factor:
        log.info("sign_in_password_accepted", extra={"user_id": user.id})
        audit.record(
            "sign_in.password_accepted", actor=attempt, object_type="user", object_id=user.id
        )
    else:
        two_factor.clear_failures(user)
        user.last_signed_in_at = utcnow()
        log.info("sign_in_succeeded", extra={"user_id": user.id})
        audit.record("sign_in.succeeded", actor=attempt, object_type="user", object_id=user.id)
    return user


@transactional
def complete_sign_in(user_id: int, *, origin=audit.SYSTEM) -> None:
    """Both steps of a staff sign-in done: record it."""
    user = db.session.get(User, user_id)
    user.last_signed_in_at = utcnow()
    log.info("sign_in_succeeded", extra={"user_id": user.id})
    audit.record_by_holder("sign_in.succeeded", user, origin)


@transactional
def end_all_sessions(user: User, *, actor=None) -> None:
    """Invalidate every session of this user, including copies of old cookies (signing
    out ends them all)."""
    user = db.session.get(User, user.id)
    user.session_nonce = new_session_nonce()
    audit.record("signed_out", actor=actor or user, object_type="user", object_id=user.id)
    log.info("sessions_ended", extra={"user_id": user.id})


def load_user_by_session_id(session_id: str) -> User | None:
    """Flask-Login user loader: the id and the current nonce must both match."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_nonce != nonce or not user.active:
        return None
    return user


def apply_new_password(user_id: int, nonce: str, password: str) -> User:
    """Set a password from a single-use link: the link carries the session nonce, which
    changes here, so the link (and any session) stops working afterwards. Part of the
    caller's transaction (engage.services.accounts.password_links)."""
    user = db.session.get(User, user_id)
    if user is None or user.session_nonce != nonce or not user.active:
        raise ServiceError({"token": _l("This link has expired or has already been used")})
    problem = passwords.password_problem(password, email=user.email)
    if problem:
        raise ServiceError({"password": problem})
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.session_nonce = new_session_nonce()
    log.info("password_set", extra={"user_id": user.id})
    return user


def password_link_usable(user_id: int, nonce: str) -> bool:
    """Whether a set-password link has not been used yet (its nonce is still current)."""
    user = db.session.get(User, user_id)
    return user is not None and user.active and user.session_nonce == nonce
