"""Configuration classes. This is the only module that reads os.environ.

Every setting has a safe local default so `make run` needs no services; production
(ENGAGE_ENV=production) refuses to start without a real SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("ENGAGE_INSTANCE_DIR", REPO_ROOT / "instance"))

# Keys that must never be accepted as a production secret.
KNOWN_WEAK_SECRETS = {"", "dev", "change-me", "secret", "development", "test"}
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a configuration that is safe to run."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def _local_secret_key() -> str:
    """A random key kept in instance/ so local sessions survive a restart."""
    path = INSTANCE_DIR / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _local_encryption_key() -> str:
    """A random Fernet key kept in instance/, like the secret key, for local use."""
    path = INSTANCE_DIR / "dev-encryption-key"
    if path.exists():
        return path.read_text().strip()
    from cryptography.fernet import Fernet

    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode("ascii")
    path.write_text(key)
    path.chmod(0o600)
    return key


def _encryption_keys(value: str | None) -> list[str]:
    """ENCRYPTION_KEYS: Fernet keys separated by commas, the current one first."""
    return [key.strip() for key in (value or "").split(",") if key.strip()]


def _sqlite_default() -> str:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'engage.db'}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class BaseConfig:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    # hide_parameters: a database error must not write names or emails into the logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    # Sessions: signed cookie, HttpOnly, SameSite=Lax; idle and absolute limits
    # (ASVS 3.3.2: 30 minutes idle, 12 hours absolute for Level 2).
    SESSION_COOKIE_NAME = "engage_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # "Remember me" is not offered; should it ever be, its cookie is locked down too.
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 2

    # Rate limits. Storage is memory locally; Redis in production.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = True
    # Failed attempts only (a sign-in that works is never counted), per address and per
    # account, apart. The account lock (LOCKOUT_THRESHOLD wrong passwords in a row) comes
    # first; the per-account limit is a backstop above it.
    SIGN_IN_RATE_LIMIT = "20 per 15 minutes"
    SIGN_IN_ACCOUNT_RATE_LIMIT = "10 per 15 minutes"

    # Staff two-factor authentication and lockout (ASVS 2.2.1, 4.3.1).
    TWO_FACTOR_ISSUER = "Engage"
    # Password and code must be done within this time of each other.
    TWO_FACTOR_STEP_MINUTES = 10
    LOCKOUT_THRESHOLD = 5
    LOCKOUT_MINUTES = 15
    TWO_FACTOR_RATE_LIMIT = "10 per 15 minutes"

    # Moderation: how long a claim on a story lasts without activity.
    MODERATION_CLAIM_MINUTES = 30
    MODERATION_PAGE_SIZE = 25
    # The designated safeguarding lead, told at once when a story is flagged.
    SAFEGUARDING_LEAD_EMAIL = "safeguarding@engage.example"

    # Argon2id parameters (argon2-cffi's RFC 9106 low-memory profile by default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # The reverse proxies in front of the app (addresses or networks, separated by
    # commas): only requests from them may say, in X-Forwarded-For, who the client is.
    # TRUSTED_PROXY_COUNT: how many of them a request passes through.
    TRUSTED_PROXIES = ""
    TRUSTED_PROXY_COUNT = 0

    LOG_LEVEL = "INFO"
    HSTS = False
    DEMO_DATA_ALLOWED = True

    # A form field may hold 2 MB: far beyond any limit a form states (a story is 10,000
    # characters, at most 40 KB), so a long paste reaches the page that says how much to
    # cut, with every word kept, instead of an error page that loses it all.
    MAX_FORM_MEMORY_SIZE = 2_000_000
    MAX_CONTENT_LENGTH = 4_000_000

    # Residents' pages: anonymous forms are rate limited per address (ASVS 11.1.4).
    STORY_RATE_LIMIT = "20 per hour;100 per day"
    RECEIPT_RATE_LIMIT = "10 per 15 minutes;40 per day"
    GROUP_REGISTRATION_RATE_LIMIT = "10 per hour"
    # Reset links asked for, per address and per email address (each one sends email).
    PASSWORD_RESET_RATE_LIMIT = "5 per hour"  # nosec B105 # a rate limit, not a password
    # How long a receipt holder stays signed in to their story after entering the code.
    RECEIPT_SESSION_MINUTES = 30

    # The lawful basis for each purpose is the data protection officer's decision; the
    # consent choices are built and honoured either way. Shown on the privacy page.
    # Override one with LAWFUL_BASIS_<PURPOSE>, e.g. LAWFUL_BASIS_EQUALITY, set to one of
    # consent, explicit_consent, public_task, public_task_equality (shown in the reader's
    # language, see engage.lawful_basis), or to any other wording (shown as written).
    LAWFUL_BASIS = {
        "store": "explicit_consent",
        "quote": "explicit_consent",
        "share": "explicit_consent",
        "contact": "consent",
        "equality": "explicit_consent",
    }

    # Languages of the residents' pages: one per catalogue in engage/translations/.
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(REPO_ROOT / "engage" / "translations")

    # Email through the outbox: written to instance/outbox/ locally, SMTP in production.
    MAIL_BACKEND = "file"
    MAIL_FROM = "Race Equity Taskforce <engage@localhost>"
    # The site's address, for links in email sent by scheduled work (no request to go by).
    SITE_URL = "http://127.0.0.1:5000"
    # Disclosure control for counts about people (engage.services.common.disclosure):
    # the ONS "10-5" rule unless the data protection officer decides otherwise.
    DISCLOSURE_THRESHOLD = 10
    DISCLOSURE_ROUNDING = 5
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""  # nosec B105 # empty default; the real one comes from the environment

    # Sent email is deleted after this many days (the data inventory states it); set by
    # RETENTION["sent_email"] below, so the two never disagree.
    OUTBOX_RETENTION_DAYS = 90

    # The retention schedule (engage.services.common.retention, docs/retention.md): days
    # per kind of record, set by the data protection officer. Override one with
    # RETENTION_<KIND>_DAYS, e.g. RETENTION_RAW_STORY_DAYS=365.
    RETENTION = {
        # The resident's own words once the redacted version is approved (after the decision).
        "raw_story": 180,
        # Rejected and duplicate stories, erased as withdrawal erases them (after the decision).
        "rejected_story": 90,
        # Contact details, after the story was told (long enough for "you said, we did").
        "contact_details": 730,
        # Equality answers, after they were given.
        "equality_answers": 1095,
        "sent_email": 90,
        # The audit log: 6 years (the database refuses to delete a row younger than that).
        "audit_log": 2190,
        # Consent records of a withdrawn story, after the withdrawal.
        "withdrawn_consent": 2190,
        # Staff accounts no longer active, after their last activity: anonymised.
        "staff_account": 365,
        # Members of the Taskforce and its groups, after their last term ended: anonymised.
        "former_member": 2190,
        "group_engagement": 2190,
        # Public figures snapshots (the newest few are always kept).
        "figures_snapshot": 30,
    }

    # Where `engage backup` writes by default, and how long backups are kept: an erased
    # story is gone from every backup within this window (docs/backups.md).
    BACKUP_DIR = str(INSTANCE_DIR / "backups")
    BACKUP_RETENTION_DAYS = 35

    # Celery: tasks run inline unless a broker is configured.
    CELERY_BROKER_URL = ""

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
        self.ENCRYPTION_KEYS = _encryption_keys(os.environ.get("ENCRYPTION_KEYS")) or [
            _local_encryption_key()
        ]
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL") or _sqlite_default()
        )
        self.RATELIMIT_STORAGE_URI = os.environ.get(
            "RATELIMIT_STORAGE_URI", self.RATELIMIT_STORAGE_URI
        )
        self.TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", self.TRUSTED_PROXY_COUNT)
        self.TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", self.TRUSTED_PROXIES)
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", self.LOG_LEVEL)
        self._read_mail_and_tasks()

    def _read_retention(self) -> None:
        self.RETENTION = {
            kind: _env_int(f"RETENTION_{kind.upper()}_DAYS", days)
            for kind, days in type(self).RETENTION.items()
        }
        self.OUTBOX_RETENTION_DAYS = self.RETENTION["sent_email"]

    def _read_mail_and_tasks(self) -> None:
        self._read_retention()
        self.MAIL_FILE_DIR = str(INSTANCE_DIR / "outbox")
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", self.MAIL_BACKEND)
        self.MAIL_FROM = os.environ.get("MAIL_FROM", self.MAIL_FROM)
        self.SITE_URL = os.environ.get("SITE_URL", self.SITE_URL)
        self.DISCLOSURE_THRESHOLD = _env_int("DISCLOSURE_THRESHOLD", self.DISCLOSURE_THRESHOLD)
        self.DISCLOSURE_ROUNDING = _env_int("DISCLOSURE_ROUNDING", self.DISCLOSURE_ROUNDING)
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", self.MAIL_SERVER)
        self.MAIL_PORT = _env_int("MAIL_PORT", self.MAIL_PORT)
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", self.MAIL_USE_TLS)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", self.CELERY_BROKER_URL)
        self.BACKUP_DIR = os.environ.get("BACKUP_DIR", self.BACKUP_DIR)
        self.BACKUP_RETENTION_DAYS = _env_int("BACKUP_RETENTION_DAYS", self.BACKUP_RETENTION_DAYS)
        self.SAFEGUARDING_LEAD_EMAIL = os.environ.get(
            "SAFEGUARDING_LEAD_EMAIL", self.SAFEGUARDING_LEAD_EMAIL
        )
        self.LAWFUL_BASIS = {
            purpose: os.environ.get(f"LAWFUL_BASIS_{purpose.upper()}", basis)
            for purpose, basis in type(self).LAWFUL_BASIS.items()
        }


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    # Off only for scripts/security_checks.sh, so the scanners reach the forms, not a 429.
    RATELIMIT_ENABLED = not _env_bool("ENGAGE_SCAN_WITHOUT_RATE_LIMITS", False)


class TestConfig(BaseConfig):
    __test__ = False  # not a pytest test class
    ENV_NAME = "test"
    TESTING = True
    # Cheap hashing keeps the suite fast; production keeps the real cost.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    LOG_LEVEL = "WARNING"

    def __init__(self, database_url: str | None = None) -> None:
        self.SECRET_KEY = "test-secret-key-" + "x" * 32
        # A fixed key, so that what one test encrypts another can read.
        self.ENCRYPTION_KEYS = ["G6W9pK3p0m1lC4cTq8y3o1S0d2aZ5vQ7r9tB2nX4uE0="]
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            database_url
            or os.environ.get("TEST_DATABASE_URL")
            or "sqlite:///" + str(INSTANCE_DIR / "test.db")
        )
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.TRUSTED_PROXY_COUNT = 0
        self.MAIL_FILE_DIR = str(INSTANCE_DIR / "test-outbox")
        self.CELERY_BROKER_URL = ""


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix pins the cookie to this host and path (ASVS 3.4.4).
    SESSION_COOKIE_NAME = "__Host-engage_session"
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    DEMO_DATA_ALLOWED = False
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/1"
    # If Redis is down, limits are counted in each worker's memory until it is back,
    # so residents can still send stories (and the limits still hold, per worker).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY", "")
        if secret.strip().lower() in KNOWN_WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                "Refusing to start in production without a real SECRET_KEY: set SECRET_KEY "
                f"to a random value of at least {MIN_SECRET_LENGTH} characters "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            raise ConfigError("Refusing to start in production without DATABASE_URL.")
        self.ENCRYPTION_KEYS = _encryption_keys(os.environ.get("ENCRYPTION_KEYS"))
        if not self.ENCRYPTION_KEYS:
            raise ConfigError(
                "Refusing to start in production without ENCRYPTION_KEYS: set it to a "
                "Fernet key (for example: python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'), or several separated by "
                "commas, the current one first."
            )
        self.SECRET_KEY = secret
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        self.RATELIMIT_STORAGE_URI = os.environ.get(
            "RATELIMIT_STORAGE_URI", self.RATELIMIT_STORAGE_URI
        )
        self.TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 1)
        # The proxy runs on the same machine unless told otherwise (deployment guide).
        self.TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", self.LOG_LEVEL)
        self.MAIL_BACKEND = "smtp"
        self.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
        self._read_mail_and_tasks()
        if not self.CELERY_BROKER_URL:
            # Inline tasks would tag stories and send email inside the residents' requests.
            raise ConfigError(
                "Refusing to start in production without a Celery broker: set "
                "CELERY_BROKER_URL (for example redis://127.0.0.1:6379/0)."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def environment_name() -> str:
    return os.environ.get("ENGAGE_ENV", "development").strip().lower()


def config_from_environment() -> BaseConfig:
    name = environment_name()
    try:
        return CONFIGS[name]()
    except KeyError:
        raise ConfigError(
            f"ENGAGE_ENV must be one of {', '.join(sorted(CONFIGS))}, not {name!r}."
        ) from None
