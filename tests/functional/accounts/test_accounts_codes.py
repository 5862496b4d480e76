"""Emailed codes: sender, subject, 8 digits, 15-minute expiry, single use, 5 tries, hashed, resend limits."""

import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text as sql

from tests.conftest import post_form
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
    assert "Wigan Council Children's Services Portal" in message.sender
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
