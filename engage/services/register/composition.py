"""Does the Taskforce's membership match its terms of reference on a given day?

Terms (2025): an independent chair; 12 independent members; 7 public service
representatives, a senior officer and a named substitute from each constituent
local authority. Members sign a volunteers agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engage.clock import format_date
from engage.extensions import db
from engage.models import Body, BodyKind, LocalAuthority, Membership, MembershipRole

INDEPENDENT_MEMBERS_REQUIRED = 12
ENDING_SOON = timedelta(days=90)
AGREEMENT_ROLES = frozenset(
    {
        MembershipRole.CHAIR,
        MembershipRole.DEPUTY_CHAIR,
        MembershipRole.INDEPENDENT_MEMBER,
        MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
        MembershipRole.SUBSTITUTE,
    }
)


@dataclass
class AuthoritySeat:
    authority: LocalAuthority
    representative: Membership | None
    substitute: Membership | None

    @property
    def complete(self) -> bool:
        return self.representative is not None and self.substitute is not None


@dataclass
class Composition:
    on: date
    chairs: list[Membership]
    deputy_chairs: list[Membership]
    independent_members: list[Membership]
    seats: list[AuthoritySeat]
    lapsed: list[Membership]
    ending_soon: list[Membership]
    unsigned: list[Membership]
    gaps: list[str] = field(default_factory=list)

    @property
    def matches_terms(self) -> bool:
        return not self.gaps

    @property
    def independent_vacancies(self) -> int:
        return max(0, INDEPENDENT_MEMBERS_REQUIRED - len(self.independent_members))


def taskforce_composition(body: Body, *, on: date) -> Composition:
    if body.kind is not BodyKind.TASKFORCE:
        raise ValueError("composition rules apply to the Taskforce only")
    all_rows = db.session.scalars(
        select(Membership)
        .where(Membership.body_id == body.id)
        .options(joinedload(Membership.person), joinedload(Membership.local_authority))
    ).all()
    current = [m for m in all_rows if m.is_current(on)]

    def holding(role: MembershipRole) -> list[Membership]:
        return [m for m in current if m.role is role]

    authorities = db.session.scalars(
        select(LocalAuthority)
        .where(LocalAuthority.constituent, LocalAuthority.active)
        .order_by(LocalAuthority.name)
    ).all()
    seats = [_seat(a, holding) for a in authorities]

    composition = Composition(
        on=on,
        chairs=holding(MembershipRole.CHAIR),
        deputy_chairs=holding(MembershipRole.DEPUTY_CHAIR),
        independent_members=holding(MembershipRole.INDEPENDENT_MEMBER),
        seats=seats,
        lapsed=[m for m in all_rows if m.has_lapsed(on)],
        ending_soon=[
            m for m in current if m.last_day() is not None and m.last_day() <= on + ENDING_SOON
        ],
        unsigned=[
            m
            for m in current
            if m.role in AGREEMENT_ROLES and m.volunteers_agreement_signed_on is None
        ],
    )
    composition.gaps = _gaps(composition)
    return composition


def _seat(authority: LocalAuthority, holding) -> AuthoritySeat:
    reps = [
        m
        for m in holding(MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE)
        if m.local_authority_id == authority.id
    ]
    rep = reps[0] if reps else None
    subs = [
        m
        for m in holding(MembershipRole.SUBSTITUTE)
        if m.local_authority_id == authority.id and (rep is None or m.substitute_for_id == rep.id)
    ]
    return AuthoritySeat(
        authority=authority, representative=rep, substitute=subs[0] if subs else None
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _gaps(c: Composition) -> list[str]:
    gaps = []
    if not c.chairs:
        gaps.append("There is no chair")
    elif len(c.chairs) > 1:
        gaps.append(f"There are {len(c.chairs)} chairs; the terms allow one")
    count = len(c.independent_members)
    if count < INDEPENDENT_MEMBERS_REQUIRED:
        gaps.append(
            f"{_plural(c.independent_vacancies, 'independent member place')} vacant "
            f"({count} of {INDEPENDENT_MEMBERS_REQUIRED})"
        )
    elif count > INDEPENDENT_MEMBERS_REQUIRED:
        gaps.append(f"{count} independent members; the terms set {INDEPENDENT_MEMBERS_REQUIRED}")
    for seat in c.seats:
        if seat.representative is None:
            gaps.append(f"{seat.authority.name} has no public service representative")
        elif seat.substitute is None:
            gaps.append(f"{seat.authority.name} has no named substitute")
    if c.lapsed:
        gaps.append(
            f"{_plural(len(c.lapsed), 'membership')} past the end of term and not yet ended"
        )
    if c.unsigned:
        gaps.append(f"{_plural(len(c.unsigned), 'member')} without a signed volunteers agreement")
    return gaps


def membership_flags(m: Membership, *, on: date) -> list[tuple[str, str]]:
    """Short status labels for one row of the register, with a style for each."""
    flags: list[tuple[str, str]] = []
    if m.ended_on is not None and m.ended_on < on:
        return [(f"Ended {format_date(m.ended_on)}", "grey")]
    if m.ended_on is not None:
        flags.append((f"Leaves after {format_date(m.ended_on)}", "yellow"))
    elif m.has_lapsed(on):
        flags.append(("Term over, not yet ended", "red"))
    elif m.term_start > on:
        flags.append(("Starts later", "blue"))
    elif m.last_day() is not None and m.last_day() <= on + ENDING_SOON:
        flags.append(("Term ends soon", "yellow"))
    if m.role in AGREEMENT_ROLES and m.volunteers_agreement_signed_on is None:
        flags.append(("Agreement not signed", "red"))
    if not flags:
        flags.append(("Current", "green"))
    return flags
