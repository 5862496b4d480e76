"""Submitting a draft, the submitter's view of what they sent, and reopening a returned form.

Every rule lives here with plain arguments, so views, the back office and scheduler jobs share them.
A submit is one transaction: the submission (or its new version), the moved files, the confirmation
email in the outbox and the deletion of the draft commit together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from webapp import formdefs
from webapp.accounts.models import User
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.drafts.models import Draft
from webapp.drafts.services import delete_draft, describe, find_draft
from webapp.extensions import db
from webapp.notifications.email import queue
from webapp.validation import fold_for_search

from .models import ReferenceCounter, ReturnRequest, Submission, SubmissionVersion

log = logging.getLogger(__name__)

CONFIRMATION_SUBJECT = "Confirmation of form submission"

#: Labels for the back office's return reasons; an unknown code is shown as stored.
REASON_LABELS = {
    "insufficient_detail": "Insufficient detail",
    "wrong_child": "Wrong or missing child details",
    "consent_missing": "Consent not recorded",
    "consent_not_recorded": "Consent not recorded",
    "other": "Other",
}


class NotFound(LookupError):
    """No such record for this account: views answer 404, never saying whether it exists."""


class SubmitRefused(Exception):
    """Mandatory answers are missing; `missing` is [(Section, Field, message)] in form order."""

    def __init__(self, missing: list[tuple]):
        super().__init__(f"{len(missing)} answers missing")
        self.missing = missing


@dataclass(frozen=True)
class SubmitResult:
    submission_id: str
    version_number: int
    reference: str
    replayed: bool = False  # True when this draft had already been submitted (double click, replay)


# --- helpers shared with views and the back office ------------------------------------------------------


def catalogue() -> formdefs.FormCatalogue:
    """The form catalogue, loaded once per app (the drafts blueprint normally loads it first)."""
    extensions = current_app.extensions
    if "form_catalogue" not in extensions:
        extensions["form_catalogue"] = formdefs.load_catalogue()
    return extensions["form_catalogue"]


def version_reference(reference: str, number: int) -> str:
    """CP-2026-000123 for the first version, CP-2026-000123-v2 for the second, and so on."""
    return reference if number <= 1 else f"{reference}-v{number}"


def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason.strip().lower().replace("-", "_").replace(" ", "_"), reason)


def section_href(draft_id: str, section_id: str, field_name: str | None = None) -> str:
    """The runner's URL of a section (and the field to focus), as the runner publishes it."""
    return f"/drafts/{draft_id}/{section_id}" + (f"#{field_name}" if field_name else "")


def missing_answers(draft: Draft, account=None) -> list[dict]:
    """What stops this draft being submitted, each with a link to the question; given the draft's
    `account`, a section that fills itself in from it and was never saved is asked to be checked."""
    definition = catalogue().get(draft.form_id, draft.form_version)
    return [{"section": section.title, "text": message, "href": section_href(draft.id, section.id, input_id)}
            for section, message, input_id in formdefs.submit_summary(definition, draft.answers or {},
                                                                      account)]


def get_own_draft(draft_id: str, user_id: int) -> Draft:
    """The account's draft while it lives: past its lifetime it is gone here as in the runner and
    Recover a Form, though the hourly purge may not have removed it yet."""
    draft = find_draft(draft_id, user_id)
    if draft is None:
        raise NotFound(draft_id)
    return draft


def submitted_version_for_key(idempotency_key: str, user_id: int) -> SubmissionVersion | None:
    """The version a draft became, if this account submitted it (a replayed submit finds it here)."""
    version = db.session.scalar(
        select(SubmissionVersion).where(SubmissionVersion.idempotency_key == idempotency_key))
    if version is None or version.submitted_by != user_id:
        return None
    return version


# --- submitting -------------------------------------------------------------------------------------------


def next_reference(year: int) -> str:
    """The next CP-YYYY-NNNNNN, taken under a row lock so concurrent submits never share one.

    PostgreSQL: the counter row is locked with SELECT ... FOR UPDATE until the submit commits.
    SQLite: a single UPDATE takes the database write lock, which is held until the commit.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(text("INSERT INTO reference_counters (year, last) VALUES (:y, 0) "
                                "ON CONFLICT (year) DO NOTHING"), {"y": year})
        counter = db.session.scalar(
            select(ReferenceCounter).where(ReferenceCounter.year == year).with_for_update())
        counter.last += 1
        number = counter.last
        db.session.flush()
    else:
        db.session.execute(text("INSERT OR IGNORE INTO reference_counters (year, last) VALUES (:y, 0)"),
                           {"y": year})
        number = db.session.execute(
            update(ReferenceCounter).where(ReferenceCounter.year == year)
            .values(last=ReferenceCounter.last + 1).returning(ReferenceCounter.last)).scalar_one()
    return f"CP-{year}-{number:06d}"


def _lock_draft(draft_id: str) -> Draft | None:
    """The draft, locked for this transaction on PostgreSQL so a second submit waits, then finds it gone."""
    query = select(Draft).where(Draft.id == draft_id).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.scalar(query)


def submit_draft(draft_id: str, user_id: int) -> SubmitResult:
    """Turn a complete draft into a submission (or a new version of the returned one), once.

    Raises NotFound when the draft is not this account's and was never submitted by it, and
    SubmitRefused when mandatory answers are missing. A replay of a submitted draft returns the
    existing result with replayed=True.
    """
    try:
        return _submit(draft_id, user_id)
    except IntegrityError:
        # Another request committed this draft's version first (the unique idempotency key).
        db.session.rollback()
        version = submitted_version_for_key(draft_id, user_id)
        if version is None:
            raise
        return _result(version, replayed=True)


def _result(version: SubmissionVersion, replayed: bool = False) -> SubmitResult:
    submission = version.submission
    reference = version_reference(submission.reference, version.number)
    return SubmitResult(submission.id, version.number, reference, replayed)


def _submit(draft_id: str, user_id: int) -> SubmitResult:
    draft = _lock_draft(draft_id)
    if draft is None or draft.user_id != user_id or draft.expires_at <= utcnow():
        db.session.rollback()
        version = submitted_version_for_key(draft_id, user_id)
        if version is None:
            raise NotFound(draft_id)
        return _result(version, replayed=True)

    definition = catalogue().get(draft.form_id, draft.form_version)
    answers = draft.answers or {}
    missing = formdefs.missing_for_submit(definition, answers)
    if missing:
        db.session.rollback()
        raise SubmitRefused(missing)

    now = utcnow()
    child = formdefs.child_name(definition, answers) or ""
    searched_names = fold_for_search(formdefs.searched_names(definition, answers))[:2000]
    submission = None
    if draft.resubmission_of:
        submission = db.session.get(Submission, draft.resubmission_of)
        if submission is not None and submission.user_id != user_id:
            submission = None
    if submission is not None:
        number = submission.latest.number + 1
        submission.status = "resubmitted"
        submission.last_submitted_at = now
        submission.child_name = child[:250]
        submission.searched_names = searched_names
        for request in db.session.scalars(select(ReturnRequest).where(
                ReturnRequest.submission_id == submission.id, ReturnRequest.resolved_at.is_(None))):
            request.resolved_at = now
    else:
        number = 1
        submission = Submission(reference=next_reference(now.year), user_id=user_id, form_id=definition.id,
                                form_title=definition.title, team=definition.team, child_name=child[:250],
                                searched_names=searched_names, status="submitted", first_submitted_at=now,
                                last_submitted_at=now)
        db.session.add(submission)

    version = SubmissionVersion(submission=submission, number=number, form_version=draft.form_version,
                                answers=answers, submitted_by=user_id, submitted_at=now,
                                idempotency_key=draft.id)
    db.session.add(version)
    db.session.flush()  # the unique idempotency key is checked here, before anything else is changed

    db.session.execute(update(Attachment).where(Attachment.draft_id == draft.id)
                       .values(version_id=version.id, draft_id=None))
    user = db.session.get(User, user_id)
    reference = version_reference(submission.reference, number)
    # The form's name, as the back office's emails give it: someone who sends several kinds of form
    # could not tell which one an email confirmed. It stays out of the subject, a fixed string.
    queue(user.email, CONFIRMATION_SUBJECT, "submission_confirmation", reference=reference,
          form_title=submission.form_title, resubmitted=number > 1)
    db.session.delete(draft)
    db.session.commit()
    log.info("submission %s version %s created", submission.id, number)
    return SubmitResult(submission.id, number, reference)


# --- the submitter's view ---------------------------------------------------------------------------------


def view_ends_at(submission: Submission):
    last_news = max(moment for moment in (submission.last_submitted_at, submission.responded_at,
                                          submission.response_corrected_at) if moment is not None)
    return last_news + timedelta(days=current_app.config["SUBMITTER_VIEW_DAYS"])


def can_view_as_submitter(submission: Submission | None, user_id: int | None) -> bool:
    """The submitter sees a submission for SUBMITTER_VIEW_DAYS after they last sent it or the Local
    Authority last responded to it, and while it is returned to them for more information (they must
    be able to answer). A response posted (or corrected) to a form sent longer ago was emailed as
    "read it in Submitted Forms", where the form was no longer listed."""
    if submission is None or user_id is None or submission.user_id != user_id:
        return False
    return submission.status == "returned" or utcnow() < view_ends_at(submission)


def get_for_submitter(submission_id: str, user_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if not can_view_as_submitter(submission, user_id):
        raise NotFound(submission_id)
    return submission


def get_version(submission: Submission, number: int | None = None) -> SubmissionVersion:
    if number is None:
        return submission.latest
    for version in submission.versions:
        if version.number == number:
            return version
    raise NotFound(f"{submission.id} v{number}")


def get_attachment(submission: Submission, attachment_id: str) -> Attachment:
    """A file sent with any version of this submission; any other file is "not found"."""
    version_ids = {v.id for v in submission.versions}
    attachment = db.session.get(Attachment, attachment_id) if isinstance(attachment_id, str) else None
    if attachment is None or attachment.version_id not in version_ids:
        raise NotFound(attachment_id)
    return attachment


def open_return_request(submission_id: str) -> ReturnRequest | None:
    return db.session.scalar(
        select(ReturnRequest).where(ReturnRequest.submission_id == submission_id,
                                    ReturnRequest.resolved_at.is_(None))
        .order_by(ReturnRequest.returned_at.desc(), ReturnRequest.id.desc()).limit(1))


def return_request_for_submitter(submission: Submission) -> dict | None:
    """What the Local Authority asked for, on the returned form's own page: {reason, comments,
    returned_at, sections: [title]}, or None when the form is not waiting for the submitter."""
    if submission.status != "returned":
        return None
    request = open_return_request(submission.id)
    if request is None:
        return None
    try:
        titles = {s.id: s.title for s in catalogue().get(submission.form_id, submission.latest.form_version)
                  .sections}
    except KeyError:
        titles = {}
    return {"reason": reason_label(request.reason), "comments": request.comments,
            "returned_at": request.returned_at,
            "sections": [titles.get(section_id, section_id) for section_id in request.sections or []]}


def request_answered_by(version: SubmissionVersion) -> dict | None:
    """The Local Authority's request for more information that this version was sent in answer to:
    {returned_at, reason, comments, sections: [title], earlier_number, earlier_reference} (the earlier
    being the version that was returned), for this version's own page and its PDF. None for a first
    version, and for one sent from a reopened copy after a response had already closed the request (it
    answers nothing that was still asked).

    A resubmission closes the open request at the very moment its version is sent (`_submit`), so the
    request answered is the one closed at this version's `submitted_at`: the back office's list of
    requests reads "answered by version N" the same way (review.services.return_requests)."""
    if version.number <= 1:
        return None
    request = db.session.scalar(
        select(ReturnRequest).where(ReturnRequest.submission_id == version.submission_id,
                                    ReturnRequest.resolved_at == version.submitted_at)
        .order_by(ReturnRequest.returned_at.desc(), ReturnRequest.id.desc()).limit(1))
    if request is None:
        return None
    submission = version.submission
    # The sections asked about are named as the returned version's form named them.
    returned = next((v for v in submission.versions if v.number == request.version_number), version)
    try:
        titles = {s.id: s.title for s in catalogue().get(submission.form_id, returned.form_version).sections}
    except KeyError:
        titles = {}
    return {"returned_at": request.returned_at, "reason": reason_label(request.reason),
            "comments": request.comments or "",
            "sections": [titles.get(section_id, section_id) for section_id in request.sections or []],
            "earlier_number": request.version_number,
            "earlier_reference": version_reference(submission.reference, request.version_number)}


def _latest_version_numbers(submission_ids: list[str]) -> dict[str, int]:
    if not submission_ids:
        return {}
    return dict(db.session.execute(
        select(SubmissionVersion.submission_id, func.max(SubmissionVersion.number))
        .where(SubmissionVersion.submission_id.in_(submission_ids))
        .group_by(SubmissionVersion.submission_id)).all())


def _open_return_requests(submission_ids: list[str]) -> dict[str, ReturnRequest]:
    """Each submission's latest unanswered request, as open_return_request finds it one at a time."""
    if not submission_ids:
        return {}
    requests = db.session.scalars(
        select(ReturnRequest).where(ReturnRequest.submission_id.in_(submission_ids),
                                    ReturnRequest.resolved_at.is_(None))
        .order_by(ReturnRequest.returned_at, ReturnRequest.id))
    return {request.submission_id: request for request in requests}  # the latest one wins


RECENT_PAGE_SIZE = 25


def submitted_forms(user_id: int, page: int = 1, per_page: int = RECENT_PAGE_SIZE) -> dict:
    """The Submitted Forms page: forms requesting more information, then the last 30 days' forms, a
    page of them at a time (a professional who sends several a day had every one on a single page).

    A fixed number of queries however many forms are listed: each form's versions (answers and all)
    and open request used to be read one form at a time.
    """
    now = utcnow()
    since = now - timedelta(days=current_app.config["SUBMITTER_VIEW_DAYS"])
    returned_forms = list(db.session.scalars(
        select(Submission).where(Submission.user_id == user_id, Submission.status == "returned")
        .order_by(Submission.last_submitted_at.desc(), Submission.id.desc())))
    sent_lately = (Submission.user_id == user_id,
                   or_(Submission.last_submitted_at > since, Submission.responded_at > since,
                       Submission.response_corrected_at > since))
    total = db.session.scalar(select(func.count()).select_from(Submission).where(*sent_lately))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    recent = list(db.session.scalars(
        select(Submission).where(*sent_lately)
        .order_by(Submission.last_submitted_at.desc(), Submission.id.desc())
        .offset((page - 1) * per_page).limit(per_page)))
    latest = _latest_version_numbers(list({s.id for s in returned_forms + recent}))
    open_requests = _open_return_requests([s.id for s in returned_forms])
    returned = []
    for submission in returned_forms:
        request = open_requests.get(submission.id)
        returned.append({"submission": submission, "request": request,
                         "reason": reason_label(request.reason) if request else "",
                         "previous_version": latest.get(submission.id, 1)})
    return {"returned": returned, "recent": recent, "latest_numbers": latest,
            "recent_total": total, "recent_page": page, "recent_pages": pages}


def has_returned_forms(user_id: int) -> bool:
    return db.session.scalar(select(Submission.id).where(
        Submission.user_id == user_id, Submission.status == "returned").limit(1)) is not None


# --- the further-information loop, submitter side ---------------------------------------------------------


def reopen_for_changes(submission_id: str, user_id: int) -> Draft:
    """A draft of the returned form's latest answers, to change and resubmit; reused if it exists.

    Where it opens is the drafts' rule for resuming any draft (webapp.drafts.web.resume_url), so the
    form name, "Update and resubmit this form" and Recover a Form's Resume all lead to the same place.
    """
    submission = get_for_submitter(submission_id, user_id)
    if submission.status != "returned":
        raise NotFound(submission_id)
    latest = submission.latest
    definition = catalogue().get(submission.form_id, latest.form_version)
    now = utcnow()
    existing = _reopened_draft(submission.id, user_id)
    if existing is not None and existing.expires_at > now:
        return existing
    if existing is not None:
        # Past its lifetime, so gone (its sections are "not found") though the hourly purge has not
        # removed it yet: remove it now, as the purge would, so the form can be opened again.
        delete_draft(existing)

    answers = {k: v for k, v in (latest.answers or {}).items()}
    status = {}
    for section in definition.sections:
        if section.kind == "questions":
            complete = formdefs.is_section_complete(section, answers.get(section.id) or {})
            status[section.id] = "completed" if complete else "in-progress"
        elif section.kind in ("overview", "attachments"):  # read, or nothing required: done already
            status[section.id] = "completed"
    draft = Draft(user_id=user_id, form_id=submission.form_id, form_version=latest.form_version,
                  answers=answers, section_status=status, description=describe(definition, answers),
                  created_at=now, saved_at=now,
                  expires_at=now + timedelta(days=current_app.config["DRAFT_LIFETIME_DAYS"]),
                  resubmission_of=submission.id)
    db.session.add(draft)
    try:
        db.session.flush()
    except IntegrityError:
        # Reopened by another request at the same moment (a double-click): the database let one
        # draft in (uq_drafts_resubmission_of), and that one is this person's draft too.
        db.session.rollback()
        return _reopened_draft(submission_id, user_id)
    for original in db.session.scalars(select(Attachment).where(Attachment.version_id == latest.id)):
        db.session.add(Attachment(user_id=user_id, draft_id=draft.id, display_name=original.display_name,
                                  kind=original.kind, content_type=original.content_type,
                                  size=original.size, description=original.description,
                                  data=original.data))
    db.session.commit()
    return draft


def _reopened_draft(submission_id: str, user_id: int) -> Draft | None:
    return db.session.scalar(select(Draft).where(Draft.resubmission_of == submission_id,
                                                 Draft.user_id == user_id))


def return_notice_for_draft(draft: Draft) -> dict | None:
    """What the Local Authority asked for, shown at the top of a reopened form's sections.

    {reason, comments, sections: [{id, title, href}], to_check: [{id, title, href}], reference,
    returned_at, previous_pdf_url} or None. `to_check` is those of the sections asked about
    that the person has not saved (nor changed) since the form was reopened, in the form's order.
    """
    if not draft.resubmission_of:
        return None
    request = open_return_request(draft.resubmission_of)
    submission = db.session.get(Submission, draft.resubmission_of)
    if submission is None:
        return None
    if request is None:
        return _answered_notice(submission)
    try:
        definition = catalogue().get(draft.form_id, draft.form_version)
    except KeyError:
        definition = None
    sections = {s.id: s for s in definition.sections} if definition else {}
    latest = submission.latest
    asked = request.sections or []
    # Only a section of this form that a person can open and save: an id the form does not have (its
    # definition changed) is listed, as the caseworker named it, but is never a place to go.
    answerable = [s for s in sections.values() if s.id in asked and s.kind in ("questions", "attachments")]
    to_check = _still_to_check(draft, latest, answerable)
    return {
        "reason": reason_label(request.reason),
        "comments": request.comments,
        "sections": [{"id": s, "title": sections[s].title if s in sections else s,
                      "href": section_href(draft.id, s)} for s in asked],
        "to_check": [{"id": s.id, "title": s.title, "href": section_href(draft.id, s.id)}
                     for s in answerable if s.id in to_check],
        "reference": version_reference(submission.reference, latest.number),
        "returned_at": request.returned_at,
        "previous_pdf_url": f"/submitted/{submission.id}/v{latest.number}.pdf",
    }


def _answered_notice(submission: Submission) -> dict | None:
    """The request this copy was opened for has been answered since (a response closed it, the
    information perhaps given by phone): say so, rather than leave a form that was asked for with no
    word of why it is open. The copy can still be sent, as the next version, or left."""
    if submission.status != "responded" or submission.response_text is None:
        return None
    latest = submission.latest
    return {
        "answered": True,
        "response": submission.response_text,
        "reference": version_reference(submission.reference, latest.number),
        "next_reference": version_reference(submission.reference, latest.number + 1),
        "previous_pdf_url": f"/submitted/{submission.id}/v{latest.number}.pdf",
        "sections": [],
        "to_check": [],
    }


def _still_to_check(draft: Draft, latest: SubmissionVersion, sections: list) -> set[str]:
    """The ids of the sections the Local Authority asked about that the person has neither saved since
    the form was reopened nor changed. Each keeps its "Council asked you to check" mark until then.

    Saved is enough: the person may have looked and found nothing to add, and a mark that stayed until
    the answers differed ("Needs changing") told them to change what may have been right. A change is
    enough too (a file added to Supporting Documentation saves nothing but the file). A draft saved
    before sections' saves were recorded (section_versions NULL) can say only whether it changed.
    """
    saved = draft.section_versions or {}
    unchanged = _still_as_returned(draft, latest, sections)
    return {section_id for section_id in unchanged if section_id not in saved}


def _still_as_returned(draft: Draft, latest: SubmissionVersion, sections: list) -> set[str]:
    """The ids of the sections the Local Authority asked about that this draft has not changed yet:
    their answers (or, for Supporting Documentation, their files) are still those that were returned."""
    unchanged = set()
    for section in sections:
        if section.kind == "attachments":
            if _files(Attachment.draft_id == draft.id) == _files(Attachment.version_id == latest.id):
                unchanged.add(section.id)
        elif (draft.answers or {}).get(section.id) == (latest.answers or {}).get(section.id):
            unchanged.add(section.id)
    return unchanged


def _files(belonging) -> list[tuple]:
    rows = db.session.execute(select(Attachment.display_name, Attachment.size, Attachment.description)
                              .where(belonging))
    return sorted((name, size, description or "") for name, size, description in rows)


def after_sign_in(user, next_url: str) -> str | None:
    """Seed 2.3: someone with forms waiting for more information lands on Submitted Forms."""
    from flask import url_for

    if getattr(user, "is_staff", False) or next_url != url_for("main.home"):
        return None
    if has_returned_forms(user.id):
        return url_for("submissions.submitted")
    return None
