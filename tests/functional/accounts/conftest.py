"""A registration journey driven through the test client, one step at a time, as a browser would."""

import functools

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from jinja2 import BytecodeCache

from tests.conftest import PASSWORD, post_form
from webapp.accounts import passwords

DETAILS = {"title": "Ms", "first_name": "Jo", "surname": "Bloggs", "is_professional": "no",
           "street": "1 High Street", "town": "Wigan", "postcode": "WN1 1AA"}
VERIFY_SUBJECT = "Please verify your email address"


class Journey:
    def __init__(self, client, sink):
        self.client = client
        self.sink = sink

    def details(self, **overrides):
        return post_form(self.client, "/register", {**DETAILS, **overrides})

    def account(self, email="jo@example.com", password=PASSWORD, confirm=None):
        return post_form(self.client, "/register/account",
                         {"email": email, "password": password, "confirm_password": confirm or password})

    def code_for(self, email="jo@example.com", subject=VERIFY_SUBJECT):
        return self.sink.wait_for(email.lower(), subject).code()

    def verify(self, code):
        return post_form(self.client, "/register/verify", {"code": code})

    def accept_terms(self, url="/terms"):
        return post_form(self.client, url, {"agree": "y"})

    def to_step3(self, email="jo@example.com", password=PASSWORD, **details):
        assert self.details(**details).status_code == 302
        response = self.account(email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def register(self, email="jo@example.com", password=PASSWORD, **details):
        """All three steps and the terms: the person ends signed in on the portal home."""
        self.to_step3(email, password, **details)
        assert self.verify(self.code_for(email)).headers["Location"] == "/terms"
        response = self.accept_terms()
        assert response.headers["Location"] == "/"
        return response


@pytest.fixture
def journey(client, smtp_sink):
    return Journey(client, smtp_sink)


class _SharedBytecodeCache(BytecodeCache):
    """Every test builds a new app; compiling each template once per run, not per test, saves seconds."""

    store: dict = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    app.jinja_env.bytecode_cache = _SharedBytecodeCache()
    return app


@pytest.fixture(scope="session", autouse=True)
def form_catalogue_loaded_once():
    """Parsing every form definition costs ~0.5 s per app; the catalogue is immutable, so share it."""
    from webapp import formdefs

    original = formdefs.load_catalogue
    formdefs.load_catalogue = functools.lru_cache(maxsize=4)(original)
    yield
    formdefs.load_catalogue = original


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2's production cost is the point in production and 0.1 s per hash in tests."""
    hasher = PasswordHasher.from_parameters(CHEAPEST)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("dummy"))
