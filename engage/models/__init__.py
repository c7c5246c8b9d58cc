"""All models, imported here so Alembic and the app see the whole schema."""

from engage.models.base import Base
from engage.models.bodies import Body, BodyKind, Membership, MembershipRole, Person
from engage.models.reference import (
    EthnicGroup,
    Indicator,
    LocalAuthority,
    TaskforceFunction,
    Theme,
)
from engage.models.users import Role, User

__all__ = [
    "Base",
    "Body",
    "BodyKind",
    "EthnicGroup",
    "Indicator",
    "LocalAuthority",
    "Membership",
    "MembershipRole",
    "Person",
    "Role",
    "TaskforceFunction",
    "Theme",
    "User",
]
