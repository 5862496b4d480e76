"""GET /healthz answers a load balancer: 200 when the database answers, 503 when it does not.

It needs no sign-in, says nothing about anyone, makes no session row and is never rate limited.
"""

from sqlalchemy import func, select

from webapp import create_app
from webapp.accounts.models import WebSession
from webapp.extensions import db


def _sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebSession))


def test_healthz_says_ok_without_sign_in_cookie_or_session_row(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok\n"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert _sessions(app) == 0


def test_healthz_is_never_rate_limited(client):
    assert all(client.get("/healthz").status_code == 200 for _ in range(300))


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "database unavailable\n"
    assert "Set-Cookie" not in response.headers
