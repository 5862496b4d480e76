"""Configuration classes, every setting read from the environment.

The portal runs the same code in development, test and production; only these values differ, so a
deployment is configured without editing files (DESIGN.md "Fixed interfaces").
"""

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# gunicorn's exit status for "the application failed to load": its master then stops with one clear
# line instead of starting the failing worker again and again (any other status means a restart).
CONFIGURATION_ERROR_EXIT = 4


def refuse_to_start(problems: list[str]) -> None:
    """Stop with a message an operator can act on, not a stack trace."""
    lines = "\n".join(f"  - {problem}" for problem in problems)
    print(f"The portal will not start: its configuration is wrong.\n{lines}", file=sys.stderr, flush=True)
    raise SystemExit(CONFIGURATION_ERROR_EXIT)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        refuse_to_start([f"{name} must be a whole number, not {value!r}"])


def _number(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        refuse_to_start([f"{name} must be a number, not {value!r}"])


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'portal.db'}"
    # hide_parameters: a database error quoted in a log line must not carry the answers it was saving.
    # Connections a restarted server closed are replaced at checkout (webapp/dbhealth.py, no query);
    # recycling by age replaces those a firewall may have cut silently.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True, "pool_recycle": 1800}

    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Wigan Council")
    # The name the council's guide and its users know the service and its emails' sender by
    # ("Wigan Children's Services Portal"); COUNCIL_NAME stays the legal name (header, footer, privacy).
    COUNCIL_SHORT_NAME = os.environ.get("COUNCIL_SHORT_NAME", "Wigan")
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 8025)
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)
    MAIL_USE_SSL = False
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER_ADDRESS = os.environ.get("MAIL_DEFAULT_SENDER", "donotreply@example.gov.uk")
    MAIL_TIMEOUT_SECONDS = 10

    SESSION_IDLE_MINUTES = _number("SESSION_IDLE_MINUTES", 30)
    # WCAG 2.2.1: the warning comes at least two minutes before the session ends.
    SESSION_WARNING_SECONDS = 120
    STAFF_SESSION_IDLE_MINUTES = _int("STAFF_SESSION_IDLE_MINUTES", 15)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Only a benchmark over plain HTTP on 127.0.0.1 turns this off.
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)

    # A long form must never fail because its CSRF token aged (ENVIRONMENT.md).
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    # Several workers or hosts need shared storage, e.g. redis://127.0.0.1:6379 (ENVIRONMENT.md).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    # When shared storage (redis) is down, count in this process instead: sign-in stays up and throttled,
    # not a 500 for everyone until the cache is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    # How many reverse proxies or load balancers stand in front of gunicorn and set X-Forwarded-For. With
    # 0 behind a proxy, every request seems to come from the proxy: per-address limits (20 sign-ins a
    # minute) then count the whole council's users as one.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    LOGIN_FAILURES_BEFORE_LOCK = 5
    LOGIN_LOCK_MINUTES = 15

    DRAFT_LIFETIME_DAYS = 30
    #: The owner of a saved form is emailed this many days before it is deleted (drafts/reminders.py).
    DRAFT_REMINDER_DAYS = 7
    SUBMITTER_VIEW_DAYS = 30

    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    SCHEDULER_ENABLED = _flag("SCHEDULER_ENABLED", True)
    DEV_MAILBOX = False
    DEMO_ACCOUNTS = False  # `flask seed-demo`: accounts whose passwords are in this repository
    HSTS = True
    TERMS_VERSION = "2026-11"

    COMPRESS_MIMETYPES = ["text/html", "text/css", "application/javascript", "text/javascript",
                          "application/json", "image/svg+xml"]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 300


# Published in this repository, so never a production key.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105
TEST_SECRET_KEY = "test-secret-key"  # noqa: S105 (tests only; production reads SECRET_KEY)


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False
    HSTS = False
    DEV_MAILBOX = True
    DEMO_ACCOUNTS = True
    DEV_MAILBOX_DIR = str(INSTANCE / "mailbox")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)


class TestConfig(Config):
    TESTING = True
    DEMO_ACCOUNTS = True
    SECRET_KEY = TEST_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SESSION_COOKIE_SECURE = False
    HSTS = False
    SCHEDULER_ENABLED = False
    RATELIMIT_ENABLED = True
    MAIL_SUPPRESS_SEND = False
    MAIL_PORT = _int("MAIL_PORT", 2)
    PORTAL_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    # No fallbacks: a random key per process breaks every form posted to another gunicorn worker (its
    # CSRF token was signed with a different key), and a forgotten DATABASE_URL must not quietly start
    # an empty SQLite database on one host. production_problems() refuses both.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")


MIN_SECRET_KEY_LENGTH = 32
KNOWN_SECRET_KEYS = {DEVELOPMENT_SECRET_KEY, TEST_SECRET_KEY}


def production_problems(config: Mapping) -> list[str]:
    """What would make a production start insecure or broken, in words an operator can act on."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    if not key:
        problems.append("SECRET_KEY is not set. Set it to a long random value, the same on every "
                        "worker and host, e.g. the output of: "
                        "python3 -c 'import secrets; print(secrets.token_hex(32))'")
    elif len(key) < MIN_SECRET_KEY_LENGTH or key in KNOWN_SECRET_KEYS:
        problems.append(f"SECRET_KEY is too short or a published default: use at least "
                        f"{MIN_SECRET_KEY_LENGTH} random characters")
    url = config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        problems.append("DATABASE_URL is not set, e.g. postgresql+psycopg://user:password@host:5432/portal")
    else:
        try:
            make_url(url).get_dialect().import_dbapi()
        except (ArgumentError, NoSuchModuleError, ImportError, ValueError):
            problems.append("DATABASE_URL is not a database URL the portal can use: it should look like "
                            "postgresql+psycopg://user:password@host:5432/portal")
    if config.get("RATELIMIT_ENABLED"):
        try:
            storage_from_string(config.get("RATELIMIT_STORAGE_URI") or "")
        except ConfigurationError:
            problems.append("RATELIMIT_STORAGE_URI is not a rate-limit storage the portal can use: "
                            "memory:// (one process) or redis://host:6379")
    if config.get("DEV_MAILBOX"):
        problems.append("DEV_MAILBOX is on: it shows every email, codes included, to anyone")
    return problems


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    name = name or os.environ.get("PORTAL_ENV") or "production"
    if name not in CONFIGS:
        refuse_to_start([f"PORTAL_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"])
    return CONFIGS[name]
