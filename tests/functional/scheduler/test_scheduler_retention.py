"""Retention: what the scheduled jobs delete, and that each deletion is on the schedule.

Drafts (with their files) go 30 days after their last save and sessions when they end; the council's
copy of a submission is never purged (DESIGN.md). Sent emails and spent one-time codes were kept for
ever: each carries an email address, and an email's body the code or what was asked of the family.
"""

from datetime import timedelta

from sqlalchemy import func, select

from webapp.accounts import codes
from webapp.accounts.models import EmailCode
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.notifications import email
from webapp.notifications.models import OutboxMessage
from webapp.scheduler.jobs import JOBS


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_retention_rule_is_a_scheduled_job():
    scheduled = {job.run: job.every_seconds for job in JOBS}
    from webapp.accounts.services import purge_unverified_accounts
    from webapp.accounts.sessions import purge_expired_sessions
    from webapp.drafts.services import purge_expired_drafts

    for purge in (purge_expired_drafts, purge_expired_sessions, email.purge_old_messages,
                  codes.purge_expired_codes, purge_unverified_accounts):
        assert scheduled.get(purge, 0) <= 3600 and purge in scheduled, purge.__name__


def test_sent_emails_go_after_a_week_and_abandoned_ones_a_week_after_their_retries(app):
    now = utcnow()
    with app.app_context():
        def message(created_days, sent_days=None):
            db.session.add(OutboxMessage(
                recipient="parent@example.com", subject="Your form needs more information", body="...",
                created_at=now - timedelta(days=created_days),
                sent_at=None if sent_days is None else now - timedelta(days=sent_days)))
        message(9, sent_days=8)  # sent over a week ago: goes
        message(6, sent_days=6)  # sent this week: kept
        message(11)  # given up after 3 days, a week before that: goes
        message(2)  # still being retried: kept
        db.session.commit()
        assert email.purge_old_messages(batch_size=1) == 2
        kept = sorted((m.sent_at is None, (now - m.created_at).days)
                      for m in db.session.scalars(select(OutboxMessage)))
        assert kept == [(False, 6), (True, 2)]
        assert email.purge_old_messages() == 0  # safe to run twice


def test_codes_go_a_week_after_they_expired(app, make_user):
    user_id = make_user()
    now = utcnow()
    with app.app_context():
        for expired_days in (8, 6, -0.01):
            db.session.add(EmailCode(user_id=user_id, purpose="verify", target_email="t@example.com",
                                     code_hash="x", created_at=now - timedelta(days=expired_days),
                                     expires_at=now - timedelta(days=expired_days)))
        db.session.commit()
        assert codes.purge_expired_codes() == 1
        assert _count(EmailCode) == 2


def test_accounts_never_verified_go_a_week_after_their_last_code(app, make_user):
    from webapp.accounts.models import User
    from webapp.accounts.services import purge_unverified_accounts
    from webapp.drafts.models import Draft

    now = utcnow()
    old = now - timedelta(days=8)
    abandoned = make_user("abandoned@example.com", email_verified_at=None, created_at=old)
    retried = make_user("retried@example.com", email_verified_at=None, created_at=old)
    verified = make_user("verified@example.com", created_at=old)
    staff = make_user("staff@council.example", email_verified_at=None, created_at=old, is_staff=True,
                      team="lado")
    with_draft = make_user("draft@example.com", email_verified_at=None, created_at=old)
    fresh = make_user("fresh@example.com", email_verified_at=None)
    with app.app_context():
        for user_id, sent in ((abandoned, old), (retried, now - timedelta(days=1))):
            db.session.add(EmailCode(user_id=user_id, purpose="verify", target_email="t@example.com",
                                     code_hash="x", created_at=sent, expires_at=sent + timedelta(minutes=15)))
        db.session.add(Draft(user_id=with_draft, form_id="safeguarding-concern", form_version=1, answers={},
                             section_status={}, description="d", saved_at=now, created_at=now,
                             expires_at=now + timedelta(days=30)))
        db.session.commit()
        assert purge_unverified_accounts() == 1
        left = set(db.session.scalars(select(User.id)))
        assert left == {retried, verified, staff, with_draft, fresh}
        assert _count(EmailCode) == 1  # the abandoned account's code went with it
        assert purge_unverified_accounts() == 0
