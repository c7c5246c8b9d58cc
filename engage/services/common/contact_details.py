"""Checking and normalising postcodes, email addresses and UK phone numbers."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


class InvalidContactDetail(ValueError):
    pass


def postcode_district(value: str) -> str | None:
    """The outward code ("B11") of a full postcode or of a district typed alone.

    Only the district is ever kept: a full postcode can point at a handful of homes."""
    compact = "".join(value.split()).upper()
    if not compact:
        return None
    full = _FULL.match(compact)
    if full:
        return full.group(1)
    if _OUTWARD.match(compact):
        return compact
    raise InvalidContactDetail(value)


def email_address(value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidContactDetail(value) from None


def uk_phone(value: str) -> str:
    """A UK number in international format (+447700900123)."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise InvalidContactDetail(value) from None
    # UK numbers have 9 or 10 digits after the 0; anything shorter can't be rung back.
    # (is_valid_number would refuse Ofcom's drama ranges, which tests and demos use.)
    significant = phonenumbers.national_significant_number(number)
    if (
        number.country_code != 44
        or len(significant) not in (9, 10)
        or not phonenumbers.is_possible_number(number)
    ):
        raise InvalidContactDetail(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
