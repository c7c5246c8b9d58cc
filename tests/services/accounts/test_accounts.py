import pytest

from engage.models import Role
from engage.services.accounts import accounts
from engage.services.common.transaction import ServiceError


def test_create_user_stores_a_normalised_email_and_a_hash(ctx):
    user = accounts.create_user(
        email=" Chair@Example.ORG ",
        display_name="Chair",
        password="a long memorable phrase",
        role=Role.SECRETARIAT,
    )
    assert user.email == "chair@example.org"
    assert user.password_hash.startswith("$argon2id$")


def test_create_user_refuses_bad_input_with_field_messages(ctx):
    with pytest.raises(ServiceError) as refused:
        accounts.create_user(
            email="not-an-email", display_name=" ", password="short", role=Role.ADMIN
        )
    assert set(refused.value.errors) == {"email"}
    with pytest.raises(ServiceError) as refused:
        accounts.create_user(
            email="a@example.org", display_name=" ", password="short", role=Role.ADMIN
        )
    assert set(refused.value.errors) == {"display_name", "password"}


def test_duplicate_email_is_refused(ctx):
    accounts.create_user(
        email="a@example.org", display_name="A", password="a long memorable phrase", role=Role.ADMIN
    )
    with pytest.raises(ServiceError) as refused:
        accounts.create_user(
            email="A@example.org", display_name="B", password="another long phrase", role=Role.ADMIN
        )
    assert refused.value.errors == {"email": "An account with this email address already exists"}


def test_session_id_must_carry_the_current_nonce(ctx):
    user = accounts.create_user(
        email="a@example.org", display_name="A", password="a long memorable phrase", role=Role.ADMIN
    )
    session_id = user.get_id()
    assert accounts.load_user_by_session_id(session_id) == user
    accounts.end_all_sessions(user)
    assert accounts.load_user_by_session_id(session_id) is None
    assert accounts.load_user_by_session_id(user.get_id()) == user
    assert accounts.load_user_by_session_id("garbage") is None
    assert accounts.load_user_by_session_id(f"{user.id}:") is None
