import pytest

from engage import create_app
from engage.config import ConfigError, ProductionConfig, config_from_environment


@pytest.mark.parametrize("secret", [None, "", "dev", "change-me", "short-but-not-empty"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, secret):
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://localhost/engage")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_to_start_without_a_database(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        ProductionConfig()


KEY = "G6W9pK3p0m1lC4cTq8y3o1S0d2aZ5vQ7r9tB2nX4uE0="


def test_production_refuses_to_start_without_an_encryption_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://db.internal/engage")
    monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    with pytest.raises(ConfigError, match="ENCRYPTION_KEYS"):
        ProductionConfig()


def test_encryption_keys_are_read_in_order_current_first(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://db.internal/engage")
    monkeypatch.setenv("ENCRYPTION_KEYS", f" {KEY} , old-key ")
    assert ProductionConfig().ENCRYPTION_KEYS == [KEY, "old-key"]


def test_production_config_is_locked_down(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://db.internal/engage")
    monkeypatch.setenv("ENCRYPTION_KEYS", KEY)
    config = ProductionConfig()
    assert config.DEBUG is False
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_NAME.startswith("__Host-")
    assert config.HSTS is True
    assert config.DEMO_DATA_ALLOWED is False
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://db.internal/engage"


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("ENGAGE_ENV", "staging-ish")
    with pytest.raises(ConfigError, match="ENGAGE_ENV"):
        config_from_environment()


def test_development_defaults_need_no_services(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("engage.config.INSTANCE_DIR", tmp_path)
    config = config_from_environment()
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    # The generated key is kept, so sessions survive a restart.
    assert config_from_environment().SECRET_KEY == config.SECRET_KEY
    assert len(config.SECRET_KEY) >= 32
