"""Secure login: one message for every failure, account lock, per-IP throttling, terms versions, staff."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD, post_form, sign_in
from tests.support import at_the_same_moment, csrf_token, error_summary_links
from webapp.accounts import services
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def without_token(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def test_sign_in_page_uses_the_seed_wording(client):
    html = text(client.get("/sign-in"))
    assert "Secure login" in html
    assert "Existing users" in html and "New users" in html
    assert "Register for new account" in html
    assert 'autocomplete="current-password"' in html


def test_sign_in_lands_on_the_portal_home(client, make_user):
    make_user()
    response = sign_in(client, "TEACHER@example.com")
    assert response.headers["Location"] == "/"
    assert "Priya Shah" in text(client.get("/"))


def test_sign_in_returns_to_next_on_this_site_only(client, make_user):
    make_user()
    response = post_form(client, "/sign-in?next=/account",
                         {"email": "teacher@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/account"
    other = client.application.test_client()
    for target in ("//evil.example.com/", "https://evil.example.com/", "/\\evil.example.com"):
        response = post_form(other, f"/sign-in?next={target}",
                             {"email": "teacher@example.com", "password": PASSWORD})
        assert response.headers["Location"] == "/", target
        other.post("/sign-out", data={"csrf_token": csrf_token(text(other.get("/")))})


def test_a_link_to_sign_in_followed_while_signed_in_goes_straight_on(client, make_user):
    """The emails' links ("Your form needs more information") lead through sign-in: someone already
    signed in was shown "Secure login" again, with their own name in the header."""
    make_user()
    sign_in(client, "teacher@example.com")
    response = client.get("/sign-in?next=/submitted")
    assert response.status_code == 302 and response.headers["Location"] == "/submitted"
    assert client.get("/sign-in").headers["Location"] == "/"
    assert client.get("/sign-in?next=//evil.example.com/").headers["Location"] == "/"


def test_a_line_break_in_next_goes_home_not_to_an_error(client, make_user):
    """A `next` with a line break passed the on-site check; the redirect after a correct password
    then could not be sent and the person saw "Sorry, there is a problem with the service"."""
    make_user()
    response = post_form(client, "/sign-in?next=/account%0D%0ASet-Cookie:%20x=1",
                         {"email": "teacher@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_same_message_for_unknown_email_and_wrong_password(client, make_user):
    make_user()
    unknown = post_form(client, "/sign-in", {"email": "nobody@example.com", "password": "whatever it is"})
    wrong = post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "whatever it is"})
    assert unknown.status_code == wrong.status_code == 422
    assert "Enter a correct email address and password" in text(wrong)
    assert without_token(text(unknown)).replace("nobody@", "teacher@") == without_token(text(wrong))


def test_wrong_email_or_password_is_one_problem_in_the_error_summary(client, make_user):
    """The summary listed "Enter a correct email address and password" twice (linked to each field):
    it is one problem, listed once and linked to the first field, as GOV.UK's sign-in pages do."""
    make_user()
    for email, password in (("teacher@example.com", "whatever it is"), ("nobody@example.com", PASSWORD)):
        html = text(post_form(client, "/sign-in", {"email": email, "password": password}))
        assert error_summary_links(html) == [("#email", "Enter a correct email address and password")]
        assert 'id="email-error"' in html  # the field itself still says what is wrong
    # Two different problems are still two entries.
    html = text(post_form(client, "/sign-in", {"email": "", "password": ""}))
    assert error_summary_links(html) == [("#email", "Enter your email address"),
                                         ("#password", "Enter your password")]


def test_empty_and_oversized_sign_in_never_500(client):
    for data in ({}, {"email": "x" * 10000, "password": "y" * 10000}, {"email": "a\r\nb@example.com",
                                                                       "password": "p\x00"}):
        response = post_form(client, "/sign-in", data)
        assert response.status_code == 422, data


def test_account_locks_after_five_failures_with_a_429_page(app, client, make_user):
    make_user()
    for _ in range(4):
        assert post_form(client, "/sign-in", {"email": "teacher@example.com",
                                              "password": "not my password"}).status_code == 422
    fifth = post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "not my password"})
    assert fifth.status_code == 429  # the try that locks it says so, rather than "Enter a correct…"
    assert "Too many attempts" in text(fifth)
    response = post_form(client, "/sign-in", {"email": "teacher@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert "wait 15 minutes" in text(response)
    with app.app_context():
        assert db.session.query(User).one().locked_until is not None


LOCK_WARNING = "you will have to wait 15 minutes before you can sign in"


@pytest.mark.parametrize("address", ["teacher@example.com", "no-account@example.com"])
def test_the_last_two_tries_before_the_lock_are_warned_of(client, make_user, address):
    """The same for an address with no account, so the warning tells a stranger nothing."""
    make_user()
    pages = [text(post_form(client, "/sign-in", {"email": address, "password": "not my password"}))
             for _ in range(4)]
    assert [LOCK_WARNING in page for page in pages] == [False, False, True, True]
    assert "the wrong email address or password 2 more times" in pages[2]
    assert "the wrong email address or password once more" in pages[3]
    assert "Enter a correct email address and password" in pages[3]


def test_a_right_password_starts_the_count_again(client, make_user):
    make_user()
    for _ in range(3):
        post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "not my password"})
    assert sign_in(client).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(text(client.get("/account")))})
    page = text(post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "a typo"}))
    assert LOCK_WARNING not in page


def test_wrong_passwords_sent_at_the_same_moment_each_count_towards_the_lock(app, make_user, monkeypatch):
    """Sent together, each failure read the count before any was recorded, and all of them together
    counted as one: the lock after five failures could be walked around by guessing in parallel."""
    make_user()
    browsers = [app.test_client() for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"] + 3)]
    tokens = [csrf_token(text(browser.get("/sign-in"))) for browser in browsers]
    responses = at_the_same_moment(monkeypatch, services, "find_by_email", [
        lambda browser=browser, token=token: browser.post("/sign-in", data={
            "csrf_token": token, "email": "teacher@example.com", "password": "not my password"})
        for browser, token in zip(browsers, tokens, strict=True)])
    assert [response.status_code for response in responses] == [422] * len(browsers)
    response = post_form(browsers[0], "/sign-in", {"email": "teacher@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in text(response)


def test_lock_ends_after_the_lock_period(client, make_user, time_machine):
    from datetime import UTC, datetime, timedelta

    make_user()
    time_machine.move_to(datetime.now(UTC), tick=False)
    for _ in range(6):
        post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "not my password"})
    time_machine.shift(timedelta(minutes=16))
    assert sign_in(client).headers["Location"] == "/"


def test_per_ip_throttling_answers_429_with_a_page(client):
    token = csrf_token(text(client.get("/sign-in")))
    statuses = [client.post("/sign-in", data={"csrf_token": token, "email": f"p{n}@example.com",
                                              "password": "some password"}).status_code for n in range(21)]
    assert statuses[:20] == [422] * 20
    assert statuses[20] == 429
    response = client.post("/sign-in", data={"csrf_token": token, "email": "a@example.com", "password": "x"})
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert "Wait 1 minute, then try again" in text(response)  # the limit reached is 20 a minute
    assert "<html" in text(response)


def test_new_terms_are_asked_for_at_next_sign_in(app, client, make_user):
    make_user(terms_version="2020-01")
    response = sign_in(client)
    assert response.headers["Location"].startswith("/terms")
    assert "I agree to these Terms and Conditions" in text(client.get(response.headers["Location"]))
    accepted = post_form(client, response.headers["Location"], {"agree": "y"})
    assert accepted.headers["Location"] == "/"
    assert "Thank you for accepting the updated Terms and Conditions" in text(client.get("/"))
    with app.app_context():
        user = db.session.query(User).one()
        assert user.terms_version == app.config["TERMS_VERSION"]


def test_old_terms_block_account_pages_until_accepted(client, make_user):
    make_user(terms_version="2020-01")
    sign_in(client)
    assert client.get("/account").headers["Location"] == "/terms?next=/account"


def test_staff_cannot_sign_in_on_the_public_page(client, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-staff", "worker@example.com", "--team", "lado",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    response = post_form(client, "/sign-in", {"email": "worker@example.com", "password": PASSWORD})
    assert response.status_code == 422
    assert "Enter a correct email address and password" in text(response)


def test_staff_session_cannot_use_public_pages(client, app):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-staff", "worker@example.com", "--team", "lado", "--password", PASSWORD])
    with app.app_context():
        staff_id = db.session.query(User).one().id
    client.get("/")
    with client.session_transaction() as session:
        session["user_id"] = staff_id
        session["staff"] = True
    for path in ("/account", "/account/update", "/account/email", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in"), path
    assert client.get("/terms").headers["Location"].startswith("/sign-in")


def test_sign_out_ends_the_session_and_says_so(client, make_user):
    make_user()
    sign_in(client)
    home = text(client.get("/"))
    response = client.post("/sign-out", data={"csrf_token": csrf_token(home)})
    assert response.headers["Location"] == "/"
    html = text(client.get("/"))
    assert "You have signed out." in html
    assert "Priya Shah" not in html
    assert client.get("/account").headers["Location"].startswith("/sign-in")


def test_sign_out_after_the_session_ended_says_signed_out_not_an_error(client, make_user, time_machine):
    """The Sign out button on a page left open past the idle timeout (or in a second tab after the
    first signed out) answered 400 "Your session needs refreshing": nothing said they were out."""
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    make_user()
    sign_in(client)
    token = csrf_token(text(client.get("/account")))
    time_machine.shift(timedelta(minutes=31))
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = text(client.get("/"))
    assert "You have signed out." in html
    assert "You were signed out because" not in text(client.get("/sign-in"))


def test_sign_out_in_a_second_tab_says_signed_out(client, make_user):
    make_user()
    sign_in(client)
    token = csrf_token(text(client.get("/account")))
    client.post("/sign-out", data={"csrf_token": token})
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "You have signed out." in text(client.get("/"))


def test_sign_out_still_needs_the_token_while_signed_in(client, make_user):
    make_user()
    sign_in(client)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200


def test_htmx_request_with_old_terms_gets_hx_redirect(client, make_user):
    make_user(terms_version="2020-01")
    sign_in(client)
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/terms?next=/account"


def test_the_lock_page_gives_the_lock_period_the_portal_has(app_factory):
    app = app_factory(LOGIN_LOCK_MINUTES=30)
    with app.app_context():
        db.session.add(User(email="locked@example.com", password_hash=hash_password(PASSWORD),
                            first_name="Lee", surname="Locke", email_verified_at=utcnow(),
                            terms_version=app.config["TERMS_VERSION"]))
        db.session.commit()
    client = app.test_client()
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        post_form(client, "/sign-in", {"email": "locked@example.com", "password": "a guess"})
    response = post_form(client, "/sign-in", {"email": "locked@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "wait 30 minutes" in text(response)


@pytest.mark.parametrize("typed", ["teacher@example.com.", " Teacher@Example.com. ", "teacher @example.com"])
def test_an_address_typed_with_a_full_stop_after_it_signs_in(client, make_user, typed):
    """It was "Enter a correct email address and password" with the right password, and a try
    counted towards the lock."""
    make_user()
    response = post_form(client, "/sign-in", {"email": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
