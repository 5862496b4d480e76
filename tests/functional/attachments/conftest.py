"""Fixtures for Supporting Documentation: a signed-in account with a draft, and an upload helper."""

import re
from io import BytesIO

import pytest

from tests.clamd import clamd, clamd_socket  # noqa: F401
from tests.conftest import post_form, sign_in
from webapp.drafts import services as draft_services
from webapp.extensions import db

HX = {"HX-Request": "true"}
FORM_ID = "safeguarding-concern"
SECTION = "supporting-documentation"


def without_title(html: str) -> str:
    """An htmx fragment's body: htmx takes a leading <title> out and makes it the page's title."""
    return re.sub(r"^<title>[^<]*</title>\s*", "", html)


def make_draft(app, user_id: int, answers: dict | None = None) -> str:
    with app.app_context():
        definition = app.extensions["form_catalogue"].get(FORM_ID)
        draft = draft_services.create_draft(user_id, definition,
                                            draft_services.Lifetime(app.config["DRAFT_LIFETIME_DAYS"]))
        if answers:
            draft.answers = answers
            db.session.commit()
        return draft.id


def section_url(draft_id: str) -> str:
    return f"/drafts/{draft_id}/{SECTION}"


def upload(client, draft_id: str, name: str, data: bytes, description: str = "", htmx: bool = False):
    """Post the section's upload form as a browser does: multipart, with the page's CSRF token."""
    data = {"file": (BytesIO(data), name), "description": description}
    return post_form(client, section_url(draft_id), data,
                     post_url=f"/drafts/{draft_id}/attachments", content_type="multipart/form-data",
                     headers=HX if htmx else {})


@pytest.fixture
def user_id(make_user):
    return make_user()


@pytest.fixture
def signed_in(client, user_id):
    sign_in(client)
    return client


@pytest.fixture
def draft_id(app, user_id, signed_in):
    return make_draft(app, user_id)


@pytest.fixture
def other_client(app, make_user):
    """A second account in its own browser."""
    make_user(email="other@example.com", first_name="Olu", surname="Ade")
    other = app.test_client()
    sign_in(other, email="other@example.com")
    return other
