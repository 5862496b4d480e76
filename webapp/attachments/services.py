"""Rules for a draft's files: what may be attached, in what order the checks run, who may read one.

Views pass plain values (the signed-in account's id, the draft, the file's name and bytes); nothing
here reads the request, so the submission and back-office code and the tests call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from webapp.clock import utcnow
from webapp.drafts.models import Draft
from webapp.drafts.services import IN_PROGRESS
from webapp.extensions import db

from .clamav import UNAVAILABLE_MESSAGE, ScannerUnavailable, VirusFound, scanner_from_config, virus_message
from .filenames import clean_display_name
from .inspection import UploadLimits, UploadRejected, check_quota, inspect_upload, size_message
from .models import Attachment

DESCRIPTION_LENGTH = 200
KIND_LABELS = {"word": "Word document", "pdf": "PDF", "image": "Image"}


class UploadRefused(Exception):
    """The file was not stored; `message` is written for the person uploading and names the file."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def list_for_draft(draft_id: str) -> list[Attachment]:
    """The draft's files, oldest first (the order they were attached)."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.draft_id == draft_id)
        .order_by(Attachment.created_at, Attachment.id)))


def find_for_draft(draft: Draft, attachment_id: str) -> Attachment | None:
    if not isinstance(attachment_id, str) or len(attachment_id) > 32:
        return None
    return db.session.scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.draft_id == draft.id, Attachment.user_id == draft.user_id))


def find_for_owner(attachment_id: str, user_id: int, now: datetime | None = None) -> Attachment | None:
    """The file only while it belongs to one of this account's live drafts; anything else is "not found".

    Files that moved to a submission are served by the submission's own pages, which know how long the
    submitter may still see them.
    """
    if not isinstance(attachment_id, str) or len(attachment_id) > 32:
        return None
    return db.session.scalar(
        select(Attachment).join(Draft, Draft.id == Attachment.draft_id).where(
            Attachment.id == attachment_id, Attachment.user_id == user_id, Draft.user_id == user_id,
            Draft.expires_at > (now or utcnow())))


def _named(display_name: str, message: str) -> str:
    """Quota messages come without a file name; every message the user sees names the file."""
    return message if message.startswith(f"{display_name}:") else f"{display_name}: {message}"


def too_large_message(filename: str | None, limits: UploadLimits) -> str:
    """For a request refused before its body was read: the name is known only if the script sent it."""
    if filename:
        return size_message(clean_display_name(filename), limits)
    limit = size_message("", limits).split("smaller than ", 1)[1]
    return f"The selected file must be smaller than {limit}"


def add_file(draft: Draft, user_id: int, filename: str, data: bytes, description: str,
             config: Mapping[str, Any], lifetime_days: int, now: datetime | None = None,
             section_id: str | None = None) -> Attachment:
    """Check a file in the order that costs least first, scan it, then store it with a save of the draft.

    Size, then the form's quota, then the content, then the virus scan: nothing is stored unless all
    pass, and a scanner that is configured but unreachable refuses the file rather than letting it in
    unscanned. The files' section (`section_id`), if not started yet, is "In progress" from then on.
    """
    limits = UploadLimits.from_config(config)
    name = clean_display_name(filename)
    if not data:
        raise UploadRefused(f"{name}: the file is empty", "empty")
    if len(data) > limits.max_file_bytes:
        raise UploadRefused(size_message(name, limits), "too_large")
    existing = _stored_sizes(draft)
    try:
        check_quota(existing, len(data), limits)
        inspected = inspect_upload(filename, data, limits=limits)
        if inspected.size > len(data):  # a re-encoded image can grow a little
            check_quota(existing, inspected.size, limits)
    except UploadRejected as rejected:
        raise UploadRefused(_named(name, rejected.message), rejected.reason) from None

    if _already_attached(draft, inspected.display_name, inspected.data):
        raise UploadRefused(f"{inspected.display_name}: you have already attached this file", "duplicate")

    scanner = scanner_from_config(config)
    if scanner is not None:
        try:
            scanner.scan(inspected.data)
        except VirusFound:
            raise UploadRefused(virus_message(inspected.display_name), "virus") from None
        except ScannerUnavailable:
            raise UploadRefused(UNAVAILABLE_MESSAGE, "scanner_unavailable") from None

    now = now or utcnow()
    # Another upload to this draft may have been stored since the first count (a second tab, or two
    # files sent at once). Touching the draft first takes its lock (the row on PostgreSQL, the write
    # lock on SQLite), so uploads to one draft are counted again one at a time, each seeing the other.
    _touch(draft, lifetime_days, now)
    if section_id is not None:
        _mark_started(draft, section_id)
    try:
        check_quota(_stored_sizes(draft), inspected.size, limits)
    except UploadRejected as rejected:
        db.session.rollback()
        raise UploadRefused(_named(name, rejected.message), rejected.reason) from None
    attachment = Attachment(
        user_id=user_id, draft_id=draft.id, display_name=inspected.display_name, kind=inspected.kind,
        content_type=inspected.content_type, size=inspected.size, data=inspected.data,
        description=clean_description(description), created_at=now)
    db.session.add(attachment)
    db.session.commit()
    return attachment


def _already_attached(draft: Draft, display_name: str, data: bytes) -> bool:
    """The same file chosen twice (a phone's photo picker makes it easy) went to the council twice and
    took two of the form's ten places. Only the same name with the same content counts: two photos
    that happen to share a name are both kept."""
    same_name = db.session.scalars(select(Attachment).where(
        Attachment.draft_id == draft.id, Attachment.display_name == display_name,
        Attachment.size == len(data)))
    return any(attachment.data == data for attachment in same_name)


def _stored_sizes(draft: Draft) -> list[int]:
    return [size for (size,) in db.session.execute(
        select(Attachment.size).where(Attachment.draft_id == draft.id))]


def clean_description(text: str | None) -> str:
    return " ".join((text or "").split())[:DESCRIPTION_LENGTH]


def describe(attachment: Attachment, draft: Draft, description: str, lifetime_days: int,
             now: datetime | None = None) -> Attachment:
    attachment.description = clean_description(description)
    _touch(draft, lifetime_days, now or utcnow())
    db.session.commit()
    return attachment


def remove(attachment: Attachment, draft: Draft, lifetime_days: int, now: datetime | None = None) -> None:
    db.session.execute(delete(Attachment).where(Attachment.id == attachment.id))
    _touch(draft, lifetime_days, now or utcnow())
    db.session.commit()


def _touch(draft: Draft, lifetime_days: int, now: datetime) -> None:
    """A change to the files is a save: the draft's 30 days start again, in the same transaction.

    The answers' optimistic-lock version is left alone, so a section page open in another tab can
    still save its answers.
    """
    db.session.execute(update(Draft).where(Draft.id == draft.id).values(
        saved_at=now, expires_at=now + timedelta(days=lifetime_days))
        .execution_options(synchronize_session=False))


def _mark_started(draft: Draft, section_id: str) -> None:
    """A section with no status yet ("Not started") becomes "In progress": a file uploaded there said
    "Not started" until Next was pressed. The statuses are read after _touch has locked the draft, so a
    save that has just changed another section's status is not undone."""
    status = db.session.scalar(select(Draft.section_status).where(Draft.id == draft.id)) or {}
    if status.get(section_id) is None:
        db.session.execute(update(Draft).where(Draft.id == draft.id)
                           .values(section_status={**status, section_id: IN_PROGRESS})
                           .execution_options(synchronize_session=False))


def totals(attachments: Iterable[Attachment]) -> tuple[int, int]:
    files = list(attachments)
    return len(files), sum(a.size for a in files)


def copy_to_draft(attachments: Iterable[Attachment], draft_id: str, user_id: int) -> list[Attachment]:
    """Copies of (for example) a returned submission's files for the draft that reopens it.

    The caller commits, so the copies land in the same transaction as the new draft.
    """
    copies = []
    for original in attachments:
        copy = Attachment(user_id=user_id, draft_id=draft_id, display_name=original.display_name,
                          kind=original.kind, content_type=original.content_type, size=original.size,
                          description=original.description, data=original.data)
        db.session.add(copy)
        copies.append(copy)
    return copies


def kind_label(attachment: Attachment) -> str:
    return KIND_LABELS.get(attachment.kind, attachment.kind)
