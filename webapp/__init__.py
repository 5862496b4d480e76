"""The Children's Services Portal: a Flask application factory."""

import logging
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, g, has_request_context, request, url_for
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import dbhealth  # noqa: F401  (replaces pooled connections the database server closed)
from .config import ProductionConfig, config_for, production_problems, refuse_to_start
from .extensions import compress, csrf, db, htmx, limiter, mail, migrate
from .formdefs import markup as field_markup
from .web import components as static_components
from .web.requests import PortalRequest

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, **overrides) -> Flask:
    _configure_logging()  # first: the settings check below may warn
    app = Flask(__name__, instance_path=str(ROOT / "instance"), static_folder=None)
    app.request_class = PortalRequest
    config = config_for(config_name)
    app.config.from_object(config)
    app.config.update(overrides)
    if issubclass(config, ProductionConfig):
        _check_production_settings(app)
    _prefix_session_cookie(app)
    app.config["SERVICE_NAME"] = f"{app.config['COUNCIL_SHORT_NAME']} Children's Services Portal"
    app.config["MAIL_DEFAULT_SENDER"] = (app.config["SERVICE_NAME"],
                                         app.config["MAIL_DEFAULT_SENDER_ADDRESS"])
    Path(app.instance_path).mkdir(exist_ok=True)

    _configure_templates(app)
    _init_extensions(app)
    _trust_proxies(app)  # after: the session's outage check stays the first before_request hook
    _register_blueprints(app)
    _register_commands(app)

    from .scheduler import init_app as init_scheduler

    init_scheduler(app)
    return app


LOG_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"


def _configure_logging() -> None:
    """Timestamped lines (gunicorn's own carry one; ours did not), and no chatter from idle jobs.

    APScheduler writes two INFO lines per job run in every worker: with the PDF job every 10 s and two
    workers that was most of the log. Its warnings and errors (a missed or failed run) still show.
    """
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _check_production_settings(app: Flask) -> None:
    """Refuse an insecure or broken production start before anything connects or serves a request."""
    problems = production_problems(app.config)
    if problems:
        refuse_to_start(problems)
    log = logging.getLogger(__name__)
    if not app.config["SESSION_COOKIE_SECURE"]:
        log.warning("SESSION_COOKIE_SECURE is off: session cookies will be sent over plain HTTP")
    if urlsplit(app.config["PORTAL_BASE_URL"]).hostname in ("127.0.0.1", "localhost"):
        log.warning("PORTAL_BASE_URL is %s: links in the portal's emails will not reach anyone; "
                    "set it to the portal's public address", app.config["PORTAL_BASE_URL"])
    if app.config["RATELIMIT_ENABLED"] and app.config["RATELIMIT_STORAGE_URI"].startswith("memory:"):
        log.warning("RATELIMIT_STORAGE_URI is memory://: each worker counts sign-in attempts on its "
                    "own; with several workers or hosts use shared storage such as redis://")


def _trust_proxies(app: Flask) -> None:
    """Take the client's address (and https) from the proxies named trusted by TRUSTED_PROXIES.

    Without it, behind a load balancer, rate limits keyed by address counted everyone as one client.
    A request that arrives through a proxy while none is trusted is logged once, so an operator sees it.
    """
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
        return
    warned = []

    @app.before_request
    def warn_of_an_untrusted_proxy():
        if not warned and request.headers.get("X-Forwarded-For"):
            warned.append(True)
            logging.getLogger(__name__).warning(
                "requests arrive through a proxy (X-Forwarded-For) but TRUSTED_PROXIES is 0: rate limits "
                "count the proxy's address for everyone; set TRUSTED_PROXIES to the number of proxies")


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "partials": FileSystemLoader(str(ROOT / "partials")),
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    field_markup.install(app.jinja_env)
    static_components.install(app.jinja_env)
    WTFormsHelpers(app)

    @app.context_processor
    def portal_globals():
        from flask import session

        from .accounts.sessions import seconds_left

        names = {"council_name": app.config["COUNCIL_NAME"], "service_name": app.config["SERVICE_NAME"],
                 "council_short_name": app.config["COUNCIL_SHORT_NAME"]}
        if not has_request_context():  # emails rendered by a scheduled job or a CLI command
            return names
        from .accounts.auth import SIGN_IN_PAGES

        user = g.get("user")
        return {
            **names,
            "nav_url": lambda endpoint: url_for(endpoint) if endpoint in app.view_functions
            else url_for("accounts.my_account"),
            "current_user": user,
            # The idle countdown and its warning run where someone is signed in, but never on a sign-in
            # page: there they would warn of, and end, a session the page is there to replace. Worked
            # out as the page is drawn (a call), after showing a message has moved the deadline.
            "idle_countdown": user is not None and request.endpoint not in SIGN_IN_PAGES,
            "session_seconds_left": lambda: seconds_left(app, session),
            "session_idle_minutes": app.config["STAFF_SESSION_IDLE_MINUTES"] if session.get("staff")
            else app.config["SESSION_IDLE_MINUTES"],
        }


def _prefix_session_cookie(app: Flask) -> None:
    """Name the session cookie __Host-… wherever it is Secure (ASVS 5.0 3.3.1 and 3.3.3).

    A browser then takes the cookie only from this host, over HTTPS, for the whole site (Path=/, no
    Domain): a sibling subdomain or a page on plain HTTP cannot plant or overwrite a session id.
    The prefix needs all three, so a benchmark over plain HTTP (Secure off) keeps the bare name.
    """
    name = app.config["SESSION_COOKIE_NAME"]
    if (app.config["SESSION_COOKIE_SECURE"] and not app.config.get("SESSION_COOKIE_DOMAIN")
            and app.config.get("SESSION_COOKIE_PATH") in (None, "/") and not name.startswith("__Host-")):
        app.config["SESSION_COOKIE_NAME"] = f"__Host-{name}"


def _unicode_lower(value):
    if value is None:
        return None
    return value.lower() if isinstance(value, str) else str(value).lower()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets the threaded test server read while another request writes; SQLite needs FKs on.

    SQLite's own lower() folds only A to Z, so a caseworker's search for "zoë" missed a child entered
    as "ZOË" (PostgreSQL found it): lower() is Python's, which folds every letter, as PostgreSQL's does.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table known to create_all and Alembic)
    from .accounts.auth import load_signed_in_user
    from .accounts.sessions import DatabaseSessionInterface, raise_if_unavailable
    from .web import assets, dates, errors, health, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    mail.init_app(app)
    app.session_interface = DatabaseSessionInterface()
    # First of the before_request hooks: a session that could not be read is an outage (503), not
    # a missing CSRF token ("session needs refreshing"), so it must come before CSRFProtect's check.
    app.before_request(raise_if_unavailable)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    app.before_request(load_signed_in_user)
    security.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    dates.init_app(app)
    health.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .main.views import bp as main_bp
    from .review.views import bp as review_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    from .drafts.views import init_app as init_drafts

    init_drafts(app)
    app.register_blueprint(review_bp)
    from .submissions import init_app as init_submissions

    init_submissions(app)
    from .attachments.views import init_app as init_attachments

    init_attachments(app)
    if app.config.get("DEV_MAILBOX"):
        from .devmail import init_app as init_devmail

        init_devmail(app)


def _register_commands(app: Flask) -> None:
    from .accounts.commands import create_staff, disable_account, seed_demo

    app.cli.add_command(create_staff)
    app.cli.add_command(disable_account)
    app.cli.add_command(seed_demo)
