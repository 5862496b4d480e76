"""Forgotten password, Update Account, change of email and password, and the create-staff command."""

import re
import threading
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tests.conftest import PASSWORD, POSTGRES_URL, post_form, sign_in
from tests.support import csrf_token, error_summary_links
from webapp.accounts import services
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.notifications.models import OutboxMessage

NEW_PASSWORD = "a brand new passphrase"
RESET_SUBJECT = "Your password reset code"


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def the_user(app, email="teacher@example.com"):
    with app.app_context():
        return db.session.query(User).filter_by(email=email).one()


# --- Forgotten password ---------------------------------------------------------------------------

def test_forgotten_password_with_a_code(app, client, make_user, smtp_sink):
    make_user()
    elsewhere = app.test_client()
    sign_in(elsewhere)
    assert "Forgotten your password?" in text(client.get("/sign-in"))
    response = post_form(client, "/forgotten-password", {"email": "Teacher@Example.com"})
    assert response.headers["Location"] == "/forgotten-password/code"
    message = smtp_sink.wait_for("teacher@example.com", RESET_SUBJECT)
    assert "Wigan Children's Services Portal" in message.sender
    response = post_form(client, "/forgotten-password/code", {
        "code": message.code(), "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in text(client.get("/sign-in"))
    assert not signed_in(elsewhere)  # every other session ended
    assert post_form(client, "/sign-in", {"email": "teacher@example.com",
                                          "password": PASSWORD}).status_code == 422
    assert sign_in(client, password=NEW_PASSWORD).status_code == 302
    told_of_new_password(app, smtp_sink)


def told_of_new_password(app, smtp_sink):
    """The account's address hears that its password changed, and what to do if that was not them."""
    with app.app_context():
        assert send_due() >= 1
    body = smtp_sink.wait_for("teacher@example.com", "Your password has been changed").body
    assert "If you did not change it, someone else may know your password" in body
    assert "Forgotten your password?" in body and "/sign-in" in body


def test_forgotten_password_does_not_reveal_unknown_emails(client, smtp_sink):
    response = post_form(client, "/forgotten-password", {"email": "nobody@example.com"})
    assert response.headers["Location"] == "/forgotten-password/code"
    page = text(client.get("/forgotten-password/code"))
    assert "If <strong>nobody@example.com</strong> has an account" in page
    response = post_form(client, "/forgotten-password/code", {
        "code": "12345678", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 422
    assert "The code is not correct" in text(response)
    assert smtp_sink.to("nobody@example.com") == []


def test_reset_code_page_needs_an_email_first(client):
    assert client.get("/forgotten-password/code").headers["Location"] == "/forgotten-password"


def test_reset_applies_the_password_rules(client, make_user, smtp_sink):
    make_user()
    post_form(client, "/forgotten-password", {"email": "teacher@example.com"})
    code = smtp_sink.wait_for("teacher@example.com", RESET_SUBJECT).code()
    response = post_form(client, "/forgotten-password/code", {
        "code": code, "password": "password", "confirm_password": "password"})
    assert response.status_code == 422
    assert "too common" in text(response)
    assert PASSWORD not in text(response)
    response = post_form(client, "/forgotten-password/code", {
        "code": code, "password": NEW_PASSWORD, "confirm_password": "different"})
    assert "Passwords must match" in text(response)


def test_the_reset_page_does_not_tell_whose_address_it_is(client, make_user, smtp_sink):
    """The new-password rules there use only the address typed, never the account's names: the
    page is open before the code is checked."""
    make_user()
    answers = []
    for email in ("teacher@example.com", "nobody@example.com"):
        post_form(client, "/forgotten-password", {"email": email})
        response = post_form(client, "/forgotten-password/code", {
            "code": "12345678", "password": "Priya Shah 2026", "confirm_password": "Priya Shah 2026"})
        answers.append((response.status_code, "your name, your email address" in text(response)))
    assert answers == [(422, False), (422, False)]


def test_change_password_refuses_the_person_s_own_name(client, make_user):
    make_user()
    sign_in(client)
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "password": "PriyaShah2026", "confirm_password": "PriyaShah2026"})
    assert response.status_code == 422
    assert "your name, your email address" in text(response)


def test_reset_code_wrong_five_times_is_void(client, make_user, smtp_sink):
    make_user()
    post_form(client, "/forgotten-password", {"email": "teacher@example.com"})
    code = smtp_sink.wait_for("teacher@example.com", RESET_SUBJECT).code()
    data = {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    for _ in range(5):
        post_form(client, "/forgotten-password/code", {**data, "code": f"{(int(code) + 1) % 10**8:08d}"})
    response = post_form(client, "/forgotten-password/code", {**data, "code": code})
    assert "The code can no longer be used" in text(response)
    # It names the link this page has: "Please send me a new code" is registration's button.
    assert "Select &#39;Send a new code&#39;" in text(response)
    assert "Please send me a new code" not in text(response)
    assert ">Send a new code</a>" in text(response)


def test_reset_unlocks_a_locked_account(client, make_user, smtp_sink):
    make_user()
    for _ in range(6):
        post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "not my password"})
    post_form(client, "/forgotten-password", {"email": "teacher@example.com"})
    code = smtp_sink.wait_for("teacher@example.com", RESET_SUBJECT).code()
    post_form(client, "/forgotten-password/code", {
        "code": code, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert sign_in(client, password=NEW_PASSWORD).status_code == 302


# --- Update Account -------------------------------------------------------------------------------

def test_my_account_shows_the_details(client, make_user):
    make_user()
    sign_in(client)
    html = text(client.get("/account"))
    for expected in ("Priya Shah", "Teacher", "Meadow Primary School", "WN1 1AA", "teacher@example.com",
                     "Update Account"):
        assert expected in html


def test_update_account_changes_details(app, client, make_user):
    make_user()
    sign_in(client)
    page = text(client.get("/account/update"))
    assert 'value="Priya"' in page and 'value="Meadow Primary School"' in page
    response = post_form(client, "/account/update", {
        "first_name": "Priyanka", "surname": "Shah", "is_professional": "no", "street": "2 New Road",
        "town": "Leigh", "postcode": "wn71aa", "phone": "+44 1942 244991"})
    assert response.headers["Location"] == "/account"
    html = text(client.get("/account"))
    assert "Your details have been updated." in html
    assert "Priyanka Shah" in html
    user = the_user(app)
    assert (user.postcode, user.phone, user.is_professional, user.role) == ("WN7 1AA", "01942 244991", False,
                                                                            None)


def test_a_desk_phone_s_extension_is_written_out_on_my_account(app, client, make_user):
    """The account keeps "01942 244991 x204" (libphonenumber's form, which fits its column); My Account
    and the Update Account box said "x204", which not everyone knows means an extension to dial."""
    make_user()
    sign_in(client)
    post_form(client, "/account/update", {
        "first_name": "Priya", "surname": "Shah", "is_professional": "no", "street": "2 New Road",
        "town": "Leigh", "postcode": "WN7 1AA", "phone": "01942 244991 ext 204"})
    assert the_user(app).phone == "01942 244991 x204"
    assert "01942 244991 extension 204" in text(client.get("/account"))
    assert 'value="01942 244991 extension 204"' in text(client.get("/account/update"))


def test_update_account_errors_keep_what_was_typed(client, make_user):
    make_user()
    sign_in(client)
    response = post_form(client, "/account/update", {
        "first_name": "", "surname": "Shah", "is_professional": "yes", "role": "", "organisation": "NHS",
        "street": "2 New Road", "town": "Leigh", "postcode": "nope"})
    html = text(response)
    assert response.status_code == 422
    for message in ("Enter your first name", "Enter your role", "Enter a full UK postcode"):
        assert message in html
    assert 'value="NHS"' in html and 'value="nope"' in html


def test_a_form_sent_after_being_signed_out_elsewhere_says_so_and_leads_back(app, client, make_user):
    """Signed out from another device while Update Account was open: "Save changes" said "Your session
    needs refreshing ... Your saved answers have been kept", which explained nothing and kept nothing."""
    make_user()
    sign_in(client)
    page = text(client.get("/account/update"))
    other = app.test_client()
    sign_in(other)
    with app.app_context():
        services.revoke_user_sessions(the_user(app).id, keep=None)
        db.session.commit()
    response = client.post("/account/update", data={"csrf_token": csrf_token(page), "first_name": "Priyanka"})
    html = text(response)
    assert response.status_code == 401
    assert "<title>You have been signed out" in html
    assert "What you sent was not saved. Go back to copy anything you typed, then sign in again." in html
    assert '<a class="govuk-link" href="/sign-in?next=/account/update">Sign in</a>' in html
    assert "session needs refreshing" not in html and "saved answers" not in html
    assert the_user(app).first_name == "Priya"


def test_account_pages_need_sign_in(client):
    for path in ("/account", "/account/update", "/account/email", "/account/email/code", "/account/password"):
        assert client.get(path).headers["Location"] == f"/sign-in?next={path}"


def test_signed_in_pages_are_not_cached(client, make_user):
    make_user()
    sign_in(client)
    for path in ("/account", "/account/update", "/"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


# --- Change of email ------------------------------------------------------------------------------

def test_change_email_needs_password_and_a_code_and_tells_the_old_address(app, client, make_user, smtp_sink):
    make_user()
    sign_in(client)
    response = post_form(client, "/account/email", {"email": "new@example.com", "password": "wrong password"})
    assert response.status_code == 422
    assert "Your password is not correct" in text(response)
    response = post_form(client, "/account/email", {"email": "New@Example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/account/email/code"
    message = smtp_sink.wait_for("new@example.com", "Please verify your new email address")
    assert the_user(app).email == "teacher@example.com"  # nothing changes until the code is entered
    response = post_form(client, "/account/email/code", {"code": f"{(int(message.code()) + 1) % 10**8:08d}"})
    assert response.status_code == 422
    response = post_form(client, "/account/email/code", {"code": message.code()})
    assert response.headers["Location"] == "/account"
    assert "Your email address has been changed." in text(client.get("/account"))
    assert the_user(app, "new@example.com") is not None
    with app.app_context():
        notice = db.session.query(OutboxMessage).one()
        assert notice.recipient == "teacher@example.com"
        assert send_due() == 1
    notice = smtp_sink.wait_for("teacher@example.com", "Your email address has been changed")
    # Its link says what it is for (the email ended with the portal's bare address), and the reader
    # who did not make the change is told why they cannot put it right themselves.
    assert ("Sign in to the Wigan Children's Services Portal with your new email address from now on: "
            "http://localhost/sign-in") in notice.body
    assert "so you cannot reset your password yourself" in notice.body
    assert "\r\nhttp://localhost\r\n" not in notice.body
    assert sign_in(client.application.test_client(), "new@example.com").status_code == 302


def test_change_email_to_a_taken_address(client, make_user):
    make_user()
    make_user("other@example.com")
    sign_in(client)
    response = post_form(client, "/account/email", {"email": "OTHER@example.com", "password": PASSWORD})
    assert response.status_code == 422
    assert "An account with this email address already exists" in text(response)


def test_change_email_to_your_own_address_says_so(client, make_user):
    """It was told "An account with this email address already exists", which sounds like someone else's."""
    make_user()
    sign_in(client)
    response = post_form(client, "/account/email", {"email": "Teacher@Example.com", "password": PASSWORD})
    assert response.status_code == 422
    assert "This is already your email address. Enter the new one" in text(response)


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite lets one writer in at a time: the race cannot happen")
def test_an_address_registered_while_the_change_is_confirmed_is_refused_not_an_error(
        app, client, make_user, smtp_sink, monkeypatch):
    """The new address was free when the code was checked, and taken before the change was stored."""
    make_user()
    sign_in(client)
    post_form(client, "/account/email", {"email": "new@example.com", "password": PASSWORD})
    code = smtp_sink.wait_for("new@example.com", "Please verify your new email address").code()
    token = csrf_token(text(client.get("/account/email/code")))
    looked, registered = threading.Event(), threading.Event()
    real_find = services.find_by_email

    def find_then_wait(email):
        found = real_find(email)
        if threading.current_thread().name == "confirming" and email == "new@example.com":
            looked.set()
            registered.wait(10)
        return found

    monkeypatch.setattr(services, "find_by_email", find_then_wait)
    answer = {}
    confirming = threading.Thread(name="confirming", target=lambda: answer.update(
        response=client.post("/account/email/code", data={"csrf_token": token, "code": code})))
    confirming.start()
    assert looked.wait(10)
    make_user("new@example.com", first_name="Someone", surname="Else")
    registered.set()
    confirming.join(10)
    assert answer["response"].status_code == 422
    assert "An account with this email address already exists" in text(answer["response"])
    assert the_user(app).first_name == "Priya"


def test_change_email_bad_input(client, make_user):
    make_user()
    sign_in(client)
    for email in ("", "nope", "a\r\nb@example.com", "x" * 300 + "@example.com", "jö@example.com"):
        response = post_form(client, "/account/email", {"email": email, "password": PASSWORD})
        assert response.status_code == 422, email


def test_an_expired_change_of_email_code_says_how_to_get_a_new_one(client, make_user, smtp_sink,
                                                                   time_machine):
    """The message said "Select 'Please send me a new code'", and the page had no such button, nor any
    way to a new code: the person was stuck on it."""
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    make_user()
    sign_in(client)
    post_form(client, "/account/email", {"email": "new@example.com", "password": PASSWORD})
    code = smtp_sink.wait_for("new@example.com", "Please verify your new email address").code()
    time_machine.shift(timedelta(minutes=15, seconds=1))
    response = post_form(client, "/account/email/code", {"code": code})
    html = text(response)
    assert response.status_code == 422
    assert "The code has expired. Select &#39;Send a new code&#39;" in html
    assert '<a class="govuk-link" href="/account/email">Send a new code</a>' in html
    assert "Please send me a new code" not in html


def test_send_a_new_code_keeps_the_address_given(client, make_user, smtp_sink):
    """"Send a new code" on the reset and change-of-email code pages opened an empty form: the address
    had to be typed again to get another code."""
    make_user()
    post_form(client, "/forgotten-password", {"email": "Teacher@example.com"})
    reset_page = text(client.get("/forgotten-password/code"))
    link = re.search(r'href="([^"]+)">Send a new code</a>', reset_page).group(1)
    assert 'value="teacher@example.com"' in text(client.get(link))
    assert post_form(client, link, {"email": "teacher@example.com"}).headers["Location"] == \
        "/forgotten-password/code"

    sign_in(client)
    empty = re.search(r'<input[^>]*id="email"[^>]*>', text(client.get("/account/email"))).group(0)
    assert 'value=""' in empty
    post_form(client, "/account/email", {"email": "new@example.com", "password": PASSWORD})
    code_page = text(client.get("/account/email/code"))
    link = re.search(r'href="([^"]+)">Send a new code</a>', code_page).group(1)
    form = text(client.get(link))
    assert re.search(r'<input[^>]*id="email"[^>]*value="new@example.com"', form)
    assert 'value="correct horse' not in form  # the password is asked for again, never filled in


def test_confirm_email_without_a_pending_change(client, make_user):
    make_user()
    sign_in(client)
    assert client.get("/account/email/code").headers["Location"] == "/account/email"


# --- Change of password ---------------------------------------------------------------------------

def test_a_blank_new_address_or_password_is_asked_for_by_its_own_name(client, make_user):
    """At "New email address", "Enter your email address" read as a request for the address held now;
    at "New password", "Enter a password" stood above "Confirm your new password"."""
    make_user()
    sign_in(client)
    email = post_form(client, "/account/email", {"email": "", "password": PASSWORD})
    assert error_summary_links(text(email))[0] == ("#email", "Enter your new email address")
    password = post_form(client, "/account/password", {"current_password": PASSWORD})
    assert error_summary_links(text(password)) == [("#password", "Enter a new password"),
                                                   ("#confirm_password", "Confirm your new password")]
    post_form(client, "/", {}, post_url="/sign-out")  # the reset pages name their boxes the same way
    post_form(client, "/forgotten-password", {"email": "teacher@example.com"})
    reset = post_form(client, "/forgotten-password/code", {"code": "12345678"})
    assert ("#password", "Enter a new password") in error_summary_links(text(reset))
    start = post_form(client, "/forgotten-password", {"email": ""})
    assert error_summary_links(text(start)) == [("#email", "Enter your email address")]


def test_change_password_needs_the_current_one(app, client, make_user):
    make_user()
    sign_in(client)
    response = post_form(client, "/account/password", {"current_password": "wrong one",
                                                       "password": NEW_PASSWORD,
                                                       "confirm_password": NEW_PASSWORD})
    assert response.status_code == 422
    assert "Your current password is not correct" in text(response)
    response = post_form(client, "/account/password", {"current_password": PASSWORD, "password": "short",
                                                       "confirm_password": "short"})
    assert response.status_code == 422
    assert "New password must be 8 characters or more" in text(response)  # named as its box is
    with app.app_context():
        assert db.session.query(OutboxMessage).count() == 0  # nothing changed, nothing to tell


def test_change_password_says_at_once_when_both_passwords_are_wrong(client, make_user):
    make_user()
    sign_in(client)
    response = post_form(client, "/account/password", {"current_password": "wrong one", "password": "short",
                                                       "confirm_password": "short"})
    assert response.status_code == 422
    assert "Your current password is not correct" in text(response)
    assert "New password must be 8 characters or more" in text(response)


def test_a_changed_password_is_emailed_to_the_account(app, client, make_user, smtp_sink):
    make_user()
    sign_in(client)
    response = post_form(client, "/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                       "confirm_password": NEW_PASSWORD})
    assert response.headers["Location"] == "/account"
    told_of_new_password(app, smtp_sink)


def test_guessing_the_current_password_signs_the_session_out(app, client, make_user):
    """A session left signed in (a library computer) or a stolen cookie was an unlimited oracle for the
    account's password: each wrong one was only said to be wrong. The same page serves the back office
    (tests/functional/review/test_review_password.py)."""
    make_user()
    sign_in(client)
    other = app.test_client()
    sign_in(other)
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    for tries in range(1, limit):
        page = text(post_form(client, "/account/password", {"current_password": "a guess",
                                                            "password": NEW_PASSWORD,
                                                            "confirm_password": NEW_PASSWORD}))
        assert "Your current password is not correct" in page
        assert ("govuk-warning-text" in page) is (limit - tries <= 2)
    assert "you will be signed out. If you have forgotten it, you can " \
           '<a class="govuk-link" href="/forgotten-password">reset it</a> instead.' in page
    response = post_form(client, "/account/password", {"current_password": "a guess",
                                                       "password": NEW_PASSWORD,
                                                       "confirm_password": NEW_PASSWORD})
    assert response.headers["Location"] == "/sign-in?next=/account/password"
    assert "If you have forgotten your password, reset it with 'Forgotten your password?'." in unescape(
        text(client.get(response.headers["Location"])))
    assert not signed_in(client)
    assert signed_in(other)
    assert sign_in(client).headers["Location"] == "/"  # the account itself is not locked
    with app.app_context():
        assert db.session.query(OutboxMessage).count() == 0


def test_one_session_may_send_the_change_of_password_ten_times_an_hour(app, client, make_user):
    make_user()
    sign_in(client)
    for _ in range(10):
        assert post_form(client, "/account/password", {"current_password": PASSWORD}).status_code == 422
    assert post_form(client, "/account/password", {"current_password": PASSWORD}).status_code == 429
    elsewhere = app.test_client()
    sign_in(elsewhere)
    assert post_form(elsewhere, "/account/password", {"current_password": PASSWORD}).status_code == 422


# --- Staff accounts -------------------------------------------------------------------------------

def test_create_staff_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-staff", "Worker@Example.com", "--team", "early-help",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "worker@example.com" in result.output
    user = the_user(app, "worker@example.com")
    assert (user.is_staff, user.team, user.is_verified) == (True, "early-help", True)
    assert PASSWORD not in user.password_hash


def test_create_staff_stores_the_address_as_sign_in_looks_it_up(app):
    """An address pasted with a space around it was stored with the space, and sign-in, which
    trims what is typed, could never find the account."""
    result = app.test_cli_runner().invoke(args=["create-staff", " Worker@Example.com ", "--team", "lado",
                                                "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert the_user(app, "worker@example.com").is_staff
    with app.app_context():
        assert services.authenticate("worker@example.com", PASSWORD, staff=True).user is not None


def test_create_staff_on_an_existing_account_ends_its_sessions(app, client, make_user, smtp_sink):
    """Resetting a caseworker's password with the command left every session signed in with the
    old one working; a public account made staff kept using public pages on its old session."""
    from tests.functional.review.conftest import staff_sign_in

    make_user("worker@example.com", is_staff=True, team="lado")
    staff = app.test_client()
    staff_sign_in(staff, smtp_sink, "worker@example.com")
    assert staff.get("/la/queue").status_code == 200
    make_user()
    sign_in(client)
    runner = app.test_cli_runner()
    for email in ("worker@example.com", "teacher@example.com"):
        result = runner.invoke(args=["create-staff", email, "--team", "lado", "--password", NEW_PASSWORD])
        assert result.exit_code == 0, result.output
    response = staff.get("/la/queue")
    assert response.status_code == 302 and response.headers["Location"].startswith("/la/sign-in")
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_create_staff_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(args=["create-staff", "w@example.com", "--team", "lado"],
                                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert the_user(app, "w@example.com").team == "lado"


def test_create_staff_rejects_bad_teams_and_weak_passwords(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-staff", "w@example.com", "--team", "police",
                               "--password", PASSWORD]).exit_code != 0
    result = runner.invoke(args=["create-staff", "w@example.com", "--team", "lado", "--password", "password"])
    assert result.exit_code != 0
    assert "too common" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_a_caseworker_who_has_left_is_disabled_at_once_and_can_be_enabled_again(app, make_user, smtp_sink):
    from tests.functional.review.conftest import staff_sign_in

    make_user("leaver@council.example", is_staff=True, team="lado", is_professional=False, role=None,
              organisation=None)
    signed_in_at_work = app.test_client()
    staff_sign_in(signed_in_at_work, smtp_sink, "leaver@council.example")
    half_way = app.test_client()  # password given, code not yet entered
    assert post_form(half_way, "/la/sign-in", {"email": "leaver@council.example",
                                               "password": PASSWORD}).status_code == 302
    result = app.test_cli_runner().invoke(args=["disable-account", "Leaver@Council.example"])
    assert result.exit_code == 0, result.output
    assert "leaver@council.example is disabled" in result.output

    assert signed_in_at_work.get("/la/queue").headers["Location"].startswith("/la/sign-in")
    assert half_way.get("/la/sign-in/code").headers["Location"] == "/la/sign-in"
    refused = post_form(app.test_client(), "/la/sign-in", {"email": "leaver@council.example",
                                                           "password": PASSWORD})
    assert refused.status_code == 422
    assert "Enter a correct email address and password" in text(refused)

    result = app.test_cli_runner().invoke(args=["create-staff", "leaver@council.example", "--team", "lado",
                                                "--password", "a brand new passphrase"])
    assert result.exit_code == 0, result.output
    staff_sign_in(app.test_client(), smtp_sink, "leaver@council.example", "a brand new passphrase")


def test_a_disabled_public_account_cannot_sign_in_or_reset_its_way_back(app, client, make_user, smtp_sink):
    make_user()
    sign_in(client)
    assert app.test_cli_runner().invoke(args=["disable-account", "teacher@example.com"]).exit_code == 0
    assert not signed_in(client)
    refused = post_form(client, "/sign-in", {"email": "teacher@example.com", "password": PASSWORD})
    assert refused.status_code == 422
    post_form(client, "/forgotten-password", {"email": "teacher@example.com"})
    with app.app_context():
        assert send_due() == 0
    assert smtp_sink.to("teacher@example.com") == []


def test_disable_account_names_an_unknown_address(app):
    result = app.test_cli_runner().invoke(args=["disable-account", "nobody@example.com"])
    assert result.exit_code != 0
    assert "No account has the email address nobody@example.com" in result.output


@pytest.mark.parametrize("path", ["/account/password", "/account/email"])
def test_changing_a_password_or_email_can_be_cancelled_back_to_my_account(client, make_user, path):
    """Update Account had a Cancel link; these two pages had no way back but the browser's."""
    make_user()
    sign_in(client)
    html = text(client.get(path))
    assert '<a class="govuk-link" href="/account">Cancel</a>' in html


def test_forgotten_password_and_change_of_email_take_an_address_with_a_full_stop_after_it(
        client, make_user, smtp_sink):
    make_user()
    response = post_form(client, "/forgotten-password", {"email": "Teacher@example.com."})
    assert response.headers["Location"] == "/forgotten-password/code"
    page = text(client.get("/forgotten-password/code"))
    assert "If <strong>teacher@example.com</strong> has an account" in page
    smtp_sink.wait_for("teacher@example.com", "Your password reset code")
    sign_in(client)
    response = post_form(client, "/account/email", {"email": "new@example.com.", "password": PASSWORD})
    assert response.headers["Location"] == "/account/email/code"
    assert "<strong>new@example.com</strong>" in text(client.get("/account/email/code"))
