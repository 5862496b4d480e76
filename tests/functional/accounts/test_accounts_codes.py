"""Emailed codes: sender, subject, 8 digits, 15-minute expiry, single use, 5 tries, hashed, resend limits."""

import re
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text as sql

from tests.conftest import PASSWORD, post_form, sign_in
from tests.support import csrf_token
from webapp.accounts import codes
from webapp.accounts.models import EmailCode, User
from webapp.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**8:08d}"


@pytest.fixture
def now(time_machine):
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    return time_machine


def test_email_comes_from_the_council_portal(journey, smtp_sink):
    journey.to_step3()
    message = smtp_sink.wait_for("jo@example.com", "Please verify your email address")
    assert "Wigan Children's Services Portal" in message.sender
    assert len(message.code()) == 8
    assert "15 minutes" in message.body


def test_code_expires_after_15_minutes(journey, now):
    journey.to_step3()
    code = journey.code_for()
    now.shift(timedelta(minutes=15, seconds=1))
    # The anonymous registration session idles out after 30 minutes, not 15: it is still here.
    response = journey.verify(code)
    assert response.status_code == 422
    assert "The code has expired" in text(response)


def test_code_works_just_before_expiry(journey, now):
    journey.to_step3()
    code = journey.code_for()
    now.shift(timedelta(minutes=14, seconds=50))
    assert journey.verify(code).headers["Location"] == "/terms"


def test_code_is_single_use(app, journey, make_user):
    journey.to_step3()
    code = journey.code_for()
    with app.app_context():
        user = db.session.query(User).filter_by(email="jo@example.com").one()
        assert codes.check(user, "verify-email", code)[0] is codes.CodeCheck.OK
        db.session.commit()
        assert codes.check(user, "verify-email", code)[0] is codes.CodeCheck.VOID


def test_five_wrong_tries_void_the_code(journey):
    journey.to_step3()
    code = journey.code_for()
    for _ in range(4):
        assert "The code is not correct" in text(journey.verify(wrong(code)))
    assert "The code can no longer be used" in text(journey.verify(wrong(code)))
    response = journey.verify(code)
    assert response.status_code == 422
    assert "The code can no longer be used" in text(response)


def test_code_is_stored_hashed(app, journey):
    journey.to_step3()
    code = journey.code_for()
    with app.app_context():
        record = db.session.query(EmailCode).one()
        assert code not in record.code_hash
        for table in ("email_codes", "users", "web_sessions"):
            for row in db.session.execute(sql(f"SELECT * FROM {table}")):  # noqa: S608 (fixed names)
                assert code not in " ".join(str(value) for value in row), table


def test_codes_are_random(app, journey):
    journey.to_step3()
    first = journey.code_for()
    with app.app_context():
        user = db.session.query(User).one()
        issued = {codes.issue(user, "verify-email", user.email).code for _ in range(20)}
        db.session.rollback()
    assert len(issued | {first}) == 21
    assert all(len(c) == 8 and c.isdigit() for c in issued)


def test_resend_is_rate_limited(journey, smtp_sink, now):
    journey.to_step3()
    first = journey.code_for()
    response = post_form(journey.client, "/register/verify", {}, post_url="/register/verify/resend")
    assert response.headers["Location"] == "/register/verify"
    html = text(journey.client.get("/register/verify"))
    assert "You have asked for a new code too recently" in html
    assert "<title>Error: Register a new account - step 3 – " in html, "a flashed error shows a summary"
    assert len(smtp_sink.to("jo@example.com")) == 1
    now.shift(timedelta(seconds=31))
    post_form(journey.client, "/register/verify", {}, post_url="/register/verify/resend")
    assert "We have sent a new code to jo@example.com" in text(journey.client.get("/register/verify"))
    messages = smtp_sink.to("jo@example.com")
    assert len(messages) == 2
    second = messages[-1].code()
    assert journey.verify(first).status_code == 422  # the old code stopped working
    assert journey.verify(second).headers["Location"] == "/terms"


def test_at_most_five_codes_an_hour(journey, smtp_sink, now):
    journey.to_step3()
    for _ in range(6):
        now.shift(timedelta(seconds=31))
        post_form(journey.client, "/register/verify", {}, post_url="/register/verify/resend")
    assert len(smtp_sink.to("jo@example.com")) == 5
    html = text(journey.client.get("/register/verify"))  # "Wait a minute" would not have been so
    assert "You have asked for 5 new codes in the last hour. Wait 57 minutes, then try again." in html
    for _ in range(3):  # an hour later, the session kept alive meanwhile
        now.shift(timedelta(minutes=20))
        journey.client.get("/register/verify")
    post_form(journey.client, "/register/verify", {}, post_url="/register/verify/resend")
    assert len(smtp_sink.to("jo@example.com")) == 6


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def test_mail_server_down_offers_a_new_code_never_500(app_factory, smtp_sink):
    app = app_factory(MAIL_PORT=closed_port())
    from tests.functional.accounts.conftest import Journey

    journey = Journey(app.test_client(), smtp_sink)
    journey.details()
    response = journey.account()
    assert response.headers["Location"] == "/register/verify"
    page = journey.client.get("/register/verify")
    html = text(page)
    assert page.status_code == 200
    assert "We could not send the email just now" in html
    assert "Please send me a new code" in html
    response = post_form(journey.client, "/register/verify", {}, post_url="/register/verify/resend")
    assert response.status_code == 302
    assert "We could not send the email just now" in text(journey.client.get("/register/verify"))
    with app.app_context():
        assert db.session.query(EmailCode).count() == 0  # unsent codes do not count against the limit
    # The mail server comes back: the next request sends the code.
    app.config["MAIL_PORT"] = smtp_sink.port
    app.extensions["mail"].port = smtp_sink.port
    post_form(journey.client, "/register/verify", {}, post_url="/register/verify/resend")
    assert journey.verify(journey.code_for()).headers["Location"] == "/terms"


def test_repeated_sign_in_or_step2_does_not_flood_an_inbox(app, journey, smtp_sink):
    journey.to_step3()
    journey.account()  # step 2 again, at once
    other = app.test_client()
    for _ in range(3):
        post_form(other, "/sign-in", {"email": "jo@example.com", "password": "correct horse battery staple"})
    assert len(smtp_sink.to("jo@example.com")) == 1
    assert journey.verify(journey.code_for()).headers["Location"] == "/terms"


def test_new_code_pressed_twice_at_the_same_moment_sends_one(journey, smtp_sink, now, monkeypatch):
    """A double-click on 'Please send me a new code': both requests found no recent code, and both
    sent one. The second code made the first unusable, and mail does not always arrive in the order
    it was sent, so the code the person typed could be the one that had just stopped working.

    Each request is held just after it has looked for a recent code, until the other has looked too
    or a second has passed (it cannot look while the first holds the account)."""
    journey.to_step3()
    now.shift(timedelta(seconds=31))
    token = csrf_token(text(journey.client.get("/register/verify")))
    both_looked = threading.Barrier(2, timeout=1)
    real = codes.resend_wait

    def look_then_wait(user, purpose):
        result = real(user, purpose)
        try:
            both_looked.wait()
        except threading.BrokenBarrierError:  # the other request could not look meanwhile
            pass
        return result

    monkeypatch.setattr(codes, "resend_wait", look_then_wait)
    threads = [threading.Thread(target=lambda: journey.client.post(
        "/register/verify/resend", data={"csrf_token": token})) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    monkeypatch.setattr(codes, "resend_wait", real)
    messages = smtp_sink.to("jo@example.com")
    assert len(messages) == 2  # the first code, and one new one
    assert journey.verify(messages[-1].code()).headers["Location"] == "/terms"


CODE_HINT = "The code is 8 digits, for example 4227 8363"


def test_every_page_asking_for_an_emailed_code_says_what_one_looks_like(app, client, journey, make_user):
    """Registration step 3 told people what the code looks like; the reset-password and change-email
    code pages asked for the same kind of code without saying so. The hint is tied to the field, so a
    screen reader reads it with the label."""
    journey.to_step3()
    pages = {"registration step 3": client.get("/register/verify")}
    make_user()
    forgotten = app.test_client()
    post_form(forgotten, "/forgotten-password", {"email": "teacher@example.com"})
    pages["reset password"] = forgotten.get("/forgotten-password/code")
    changing = app.test_client()
    sign_in(changing)
    post_form(changing, "/account/email", {"email": "new@example.com", "password": PASSWORD})
    pages["change email"] = changing.get("/account/email/code")
    for name, response in pages.items():
        page = text(response)
        assert response.status_code == 200, name
        hint = re.search(r'<div id="code-hint" class="govuk-hint">\s*(.*?)\s*</div>', page)
        assert hint and hint.group(1) == CODE_HINT, name
        assert re.search(r'<input[^>]*aria-describedby="code-hint"[^>]*name="code"|'
                         r'<input[^>]*name="code"[^>]*aria-describedby="code-hint"', page), name
