"""PostgreSQL goes away while a person saves a section: they get a 503 page that keeps what they
typed, nothing is half-written, and the portal works again as soon as the database is back. A
restart between two requests costs nobody a request: the pool replaces the connections the server
closed when they are taken (webapp/dbhealth.py)."""

import re
import time
from html import unescape

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, POSTGRES_URL, csrf_token, post_form, sign_in
from tests.faults.proxy import TcpProxy
from webapp.drafts.models import Draft
from webapp.extensions import db

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs a database server to lose (PostgreSQL run)")

TYPED = {"worries": "Bruises on both arms <b>seen</b> today", "what_changed": "Said they won't go home",
         "impact": "Withdrawn in class"}


@pytest.fixture
def proxy():
    url = make_url(POSTGRES_URL)
    proxy = TcpProxy(url.host, url.port or 5432).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def outage_app(app_factory, proxy):
    url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=proxy.port)
    return app_factory(SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))


def _start_draft(client) -> str:
    response = post_form(client, "/forms/safeguarding-concern", {},
                         post_url="/forms/safeguarding-concern/start")
    return response.headers["Location"].rsplit("/", 1)[0]


def _hidden_fields(html: str) -> dict:
    return {unescape(name): unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)}


def _saved_answers(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        result = (draft.version, (draft.answers or {}).get("concerns"))
        db.session.remove()
        return result


def test_save_during_outage_keeps_what_was_typed_and_recovers(outage_app, proxy, make_user):
    make_user()
    client = outage_app.test_client()
    sign_in(client)
    draft_url = _start_draft(client)
    draft_id = draft_url.rsplit("/", 1)[1]
    page = client.get(f"{draft_url}/concerns").get_data(as_text=True)
    version_before = _saved_answers(outage_app, draft_id)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    version = re.search(r'name="draft_version" value="(\d+)"', page).group(1)

    proxy.stop()
    response = client.post(f"{draft_url}/concerns", data={"csrf_token": token, "draft_version": version,
                                                          "action": "next", **TYPED})
    html = response.get_data(as_text=True)
    assert response.status_code == 503, response.headers.get("Location")
    assert "Your answers on this page were not saved" in html
    assert "Traceback" not in html and "OperationalError" not in html
    kept = _hidden_fields(html)
    assert {k: kept[k] for k in TYPED} == TYPED  # what they typed, exactly, ready to send again

    fragment = client.post(f"{draft_url}/concerns", headers={"HX-Request": "true"},
                           data={"csrf_token": token, "draft_version": version, **TYPED})
    assert fragment.status_code == 503
    assert "Your answers on this page were not saved" in fragment.get_data(as_text=True)

    proxy.start()
    assert _saved_answers(outage_app, draft_id) == version_before  # nothing half-written
    retried = client.post(f"{draft_url}/concerns", data=kept)  # the page's "Try again" button
    assert retried.status_code in (302, 303)
    version_after, answers = _saved_answers(outage_app, draft_id)
    assert version_after == version_before[0] + 1
    assert answers["worries"] == TYPED["worries"]


def test_signing_in_during_an_outage_gets_the_unavailable_page_and_works_once_it_is_back(
        outage_app, proxy, make_user):
    """The session cannot be read, so its CSRF token cannot either: the person is told the service is
    unavailable (their email kept for the retry), not that their session needs refreshing."""
    make_user()
    client = outage_app.test_client()
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))

    proxy.stop()
    response = client.post("/sign-in", data={"csrf_token": token, "email": "teacher@example.com",
                                             "password": PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in html and "session needs refreshing" not in html
    kept = _hidden_fields(html)
    assert kept["email"] == "teacher@example.com" and "password" not in kept
    assert "You will need to enter it again" in html

    proxy.start()
    assert client.post("/sign-in", data={**kept, "password": PASSWORD}).status_code == 302


def test_a_page_that_waits_too_long_for_a_database_connection_is_unavailable_not_an_error(
        app_factory, make_user):
    """Every pooled connection taken (a stuck job, a burst): after the pool's wait, a 503 page."""
    app = app_factory(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.5})
    make_user()
    client = app.test_client()
    sign_in(client)
    with app.app_context():
        held = db.engine.connect()  # the only connection, held elsewhere
        try:
            response = client.get("/drafts")
        finally:
            held.close()
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)
    assert client.get("/drafts").status_code == 200


def test_a_database_restart_between_requests_costs_nobody_a_request(outage_app, proxy, make_user):
    """The pooled connection the server closed is replaced when it is taken, not found dead mid-save."""
    make_user()
    client = outage_app.test_client()
    sign_in(client)
    draft_url = _start_draft(client)
    assert client.get(f"{draft_url}/concerns").status_code == 200  # its connection back in the pool

    proxy.stop()  # the server goes away, closing every connection...
    proxy.start()  # ...and is back before anyone's next request
    for _ in range(3):
        assert client.get(f"{draft_url}/concerns").status_code == 200


def test_a_connection_the_server_terminated_is_replaced_without_an_error(app):
    """What a restart does to each connection: the server ends it (pg_terminate_backend)."""
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()  # back to the pool
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(50):
            if not connection.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                     {"pid": pid}):
                break
            time.sleep(0.05)
    admin.dispose()
    with app.app_context():
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != pid
        db.session.remove()


def test_healthz_follows_the_database_down_and_back(outage_app, proxy):
    client = outage_app.test_client()
    assert client.get("/healthz").status_code == 200
    proxy.stop()
    assert client.get("/healthz").status_code == 503
    proxy.start()
    assert client.get("/healthz").status_code == 200
