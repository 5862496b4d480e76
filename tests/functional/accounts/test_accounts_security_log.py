"""Security events reach the operator's log (ASVS 5.0 16.3): each sign-in step and its outcome, locks,
throttling, and changes to how an account is reached, with the account's id and network address,
and never what a person typed."""

import logging
import re

import pytest

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.review.conftest import STAFF, staff_sign_in

TYPED = "Jordan.Ellison-Hart@example.com"


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="webapp.security")

    def read() -> list[dict]:
        lines = [r.getMessage() for r in caplog.records if r.name == "webapp.security"]
        caplog.clear()
        return [dict(re.findall(r"(\w+)=(\S+)", line)) for line in lines]

    return read


def test_citizen_sign_in_outcomes_are_logged_by_account_id_never_by_what_was_typed(app, make_user, events):
    user_id = make_user()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    post_form(client, "/sign-in", {"email": TYPED, "password": "a guess"})
    post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "a guess"})
    sign_in(client)
    logged = events()
    assert [(e["event"], e["outcome"]) for e in logged] == [
        ("sign-in-password", "unknown-account"), ("sign-in-password", "wrong-password"),
        ("sign-in-password", "success"), ("sign-in", "success")]
    assert [e["account"] for e in logged] == ["-", str(user_id), str(user_id), str(user_id)]
    assert {e["address"] for e in logged} == {"198.51.100.23"}
    assert {e["kind"] for e in logged} == {"citizen"}
    assert {e["route"] for e in logged} == {"/sign-in"}

    post_form(client, "/sign-out", {}, post_url="/sign-out")
    assert [(e["event"], e["account"]) for e in events()] == [("sign-out", str(user_id))]


def test_a_lock_and_its_refusals_are_logged_as_warnings(app, make_user, caplog, events):
    user_id = make_user()
    client = app.test_client()
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"] + 1):
        post_form(client, "/sign-in", {"email": "teacher@example.com", "password": "a guess"})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"event=account-lock outcome=locked account={user_id}" in line for line in warnings)
    assert events()[-1]["outcome"] == "locked"


def test_staff_steps_codes_and_throttling_are_logged(app, make_user, smtp_sink, events):
    make_user(STAFF, is_staff=True, team="social-care", is_professional=False, role=None, organisation=None)
    staff_sign_in(app.test_client(), smtp_sink)
    logged = [(e["event"], e["outcome"], e["kind"]) for e in events()]
    assert logged == [("sign-in-password", "success", "staff"), ("code-staff-sign-in", "ok", "staff"),
                      ("sign-in", "success", "staff")]

    guesser = app.test_client()
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"] + 1):
        post_form(guesser, "/la/sign-in", {"email": STAFF, "password": "a guess"})
    assert events()[-1] == {"event": "throttled", "outcome": "refused", "account": "-", "kind": "-",
                            "address": "127.0.0.1", "route": "/la/sign-in"}


def test_changes_to_how_an_account_is_reached_are_logged(app, make_user, smtp_sink, events):
    user_id = make_user()
    client = app.test_client()
    sign_in(client)
    events()
    post_form(client, "/account/password", {"current_password": PASSWORD, "password": "a new passphrase here",
                                            "confirm_password": "a new passphrase here"})
    assert ("password-change", "success", str(user_id)) in [
        (e["event"], e["outcome"], e["account"]) for e in events()]
    post_form(client, "/account/email", {"email": "new@example.com", "password": "a new passphrase here"})
    code = smtp_sink.wait_for("new@example.com", "Please verify your new email address").code()
    post_form(client, "/account/email/code", {"code": "00000000" if code != "00000000" else "11111111"})
    post_form(client, "/account/email/code", {"code": code})
    logged = [(e["event"], e["outcome"]) for e in events()]
    assert logged == [("code-change-email", "wrong"), ("code-change-email", "ok"),
                      ("email-change", "success")]
