"""Cross-cutting protections: CSRF on every POST, security headers on everything, no 500s."""

import pytest

from tests.conftest import POSTGRES_URL, sign_in
from tests.support import csrf_token
from webapp import create_app


def text(response) -> str:
    return response.get_data(as_text=True)


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'self'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


@pytest.mark.parametrize("path", ["/", "/sign-in", "/register", "/terms", "/no-such-page", "/privacy"])
def test_security_headers_on_pages_and_errors(client, path):
    response = client.get(path)
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_security_headers_on_assets(client):
    html = text(client.get("/"))
    css = html.split('rel="stylesheet" href="')[1].split('"')[0]
    response = client.get(css)
    assert response.status_code == 200
    assert_security_headers(response)
    assert "immutable" in response.headers["Cache-Control"]


def test_error_pages_never_show_a_trace(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert "Traceback" not in text(response)


def test_post_without_csrf_token_is_a_400_page(client, make_user):
    for path in ("/sign-in", "/register", "/forgotten-password", "/register/verify/resend"):
        response = client.post(path, data={"email": "a@example.com", "password": "x"})
        assert response.status_code == 400, path
        assert "Your session needs refreshing" in text(response)
        assert_security_headers(response)


def test_post_with_a_wrong_csrf_token_is_a_400_page(client, make_user):
    make_user()
    sign_in(client)
    response = client.post("/account/update", data={"csrf_token": "forged", "first_name": "X"})
    assert response.status_code == 400
    response = client.post("/sign-out", headers={"HX-Request": "true", "X-CSRFToken": "forged"})
    assert response.status_code == 400
    assert "<html" not in text(response)  # htmx gets the message as a fragment


def test_htmx_posts_send_the_token_in_a_header(client, make_user):
    make_user()
    sign_in(client)
    html = text(client.get("/"))
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    token = csrf_token(html)
    response = client.post("/session/extend", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 204


def test_htmx_is_configured_safely(client):
    html = text(client.get("/"))
    for setting in ('"historyCacheSize":0', '"selfRequestsOnly":true', '"allowEval":false',
                    '"includeIndicatorStyles":false', '"code":"422","swap":true'):
        assert setting in html
    assert "<script>" not in html  # no inline script anywhere
    assert " style=" not in html


def _app(config_name, tmp_path, **overrides):
    config = {"SCHEDULER_ENABLED": False, "SECRET_KEY": "x" * 32, **overrides}
    if not POSTGRES_URL:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'headers.db'}"
    else:
        config["SQLALCHEMY_DATABASE_URI"] = POSTGRES_URL
    return create_app(config_name, **config)


def test_hsts_outside_development_only(tmp_path):
    production = _app("production", tmp_path).test_client().get("/no-such-page")
    assert "max-age=" in production.headers["Strict-Transport-Security"]
    development = _app("development", tmp_path, DEV_MAILBOX=False).test_client().get("/no-such-page")
    assert "Strict-Transport-Security" not in development.headers


def test_production_session_cookie_is_secure(tmp_path):
    from webapp.extensions import db

    app = _app("production", tmp_path)
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/sign-in")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_htmx_post_after_the_session_ended_is_sent_to_sign_in_not_given_an_error(client):
    """Convention 7: an expired session under an open form gets 401 + HX-Redirect, whatever the
    endpoint, even though the CSRF check (which needs the session) runs first."""
    response = client.post("/account/update", headers={"HX-Request": "true", "X-CSRFToken": "stale"},
                           data={"first_name": "A"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in")


@pytest.mark.parametrize("path", ["%00/portal.css", "a%00b", "x" * 300, "/".join(["x" * 300] * 20)])
def test_a_mangled_asset_address_is_not_found_not_a_server_error(app, path):
    app.testing = False  # an unhandled error becomes the 500 page a person would see
    response = app.test_client().get(f"/assets/0123456789ab/{path}")
    assert response.status_code == 404
    assert "Page not found" in text(response)
