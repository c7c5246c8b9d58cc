"""Staff two-factor authentication: TOTP codes (RFC 6238), recovery codes and lockout.

Sign-in for staff is two steps: the password, then a code from an authenticator app (or
a single-use recovery code). Only after both does Flask-Login see a signed-in user, so
no staff page can be reached with the password alone (ASVS 4.3.1)."""

from __future__ import annotations

import binascii
import hashlib
import logging
import re
import secrets
import time
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from engage import crypto
from engage.extensions import db
from engage.models import CommunityGroup, RecoveryCode, Role, User
from engage.models.base import utcnow
from engage.services.common import audit, outbox
from engage.services.common.transaction import ServiceError, transactional
from engage.services.stories.receipts import ALPHABET

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # 50 random bits
STEP_SECONDS = 30
CODE_ERROR = "Enter the 6-digit code from your authenticator app, or a recovery code"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


# --- lockout -------------------------------------------------------------------------


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def register_failure(user: User, *, origin=audit.SYSTEM) -> None:
    """Count a failed password or code; lock the account once there are too many in a row.
    Part of the caller's transaction. `origin`: the request's audit.Actor."""
    user.failed_sign_ins += 1
    if user.failed_sign_ins >= current_app.config["LOCKOUT_THRESHOLD"] and not is_locked(user):
        minutes = current_app.config["LOCKOUT_MINUTES"]
        user.locked_until = utcnow() + timedelta(minutes=minutes)
        user.failed_sign_ins = 0
        audit.record_by_holder("account.locked", user, origin)
        # A community group's contact reads it in the language the group registered in.
        with force_locale(_language_of(user)):
            outbox.queue(
                to=user.email,
                subject=_("Your Engage account has been locked for a while"),
                body=_(
                    "There were several wrong attempts to sign in to your Engage account, so "
                    "it is locked for %(minutes)s minutes.\n\nIf this was you, wait and try "
                    "again. If it was not, tell us: someone may know your password.",
                    minutes=minutes,
                ),
                kind="account_locked",
            )
        log.warning("account_locked", extra={"user_id": user.id})


def _language_of(user: User) -> str:
    if user.role is not Role.GROUP_CONTACT:
        return "en"  # staff read English
    language = db.session.scalar(
        select(CommunityGroup.language).where(CommunityGroup.contact_user_id == user.id)
    )
    return language or "en"


def clear_failures(user: User) -> None:
    user.failed_sign_ins = 0
    user.locked_until = None


@transactional
def unlock(user_id: int, *, by: User | None = None) -> User:
    """Lift a lock before it runs out (an administrator, or the CLI)."""
    user = db.session.get(User, user_id)
    clear_failures(user)
    audit.record("account.unlocked", object_type="user", object_id=user.id, actor=by)
    return user


# --- TOTP ----------------------------------------------------------------------------


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, interval=STEP_SECONDS)


def _secret(user: User) -> str:
    """The authenticator secret, decrypted for this use only (stored encrypted)."""
    return crypto.decrypt(user.totp_secret_encrypted) if user.totp_secret_encrypted else ""


def provisioning_uri(user: User) -> str:
    return _totp(_secret(user)).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TWO_FACTOR_ISSUER"]
    )


def qr_svg_data_uri(user: User) -> str:
    """The enrolment QR code as an SVG data URI (allowed by the CSP's img-src)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=5, border=2)


def secret_for_display(user: User) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    secret = _secret(user)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_for_key(key_as_shown: str) -> str:
    """The current code for a key typed as secret_for_display shows it (grouped, any
    case). ValueError if it is not a base32 key."""
    key = "".join(key_as_shown.split()).upper()
    if not key or not re.fullmatch(r"[A-Z2-7]+=*", key):
        raise ValueError("not a base32 key")
    try:
        return pyotp.TOTP(key).now()
    except (binascii.Error, ValueError) as error:
        raise ValueError("not a base32 key") from error


def _claim_step(user: User, step: int) -> bool:
    """Record that the code for `step` has been used, only if no later or equal step has
    been: one conditional UPDATE, so two requests racing with one code can't both pass."""
    moved = db.session.execute(
        update(User)
        .where(User.id == user.id, User.totp_last_step < step)
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved == 1:
        user.totp_last_step = step
        db.session.expire(user, ["totp_last_step"])
    return moved == 1


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step a 6-digit code belongs to, allowing one step of clock drift."""
    now = time.time() if now is None else now
    current = int(now // STEP_SECONDS)
    totp = _totp(secret)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _clean(code: str) -> str:
    """Digits and letters as typed, ASCII only: "492 036", "k7qm-x2pd9" (other scripts'
    digits can't be a code, and compare_digest needs ASCII)."""
    return "".join(ch for ch in code or "" if ch.isascii() and ch.isalnum()).upper()


@transactional
def start_enrolment(user_id: int) -> User:
    """Give an account a new, unconfirmed secret (or keep the one being set up)."""
    user = db.session.get(User, user_id)
    if user.totp_secret_encrypted is None or user.totp_confirmed_at is not None:
        # 160 bits, as RFC 4226 recommends
        user.totp_secret_encrypted = crypto.encrypt(pyotp.random_base32())
        user.totp_confirmed_at = None
    return user


@transactional
def confirm_enrolment(user_id: int, code: str, *, origin=audit.SYSTEM) -> list[str]:
    """Check the first code from the new secret; return fresh recovery codes, shown once."""
    user = db.session.get(User, user_id)
    if user.totp_secret_encrypted is None or user.totp_confirmed_at is not None:
        raise ServiceError({"code": "Start setting up your authenticator app again"})
    if is_locked(user):
        raise ServiceError({"code": locked_message()})
    _require_current_code(user, code, origin, "The code is not right. Check your app and try again")
    user.totp_confirmed_at = utcnow()
    codes = _replace_recovery_codes(user)
    audit.record_by_holder("two_factor.enrolled", user, origin)
    _tell_user(user, "Two-step sign-in was set up on your Engage account")
    return codes


@transactional
def verify(user_id: int, code: str, *, origin=audit.SYSTEM) -> User:
    """The second sign-in step: a TOTP code not used before, or an unused recovery code."""
    return _verify(user_id, code, origin)


@transactional
def confirm_identity(user_id: int, code: str, *, origin=audit.SYSTEM) -> User:
    """A signed-in person gives a fresh code before a sensitive screen."""
    user = _verify(user_id, code, origin)
    audit.record_by_holder("identity.confirmed", user, origin)
    return user


def _verify(user_id: int, code: str, origin) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.two_factor_enrolled:
        raise ServiceError({"code": CODE_ERROR})
    if is_locked(user):
        raise ServiceError({"code": locked_message()})
    cleaned = _clean(code)
    if len(cleaned) == 6 and cleaned.isdigit():
        step = _matching_step(_secret(user), cleaned)
        if step is not None and _claim_step(user, step):
            clear_failures(user)
            return user
    elif len(cleaned) == RECOVERY_CODE_LENGTH and _use_recovery_code(user, cleaned):
        clear_failures(user)
        audit.record_by_holder("two_factor.recovery_code_used", user, origin)
        _tell_user(user, "A recovery code was used to sign in to your Engage account")
        return user
    _refused(user, origin)
    # The failure (and any lock) must be kept even though the step is refused.
    db.session.commit()
    raise ServiceError({"code": locked_message() if is_locked(user) else CODE_ERROR})


def _require_current_code(user: User, code: str, origin, wrong: str) -> None:
    """The authenticator's current code, not used before; otherwise the failure is kept
    (committed, and counted towards the lock) and the code refused with `wrong`."""
    step = _matching_step(_secret(user), _clean(code))
    if step is None or not _claim_step(user, step):
        _refused(user, origin)
        db.session.commit()  # the failure counts even though the step is refused
        raise ServiceError({"code": locked_message() if is_locked(user) else wrong})


def _refused(user: User, origin) -> None:
    """A wrong code: audited, and counted towards the lock."""
    audit.record_by_holder("two_factor.code_refused", user, origin)
    register_failure(user, origin=origin)


def locked_message() -> str:
    minutes = current_app.config["LOCKOUT_MINUTES"]
    return _(
        "There have been too many wrong attempts. Try again in %(minutes)s minutes", minutes=minutes
    )


# --- recovery codes ------------------------------------------------------------------


def _hash(code: str) -> str:
    return hashlib.sha256(code.translate(_CONFUSABLE).encode("ascii")).hexdigest()


def _new_recovery_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def display_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return [display_recovery_code(c) for c in codes]


def _use_recovery_code(user: User, cleaned: str) -> bool:
    # One conditional UPDATE: of two requests racing with the same code, one wins.
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(cleaned),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return used == 1


def recovery_codes_left(user_id: int) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


@transactional
def regenerate_recovery_codes(user_id: int, code: str, *, origin=audit.SYSTEM) -> list[str]:
    """New recovery codes (the old ones stop working); needs a current authenticator code."""
    user = db.session.get(User, user_id)
    if is_locked(user):
        raise ServiceError({"code": locked_message()})
    _require_current_code(user, code, origin, "Enter the 6-digit code from your authenticator app")
    codes = _replace_recovery_codes(user)
    audit.record_by_holder("two_factor.recovery_codes_replaced", user, origin)
    _tell_user(user, "New recovery codes were made for your Engage account")
    return codes


@transactional
def reset(user_id: int, *, by: User | None = None) -> None:
    """An administrator clears a lost authenticator: the user sets up a new one at next
    sign-in. Every session of theirs ends."""
    from engage.models.users import new_session_nonce

    user = db.session.get(User, user_id)
    user.totp_secret_encrypted = None
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    user.session_nonce = new_session_nonce()
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("two_factor.reset", object_type="user", object_id=user.id, actor=by)
    _tell_user(user, "Two-step sign-in was reset on your Engage account")


def _tell_user(user: User, subject: str) -> None:
    """Tell the account holder whenever their sign-in method changes (ASVS 2.5.5)."""
    outbox.queue(
        to=user.email,
        subject=subject,
        body=(
            f"{subject}.\n\nIf this was you, you need do nothing. If it was not, tell your "
            "administrator at once."
        ),
        kind="authenticator_changed",
    )
