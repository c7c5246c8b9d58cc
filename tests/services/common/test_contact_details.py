"""Postcodes reduced to their district; email addresses and UK phone numbers checked."""

import pytest

from engage.services.common.contact_details import (
    InvalidContactDetail,
    email_address,
    postcode_district,
    uk_phone,
)


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("b66 1aa", "B66"),
        ("B66 1AA", "B66"),
        ("B661AA", "B66"),
        ("  b11   1aa ", "B11"),
        ("SW1A 1AA", "SW1A"),
        ("M1 1AE", "M1"),
        ("CV1 5FB", "CV1"),
        ("WV10 0QP", "WV10"),
    ],
)
def test_a_full_postcode_is_reduced_to_its_district(typed, district):
    assert postcode_district(typed) == district


@pytest.mark.parametrize(
    ("typed", "district"),
    [("b11", "B11"), ("B6", "B6"), (" wv10 ", "WV10"), ("sw1a", "SW1A"), ("DY4", "DY4")],
)
def test_a_district_on_its_own_is_accepted(typed, district):
    assert postcode_district(typed) == district


@pytest.mark.parametrize("typed", ["", "   ", "\t"])
def test_no_postcode_is_none(typed):
    assert postcode_district(typed) is None


@pytest.mark.parametrize(
    "typed",
    [
        "hello",
        "12345",
        "B",
        "66",
        "B66 1AAA",
        "B66 AA1",
        "BBB1",
        "B66-1AA",
        "<script>",
        "B11; DROP TABLE",
    ],
)
def test_anything_else_is_not_a_postcode(typed):
    with pytest.raises(InvalidContactDetail):
        postcode_district(typed)


def test_a_district_never_holds_more_than_four_characters():
    for typed in ["SW1A 1AA", "WV10 0QP", "EC1A 1BB", "b66 1aa"]:
        assert len(postcode_district(typed)) <= 4


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("amina@example.org", "amina@example.org"),
        ("  Amina.Yusuf@Example.ORG ", "amina.yusuf@example.org"),
        ("first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk"),
    ],
)
def test_valid_email_addresses_are_normalised(typed, stored):
    assert email_address(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "not-an-email",
        "name@",
        "@example.org",
        "a@b",
        "two@@example.org",
        "with space@example.org",
        "x@example.org\r\nBcc: victim@example.org",
        "<script>@example.org",
    ],
)
def test_invalid_email_addresses_are_refused(typed):
    with pytest.raises(InvalidContactDetail):
        email_address(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900 982", "+447700900982"),
        ("07700900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("+44 (0)7700 900982", "+447700900982"),
        ("0121 496 0000", "+441214960000"),
        ("(0121) 496-0000", "+441214960000"),
    ],
)
def test_uk_phone_numbers_are_stored_in_international_form(typed, stored):
    assert uk_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12",
        "not a phone",
        "07700 900 982 123 456",
        "+1 202 555 0100",  # a US number
        "+48 22 123 45 67",  # a Polish number
        "<script>alert(1)</script>",
    ],
)
def test_anything_but_a_uk_phone_number_is_refused(typed):
    with pytest.raises(InvalidContactDetail):
        uk_phone(typed)


def test_numbers_too_short_to_ring_from_anywhere_are_refused():
    """A number that could only be dialled locally (no area code) cannot be rung back."""
    accepted = []
    for typed in ["12345", "123456", "0121", "07700", "+44 12345"]:
        try:
            accepted.append((typed, uk_phone(typed)))
        except InvalidContactDetail:
            pass
    assert accepted == []


def test_the_refusal_is_a_value_error_for_callers_that_expect_one():
    assert issubclass(InvalidContactDetail, ValueError)
