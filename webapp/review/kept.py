"""What a caseworker was writing when the idle timeout signed them out, kept for when they sign in again.

The back office's forms (return for more information, post a response, correct it) do not save as they
go, as a form section does: a caseworker who left a half-written response while the 15-minute staff
timeout ran out lost it, and the warning could only tell them so. Now the page sends what it holds just
before the timeout (portal.js, when the warning opens and again at the deadline) and the same form shows
it again after sign-in, until it is sent or a day has passed.

What is kept is the caseworker's own: it is found by their account as well as the submission, so a
colleague opening the same form never sees it, and access to the submission is checked as for any page.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict

from webapp.clock import utcnow
from webapp.extensions import db

#: Long enough for a caseworker to come back the next working morning; short, because it is about a child.
KEPT_FOR = timedelta(hours=24)
#: Far beyond any form's limit (the comments' 2,000 characters, over-typed): the page may hold more than
#: its limit, which the form then asks to be shortened, but nothing without bound is stored.
MAX_VALUE_LENGTH = 20_000
#: Carried by the page, not typed: kept and given back (so a version sent, or a correction made, since the
#: page was opened is still noticed when the kept words are sent), but on their own nothing worth keeping.
HIDDEN_FIELDS = {"version", "seen"}


class KeptWriting(db.Model):
    """One caseworker's unsent values of one form about one submission (its fields as posted)."""

    __tablename__ = "kept_writing"
    __table_args__ = (UniqueConstraint("user_id", "submission_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    fields: Mapped[dict] = mapped_column(JSON)
    # Which sign-in kept it (devices.handle_of the session, never its id): the same form opened again in
    # that sign-in is one the caseworker left of their own accord, after "Continue" on the warning.
    kept_in: Mapped[str] = mapped_column(String(20))
    kept_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def own_field_names(form_class) -> set[str]:
    """What a keeping form's page sends of its own: its fields, not its token or its button."""
    return {field.name for field in form_class(formdata=None)
            if field.type not in ("CSRFTokenField", "SubmitField")}


class TooLong(ValueError):
    """A value longer than any form could want: refused rather than stored."""


def keep(user_id: int, submission_id: str, purpose: str, posted: MultiDict, field_names: set[str],
         session_handle: str, opened_with: dict[str, str] | None = None) -> bool:
    """Keep the form's values as posted (only its own fields; every value of a multiple choice).

    Nothing typed or chosen means nothing to keep, and forgets what was kept before: a caseworker who
    cleared the box meant it. A field as the page opened with it (`opened_with`: the correction page
    holds the posted response) is not their writing either. Returns whether anything is kept now.
    """
    fields = {name: posted.getlist(name) for name in field_names if name in posted}
    if any(len(value) > MAX_VALUE_LENGTH for values in fields.values() for value in values):
        raise TooLong
    opened_with = opened_with or {}
    typed = (value for name, values in fields.items() if name not in HIDDEN_FIELDS for value in values
             if name not in opened_with or value.split() != opened_with[name].split())
    if not any(value.strip() for value in typed):
        forget(user_id, submission_id, purpose)
        return False
    for _attempt in range(2):
        row = _row(user_id, submission_id, purpose)
        if row is None:
            row = KeptWriting(user_id=user_id, submission_id=submission_id, purpose=purpose)
            db.session.add(row)
        row.fields = fields
        row.kept_in = session_handle
        row.kept_at = utcnow()
        try:
            db.session.commit()
            return True
        except IntegrityError:  # two tabs kept the same form at once: the other's row is updated instead
            db.session.rollback()
    return False


def kept_values(user_id: int, submission_id: str, purpose: str, session_handle: str) -> MultiDict | None:
    """The values kept for this caseworker's form, as a form's data: kept within the day, and in an
    earlier sign-in (in this one, the caseworker chose to stay signed in and then left the form)."""
    row = _row(user_id, submission_id, purpose)
    if row is None or row.kept_at < utcnow() - KEPT_FOR or row.kept_in == session_handle:
        return None
    return MultiDict([(name, value) for name, values in row.fields.items() for value in values])


def forget(user_id: int, submission_id: str, purpose: str) -> None:
    """Sent (or cleared): the kept values are of no more use."""
    db.session.execute(delete(KeptWriting).where(
        KeptWriting.user_id == user_id, KeptWriting.submission_id == submission_id,
        KeptWriting.purpose == purpose))
    db.session.commit()


def purge_old_kept_writing() -> int:
    """A scheduled job: what nobody came back for within the day goes."""
    result = db.session.execute(delete(KeptWriting).where(KeptWriting.kept_at < utcnow() - KEPT_FOR))
    db.session.commit()
    return result.rowcount


def _row(user_id: int, submission_id: str, purpose: str) -> KeptWriting | None:
    return db.session.scalars(select(KeptWriting).where(
        KeptWriting.user_id == user_id, KeptWriting.submission_id == submission_id,
        KeptWriting.purpose == purpose)).first()
