"""Reference data: themes, areas, census ethnic groups, functions and indicators.

Seeded by migration 0002 from the design notes and the 2025 terms of reference;
editable by admins afterwards.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LocalAuthority(Base):
    __tablename__ = "local_authorities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # ONS GSS code, for example E08000025 for Birmingham.
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    constituent: Mapped[bool] = mapped_column(Boolean, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class EthnicGroup(Base):
    """A 2021 census ethnic group for England and Wales (or "prefer not to say")."""

    __tablename__ = "ethnic_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    heading: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(120))
    sort_order: Mapped[int] = mapped_column(Integer)
    # "Other ..." categories invite a free-text description.
    allows_description: Mapped[bool] = mapped_column(Boolean, default=False)


class TaskforceFunction(Base):
    """One of the six functions in the terms of reference."""

    __tablename__ = "taskforce_functions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="function", order_by="Indicator.sort_order"
    )


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("function_id", "sort_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    function_id: Mapped[int] = mapped_column(
        ForeignKey("taskforce_functions.id", ondelete="RESTRICT"), index=True
    )
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    text: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer)

    function: Mapped[TaskforceFunction] = relationship(back_populates="indicators")
