"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
a real SMTP sink, and helpers that use the portal the way a browser does (CSRF tokens included)."""

import os

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import SmtpSink, csrf_token, free_port
from webapp import create_app
from webapp.accounts import passwords
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.extensions import db, limiter


def _database_of_this_worker(url: str | None) -> str | None:
    """Under pytest-xdist (`make test` runs several workers), each worker gets a database of its own.

    Every test empties the tables and makes them again, so two workers sharing `test` would empty each
    other's in the middle of a test. Worker gw1 uses `test_gw1` on the same server, created the first
    time. The apps the fixtures build are given it (the test configuration read TEST_DATABASE_URL
    when it was imported, before this ran), and TEST_DATABASE_URL is changed to it for the rest of
    the worker, for the tests and processes that read it themselves. A run without workers keeps `test`.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    own = database_beside(url, worker)
    os.environ["TEST_DATABASE_URL"] = own
    return own


def database_beside(url: str, suffix: str) -> str:
    """The URL of the database named after this one plus `suffix` on the same server (`test_gw1` for
    `test` and `gw1`), created the first time it is asked for."""
    server = make_url(url)
    name = f"{server.database}_{suffix}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


POSTGRES_URL = _database_of_this_worker(os.environ.get("TEST_DATABASE_URL"))
PASSWORD = "correct horse battery staple"


class SharedBytecodeCache(BytecodeCache):
    """Every test builds a new app; compiling each template once per run, not per test, saves minutes."""

    store: dict = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2's production cost is the point in production and 0.1 s a hash in tests."""
    hasher = PasswordHasher.from_parameters(CHEAPEST)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("dummy"))


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink(port=free_port()).start()
    yield sink
    sink.stop()


#: The PostgreSQL databases whose tables this process has dropped and made again (once a run each).
_schemas_rebuilt: set[str] = set()


def reset_database():
    """An empty database with the models' schema.

    PostgreSQL's `test` database outlives a run, and create_all leaves an existing table as it is: its
    tables are dropped and made again once a run, so a model changed since the last run (a new index,
    a new column) is never tested against the old tables. After that, emptying them is enough.
    """
    db.session.remove()
    if POSTGRES_URL:
        database = db.engine.url.render_as_string(hide_password=False)
        if database not in _schemas_rebuilt:
            db.drop_all()
            _schemas_rebuilt.add(database)
        db.create_all()
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
    else:
        db.create_all()


@pytest.fixture
def app_factory(tmp_path, smtp_sink):
    """Build an app with overrides; each test gets an empty database and an empty mailbox."""
    created = []

    def build(**overrides):
        config = {"MAIL_PORT": smtp_sink.port, "MAIL_SERVER": "127.0.0.1",
                  "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'test.db'}"}
        config.update(overrides)
        app = create_app("test", **config)
        app.jinja_env.bytecode_cache = SharedBytecodeCache()
        with app.app_context():
            reset_database()
        limiter.reset()
        created.append(app)
        return app

    smtp_sink.clear()
    yield build
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    def make(email="teacher@example.com", password=PASSWORD, **fields):
        from webapp.accounts.models import User

        values = {"first_name": "Priya", "surname": "Shah", "is_professional": True, "role": "Teacher",
                  "organisation": "Meadow Primary School", "street": "1 School Lane", "town": "Wigan",
                  "postcode": "WN1 1AA", "phone": "01942 000001", "email_verified_at": utcnow(),
                  "terms_version": app.config["TERMS_VERSION"], "terms_accepted_at": utcnow()}
        values.update(fields)
        with app.app_context():
            user = User(email=email, password_hash=hash_password(password), **values)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


def post_form(client, page_url: str, data: dict, post_url: str | None = None, **kwargs):
    """GET the page, then POST its form with the page's CSRF token, as a browser would."""
    page = client.get(page_url)
    token = csrf_token(page.get_data(as_text=True))
    return client.post(post_url or page_url, data={"csrf_token": token, **data}, **kwargs)


def sign_in(client, email="teacher@example.com", password=PASSWORD):
    """Sign in as a person would: someone still signed in (a test signing in again at a later time)
    signs out first, as the sign-in page sends them on rather than showing its form."""
    if client.get("/sign-in").status_code == 302:
        post_form(client, "/", {}, post_url="/sign-out")
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
