"""Rules for drafts: who may open one, how a section is saved, how long a draft lives.

Views pass plain values in (the signed-in user's id, the answers a section produced, the version the
page was rendered from); nothing here reads the request, so the scheduler's purge and the tests call
the same functions.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from webapp import formdefs
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.extensions import db

from .models import Draft

IN_PROGRESS = "in-progress"
COMPLETED = "completed"
HAS_ERRORS = "has-errors"
STATUS_LABELS = {
    None: ("Not started", "govuk-tag--grey"),
    IN_PROGRESS: ("In progress", "govuk-tag--light-blue"),
    COMPLETED: ("Completed", "govuk-tag--green"),
    HAS_ERRORS: ("Has errors", "govuk-tag--red"),
}
# In place of the status of a returned form's section that the Local Authority asked about, until the
# person has saved it (or changed it): "check", not "change", as they may have nothing to add.
ASKED_TO_CHECK = ("Council asked you to check", "govuk-tag--yellow")
DESCRIPTION_LENGTH = 250
START_KEY_BYTES = 16
START_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")


# The two statements every section save runs, built once: on SQLite, building them with their
# conditions took longer than running them (reading the draft 174 -> 102 µs, the update 347 -> 188 µs).
_OWN_LIVE_DRAFT = select(Draft).where(Draft.id == bindparam("draft_id"),
                                      Draft.user_id == bindparam("user_id"),
                                      Draft.expires_at > bindparam("now"))
_SAVED_COLUMNS = ("answers", "section_status", "section_versions", "version", "description", "saved_at",
                  "expires_at")
_SAVE_IF_UNCHANGED = (
    update(Draft)
    .where(Draft.id == bindparam("draft_id"), Draft.version == bindparam("expected_version"))
    .values({column: bindparam(column, type_=Draft.__table__.c[column].type) for column in _SAVED_COLUMNS})
    .execution_options(synchronize_session=False)
)
#: Saves of other sections landing between reading the draft and writing it, before giving up.
_SAVE_ATTEMPTS = 3


class Conflict(Exception):
    """The section was saved elsewhere (another tab or window) since this page was rendered."""


@dataclass(frozen=True)
class Lifetime:
    """How long a draft lives after its last save; the purge and "days left" both use this."""

    days: int

    def expires_at(self, saved_at: datetime) -> datetime:
        return saved_at + timedelta(days=self.days)


def days_left(draft: Draft, now: datetime | None = None) -> int:
    """Whole days (rounded up) before the purge removes the draft; 0 once it is due for purging."""
    remaining = (draft.expires_at - (now or utcnow())).total_seconds()
    return max(0, math.ceil(remaining / 86400))


def find_draft(draft_id: str, user_id: int, now: datetime | None = None) -> Draft | None:
    """The draft only if this account owns it and it has not expired (another account's is "not found")."""
    if not isinstance(draft_id, str) or len(draft_id) > 32:
        return None
    return db.session.scalar(_OWN_LIVE_DRAFT,
                             {"draft_id": draft_id, "user_id": user_id, "now": now or utcnow()})


RECOVER_PAGE_SIZE = 25


@dataclass(frozen=True)
class DraftsPage:
    drafts: list[Draft]
    total: int
    page: int
    pages: int
    # {draft id: the reference of the returned form it reopens}, for the drafts that reopen one.
    returned_references: dict[str, str] = field(default_factory=dict)
    # {draft id: how many files it holds}, for the drafts with no answers saved that hold a file.
    file_counts: dict[str, int] = field(default_factory=dict)


def drafts_for(user_id: int, now: datetime | None = None, page: int = 1,
               per_page: int = RECOVER_PAGE_SIZE) -> DraftsPage:
    """One page of the account's drafts still within their lifetime, most recently saved first.

    Nothing limits how many drafts an account keeps (each child's form is one): a safeguarding
    lead with 60 had one long page, and the list loaded every draft's answers to show a description.
    Ties (drafts saved in the same moment) are broken by id, so no draft shows on two pages or none.
    """
    live = (Draft.user_id == user_id, Draft.expires_at > (now or utcnow()))
    total = db.session.scalar(select(func.count()).select_from(Draft).where(*live))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    drafts = list(db.session.scalars(
        select(Draft).where(*live).options(defer(Draft.answers))
        .order_by(Draft.saved_at.desc(), Draft.id.desc()).offset((page - 1) * per_page).limit(per_page)))
    return DraftsPage(drafts, total, page, pages, returned_references(drafts), files_without_answers(drafts))


def no_answers_saved(draft: Draft) -> bool:
    """No section's answers saved yet: a save of answers moves the version on, and a reopened returned
    form holds what was sent though it is still at version 1."""
    return draft.version == 1 and not draft.resubmission_of


def files_without_answers(drafts: list[Draft]) -> dict[str, int]:
    """{draft id: number of files} for each draft with no answers saved that holds files. One query for
    the page, and none when every draft has answers saved.

    Uploading a file does not move the answers' version on (a section page open in another tab can
    still save), so a draft whose only content was a file said "Not started: nothing saved yet" in
    Recover a Form, and could be deleted as empty, file and all.
    """
    candidates = [draft.id for draft in drafts if no_answers_saved(draft)]
    if not candidates:
        return {}
    rows = db.session.execute(
        select(Attachment.draft_id, func.count()).where(Attachment.draft_id.in_(candidates))
        .group_by(Attachment.draft_id))
    return {draft_id: count for draft_id, count in rows}


def returned_references(drafts: list[Draft]) -> dict[str, str]:
    """{draft id: reference} for each draft that reopens a returned form: the reference of the version
    that was returned (CP-2026-000007-v2), as the form's notice and its Previous Form name it. One
    query for the page, and none when no draft reopens a returned form.

    A reopened form holds every answer and file that was sent, but Recover a Form said "Not started:
    nothing saved yet" beside it (it is saved at version 1), with nothing to say which form it was.
    """
    submission_ids = {draft.resubmission_of for draft in drafts if draft.resubmission_of}
    if not submission_ids:
        return {}
    # Imported here: submissions is built on drafts (it submits them and reopens returned forms).
    from webapp.submissions.models import Submission, SubmissionVersion
    from webapp.submissions.services import version_reference

    rows = db.session.execute(
        select(Submission.id, Submission.reference, func.max(SubmissionVersion.number))
        .join(SubmissionVersion, SubmissionVersion.submission_id == Submission.id)
        .where(Submission.id.in_(submission_ids)).group_by(Submission.id, Submission.reference))
    references = {submission_id: version_reference(reference, number)
                  for submission_id, reference, number in rows}
    return {draft.id: references[draft.resubmission_of] for draft in drafts
            if draft.resubmission_of in references}


def describe(definition: formdefs.FormDefinition, answers: dict[str, dict]) -> str:
    name = formdefs.child_name(definition, answers)
    text = f"{definition.title} – {name}" if name else definition.title
    return text[:DESCRIPTION_LENGTH]


def new_start_key() -> str:
    """A one-off key for the Overview page's Next button (see Draft.start_key)."""
    return secrets.token_urlsafe(START_KEY_BYTES)


def create_draft(user_id: int, definition: formdefs.FormDefinition, lifetime: Lifetime,
                 now: datetime | None = None, start_key: str | None = None) -> Draft:
    """Start a draft, or give back the one the same Overview page's Next already started.

    A key that is not one new_start_key could have made (a tampered page) is ignored, so the worst
    it can do is start a draft, as a page without a key does.
    """
    if start_key is not None and not START_KEY_PATTERN.fullmatch(start_key):
        start_key = None
    if start_key is not None:
        existing = _started_with(user_id, definition.id, start_key)
        if existing is not None:
            return existing
    now = now or utcnow()
    status = {s.id: COMPLETED for s in definition.sections if s.kind == "overview"}
    draft = Draft(user_id=user_id, form_id=definition.id, form_version=definition.version, answers={},
                  section_status=status, version=1, description=definition.title, created_at=now,
                  saved_at=now, expires_at=lifetime.expires_at(now), start_key=start_key)
    db.session.add(draft)
    try:
        db.session.commit()
    except IntegrityError:
        # The other press of the same Next committed first: use its draft.
        db.session.rollback()
        existing = _started_with(user_id, definition.id, start_key) if start_key else None
        if existing is None:
            raise
        return existing
    return draft


def start_draft(user_id: int, definition: formdefs.FormDefinition, lifetime: Lifetime,
                now: datetime | None = None, start_key: str | None = None) -> Draft:
    """The Overview's Next: the account's draft of this form that was started but never saved, else a
    new one.

    Starting a form, going back and pressing Next again left an empty draft behind each time, and
    Recover a Form filled with them. Only a draft nothing was ever saved to comes back: two real
    drafts of the same form (two children) are each kept, and the next start after an answer is
    saved is a new draft. The one that comes back starts its 30 days again, as a new one would.
    """
    now = now or utcnow()
    if start_key is not None and START_KEY_PATTERN.fullmatch(start_key):
        pressed_before = _started_with(user_id, definition.id, start_key)
        if pressed_before is not None:  # the same page's Next pressed twice: the draft it started
            return pressed_before
    unsaved = never_saved_draft(user_id, definition, now)
    if unsaved is None:
        return create_draft(user_id, definition, lifetime, now, start_key)
    unsaved.created_at = unsaved.saved_at = now
    unsaved.expires_at = lifetime.expires_at(now)
    db.session.commit()
    return unsaved


def never_saved_draft(user_id: int, definition: formdefs.FormDefinition,
                      now: datetime | None = None) -> Draft | None:
    """The account's live draft of this form (this version of it) that holds nothing the person gave.

    Every save of a section raises the version, so version 1 means no answer was ever saved, even an
    empty one; a file attached is something given too, and so is a returned form reopened.
    """
    has_files = select(Attachment.id).where(Attachment.draft_id == Draft.id).exists()
    candidates = db.session.scalars(
        select(Draft).where(Draft.user_id == user_id, Draft.form_id == definition.id,
                            Draft.form_version == definition.version, Draft.version == 1,
                            Draft.resubmission_of.is_(None), Draft.expires_at > (now or utcnow()),
                            ~has_files)
        .order_by(Draft.created_at.desc(), Draft.id.desc()))
    return next((draft for draft in candidates if not draft.answers), None)


def _started_with(user_id: int, form_id: str, start_key: str) -> Draft | None:
    return db.session.scalar(select(Draft).where(Draft.user_id == user_id, Draft.form_id == form_id,
                                                 Draft.start_key == start_key))


def save_section(draft: Draft, definition: formdefs.FormDefinition, section_id: str,
                 answers: dict[str, Any], status: str, expected_version: int | None,
                 lifetime: Lifetime, now: datetime | None = None) -> Draft:
    """Store one section's answers in one transaction, or raise Conflict and change nothing.

    `expected_version` is the draft's version when the page was rendered. A save since then is a
    conflict only if it changed this section: a form open in two tabs, one on the child's details
    and one on the concerns, saves both, and neither tab is told otherwise.

    The UPDATE names the version read here, so of two requests reading the same version exactly one
    wins, whatever the database's isolation level; the other reads the draft again and, when the
    winner changed another section, saves on top of it.
    """
    now = now or utcnow()
    current = draft
    for _ in range(_SAVE_ATTEMPTS):
        if current is None or section_changed_since(current, section_id, expected_version):
            raise Conflict()
        values = _saved_values(current, definition, section_id, answers, status, lifetime, now)
        result = db.session.execute(_SAVE_IF_UNCHANGED,
                                    {**values, "draft_id": draft.id, "expected_version": current.version})
        if result.rowcount == 1:
            loaded = {attr.key: getattr(current, attr.key) for attr in inspect(Draft).column_attrs}
            db.session.commit()
            # The row now holds exactly these values: set them rather than read the row back.
            for key, value in {**loaded, **values}.items():
                set_committed_value(draft, key, value)
            return draft
        db.session.rollback()
        current = db.session.get(Draft, draft.id, populate_existing=True)
    raise Conflict()


def _saved_values(current: Draft, definition: formdefs.FormDefinition, section_id: str,
                  answers: dict[str, Any], status: str, lifetime: Lifetime, now: datetime) -> dict:
    version = current.version + 1
    all_answers = {**(current.answers or {}), section_id: answers}
    section_versions = current.section_versions
    if section_versions is None:  # saved before sections had versions: each may have changed just now
        section_versions = {saved: current.version for saved in current.answers or {}}
    return {
        "answers": all_answers,
        "section_status": {**(current.section_status or {}), section_id: status},
        "section_versions": {**section_versions, section_id: version},
        "version": version,
        "description": describe(definition, all_answers),
        "saved_at": now,
        "expires_at": lifetime.expires_at(now),
    }


def section_changed_since(draft: Draft, section_id: str, seen_version: int | None) -> bool:
    """True when the section may hold other answers than it did at the draft's `seen_version`.

    A version the draft never had (none, below 1 or above its own) is a change. A draft saved before
    the portal kept each section's version says nothing about which section a save changed, so any
    save since counts.
    """
    if seen_version == draft.version:
        return False
    if seen_version is None or not 1 <= seen_version <= draft.version or draft.section_versions is None:
        return True
    return draft.section_versions.get(section_id, 0) > seen_version


def already_holds(draft: Draft, section_id: str, answers: dict[str, Any], status: str) -> bool:
    """True when the draft holds exactly these answers (and this status) for the section already.

    A save that comes second with them is no conflict: the same page sent twice by a double-click,
    or the same answers saved from two tabs. Nothing would change, so nobody is told otherwise.
    """
    return (draft.answers or {}).get(section_id) == answers and section_state(draft, section_id) == status


def delete_draft(draft: Draft) -> None:
    """The draft and its files go together (the FK cascades too, but SQLite needs FKs switched on)."""
    db.session.execute(delete(Attachment).where(Attachment.draft_id == draft.id))
    db.session.execute(delete(Draft).where(Draft.id == draft.id))
    db.session.commit()


def purge_expired_drafts(batch_size: int = 1000, now: datetime | None = None) -> int:
    """Delete drafts whose lifetime has ended, with their files, a batch per transaction.

    Safe to run twice or from two processes: a second run finds nothing left to delete.
    """
    now = now or utcnow()
    removed = 0
    while True:
        ids = list(db.session.scalars(
            select(Draft.id).where(Draft.expires_at <= now).order_by(Draft.expires_at).limit(batch_size)))
        if not ids:
            return removed
        db.session.execute(delete(Attachment).where(Attachment.draft_id.in_(ids)))
        result = db.session.execute(delete(Draft).where(Draft.id.in_(ids), Draft.expires_at <= now))
        db.session.commit()
        removed += result.rowcount


def section_state(draft: Draft, section_id: str) -> str | None:
    return (draft.section_status or {}).get(section_id)


def resume_section(draft: Draft, definition: formdefs.FormDefinition,
                   to_check: Sequence[str] = ()) -> str | None:
    """Where "Resume" takes the user; None means Check your answers.

    A returned form opens at the first section (in the form's order) of `to_check`: those the Local
    Authority asked about that the person has not saved since. It opened at Check your answers (every
    section of a form that was sent reads Completed) or the child's details, whatever was asked, and
    the person had to hunt for it.
    Otherwise, as for any draft, the first question section not yet completed: the portal keeps no
    record of the page a person was last on, so that is where "where they left off" is.
    """
    for section in definition.sections:
        if section.id in to_check and section.kind in ("questions", "attachments"):
            return section.id
    for section in definition.sections:
        if section.kind in ("questions", "attachments") and section_state(draft, section.id) != COMPLETED:
            return section.id
    return None


def neighbours(definition: formdefs.FormDefinition, section_id: str) -> tuple[str | None, str | None]:
    """The sections Previous and Next lead to; the declaration is reached through the answer check."""
    runnable = [s.id for s in definition.sections if s.kind != "declaration"]
    index = runnable.index(section_id)
    previous = runnable[index - 1] if index > 0 else None
    following = runnable[index + 1] if index + 1 < len(runnable) else None
    return previous, following


def first_question_section(definition: formdefs.FormDefinition) -> str:
    return next(s.id for s in definition.sections if s.kind != "overview")
