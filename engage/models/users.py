"""Staff and contact accounts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from engage.models.base import Base, utcnow
from engage.models.types import UTCDateTime, enum_column


class Role(enum.Enum):
    RESIDENT_CONTACT = "resident_contact"
    GROUP_CONTACT = "group_contact"
    ENGAGEMENT_OFFICER = "engagement_officer"
    WORKING_GROUP_MEMBER = "working_group_member"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.RESIDENT_CONTACT: "Resident contact",
    Role.GROUP_CONTACT: "Community group contact",
    Role.ENGAGEMENT_OFFICER: "Engagement officer",
    Role.WORKING_GROUP_MEMBER: "Working group member",
    Role.SECRETARIAT: "Secretariat",
    Role.ADMIN: "Administrator",
}


# Who does what: the one place the roles are grouped. Access rules (engage.permissions)
# and so the navigation (engage.navigation) are built from these.
STAFF_ROLES = frozenset(
    {Role.ENGAGEMENT_OFFICER, Role.WORKING_GROUP_MEMBER, Role.SECRETARIAT, Role.ADMIN}
)
# Engagement officers moderate stories and look after community groups.
OFFICER_ROLES = frozenset({Role.ENGAGEMENT_OFFICER, Role.ADMIN})
# The secretariat keeps the register of members.
SECRETARIAT_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})
# Staff see residents' stories: they sign in with a password and a code (ASVS 4.3.1).
TWO_FACTOR_ROLES = STAFF_ROLES


def new_session_nonce() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the session identifier: rotating it ends every session of this user
    # server-side, which a signed cookie alone cannot do (ASVS 3.3.1).
    session_nonce: Mapped[str] = mapped_column(String(64), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Two-factor authentication (TOTP, RFC 6238). The secret is set when enrolment starts
    # and only counts once a code from it has been checked (totp_confirmed_at). Stored
    # encrypted (engage.crypto); only the two-factor service reads it.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last 30-second time step accepted: a code can't be used twice (ASVS 2.8.4).
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    # Consecutive failed sign-in steps (password or code); too many locks the account.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Working group members: digests by email as well as in the site, or in the site only.
    digests_by_email: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    @property
    def is_active(self) -> bool:  # used by Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def needs_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES

    @property
    def two_factor_enrolled(self) -> bool:
        return self.totp_secret_encrypted is not None and self.totp_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class RecoveryCode(Base):
    """A single-use code for when the authenticator is lost. Only a SHA-256 is kept:
    the codes are random (50 bits), so a fast hash is enough."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
