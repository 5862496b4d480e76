"""In development, what the portal emails can be read at /dev/mailbox; in production there is no
such page and no local mail sink."""

from tests.support import free_port
from webapp import create_app
from webapp.extensions import db
from webapp.notifications.email import send_now


def test_development_mailbox_shows_what_was_sent(tmp_path):
    app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'dev.db'}",
                     MAIL_PORT=free_port(), DEV_MAILBOX_DIR=str(tmp_path / "mailbox"),
                     SCHEDULER_ENABLED=False)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert "No emails yet" in client.get("/dev/mailbox").get_data(as_text=True)  # starts the sink
    with app.test_request_context():
        send_now("jo@example.com", "Please verify your email address", "code_verify_email", code="12345678",
                 minutes=15)
    html = client.get("/dev/mailbox").get_data(as_text=True)
    assert "Please verify your email address" in html
    assert "12345678" in html and "jo@example.com" in html
    app.extensions["dev_mail_sink"].stop()


def test_no_mailbox_outside_development(app, client):
    assert client.get("/dev/mailbox").status_code == 404
    assert "dev_mail_sink" not in app.extensions
