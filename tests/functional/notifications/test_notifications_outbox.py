"""The outbox against a real SMTP server: each message is sent once, and one message that cannot be sent
neither holds up nor repeats the others."""

import time

from webapp.extensions import db
from webapp.notifications import email
from webapp.notifications.models import OutboxMessage

# Registration accepts it (WTForms' Email allows SMTPUTF8 addresses); Flask-Mail cannot address it.
INTERNATIONAL = "zoë@example.com"


def queue(app, *recipients):
    with app.test_request_context():
        for recipient in recipients:
            email.queue(recipient, "Your form needs more information", "review_returned",
                        sign_in_url="http://localhost/sign-in")
        db.session.commit()


def run_outbox(app, times=1):
    with app.app_context():
        return [email.send_due() for _ in range(times)]


def received(sink, address):
    time.sleep(0.2)  # the sink stores a message just after it has answered the client
    return len(sink.to(address))


def test_an_address_that_cannot_be_sent_to_is_retried_later_and_the_rest_go_once(app, smtp_sink):
    """Before, Flask-Mail raised UnicodeEncodeError in the middle of the batch, the job rolled the batch
    back, and every run sent the messages queued before it again (three runs, three copies to first@)
    while those after it never went."""
    queue(app, "first@example.com", INTERNATIONAL, "third@example.com")
    assert run_outbox(app, times=3) == [2, 0, 0]
    assert received(smtp_sink, "first@example.com") == 1
    assert received(smtp_sink, "third@example.com") == 1
    with app.app_context():
        stuck = db.session.query(OutboxMessage).filter_by(recipient=INTERNATIONAL).one()
        assert (stuck.sent_at, stuck.attempts, stuck.last_error) == (None, 1, "UnicodeEncodeError")
        assert stuck.next_attempt_at > stuck.created_at  # waits, then is tried again


def test_an_unexpected_failure_does_not_resend_what_went_before(app, smtp_sink, monkeypatch):
    real_deliver = email.deliver

    def deliver(recipient, subject, body):
        if recipient == "broken@example.com":
            raise RuntimeError("something nobody expected")
        real_deliver(recipient, subject, body)

    monkeypatch.setattr(email, "deliver", deliver)
    queue(app, "first@example.com", "broken@example.com", "third@example.com")
    assert run_outbox(app, times=2) == [2, 0]
    assert received(smtp_sink, "first@example.com") == 1
    assert received(smtp_sink, "third@example.com") == 1
    with app.app_context():
        broken = db.session.query(OutboxMessage).filter_by(recipient="broken@example.com").one()
        assert (broken.sent_at, broken.attempts, broken.last_error) == (None, 1, "RuntimeError")
