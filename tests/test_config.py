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


def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://db.internal/engage")
    monkeypatch.setenv("ENCRYPTION_KEYS", KEY)


def test_production_never_runs_tasks_inline(monkeypatch):
    """Tagging and email in a resident's request would make it slow and fragile."""
    production_env(monkeypatch)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    assert ProductionConfig().CELERY_BROKER_URL == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("CELERY_BROKER_URL", "")
    with pytest.raises(ConfigError, match="CELERY_BROKER_URL"):
        ProductionConfig()


def test_production_app_sends_tasks_to_the_broker(monkeypatch, tmp_path):
    production_env(monkeypatch)
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app()
    celery = app.extensions["celery"]
    assert celery.conf.task_always_eager is False
    assert celery.conf.broker_url == "redis://127.0.0.1:6379/0"
    assert celery.conf.task_acks_late and celery.conf.task_reject_on_worker_lost
    assert app.config["MAIL_BACKEND"] == "smtp"


def test_development_server_refuses_to_run_in_production(monkeypatch):
    from click.testing import CliRunner

    from engage.cli import main

    production_env(monkeypatch)
    monkeypatch.setenv("ENGAGE_ENV", "production")
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 1
    assert "gunicorn -c deploy/gunicorn.conf.py wsgi:app" in result.output


def test_production_keeps_limits_in_memory_while_redis_is_down(monkeypatch):
    production_env(monkeypatch)
    assert ProductionConfig().RATELIMIT_IN_MEMORY_FALLBACK_ENABLED is True
