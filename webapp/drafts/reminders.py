"""Emailing the owner of a saved form before the purge deletes it.

A draft is deleted DRAFT_LIFETIME_DAYS after its last save (services.purge_expired_drafts). Someone who
pressed "Save and complete later" about a child and was then called away had no warning: a month on,
what they had written was gone. Their account is emailed DRAFT_REMINDER_DAYS before, once for each
expiry (a save since the reminder gives the draft a new expiry, and a reminder of that one in time).

Only forms holding something are worth a reminder: a form opened and never saved would otherwise fill
inboxes. One email an account a run, listing its forms: each by when it was started and will be
deleted, and a professional's by its form's title (_title says why not the public's); never by its
description, which holds the child's name. The email is put in the outbox in the transaction that marks
the drafts reminded, so a run that fails half-way neither loses a reminder nor sends one twice.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, or_, select, update

from webapp.accounts.models import User
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.notifications import email

from .models import Draft

SUBJECT = "Your saved form will be deleted soon"
SUBJECT_SEVERAL = "Your saved forms will be deleted soon"

#: Drafts read a batch at a time; each batch's emails and marks are committed together.
BATCH_SIZE = 500


def _not_reminded():
    """Not reminded since the last save (which set the expiry the reminder is about)."""
    return or_(Draft.reminded_at.is_(None), Draft.reminded_at < Draft.saved_at)


def _due(now: datetime, horizon: datetime):
    """Drafts not yet deleted, expiring by `horizon`, holding something, not reminded of this expiry,
    of an account that can still sign in and read the email."""
    holds_something = or_(Draft.version > 1, Draft.resubmission_of.is_not(None),
                          exists().where(Attachment.draft_id == Draft.id))
    return (select(Draft, User)
            .join(User, User.id == Draft.user_id)
            .where(Draft.expires_at > now, Draft.expires_at <= horizon, holds_something, _not_reminded(),
                   User.email_verified_at.is_not(None), User.disabled_at.is_(None))
            .order_by(Draft.user_id, Draft.expires_at))


def remind_of_expiring_drafts(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Queue the reminders due now; returns how many drafts they were about. Safe to run twice or from
    two processes: a draft is marked by the UPDATE that checks it is still unmarked, and emailed only
    if that marked it."""
    now = now or utcnow()
    horizon = now + timedelta(days=current_app.config["DRAFT_REMINDER_DAYS"])
    catalogue = current_app.extensions["form_catalogue"]
    reminded = 0
    while True:
        rows = db.session.execute(_due(now, horizon).limit(batch_size)).all()
        if not rows:
            return reminded
        marked = _mark([draft.id for draft, _ in rows], now, horizon)
        accounts: dict[int, User] = {}
        drafts_of: dict[int, list[Draft]] = defaultdict(list)
        for draft, user in rows:
            if draft.id in marked:
                accounts[user.id] = user
                drafts_of[user.id].append(draft)
        for user_id, drafts in drafts_of.items():
            _queue_email(accounts[user_id], drafts, catalogue)
        reminded += len(marked)
        db.session.commit()


def _mark(draft_ids: list[str], now: datetime, horizon: datetime) -> set[str]:
    """Mark these drafts reminded, and say which were: not one another run marked meanwhile, nor one
    saved meanwhile (its new expiry is beyond the horizon)."""
    return set(db.session.scalars(
        update(Draft)
        .where(Draft.id.in_(draft_ids), Draft.expires_at > now, Draft.expires_at <= horizon, _not_reminded())
        .values(reminded_at=now)
        .returning(Draft.id)
        .execution_options(synchronize_session=False)))


def _title(draft: Draft, catalogue) -> str | None:
    """The form's title, for a professional's form. None for a form of the public's: an email that
    arrives unasked, weeks on, saying "Worried about a child" to an inbox a family may share could put
    the person who started it at risk. They know what they saved; Recover a Form shows it."""
    try:
        definition = catalogue.get(draft.form_id, draft.form_version)
    except KeyError:  # a form no longer offered: its drafts are still the person's
        return None
    return definition.title if definition.audience != "public" else None


def _queue_email(user: User, drafts: list[Draft], catalogue) -> None:
    forms = [{"title": _title(draft, catalogue), "started": draft.created_at, "deleted": draft.expires_at,
              "returned": draft.resubmission_of is not None} for draft in drafts]
    email.queue(user.email, SUBJECT if len(forms) == 1 else SUBJECT_SEVERAL, "draft_expiring",
                forms=forms, lifetime_days=current_app.config["DRAFT_LIFETIME_DAYS"])
