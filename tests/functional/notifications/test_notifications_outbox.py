"""The outbox against a real SMTP server: each message is sent once, and one message that cannot be sent
neither holds up nor repeats the others."""

import time
from datetime import datetime, timedelta

import time_machine

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


def test_an_overnight_mail_outage_delays_emails_but_loses_none(app, smtp_sink, monkeypatch):
    """The relay is down from 22:00 to 07:00 and the job runs every 30 seconds. Before, a message gave up
    after ten tries (about three hours of backoff), so the submitter never got it; now it is tried, an
    hour apart at most, until it goes in the morning."""
    real_deliver = email.deliver
    relay_down = True

    def deliver(recipient, subject, body):
        if relay_down:
            raise email.MailUnavailable("ConnectionRefusedError")
        real_deliver(recipient, subject, body)

    monkeypatch.setattr(email, "deliver", deliver)
    with time_machine.travel(datetime(2026, 3, 2, 22, 0), tick=False) as clock:
        queue(app, "first@example.com")
        for _ in range(9 * 120):  # 22:00 to 07:00, one run every 30 seconds
            run_outbox(app)
            clock.shift(timedelta(seconds=30))
        relay_down = False
        for _ in range(120):  # the first hour after the relay is back
            run_outbox(app)
            clock.shift(timedelta(seconds=30))
    assert received(smtp_sink, "first@example.com") == 1


def test_a_message_is_given_up_after_three_days(app, monkeypatch, caplog):
    monkeypatch.setattr(email, "deliver", lambda *args: (_ for _ in ()).throw(email.MailUnavailable("down")))
    with time_machine.travel(datetime(2026, 3, 2, 9, 0), tick=False) as clock:
        queue(app, "first@example.com")
        for _ in range(4 * 24):  # hourly runs for four days
            run_outbox(app)
            clock.shift(timedelta(hours=1))
    with app.app_context():
        message = db.session.query(OutboxMessage).one()
        assert message.sent_at is None and 70 < message.attempts <= 80
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        f"outbox message {message.id} abandoned after {message.attempts} attempts"]
