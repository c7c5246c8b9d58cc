"""Staff and contact accounts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Integer, String
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

    @property
    def is_active(self) -> bool:  # used by Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
