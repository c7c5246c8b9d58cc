"""Read access to reference data."""

from sqlalchemy import select

from engage.extensions import db
from engage.models import LocalAuthority


def local_authorities() -> list[LocalAuthority]:
    """Active authorities, constituent ones first."""
    return list(
        db.session.scalars(
            select(LocalAuthority)
            .where(LocalAuthority.active)
            .order_by(LocalAuthority.constituent.desc(), LocalAuthority.name)
        )
    )
