"""Server-side, revocable sessions: a random id in the cookie, idle and absolute deadlines, revocation."""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from tests.conftest import PASSWORD, post_form, sign_in
from tests.support import at_the_same_moment, csrf_token, sessions_saved_in_order
from webapp.accounts.models import WebSession
from webapp.accounts.sessions import purge_expired_sessions
from webapp.extensions import db
from webapp.scheduler import Job, JobRun, run_job

COOKIE = "portal_session"


def text(response) -> str:
    return response.get_data(as_text=True)


def cookie_of(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def now(time_machine):
    start = datetime.now(UTC).replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    return time_machine


def test_cookie_holds_only_a_random_id(app, client, make_user):
    make_user()
    response = sign_in(client)
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    token = cookie_of(client)
    assert len(token) >= 40 and "." not in token  # not a signed Flask cookie carrying data
    with app.app_context():
        row = db.session.get(WebSession, hashlib.sha256(token.encode()).hexdigest())
        assert row is not None and row.user_id is not None
        assert db.session.get(WebSession, token) is None  # the token itself is never stored


def test_cookie_is_secure_outside_development(app_factory):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.get("/sign-in")  # the CSRF token starts a session
    assert "Secure" in response.headers["Set-Cookie"]


def test_new_id_at_sign_in(client, make_user):
    make_user()
    client.get("/sign-in")
    before = cookie_of(client)
    assert before
    sign_in(client)
    after = cookie_of(client)
    assert after and after != before


def test_planted_id_is_worthless_after_sign_in(app, client, make_user):
    make_user()
    client.get("/sign-in")
    planted = cookie_of(client)
    sign_in(client)
    attacker = app.test_client()
    attacker.set_cookie(COOKIE, planted)
    assert not signed_in(attacker)


def test_logout_ends_the_session_on_the_server(app, client, make_user):
    make_user()
    sign_in(client)
    stolen = cookie_of(client)
    client.post("/sign-out", data={"csrf_token": csrf_token(text(client.get("/")))})
    replay = app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert replay.get("/account").headers["Location"].startswith("/sign-in")
    with app.app_context():
        assert db.session.get(WebSession, hashlib.sha256(stolen.encode()).hexdigest()) is None


def test_unknown_or_garbage_cookie_is_just_signed_out(app, client):
    for value in ("nonsense", "x" * 5000, "a.b.c"):
        client.set_cookie(COOKIE, value)
        response = client.get("/account")
        assert response.status_code == 302


def test_idle_timeout(client, make_user, now):
    make_user()
    sign_in(client)
    now.shift(timedelta(minutes=29))
    assert signed_in(client)  # activity keeps it alive...
    now.shift(timedelta(minutes=29))
    assert signed_in(client)
    now.shift(timedelta(minutes=31))  # ...and 30 idle minutes end it
    response = client.get("/account")
    assert response.headers["Location"] == "/sign-in?next=/account"
    assert "You were signed out because you had not done anything for a while" in text(
        client.get(response.headers["Location"]))


def test_idle_timeout_is_configurable(app_factory, make_user, now):
    app = app_factory(SESSION_IDLE_MINUTES=5)
    client = app.test_client()
    from webapp.accounts.models import User
    from webapp.accounts.passwords import hash_password
    from webapp.clock import utcnow

    with app.app_context():
        db.session.add(User(email="a@example.com", password_hash=hash_password(PASSWORD), first_name="A",
                            surname="B", email_verified_at=utcnow(),
                            terms_version=app.config["TERMS_VERSION"]))
        db.session.commit()
    sign_in(client, "a@example.com")
    now.shift(timedelta(minutes=6))
    assert not signed_in(client)


def test_absolute_lifetime_of_12_hours(client, make_user, now):
    make_user()
    sign_in(client)
    for _ in range(24):  # busy all day: a request every 29 minutes, 11 h 36 min in all
        now.shift(timedelta(minutes=29))
        assert signed_in(client)
    now.shift(timedelta(minutes=23, seconds=50))  # 10 seconds short of 12 hours
    assert signed_in(client)
    now.shift(timedelta(seconds=20))  # 12 hours since sign-in, however busy
    assert not signed_in(client)


def test_password_change_ends_other_sessions(app, client, make_user):
    make_user()
    sign_in(client)
    other = app.test_client()
    sign_in(other)
    response = post_form(client, "/account/password", {"current_password": PASSWORD,
                                                       "password": "a brand new passphrase",
                                                       "confirm_password": "a brand new passphrase"})
    assert response.headers["Location"] == "/account"
    assert "You have been signed out everywhere else" in text(client.get("/account"))
    assert signed_in(client)
    assert not signed_in(other)


def test_password_change_also_ends_a_copy_of_this_browser_s_cookie(app, client, make_user):
    """The session that changed the password kept its id: a cookie stolen from this browser before
    the change went on working, although the page said "signed out everywhere else"."""
    make_user()
    sign_in(client)
    stolen = cookie_of(client)
    post_form(client, "/account/password", {"current_password": PASSWORD,
                                            "password": "a brand new passphrase",
                                            "confirm_password": "a brand new passphrase"})
    assert signed_in(client)
    assert cookie_of(client) != stolen
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert not signed_in(thief)


def test_htmx_request_after_expiry_gets_401_and_hx_redirect(client, make_user, now):
    make_user()
    sign_in(client)
    now.shift(timedelta(minutes=31))
    response = client.get("/account", headers={"HX-Request": "true",
                                               "HX-Current-URL": "http://localhost/account"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in")
    assert text(response) == ""
    response = client.post("/session/extend", headers={"HX-Request": "true"})
    assert response.status_code in (400, 401)  # no token and no session: never a 200 or a 500


@pytest.mark.parametrize(("current_url", "sign_in_url"), [
    ("http://localhost/drafts/abc/concerns", "/sign-in?next=/drafts/abc/concerns"),
    ("http://[::1", "/sign-in"),  # not a URL: no way back, but never a server error
])
def test_htmx_post_after_expiry_returns_to_the_page_it_came_from(client, make_user, now, current_url,
                                                                  sign_in_url):
    make_user()
    sign_in(client)
    now.shift(timedelta(minutes=31))
    response = client.post("/account/password", headers={"HX-Request": "true", "HX-Current-URL": current_url})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == sign_in_url


def test_extend_session_keeps_it_alive(client, make_user, now):
    make_user()
    sign_in(client)
    token = csrf_token(text(client.get("/")))
    now.shift(timedelta(minutes=29))
    assert client.post("/session/extend", headers={"X-CSRFToken": token}).status_code == 204
    now.shift(timedelta(minutes=29))
    assert signed_in(client)


def test_timeout_warning_data_is_on_signed_in_pages(client, make_user):
    make_user()
    sign_in(client)
    html = text(client.get("/account"))
    seconds = int(re.search(r'data-session-seconds="(\d+)"', html).group(1))
    assert 1790 <= seconds <= 1800
    assert 'id="timeout-dialog"' in html
    assert 'data-session-expired-url="/sign-in?expired=1"' in html  # staff: /la/sign-in (review tests)


def test_purge_job_deletes_expired_sessions(app, make_user, now):
    make_user()
    stale, fresh = app.test_client(), app.test_client()
    sign_in(stale)
    now.shift(timedelta(minutes=20))
    sign_in(fresh)
    now.shift(timedelta(minutes=15))  # stale: 35 idle minutes; fresh: 15
    with app.app_context():
        assert db.session.query(WebSession).count() == 2
        assert purge_expired_sessions() == 1
        assert db.session.query(WebSession).count() == 1
        assert purge_expired_sessions() == 0  # safe to run twice
    assert signed_in(fresh)


def test_scheduler_runs_a_job_once_per_period(app):
    calls = []
    job = Job("test-job", 60, lambda: calls.append(1))
    assert run_job(app, job) is True
    assert run_job(app, job) is False  # a second worker in the same period
    assert calls == [1]
    with app.app_context():
        assert db.session.query(JobRun).filter_by(job="test-job").count() == 1


def test_scheduler_runs_again_next_period(app, now):
    calls = []
    job = Job("test-job", 60, lambda: calls.append(1))
    assert run_job(app, job)
    now.shift(timedelta(seconds=61))
    assert run_job(app, job)
    assert calls == [1, 1]


def test_purge_job_through_the_scheduler(app, make_user, now):
    from webapp.scheduler.jobs import JOBS

    make_user()
    sign_in(app.test_client())
    now.shift(timedelta(hours=13))
    purge = next(job for job in JOBS if job.name == "purge-expired-sessions")
    assert run_job(app, purge)
    with app.app_context():
        assert db.session.query(WebSession).count() == 0


# --- The page's countdown and the server's deadline ------------------------------------------------
# With JavaScript, a page counts down from its data-session-seconds and then sends the browser to
# /sign-in?expired=1. It must never get there before the server's deadline: it did, by up to a second
# (seconds were truncated) or ten (a page shown within TOUCH_AFTER of a request that set a message),
# and the "signed out" page then showed the account menu and a countdown of its own.

def page_seconds(html: str) -> int | None:
    match = re.search(r'data-session-seconds="(\d+)"', html)
    return int(match.group(1)) if match else None


def server_seconds_left(app, client) -> float:
    with app.app_context():
        row = db.session.get(WebSession, hashlib.sha256(cookie_of(client).encode()).hexdigest())
        return (row.idle_expires_at.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds()


def test_the_countdown_is_rounded_up_to_the_server_s_deadline(app, client, make_user, now):
    make_user()
    sign_in(client)
    now.shift(timedelta(seconds=4.5))  # within TOUCH_AFTER: this page does not move the deadline
    seconds = page_seconds(text(client.get("/account")))
    assert seconds == 1796  # 1795.5 left: 1795 ended half a second early
    assert seconds >= server_seconds_left(app, client)


def test_a_page_showing_a_message_counts_down_from_the_deadline_it_sets(app, client, make_user, now):
    """The message (a flash) is taken from the session as the page is drawn, which moves the deadline:
    the countdown was worked out before that, from the earlier deadline, up to 10 s short."""
    make_user()
    sign_in(client)
    now.shift(timedelta(seconds=12))
    details = {"title": "Ms", "first_name": "Priya", "surname": "Shah", "is_professional": "yes",
               "role": "Teacher", "organisation": "Meadow Primary School", "street": "1 School Lane",
               "town": "Wigan", "postcode": "WN1 1AA", "phone": "01942 000001"}
    assert post_form(client, "/account/update", details).headers["Location"] == "/account"
    now.shift(timedelta(seconds=4.5))
    html = text(client.get("/account"))
    assert "Your details have been updated." in html
    assert page_seconds(html) == 1800
    assert page_seconds(html) >= server_seconds_left(app, client)


def test_htmx_and_continue_answers_say_how_long_the_session_has_left(app, client, make_user, now):
    """A page's countdown starts again after each htmx request or 'Continue': from what the server
    says is left (it restarted from the page's first figure, which could be short of the deadline)."""
    make_user()
    sign_in(client)
    token = csrf_token(text(client.get("/account")))
    now.shift(timedelta(seconds=4.5))
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.headers["X-Portal-Session-Seconds"] == "1796"  # the deadline did not move
    now.shift(timedelta(seconds=20))
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.headers["X-Portal-Session-Seconds"] == "1800"  # it moved
    now.shift(timedelta(minutes=20))
    response = client.post("/session/extend", headers={"X-CSRFToken": token})
    assert response.status_code == 204 and response.headers["X-Portal-Session-Seconds"] == "1800"
    assert "X-Portal-Session-Seconds" not in app.test_client().get("/").headers  # no one signed in


def test_the_sign_in_page_never_counts_down(client, make_user):
    make_user()
    sign_in(client)
    for path in ("/sign-in", "/sign-in?next=/account"):
        html = text(client.get(path))
        assert page_seconds(html) is None and 'id="timeout-dialog"' not in html, path


def test_the_countdown_s_sign_in_page_ends_a_session_about_to_idle_out(client, make_user, now):
    """The browser's own countdown says the time is up: a session a few seconds from its deadline ends
    there, so the page says signed out and is signed out (no account menu, no second countdown), and
    its form signs in (its token is the new session's)."""
    make_user()
    sign_in(client)
    now.shift(timedelta(minutes=29, seconds=55))
    html = text(client.get("/sign-in?expired=1&next=/account"))
    assert "You were signed out because you had not done anything for a while" in html
    assert "Account menu for" not in html and "Priya Shah" not in html
    assert page_seconds(html) is None and 'id="timeout-dialog"' not in html
    assert client.get("/account").headers["Location"] == "/sign-in?next=/account"
    response = client.post("/sign-in?next=/account", data={"csrf_token": csrf_token(html),
                                                           "email": "teacher@example.com",
                                                           "password": PASSWORD})
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(("next_path", "says_saved"), [
    ("/account/password", False), ("/account", False), ("/account/email", False),
    ("/drafts/abc123/child", True), ("/drafts/abc123/child?return=check", True),
    ("/drafts/abc123/check", False), ("/drafts/abc123/overview", False),
    ("/drafts/abc123/supporting-documentation", False), ("/drafts/abc123/attachments", False),
])
def test_sign_in_after_the_timeout_says_answers_were_saved_only_after_a_page_that_saves_itself(
        client, make_user, now, next_path, says_saved):
    """Someone signed out while changing their password was told "Your answers were saved": only a
    section of questions saves what is typed on it before the timeout (not an overview, and not
    Supporting Documentation, whose file and description go only with a press of a button), so only
    its sign-in page says so."""
    make_user()
    sign_in(client)
    now.shift(timedelta(minutes=29, seconds=55))
    html = text(client.get(f"/sign-in?expired=1&next={quote(next_path, safe='/')}"))
    assert "You were signed out because you had not done anything for a while." in html
    assert "Sign in to carry on where you left off." in html
    assert ("Your answers were saved." in html) is says_saved


def test_the_countdown_s_sign_in_page_sends_back_a_session_kept_alive_elsewhere(client, make_user, now):
    """A tab left open counts down from its own last request; another tab in use has kept the session
    going. Ending it would sign that tab out mid-task (and a link to the page would sign anyone out):
    the browser goes back to its page, whose countdown starts from the deadline as it is. Going there
    and back is not activity: it leaves the deadline where it was."""
    make_user()
    sign_in(client)
    now.shift(timedelta(minutes=5))
    response = client.get("/sign-in?expired=1&next=/account")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    html = text(client.get("/account"))
    assert "Priya Shah" in html
    assert page_seconds(html) == 25 * 60
    now.shift(timedelta(minutes=25, seconds=1))
    assert not signed_in(client)


@pytest.mark.parametrize("nested", [
    "/sign-in?expired=1&next=/account", "/sign-in", "/sign-in/", "/la/sign-in?next=/la/queue",
    "/la/sign-in/code", "/sign%2Din?expired=1"])
def test_next_never_leads_back_to_a_sign_in_page(client, make_user, nested):
    """A countdown that ended on the sign-in page sent the browser to sign-in with next=/sign-in?…;
    signing in then led to the sign-in page again."""
    make_user()
    path = "/sign-in?expired=1&next=" + quote(nested, safe="")
    html = text(client.get(path))
    assert 'action="/sign-in"' in html
    response = client.post(path, data={"csrf_token": csrf_token(html), "email": "teacher@example.com",
                                       "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_a_page_loaded_while_a_wrong_password_is_counted_does_not_undo_the_count(app, client, make_user,
                                                                                  monkeypatch, now):
    """A page that changes nothing in the session still saves when the session's idle period starts
    again, and it wrote back the whole session as it had read it: a wrong password counted by a
    request at the same moment (another tab, or requests sent at once on purpose) was undone, and
    guessing never reached the limit that signs the session out. Now only what a request changed is
    written."""
    from flask import request

    from webapp.accounts import sessions

    make_user()
    sign_in(client)
    guess = {"current_password": "a guess", "password": "a new long password",
             "confirm_password": "a new long password"}
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"] - 1):
        token = csrf_token(text(client.get("/account/password")))
        now.shift(sessions.TOUCH_AFTER + timedelta(seconds=1))
        with sessions_saved_in_order(lambda: request.method == "GET"):
            wrong, _ = at_the_same_moment(monkeypatch, sessions, "utcnow", [
                lambda token=token: client.post("/account/password", data={"csrf_token": token, **guess}),
                lambda: client.get("/account")])
        assert "password is not correct" in text(wrong)
    response = post_form(client, "/account/password", guess)
    assert response.headers["Location"].startswith("/sign-in")
    assert "entered wrongly too many times" in text(client.get(response.headers["Location"]))
    assert not signed_in(client)


def test_a_request_that_began_signed_in_and_ends_after_the_timeout_leaves_the_session_signed_out(
        app, client, make_user, now):
    """A request read the session signed in; before it wrote back its change (a wrong password
    counted), another request from the browser found the session timed out and ended it. Writing the
    first one's change must not sign the session in again, nor leave it listed among the account's
    devices."""
    import threading

    from webapp.accounts import sessions

    make_user()
    sign_in(client)
    token = csrf_token(text(client.get("/account/password")))
    real_save = sessions.DatabaseSessionInterface._save

    def after_a_request_at_the_timeout(interface, app_, session, response):
        sessions.DatabaseSessionInterface._save = real_save
        now.shift(timedelta(hours=3))
        other = threading.Thread(target=lambda: client.get("/account"))
        other.start()
        other.join(10)
        real_save(interface, app_, session, response)

    sessions.DatabaseSessionInterface._save = after_a_request_at_the_timeout
    try:
        wrong = client.post("/account/password", data={
            "csrf_token": token, "current_password": "a guess", "password": "a new long password",
            "confirm_password": "a new long password"})
    finally:
        sessions.DatabaseSessionInterface._save = real_save
    assert "password is not correct" in text(wrong)
    assert not signed_in(client)
    elsewhere = app.test_client()
    sign_in(elsewhere)
    assert "Your account is signed in on this device only" in text(elsewhere.get("/account/devices"))


def test_wrong_passwords_sent_all_at_once_each_count(app, client, make_user, monkeypatch):
    """Each of them read the count before any wrote it, so they all wrote the same count plus one:
    as many guesses as the rate limit allowed could be sent together without reaching the count that
    signs the session out."""
    from webapp.accounts import sessions

    make_user()
    sign_in(client)
    token = csrf_token(text(client.get("/account/password")))
    guess = {"csrf_token": token, "current_password": "a guess", "password": "a new long password",
             "confirm_password": "a new long password"}
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    responses = at_the_same_moment(monkeypatch, sessions, "utcnow", [
        lambda: client.post("/account/password", data=guess) for _ in range(limit)])
    assert sorted(response.status_code for response in responses) == [302] + [422] * (limit - 1)
    assert not signed_in(client)
