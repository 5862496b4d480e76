"""A caseworker changes their own password in the back office (/la/password): the public's Change your
password page (accounts/password_views.py) on the back office's blueprint, behind its two-factor sign-in,
with its 15-minute idle timeout, and leading back to the queue."""

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.review.conftest import CODE_SUBJECT, STAFF, SUBMITTER, staff_sign_in
from tests.support import csrf_token, error_summary_links
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.notifications.models import OutboxMessage

NEW_PASSWORD = "a brand new passphrase"
CHANGED = "Your password has been changed. You have been signed out everywhere else."
CHANGED_SUBJECT = "Your password has been changed"
COOKIE = "portal_session"


def text(response) -> str:
    return response.get_data(as_text=True)


def in_the_back_office(client) -> bool:
    return client.get("/la/queue").status_code == 200


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(client, "/la/password", {"current_password": current, "password": new,
                                              "confirm_password": new if confirm is None else confirm})


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.query(OutboxMessage))


def password_is(app, email: str, password: str) -> bool:
    from webapp.accounts.passwords import verify_password

    with app.app_context():
        return verify_password(db.session.query(User).filter_by(email=email).one().password_hash, password)


def test_the_account_menu_leads_a_caseworker_to_change_their_password(staff_client):
    queue = text(staff_client.get("/la/queue"))
    menu = re.search(r'<ul class="app-account-menu__list">.*?</ul>', queue, re.S).group(0)
    links = re.findall(r'<a class="app-account-menu__link" href="([^"]+)">([^<]+)</a>', menu)
    assert links == [("/la/queue", "Back office"), ("/la/devices", "Where you are signed in"),
                     ("/la/password", "Change your password")]
    page = text(staff_client.get("/la/password"))
    assert "<h1 class=\"govuk-heading-l\">Change your password</h1>" in page
    assert 'action="/la/password"' in page
    for name, label, autocomplete in (("current_password", "Current password", "current-password"),
                                      ("password", "New password", "new-password"),
                                      ("confirm_password", "Confirm new password", "new-password")):
        assert re.search(rf'<label class="govuk-label" for="{name}">\s*{label}\s*</label>', page), name
        assert re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*id="{name}"|'
                         rf'<input[^>]*id="{name}"[^>]*autocomplete="{autocomplete}"', page), name
    # Cancel goes back to the back office, never to the public's My Account.
    assert '<a class="govuk-link" href="/la/queue">Cancel</a>' in page
    assert 'href="/account"' not in page


def test_a_caseworker_changes_their_password_and_every_other_session_ends(app, people, smtp_sink):
    office, laptop = app.test_client(), app.test_client()
    staff_sign_in(laptop, smtp_sink)
    staff_sign_in(office, smtp_sink)
    before = office.get_cookie(COOKIE).value
    smtp_sink.clear()

    response = change(office)
    assert response.status_code == 302 and response.headers["Location"] == "/la/queue"
    queue = text(office.get("/la/queue"))
    assert "govuk-notification-banner--success" in queue and CHANGED in queue
    assert in_the_back_office(office)  # still signed in, as staff
    assert office.get_cookie(COOKIE).value != before  # with a new session id
    assert not in_the_back_office(laptop)  # the other session ended
    thief = app.test_client()
    thief.set_cookie(COOKIE, before)  # a copy of this browser's old cookie ended too
    assert not in_the_back_office(thief)

    assert password_is(app, STAFF, NEW_PASSWORD) and not password_is(app, STAFF, PASSWORD)
    staff_sign_in(app.test_client(), smtp_sink, password=NEW_PASSWORD)
    old_password = post_form(app.test_client(), "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    assert old_password.status_code == 422


def test_the_caseworker_is_emailed_in_the_back_office_s_words(app, staff_client, smtp_sink):
    change(staff_client)
    with app.app_context():
        assert send_due() == 1
    body = smtp_sink.wait_for(STAFF, CHANGED_SUBJECT).body
    assert "The password for your Wigan Children's Services back office account was changed on" in body
    assert "Every other device signed in to your account has been signed out." in body
    assert "If you changed it, you do not need to do anything." in body
    assert ("Tell your manager and the IT service desk straight away: they can give you a new password."
            in body)
    # Not the public's reset, which refuses a staff account.
    assert "Forgotten your password" not in body and "/sign-in" not in body


def test_a_wrong_current_password_is_said_and_changes_nothing(app, staff_client, people, smtp_sink):
    response = change(staff_client, current="not my password")
    assert response.status_code == 422
    page = text(response)
    assert error_summary_links(page) == [("#current_password", "Your current password is not correct")]
    assert "<title>Error: Change your password" in page
    assert 'id="current_password-error"' in page
    assert password_is(app, STAFF, PASSWORD)
    assert outbox(app) == []
    assert in_the_back_office(staff_client)


@pytest.mark.parametrize(("new", "confirm", "problems"), [
    ("short", None, [("#password", "New password must be 8 characters or more")]),
    ("password123", None,
     [("#password", "This password is too common and easy to guess. Choose a different password")]),
    ("Sam Carter 2026", None, [("#password", "Your password must not be made up only of your name, your "
                                             "email address, or the name of the council or this service")]),
    (STAFF, None, [("#password", "Your password must not be made up only of your name, your email address, "
                                 "or the name of the council or this service")]),
    (NEW_PASSWORD, "a different passphrase", [("#confirm_password", "Passwords must match")]),
    ("", "", [("#password", "Enter a new password"), ("#confirm_password", "Confirm your new password")]),
])
def test_the_new_password_meets_the_public_page_s_rules(app, make_user, smtp_sink, staff_client, new, confirm,
                                                         problems):
    """The same rules, in the same words, as the public page, which says them for the same account's
    names and address (the caseworker is Sam Carter)."""
    response = change(staff_client, new=new, confirm=confirm)
    assert response.status_code == 422
    assert error_summary_links(text(response)) == problems
    make_user("sam.carter@example.com", first_name="Sam", surname="Carter")
    citizen = app.test_client()
    sign_in(citizen, "sam.carter@example.com")
    new = "sam.carter@example.com" if new == STAFF else new
    confirm = new if confirm is None else confirm
    public = post_form(citizen, "/account/password", {"current_password": PASSWORD, "password": new,
                                                      "confirm_password": confirm})
    assert error_summary_links(text(public)) == problems
    assert password_is(app, STAFF, PASSWORD)


def test_both_wrong_at_once_are_both_said(staff_client):
    response = change(staff_client, current="not my password", new="short")
    assert error_summary_links(text(response)) == [
        ("#current_password", "Your current password is not correct"),
        ("#password", "New password must be 8 characters or more")]


def test_guessing_the_current_password_signs_the_session_out(app, people, smtp_sink, caplog):
    """Someone at a caseworker's unlocked computer cannot try password after password here: after
    LOGIN_FAILURES_BEFORE_LOCK wrong ones the session ends, with a warning on the two tries before."""
    caplog.set_level(logging.INFO, logger="webapp.security")
    office, laptop = app.test_client(), app.test_client()
    staff_sign_in(laptop, smtp_sink)
    staff_sign_in(office, smtp_sink)
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    warnings = []
    for _ in range(limit - 1):
        page = text(change(office, current="a guess"))
        assert "Your current password is not correct" in page
        warning = re.search(r'<strong class="govuk-warning-text__text">(.*?)</strong>', page, re.S)
        warnings.append(" ".join(re.sub(r"<[^>]+>", " ", warning.group(1)).split()) if warning else None)
    assert warnings == [None] * (limit - 3) + [
        "Warning If you enter the wrong current password 2 more times, you will be signed out. If you have "
        "forgotten it, ask the IT service desk for a new one.",
        "Warning If you enter the wrong current password once more, you will be signed out. If you have "
        "forgotten it, ask the IT service desk for a new one."]

    response = change(office, current="a guess")
    assert response.headers["Location"] == "/la/sign-in?next=/la/password"
    sign_in_page = text(office.get(response.headers["Location"]))
    assert ("You have been signed out because your password was entered wrongly too many times. "
            "Sign in again to change your password. If you have forgotten your password, ask the IT service "
            "desk for a new one.") in sign_in_page
    assert "Account menu for" not in sign_in_page
    assert not in_the_back_office(office)
    assert in_the_back_office(laptop)  # the owner's own other session carries on
    assert password_is(app, STAFF, PASSWORD)
    logged = [r.getMessage() for r in caplog.records if r.name == "webapp.security"]
    assert sum("event=password-change outcome=wrong-password" in line and "kind=staff" in line
               for line in logged) == limit
    assert any("event=password-change outcome=too-many-wrong-passwords" in line for line in logged)
    assert any("event=sign-out outcome=too-many-wrong-passwords" in line for line in logged)

    # Signing in again (password and code) starts afresh, and comes back to this page.
    response = staff_sign_in(office, smtp_sink, at="/la/sign-in?next=/la/password")
    assert response.headers["Location"] == "/la/password"
    assert "govuk-warning-text" not in text(change(office, current="a guess"))


def test_a_right_current_password_does_not_start_the_count_again(app, staff_client):
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    for _ in range(limit - 1):
        change(staff_client, current="a guess")
    assert change(staff_client, new="short").status_code == 422  # right current password, bad new one
    response = change(staff_client, current="a guess")
    assert response.status_code == 302 and response.headers["Location"].startswith("/la/sign-in")


def test_one_session_may_send_the_page_ten_times_an_hour(app, people, smtp_sink):
    """Tries sent all at once each read the session's count before any of them wrote it: the rate limit
    bounds them. It is the session's: the caseworker's other sessions are not held up by it."""
    office, laptop = app.test_client(), app.test_client()
    staff_sign_in(laptop, smtp_sink)
    staff_sign_in(office, smtp_sink)
    for _ in range(10):
        assert change(office, new="short").status_code == 422
    refused = change(office, new="short")
    assert refused.status_code == 429
    assert "Wait 1 hour, then try again." in text(refused)
    assert change(laptop, new="short").status_code == 422
    assert change(laptop).headers["Location"] == "/la/queue"


def test_a_member_of_the_public_finds_no_such_page(app, client, people):
    sign_in(client, SUBMITTER)
    assert client.get("/la/password").status_code == 404
    token = csrf_token(text(client.get("/account/password")))
    response = client.post("/la/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                 "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 404
    assert password_is(app, SUBMITTER, PASSWORD)
    assert outbox(app) == []


def test_signed_out_it_leads_to_the_back_office_sign_in_and_back(client, people, smtp_sink):
    assert client.get("/la/password").headers["Location"] == "/la/sign-in?next=/la/password"
    response = staff_sign_in(client, smtp_sink, at="/la/sign-in?next=/la/password")
    assert response.headers["Location"] == "/la/password"


def test_a_staff_session_on_the_public_page_is_sent_to_the_public_sign_in(app, staff_client):
    """As before: the public page is a citizen's, and a caseworker's session is not one."""
    response = staff_client.get("/account/password")
    assert response.headers["Location"] == "/sign-in?next=/account/password"
    token = csrf_token(text(staff_client.get("/la/password")))
    response = staff_client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})
    assert response.headers["Location"].startswith("/sign-in")
    assert password_is(app, STAFF, PASSWORD)
    assert in_the_back_office(staff_client)


def test_the_page_has_the_back_office_s_15_minute_timeout(app, client, people, smtp_sink, time_machine):
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    staff_sign_in(client, smtp_sink)
    page = text(client.get("/la/password"))
    assert 'data-session-seconds="900"' in page
    assert 'data-session-expired-url="/la/sign-in?expired=1"' in page
    assert 'id="timeout-dialog"' in page
    token = csrf_token(page)

    time_machine.shift(timedelta(minutes=14))
    assert client.get("/la/password").status_code == 200  # activity: the 15 minutes start again
    time_machine.shift(timedelta(minutes=15, seconds=1))
    response = client.get("/la/password")
    assert response.headers["Location"] == "/la/sign-in?next=/la/password"
    assert "You were signed out because you had not done anything for a while" in text(
        client.get(response.headers["Location"]))

    # A form left open past the timeout: nothing changes, and the page says so and leads to sign-in.
    staff_sign_in(client, smtp_sink)
    time_machine.shift(timedelta(minutes=16))
    response = client.post("/la/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                 "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 401
    assert "You have been signed out" in text(response)
    assert '<a class="govuk-link" href="/la/sign-in?next=/la/password">Sign in</a>' in text(response)
    assert password_is(app, STAFF, PASSWORD)


def test_the_sign_in_code_email_says_what_to_do_if_it_was_not_them(app, client, people, smtp_sink):
    post_form(client, "/la/sign-in", {"email": STAFF, "password": PASSWORD})
    body = smtp_sink.wait_for(STAFF, CODE_SUBJECT).body
    assert "If you did not just try to sign in, someone else knows your password." in body
    assert "tell your manager and the IT service desk" in body
    [link] = re.findall(r"https?://\S+?(?=[,.]?\s)", body)
    assert link == f"{app.config['PORTAL_BASE_URL']}/la/password"
    with app.test_request_context():
        assert app.url_map.bind("localhost").match("/la/password")[0] == "review.change_password"
