"""Fixtures for the section runner: a signed-in professional, a started draft, section posts."""

import re

import pytest

from tests.conftest import post_form, sign_in
from tests.support import csrf_token

HX = {"HX-Request": "true"}
VERSION_RE = re.compile(r'name="draft_version" value="(\d+)"')


def page_version(html: str) -> int:
    match = VERSION_RE.search(html)
    assert match, "no draft_version on the page"
    return int(match.group(1))


class Runner:
    """Drives one account's drafts the way a browser would (CSRF token and draft version from the page)."""

    def __init__(self, client):
        self.client = client

    def start(self, form_id: str = "safeguarding-concern") -> str:
        response = post_form(self.client, f"/forms/{form_id}", {}, post_url=f"/forms/{form_id}/start")
        assert response.status_code == 303, response.get_data(as_text=True)
        match = re.search(r"/drafts/([0-9a-f]{32})/", response.headers["Location"])
        return match.group(1)

    def page(self, draft_id: str, section_id: str):
        return self.client.get(f"/drafts/{draft_id}/{section_id}")

    def post(self, draft_id: str, section_id: str, data: dict, action: str = "next", htmx: bool = False,
             version: int | None = None, path: str = ""):
        html = self.page(draft_id, section_id).get_data(as_text=True)
        payload = {"csrf_token": csrf_token(html),
                   "draft_version": str(page_version(html) if version is None else version), **data}
        if action:
            payload["action"] = action
        return self.client.post(f"/drafts/{draft_id}/{section_id}{path}", data=payload,
                                headers=HX if htmx else {})


@pytest.fixture
def professional(make_user):
    return make_user()


@pytest.fixture
def runner(client, professional):
    sign_in(client)
    return Runner(client)


@pytest.fixture
def other_runner(app, make_user):
    """A second account in its own browser."""
    make_user(email="other@example.com", first_name="Olu", surname="Ade")
    other = app.test_client()
    sign_in(other, email="other@example.com")
    return Runner(other)


CHILD = {
    "first_name": "Sam", "surname": "Jones", "dob_status": "born",
    "date_of_birth-day": "3", "date_of_birth-month": "4", "date_of_birth-year": "2016",
    "gender": "male", "address-line1": "2 Mill Street", "address-town": "Wigan",
    "address-postcode": "WN1 2BB",
}
