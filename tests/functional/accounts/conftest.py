"""A registration journey driven through the test client, one step at a time, as a browser would."""

import pytest

from tests.conftest import PASSWORD, post_form

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
