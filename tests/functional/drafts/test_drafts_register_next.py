""""Login or Register" from a form (seed 2.1): someone who registers there comes back to the form they
started, after the three steps, the emailed code and the Terms and Conditions. Where to go back to is
kept in the server-side registration state, and only ever a path on this site."""

import re

import pytest

from tests.conftest import PASSWORD, post_form
from tests.functional.accounts.conftest import Journey

FORM = "/forms/safeguarding-concern"


@pytest.fixture
def journey(client, smtp_sink):
    return Journey(client, smtp_sink)


def test_login_or_register_offers_registration_that_returns_to_the_form(client):
    html = client.get(f"{FORM}/login-or-register").get_data(as_text=True)
    assert re.search(r'href="/register\?next=/forms/safeguarding-concern&amp;resume=1"[^>]*>\s*'
                     r'Register for new account', html), html


def test_registering_from_a_form_ends_on_that_form(client, journey):
    assert client.get(f"/register?next={FORM}").status_code == 200
    journey.to_step3(is_professional="yes", role="Teacher", organisation="Meadow Primary School")
    response = journey.verify(journey.code_for())
    assert response.headers["Location"] == f"/terms?next={FORM}"
    response = journey.accept_terms(response.headers["Location"])
    assert response.headers["Location"] == FORM
    # Signed in: the form's Overview now offers to start it.
    html = client.get(FORM).get_data(as_text=True)
    assert f'action="{FORM}/start"' in html


def test_the_place_to_return_to_survives_leaving_half_way(client, journey):
    """Kept server-side: steps visited later without ?next (Back, a new tab) still return to the form."""
    client.get(f"/register?next={FORM}")
    assert journey.details().status_code == 302
    assert client.get("/register?back=1").status_code == 200
    journey.account()
    response = journey.verify(journey.code_for())
    assert journey.accept_terms(response.headers["Location"]).headers["Location"] == FORM


def test_the_sign_in_link_on_step_one_keeps_the_form(client):
    html = client.get(f"/register?next={FORM}").get_data(as_text=True)
    assert f'href="/sign-in?next={FORM}">Sign in</a>' in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_only_paths_on_this_site_are_kept(client, journey, target):
    client.get("/register", query_string={"next": target})
    journey.to_step3()
    response = journey.verify(journey.code_for())
    assert response.headers["Location"] == "/terms"
    assert journey.accept_terms().headers["Location"] == "/"


def test_registering_without_a_form_still_ends_at_home(journey):
    journey.register()


def test_a_signed_in_visitor_is_sent_on_to_the_form(client, journey):
    journey.register()
    response = client.get(f"/register?next={FORM}")
    assert response.status_code == 302 and response.headers["Location"] == FORM


def test_signing_in_unverified_from_a_form_returns_to_it_after_the_code(client, journey, make_user):
    """"Login" from the form with an account whose email was never confirmed: code, terms, then the form."""
    make_user(email="jo@example.com", email_verified_at=None, terms_version=None, terms_accepted_at=None)
    response = post_form(client, f"/sign-in?next={FORM}", {"email": "jo@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/register/verify"
    response = journey.verify(journey.code_for())
    assert response.headers["Location"] == f"/terms?next={FORM}"
    assert journey.accept_terms(response.headers["Location"]).headers["Location"] == FORM
