"""A resident's browser holding their story open: after telling it (to show the code and
ask the equality questions) or after coming back with the code.

The browser's cookie holds only a random token; this row, found by the token's SHA-256,
holds what it opens. Ending the row (forget, withdrawal, the time running out) ends it
for every copy of the cookie, which a signed cookie alone could not do.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.models.base import Base, utcnow
from engage.models.types import UTCDateTime, enum_column


class ResidentSessionPurpose(enum.Enum):
    INTAKE = "intake"  # the story was just told here
    RECEIPT = "receipt"  # the reference code was entered here


class ResidentSession(Base):
    __tablename__ = "resident_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[ResidentSessionPurpose] = mapped_column(
        enum_column(ResidentSessionPurpose, "resident_session_purpose")
    )
    # The reference code, encrypted, while the thank-you page may still show it.
    code_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
