"""Read access to reference data."""

from sqlalchemy import select

from engage.extensions import db
from engage.models import LocalAuthority, Theme


def local_authorities() -> list[LocalAuthority]:
    """Active authorities, constituent ones first."""
    return list(
        db.session.scalars(
            select(LocalAuthority)
            .where(LocalAuthority.active)
            .order_by(LocalAuthority.constituent.desc(), LocalAuthority.name)
        )
    )


def area_names() -> list[tuple[int, str]]:
    """(id, name) of the active authorities in the order forms list them: all a form's
    options need, without loading whole rows."""
    return [
        (row.id, row.name)
        for row in db.session.execute(
            select(LocalAuthority.id, LocalAuthority.name)
            .where(LocalAuthority.active)
            .order_by(LocalAuthority.constituent.desc(), LocalAuthority.name)
        )
    ]


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.active).order_by(Theme.sort_order)))
