"""Staff sign in with a password and then an emailed code, every time."""

import re
from datetime import UTC, datetime, timedelta

import time_machine

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.review.conftest import CODE_SUBJECT, STAFF, SUBMITTER, staff_sign_in
from tests.support import at_the_same_moment, csrf_token, error_summary_links
from webapp.accounts import codes


def test_la_root_sends_a_stranger_to_sign_in(client):
    response = client.get("/la/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/la/sign-in"


def test_queue_without_signing_in_goes_to_sign_in(client):
    response = client.get("/la/queue")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/la/sign-in")


def test_sign_in_needs_the_emailed_code(client, people, smtp_sink):
    page = client.get("/la/sign-in")
    assert page.status_code == 200
    assert "Back office sign in" in page.get_data(as_text=True)
    response = post_form(client, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    assert response.headers["Location"] == "/la/sign-in/code"
    # Password alone does not sign in.
    assert client.get("/la/queue").status_code == 302
    message = smtp_sink.wait_for(STAFF, CODE_SUBJECT)
    assert "Check your email" in client.get("/la/sign-in/code").get_data(as_text=True)
    response = post_form(client, "/la/sign-in/code", {"code": message.code()})
    assert response.headers["Location"] == "/la/queue"
    assert client.get("/la/queue").status_code == 200
    assert client.get("/la/").headers["Location"] == "/la/queue"


def test_a_code_is_sent_every_time(app, people, smtp_sink):
    for _ in range(2):
        client = app.test_client()
        staff_sign_in(client, smtp_sink)
        assert len(smtp_sink.to(STAFF)) == 1


def test_wrong_code_is_refused(client, people, smtp_sink):
    post_form(client, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    code = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    response = post_form(client, "/la/sign-in/code", {"code": wrong})
    assert response.status_code == 422
    assert "The code is not correct" in response.get_data(as_text=True)
    assert client.get("/la/queue").status_code == 302
    # The right code still works after one mistake.
    assert post_form(client, "/la/sign-in/code", {"code": code}).headers["Location"] == "/la/queue"


def test_wrong_codes_sent_at_the_same_moment_each_use_up_a_try(app, people, smtp_sink, monkeypatch):
    """Five wrong codes void the code however they arrive. Sent together, each read the count of
    tries before any was recorded, and all of them together cost one try: guessing was unlimited."""
    browsers = [app.test_client() for _ in range(codes.MAX_ATTEMPTS + 3)]
    for browser in browsers:
        post_form(browser, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    code = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()  # the last one sent; the others are void
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    tokens = [csrf_token(browser.get("/la/sign-in/code").get_data(as_text=True)) for browser in browsers]
    responses = at_the_same_moment(monkeypatch, codes, "current", [
        lambda browser=browser, token=token: browser.post("/la/sign-in/code",
                                                          data={"csrf_token": token, "code": wrong})
        for browser, token in zip(browsers, tokens, strict=True)])
    assert [response.status_code for response in responses] == [422] * len(browsers)
    response = post_form(browsers[0], "/la/sign-in/code", {"code": code})
    assert response.status_code == 422
    assert "The code can no longer be used" in response.get_data(as_text=True)
    assert browsers[0].get("/la/queue").status_code == 302


def test_a_right_code_sent_twice_at_the_same_moment_signs_in_once(app, people, smtp_sink, monkeypatch):
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        post_form(browser, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    code = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()
    tokens = [csrf_token(browser.get("/la/sign-in/code").get_data(as_text=True)) for browser in browsers]
    responses = at_the_same_moment(monkeypatch, codes, "current", [
        lambda browser=browser, token=token: browser.post("/la/sign-in/code",
                                                          data={"csrf_token": token, "code": code})
        for browser, token in zip(browsers, tokens, strict=True)])
    assert sorted(response.status_code for response in responses) == [302, 422]


def test_code_page_without_a_password_step_goes_back(client):
    assert client.get("/la/sign-in/code").headers["Location"] == "/la/sign-in"


def test_wrong_password_and_public_account_get_the_same_error(client, people, smtp_sink):
    wrong = post_form(client, "/la/sign-in", {"email": STAFF, "password": "not the password"})
    public = post_form(client, "/la/sign-in", {"email": SUBMITTER, "password": PASSWORD})
    unknown = post_form(client, "/la/sign-in", {"email": "nobody@example.com", "password": PASSWORD})
    for response in (wrong, public, unknown):
        assert response.status_code == 422
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert smtp_sink.to(SUBMITTER) == []
    assert smtp_sink.to(STAFF) == []


def test_wrong_email_or_password_is_one_problem_in_the_error_summary(client, people):
    html = post_form(client, "/la/sign-in", {"email": STAFF, "password": "not the password"}
                     ).get_data(as_text=True)
    assert error_summary_links(html) == [("#email", "Enter a correct email address and password")]


def test_staff_cannot_use_the_public_sign_in(client, people):
    response = post_form(client, "/sign-in", {"email": STAFF, "password": PASSWORD})
    assert response.status_code == 422


def test_public_users_get_404_in_the_back_office(client, people, submission):
    sign_in(client, SUBMITTER)
    for url in ("/la/", "/la/queue", f"/la/submissions/{submission}", f"/la/submissions/{submission}/v1.pdf",
                f"/la/submissions/{submission}/return", f"/la/submissions/{submission}/respond"):
        assert client.get(url).status_code == 404, url
    assert client.get("/la/sign-in").status_code == 200


def test_resend_code_sends_a_new_one(client, people, smtp_sink):
    post_form(client, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    first = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=1)):
        response = post_form(client, "/la/sign-in/code", {}, post_url="/la/sign-in/code/resend")
        assert response.headers["Location"] == "/la/sign-in/code"
        assert len(smtp_sink.to(STAFF)) == 2
        second = smtp_sink.to(STAFF)[-1].code()
        assert post_form(client, "/la/sign-in/code", {"code": first}).status_code == 422
        assert post_form(client, "/la/sign-in/code", {"code": second}).status_code == 302


def test_sign_in_returns_to_the_page_asked_for(client, people, submission, smtp_sink):
    response = client.get(f"/la/submissions/{submission}")
    location = response.headers["Location"]
    assert location.startswith("/la/sign-in?next=")
    post_form(client, location, {"email": STAFF, "password": PASSWORD})
    code = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()
    response = post_form(client, "/la/sign-in/code", {"code": code})
    assert response.headers["Location"] == f"/la/submissions/{submission}"


def test_htmx_request_without_a_session_gets_401_and_hx_redirect(client):
    response = client.get("/la/queue", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/la/sign-in")


def test_a_line_break_in_next_goes_to_the_queue_not_to_an_error(client, people, smtp_sink):
    """The code step redirected to the stored `next` as it was: a line break in it was a 500 after
    both factors were right."""
    post_form(client, "/la/sign-in?next=/la/%0Aqueue", {"email": STAFF, "password": PASSWORD})
    code = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()
    response = post_form(client, "/la/sign-in/code", {"code": code})
    assert response.status_code == 302
    assert response.headers["Location"] == "/la/queue"


def test_the_sign_in_code_lasts_10_minutes(client, people, smtp_sink, time_machine):
    """A sign-in's second factor may last at most 10 minutes (ASVS 5.0 6.5.5, Level 2); it lasted
    15, as registration codes do."""
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    post_form(client, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    message = smtp_sink.wait_for(STAFF, CODE_SUBJECT)
    assert "It lasts 10 minutes." in message.body
    assert "The code lasts 10 minutes." in client.get("/la/sign-in/code").get_data(as_text=True)
    time_machine.shift(timedelta(minutes=10, seconds=1))
    response = post_form(client, "/la/sign-in/code", {"code": message.code()})
    assert response.status_code == 422
    assert "The code has expired" in response.get_data(as_text=True)
    assert client.get("/la/queue").status_code == 302


def test_the_sign_in_code_works_just_before_10_minutes(client, people, smtp_sink, time_machine):
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    post_form(client, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    code = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()
    time_machine.shift(timedelta(minutes=9, seconds=50))
    assert post_form(client, "/la/sign-in/code", {"code": code}).headers["Location"] == "/la/queue"


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_passwords_hold_up_only_the_address_they_came_from(app, people, smtp_sink):
    """A lock on a caseworker's account would let anyone who knows their email address keep them out
    of the back office (they have no password reset to lift it): guesses are throttled where they
    come from, and the caseworker signs in from anywhere else as usual."""
    guesser = from_address(app, "198.51.100.7")
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        assert post_form(guesser, "/la/sign-in", {"email": STAFF, "password": "a guess"}).status_code == 422
    held_up = post_form(guesser, "/la/sign-in", {"email": STAFF.upper(), "password": PASSWORD})
    assert held_up.status_code == 429
    assert "Too many attempts" in held_up.get_data(as_text=True)
    assert "Wait 15 minutes, then try again" in held_up.get_data(as_text=True)
    assert smtp_sink.to(STAFF) == []

    staff_sign_in(from_address(app, "203.0.113.20"), smtp_sink)
    # Another caseworker's address from the guesser's network is not held up either.
    assert post_form(guesser, "/la/sign-in", {"email": "lado.officer@council.example",
                                              "password": PASSWORD}).status_code == 302


def test_the_address_is_held_up_for_the_lock_period_only(app, people, smtp_sink, time_machine):
    time_machine.move_to(datetime.now(UTC), tick=False)
    guesser = from_address(app, "198.51.100.8")
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        post_form(guesser, "/la/sign-in", {"email": STAFF, "password": "a guess"})
    assert post_form(guesser, "/la/sign-in", {"email": STAFF, "password": PASSWORD}).status_code == 429
    time_machine.shift(timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1))
    staff_sign_in(guesser, smtp_sink)


def test_wrong_passwords_at_the_public_sign_in_never_lock_a_caseworker_out(app, client, people, smtp_sink):
    """The public page still says "Too many attempts" to this browser (it says so for any address, an
    account or not), but the caseworker's account is not locked."""
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"] + 2):
        refused = post_form(client, "/sign-in", {"email": STAFF, "password": "a guess"})
        assert refused.status_code in (422, 429)
    staff_sign_in(client, smtp_sink)


def test_wrong_passwords_in_the_back_office_never_lock_a_citizen_out(app, people):
    guesser = from_address(app, "198.51.100.9")
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"] + 2):
        post_form(guesser, "/la/sign-in", {"email": SUBMITTER, "password": "a guess"})
    assert sign_in(app.test_client()).status_code == 302


def test_a_caseworker_stays_in_the_back_office_when_signing_out_or_lost(staff_client):
    """The header's name, a 404's only link and Logout all led to the public's Portal Home."""
    queue = staff_client.get("/la/queue").get_data(as_text=True)
    assert '<a href="/la/queue" class="app-header__brand">' in queue
    missing = staff_client.get("/la/submissions/no-such-submission").get_data(as_text=True)
    assert '<a class="govuk-link" href="/la/queue">Go to the back office</a>' in missing
    assert "Go to Portal Home" not in missing
    response = post_form(staff_client, "/la/queue", {}, post_url="/sign-out")
    assert response.headers["Location"] == "/la/sign-in"
    page = staff_client.get("/la/sign-in").get_data(as_text=True)
    assert "You have signed out." in page


def test_where_you_are_signed_in_leads_back_to_the_back_office_in_its_own_words(staff_client):
    """Its last link read "Back to Back office"."""
    page = staff_client.get("/la/devices").get_data(as_text=True)
    assert '<a class="govuk-link" href="/la/queue">Back to the back office</a>' in page
    assert "Back to Back office" not in page


def test_a_member_of_the_public_signing_out_goes_to_portal_home(client, people):
    sign_in(client, SUBMITTER)
    response = post_form(client, "/", {}, post_url="/sign-out")
    assert response.headers["Location"] == "/"


SIGNED_OUT = "You were signed out because you had not done anything for a while. Sign in again to carry on."


def test_after_the_idle_timeout_a_link_leads_to_sign_in_saying_why(client, people, smtp_sink, time_machine):
    """Without JavaScript nothing warns a caseworker: the next link they follow after 15 idle minutes
    led to the back office sign-in with no word of why. Now it says, in the staff's own terms (no
    "answers were saved": the back office's forms do not save)."""
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    staff_sign_in(client, smtp_sink)
    time_machine.shift(timedelta(minutes=16))
    response = client.get("/la/queue")
    assert response.headers["Location"] == "/la/sign-in?next=/la/queue"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert SIGNED_OUT in html
    assert "answers were saved" not in html
    staff_sign_in(client, smtp_sink)
    assert SIGNED_OUT not in client.get("/la/sign-in").get_data(as_text=True)  # said once, not for ever


def test_a_first_sign_in_says_nothing_about_being_signed_out(client, people):
    assert "You were signed out" not in client.get("/la/sign-in").get_data(as_text=True)


def test_the_timeout_warning_on_back_office_pages_leads_to_the_back_office_sign_in(staff_client):
    """With JavaScript the countdown sent a caseworker to the public sign-in ("Your answers were saved",
    and their staff account refused there), and its warning said "Anything you have typed is saved",
    which the back office's forms never do."""
    html = staff_client.get("/la/queue").get_data(as_text=True)
    assert 'data-session-expired-url="/la/sign-in?expired=1"' in html
    dialog = re.search(r'<dialog id="timeout-dialog".*?</dialog>', html, re.S).group(0)
    words = " ".join(re.sub(r"<[^>]+>", " ", dialog).split())
    assert "typed is saved" not in words
    assert "Anything you have typed and not sent will be lost. Select 'Continue' to stay signed in." in words


def test_the_countdown_s_sign_in_page_says_why_in_the_back_office_s_words(client):
    html = client.get("/la/sign-in?expired=1&next=/la/queue").get_data(as_text=True)
    assert SIGNED_OUT in html
    assert "answers were saved" not in html
    assert 'action="/la/sign-in?next=/la/queue"' in html


def test_the_countdown_s_sign_in_page_ends_a_staff_session_about_to_idle_out(client, people, smtp_sink,
                                                                           time_machine):
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    staff_sign_in(client, smtp_sink)
    time_machine.shift(timedelta(minutes=14, seconds=55))
    response = client.get("/la/sign-in?expired=1&next=/la/queue")
    assert response.status_code == 200  # it was a redirect to the queue: still signed in
    html = response.get_data(as_text=True)
    assert SIGNED_OUT in html
    assert "Account menu for" not in html and 'id="timeout-dialog"' not in html
    assert client.get("/la/queue").headers["Location"] == "/la/sign-in?next=/la/queue"


def test_the_countdown_s_sign_in_page_sends_a_staff_session_kept_alive_elsewhere_back(client, people,
                                                                                     smtp_sink, time_machine):
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    staff_sign_in(client, smtp_sink)
    time_machine.shift(timedelta(minutes=5))
    response = client.get("/la/sign-in?expired=1&next=/la/queue")
    assert response.headers["Location"] == "/la/queue"
    assert client.get("/la/queue").status_code == 200
    time_machine.shift(timedelta(minutes=10, seconds=1))  # the trip there and back was not activity
    assert client.get("/la/queue").status_code == 302


def test_staff_sign_in_never_returns_to_a_sign_in_page(client, people, smtp_sink):
    html = client.get("/la/sign-in?expired=1&next=/la/sign-in%3Fexpired%3D1").get_data(as_text=True)
    assert 'action="/la/sign-in"' in html
    response = client.post("/la/sign-in?next=/la/sign-in%3Fexpired%3D1",
                           data={"csrf_token": csrf_token(html), "email": STAFF, "password": PASSWORD})
    assert response.headers["Location"] == "/la/sign-in/code"
    code = smtp_sink.wait_for(STAFF, CODE_SUBJECT).code()
    assert post_form(client, "/la/sign-in/code", {"code": code}).headers["Location"] == "/la/queue"
