"""Rate limits in production: behind a load balancer they count each person, not the load balancer;
with their shared storage down they still count, in the process.

Before TRUSTED_PROXIES, every request behind a proxy came from the proxy's address, so the sign-in limit
(20 a minute per address) was shared by everyone using the portal.
"""

import logging

from tests.support import csrf_token


def _sign_in_attempts(client, forwarded_for: str, count: int) -> list[int]:
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    return [client.post("/sign-in", data={"csrf_token": token, "email": f"p{n}@example.com",
                                          "password": "some password"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for n in range(count)]


def test_each_client_behind_a_trusted_proxy_has_its_own_limit(app_factory):
    client = app_factory(TRUSTED_PROXIES=1).test_client()
    assert _sign_in_attempts(client, "203.0.113.7", 21)[-1] == 429
    assert _sign_in_attempts(client, "198.51.100.9", 1) == [422]  # someone else is not throttled


def test_an_untrusted_proxy_is_warned_about_once(app_factory, caplog):
    client = app_factory().test_client()
    caplog.set_level(logging.WARNING)
    assert _sign_in_attempts(client, "203.0.113.7", 21)[-1] == 429
    assert _sign_in_attempts(client, "198.51.100.9", 1) == [429]  # the proxy's address is what counts
    warnings = [r for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]
    assert len(warnings) == 1


def test_sign_in_stays_up_and_throttled_when_the_shared_rate_limit_storage_is_down(app_factory):
    """Before, a redis outage answered every sign-in and registration with a 500."""
    from tests.support import free_port
    from webapp import create_app
    from webapp.extensions import db

    database = app_factory().config["SQLALCHEMY_DATABASE_URI"]  # an empty database with the tables
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database,
                     RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}")
    statuses = _sign_in_attempts(app.test_client(), "203.0.113.7", 21)
    with app.app_context():
        db.engine.dispose()
    assert statuses[:20] == [422] * 20
    assert statuses[20] == 429


def test_the_session_outage_check_is_still_the_first_hook(app):
    """The untrusted-proxy warning must not run before it (webapp/__init__.py, _init_extensions)."""
    from webapp.accounts.sessions import raise_if_unavailable

    assert app.before_request_funcs[None][0] is raise_if_unavailable
