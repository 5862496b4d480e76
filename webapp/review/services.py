"""Back-office rules: what a caseworker may see, which status may follow which, and the audit log.

Every function takes plain values (the staff user, ids, text) and never reads the request. Access is
checked here, per record: a submission, file or PDF routed to another team is "not found", so nothing
about it (not even that it exists) leaks across teams.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, false, func, or_, select

from webapp.accounts.models import User
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.formdefs.fieldtypes import counted_length
from webapp.notifications.email import queue as queue_email
from webapp.notifications.email import waiting as outbox_waiting
from webapp.notifications.email import withdraw as outbox_withdraw
from webapp.submissions.models import (
    STATUSES,
    AuditEntry,
    ResponseRevision,
    ReturnRequest,
    Submission,
    SubmissionVersion,
)
from webapp.submissions.services import version_reference
from webapp.validation import DASHES, clean_text, fold_for_search
from webapp.web.dates import uk_local

from . import workdays

log = logging.getLogger(__name__)

PAGE_SIZE = 25
OPEN_STATUSES = ("submitted", "resubmitted")

# Codes shared with the submitter's side (webapp.submissions.services.REASON_LABELS).
REASONS = {
    "insufficient_detail": "Insufficient detail",
    "wrong_child": "Wrong or missing child details",
    "consent_missing": "Consent not recorded",
    "other": "Other",
}


def return_reasons(section_ids) -> dict[str, str]:
    """The reasons a form with these sections can be returned for: consent only where the form asks
    about it ('Worried about a child' and the LADO referral do not), or the submitter would be told of
    a question they were never asked."""
    return {code: label for code, label in REASONS.items()
            if code != "consent_missing" or "consent" in section_ids}


RESPONSE_MAX_LENGTH = 500

RETURN_SUBJECT = "Your form needs more information"
RESPONSE_SUBJECT = "The Local Authority has responded to your form"
RESPONSE_CORRECTED_SUBJECT = "The Local Authority has changed its response to your form"

# Audit actions: short codes, never content. Labels are what staff read on the submission page.
VIEW = "view"
VIEW_PDF = "view_pdf"
DOWNLOAD_FILE = "download_file"
RETURN = "return"
RESPOND = "respond"
CORRECT_RESPONSE = "correct_response"
AUDIT_LABELS = {
    VIEW: "Viewed the submission",
    VIEW_PDF: "Opened the PDF",
    DOWNLOAD_FILE: "Downloaded an attached file",
    RETURN: "Returned for more information",
    RESPOND: "Posted a response",
    CORRECT_RESPONSE: "Corrected the response",
}


class NotFound(Exception):
    """No such record for this member of staff (it may exist for another team)."""


class InvalidTransition(Exception):
    """The submission's status does not allow this action; the message says why, for the page."""


# --- Access ---------------------------------------------------------------------------------------

def get_submission(staff: User, submission_id: str) -> Submission:
    """The submission, if it is routed to this member of staff's team.

    Another team's submission is refused as "not found", and the refusal is logged (ids only, never the
    child) for security monitoring (OWASP ASVS 16.3.2): staff guessing or reusing another team's links
    is something the council must be able to see, not a silent 404.
    """
    submission = db.session.get(Submission, submission_id)
    if submission is None or not staff.is_staff:
        raise NotFound()
    if submission.team != staff.team:
        log.warning("access refused: staff user %s (team %s) asked for submission %s of team %s",
                    staff.id, staff.team, submission.id, submission.team)
        raise NotFound()
    return submission


def get_version(submission: Submission, number: int | None) -> SubmissionVersion:
    if not submission.versions:
        raise NotFound()
    if number is None:
        return submission.latest
    for version in submission.versions:
        if version.number == number:
            return version
    raise NotFound()


def attachments_by_version(submission: Submission) -> dict[str, list[Attachment]]:
    version_ids = [v.id for v in submission.versions]
    if not version_ids:
        return {}
    files = (db.session.query(Attachment).filter(Attachment.version_id.in_(version_ids))
             .order_by(Attachment.created_at, Attachment.id).all())
    out: dict[str, list[Attachment]] = {}
    for attachment in files:
        out.setdefault(attachment.version_id, []).append(attachment)
    return out


def versions_with_pdf(submission: Submission) -> set[str]:
    """The ids of the versions whose PDF is stored, asked once without reading the PDFs themselves."""
    return set(db.session.scalars(select(SubmissionVersion.id).where(
        SubmissionVersion.submission_id == submission.id, SubmissionVersion.pdf.is_not(None))))


# --- Audit ----------------------------------------------------------------------------------------

def audit(staff: User, submission: Submission, action: str, detail: str | None = None) -> AuditEntry:
    """Append one entry and commit it: the record of access must survive whatever the request does next.

    `detail` says which record within the submission was touched (a version number, a file's id), so the
    log can answer "who opened version 2?" or "who downloaded the medical report?". Never content.
    """
    entry = AuditEntry(submission_id=submission.id, user_id=staff.id,
                       action=f"{action}:{detail}" if detail else action, at=utcnow())
    db.session.add(entry)
    db.session.commit()
    return entry


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str
    action: str


def _describe(action: str, files: dict[str, str]) -> str:
    code, _, detail = action.partition(":")
    label = AUDIT_LABELS.get(code, code)
    if not detail:
        return label
    if code == DOWNLOAD_FILE:
        return f"Downloaded {files[detail]}" if detail in files else label
    return f"{label} (version {detail})"


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


AUDIT_PAGE_SIZE = 50
AUDIT_ON_SUBMISSION_PAGE = 10


def _page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def audit_log(submission: Submission, *, page: int = 1, per_page: int = AUDIT_PAGE_SIZE,
              files_by_version: dict[str, list[Attachment]] | None = None) -> AuditPage:
    """One page of the log, newest first (ties by id, so paging neither repeats nor skips an entry).

    Every look at a submission adds an entry: one opened daily for two years had a log of thousands of
    rows, all of them printed on its page (half a megabyte for 2,000 entries).
    """
    query = (db.session.query(AuditEntry, User)
             .outerjoin(User, User.id == AuditEntry.user_id)
             .filter(AuditEntry.submission_id == submission.id))
    total = db.session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.submission_id == submission.id))
    pages = _page_count(total, per_page)
    page = min(max(page, 1), pages)
    rows = (query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * per_page).limit(per_page).all())
    numbers = {v.id: v.number for v in submission.versions}
    if files_by_version is None:
        files_by_version = attachments_by_version(submission)
    files = {a.id: f"{a.display_name} (version {numbers[version_id]})"
             for version_id, attachments in files_by_version.items() for a in attachments}
    return AuditPage([AuditRow(entry.at, f"{user.display_name} ({user.email})" if user else "Deleted account",
                               _describe(entry.action, files))
                      for entry, user in rows], total, page, pages)


# --- Queue ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    status_label: str
    age_days: int
    age_label: str
    overdue: bool


# How the queue can be ordered. Newest first shows what has just arrived; a MASH triages oldest first,
# so that what has waited longest (the overdue) is at the top rather than on the last page.
ORDERS = {"newest": "Newest first", "oldest": "Oldest first"}


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    status: str
    search: str
    order: str = "newest"


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


# A whole reference, however it was typed: "CP-2026-000123", "cp2026000123" or "CP 2026 000123",
# with or without the version a resubmission's sender is given ("-v2").
WHOLE_REFERENCE = re.compile(r"cp[-\s]?(\d{4})[-\s]?(\d{6})(?:[-\s]?v\d{1,4})?", re.IGNORECASE)

# Punctuation pasted with what is searched for: a name as a case system lists it ("ELLISON, Jordan"), a
# reference from the end of an email's sentence ("CP-2026-000123."). It parts words and is never looked
# for. ("%" and "_" are looked for, literally: a name can hold them.)
_PARTS_WORDS = re.compile(r"[,.;:!?()\[\]\"\u201c\u201d]+")


def _search_words(search: str) -> list[str]:
    """The words of a search, folded as the names are; any dash made a hyphen, as a reference has it
    (a word processor turns "CP-2026-000123" into "CP–2026–000123")."""
    folded = fold_for_search(search, keep_dashes=True)
    for dash in DASHES:
        folded = folded.replace(dash, "-")
    return _PARTS_WORDS.sub(" ", folded).split()


# "3/4/2016", "03-04-16", "3.4.2016", "12 March 2016": a date of birth, say, which the search does not
# look in (it looks in references and names). It found nothing, without a word why.
_DATE = re.compile(r"^\s*\d{1,2}\s*([/.-]\s*\d{1,2}\s*[/.-]|\s+[A-Za-z]{3,9}\s+)\s*\d{2,4}\s*$")


def looks_like_a_date(search: str) -> bool:
    """Whether a search is a date, which the queue then says cannot be searched for."""
    return bool(search) and len(search) <= 30 and _DATE.match(search) is not None


def clean_search(text: str | None) -> str:
    """NFC, as answers are stored: "Zoë" typed on a Mac arrives as "Zoe" and a combining mark. Runs of
    spaces become one: a name pasted as "Harvey  Lomax" found nothing."""
    return " ".join(clean_text(text).split())[:100]


def _name_or_reference_matches(search: str):
    """Every word of the search in the names or the reference, in any order: a caseworker typing the
    surname first ("Lomax Harvey") finds "Harvey Lomax", and a LADO officer finds a referral by the
    person it is about. The names are stored folded (validation.fold_for_search), and the search is
    folded the same way, without accents or apostrophes: "zoe obrien" and "o brien" find "Zoë O’Brien".
    A word with a dash is one word for the reference ("2026-00012") and its parts, spaced, for the names
    ("smith-jones" finds "Smith Jones" as well as "Smith–Jones"). A row without names (none since
    migration d5a8c3f1e9b7) is searched by the child's name. A search of nothing but apostrophes has no
    word left to look for, and finds nothing."""
    name = func.coalesce(Submission.searched_names, func.lower(Submission.child_name))
    reference = func.lower(Submission.reference)
    words = _search_words(search)
    if not words:
        return false()
    return and_(*(or_(reference.like(_like_pattern(word), escape="\\"),
                      name.like(_like_pattern(fold_for_search(word)), escape="\\"))
                  for word in words))


def queue_row(submission: Submission, now: datetime) -> QueueRow:
    """Working days are counted on the UK's calendar: the stored times are UTC, an hour behind all
    summer, so a referral sent at half past midnight on a Saturday counted as sent on the Friday."""
    received = _uk_wall_clock(submission.last_submitted_at)
    now = _uk_wall_clock(now)
    days = workdays.working_days_between(received, now)
    overdue = submission.status in OPEN_STATUSES and now > workdays.add_working_days(received, 1)
    return QueueRow(submission, STATUSES.get(submission.status, submission.status), days,
                    workdays.age_label(days), overdue)


def _uk_wall_clock(moment: datetime) -> datetime:
    return uk_local(moment).replace(tzinfo=None)


def team_queue(staff: User, *, status: str = "", search: str = "", page: int = 1, order: str = "newest",
               now: datetime | None = None) -> QueuePage:
    """The team's submissions, newest (or oldest) first, filtered by status and by reference or child's
    name."""
    now = now or utcnow()
    status = status if status in STATUSES else ""
    order = order if order in ORDERS else "newest"
    search = clean_search(search)
    query = db.session.query(Submission).filter(Submission.team == staff.team)
    if status:
        query = query.filter(Submission.status == status)
    if search:
        whole_reference = WHOLE_REFERENCE.fullmatch(" ".join(_search_words(search)))
        if whole_reference:
            # A whole reference (pasted from an email) is found through the unique index on it, not by
            # reading every one of the team's rows for it. The submitter's email and Submitted Forms
            # call a resubmission CP-…-v2; the stored reference has no version suffix.
            year, number = whole_reference.groups()
            query = query.filter(Submission.reference == f"CP-{year}-{number}")
        else:
            query = query.filter(_name_or_reference_matches(search))
    total = query.count()
    pages = _page_count(total, PAGE_SIZE)
    page = min(max(page, 1), pages)
    # Both keys the same way, so the indexes on (team, [status,] last_submitted_at, id) serve either order.
    keys = (Submission.last_submitted_at, Submission.id)
    found = (query.order_by(*(key.desc() if order == "newest" else key.asc() for key in keys))
             .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all())
    return QueuePage([queue_row(s, now) for s in found], total, page, pages, status, search, order)


# --- Status machine -------------------------------------------------------------------------------

def can_return(submission: Submission) -> bool:
    """Only to someone who can send it back: a form returned after its submitter's account was deleted
    stayed "Returned" with no one to resubmit it, and the caseworker was told only afterwards that no
    one had been emailed. A disabled account may be enabled again, and may still be returned to."""
    return submission.status in OPEN_STATUSES and submission.user_id is not None


def can_respond(submission: Submission) -> bool:
    """A returned form can be answered too: a referrer often phones the information in, and the form
    stayed "Returned" for good when only their resubmitting could move it on."""
    return submission.status in (*OPEN_STATUSES, "returned")


def why_not(submission: Submission, action: str) -> str:
    if submission.status in OPEN_STATUSES and submission.user_id is None:
        return (f"You cannot {action} this form: the submitter's account has been deleted, so there is no "
                "one to send it back to. Post a response, or contact the referrer using the details in "
                "the form.")
    if submission.status == "returned":
        return (f"You cannot {action} this form: it has been returned for more information and the "
                "submitter has not resubmitted it yet.")
    if submission.status == "responded":
        return f"You cannot {action} this form: a response has already been posted."
    return f"You cannot {action} this form in its current status."


def latest_version_number(submission_id: str) -> int:
    """Read from the table, not from a loaded `versions` list that may predate a resubmission."""
    return db.session.scalar(select(func.max(SubmissionVersion.number))
                             .where(SubmissionVersion.submission_id == submission_id)) or 0


def seen_an_old_version(seen_version: int | None, latest: int) -> bool:
    """True when the page the caseworker acts from showed an older version than the latest.

    A return or response page can stay open while the form is returned by someone else and resubmitted:
    comments or a response written about the old answers would otherwise land on the new version
    unread. None (a page from before the field existed) counts as the latest.
    """
    return seen_version is not None and seen_version != latest


def resubmitted_since(latest: int, action: str) -> str:
    return (f"You cannot {action} this form from that page: the submitter sent version {latest} after you "
            f"opened it. Read version {latest}, then try again.")


def _tell_submitter(submission: Submission, subject: str, template: str) -> None:
    """Queue an email to whoever sent the form, naming it by its title and the reference they were
    given for its latest version: someone with several forms open could not tell which was meant.
    Neither says anything about the child; both stay out of the subject all the same, like the
    confirmation's reference."""
    recipient = _submitter_email(submission)
    if recipient:
        reference = version_reference(submission.reference, latest_version_number(submission.id))
        queue_email(recipient, subject, template, sign_in_url=_sign_in_link(), reference=reference,
                    form_title=submission.form_title)


def _sign_in_link() -> str:
    """Sign-in, then Submitted Forms, where the email says the response or the request is (seed 2.3).

    Without `next`, someone with a response (and no form waiting for more information) was signed in to
    the home page and had to find Submitted Forms themselves.
    """
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + "/sign-in?next=/submitted"


def submitter(submission: Submission) -> User | None:
    return db.session.get(User, submission.user_id) if submission.user_id else None


def submitter_state(submission: Submission) -> str:
    """"deleted", "disabled" or "active": whether the submitter can be emailed and can sign in to see
    what a caseworker sends them (_submitter_email emails neither a deleted nor a disabled account)."""
    account = submitter(submission)
    if account is None:
        return "deleted"
    return "disabled" if account.disabled_at is not None else "active"


def _submitter_email(submission: Submission) -> str | None:
    """Where the submitter's emails go: nowhere for a deleted account, nor for a disabled one, which
    cannot sign in to read what the email would send it to."""
    user = submitter(submission)
    return user.email if user is not None and user.disabled_at is None else None


# A double-click, or the form posted again from the same page, asks for what has just been done. The
# caseworker is shown it done (the first request's outcome), not an error page for their own action;
# anything else (another caseworker, other words) is still refused.

def _same_open_return(submission: Submission, staff: User, reason: str, comments: str, sections: list[str],
                      version: int) -> ReturnRequest | None:
    if submission.status != "returned":
        return None
    request = db.session.scalar(
        select(ReturnRequest).where(ReturnRequest.submission_id == submission.id,
                                    ReturnRequest.resolved_at.is_(None))
        .order_by(ReturnRequest.returned_at.desc(), ReturnRequest.id.desc()).limit(1))
    same = (request is not None and request.returned_by == staff.id and request.reason == reason
            and request.comments == comments and sorted(request.sections or []) == sorted(sections)
            and request.version_number == version)
    return request if same else None


def _last_responder(submission: Submission) -> int | None:
    return db.session.scalar(
        select(AuditEntry.user_id)
        .where(AuditEntry.submission_id == submission.id, AuditEntry.action == RESPOND)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))


def _locked(submission: Submission) -> Submission:
    """Re-read under a lock so two caseworkers acting at once cannot both change the status."""
    return (db.session.query(Submission).filter(Submission.id == submission.id)
            .with_for_update().populate_existing().one())


def _response_text(text: str) -> str:
    text = tidy_paragraphs(text)
    if not text:
        raise ValueError("a response is required")
    if counted_length(text) > RESPONSE_MAX_LENGTH:  # as the form and the page's character count count
        raise ValueError("the response is too long")
    return text


def return_submission(staff: User, submission: Submission, *, reason: str, comments: str,
                      sections: list[str], seen_version: int | None = None) -> ReturnRequest:
    """Send the form back: status, request, audit row and the email commit together or not at all."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    if not comments.strip():
        raise ValueError("comments are required")
    locked = _locked(submission)
    latest = latest_version_number(locked.id)
    if not can_return(locked):
        repeated = _same_open_return(locked, staff, reason, comments.strip(), sections,
                                     seen_version or latest)
        db.session.rollback()
        if repeated is not None:
            return repeated
        raise InvalidTransition(why_not(locked, "return"))
    if seen_an_old_version(seen_version, latest):
        db.session.rollback()
        raise InvalidTransition(resubmitted_since(latest, "return"))
    now = utcnow()
    request = ReturnRequest(submission_id=locked.id, version_number=latest, reason=reason,
                            comments=comments.strip(), sections=list(sections), returned_by=staff.id,
                            returned_at=now)
    db.session.add(request)
    locked.status = "returned"
    db.session.add(AuditEntry(submission_id=locked.id, user_id=staff.id, action=RETURN, at=now))
    _tell_submitter(locked, RETURN_SUBJECT, "review_returned")
    db.session.commit()
    return request


def tidy_paragraphs(text: str | None) -> str:
    """Spaces within each line collapsed, blank lines between paragraphs kept (one at most).

    A response is written in a text area: a caseworker who writes two paragraphs means two, and
    they used to run together into one line on every page that showed them.
    """
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def respond(staff: User, submission: Submission, text: str, *, seen_version: int | None = None) -> None:
    text = _response_text(text)
    locked = _locked(submission)
    latest = latest_version_number(locked.id)
    if not can_respond(locked):
        repeated = (locked.status == "responded" and locked.response_text == text
                    and (seen_version or latest) == latest and _last_responder(locked) == staff.id)
        db.session.rollback()
        if repeated:
            return
        raise InvalidTransition(why_not(locked, "post a response to"))
    if seen_an_old_version(seen_version, latest):
        db.session.rollback()
        raise InvalidTransition(resubmitted_since(latest, "post a response to"))
    now = utcnow()
    if locked.status == "returned":  # the response answers the request: the submitter is no longer asked
        for request in db.session.scalars(select(ReturnRequest).where(
                ReturnRequest.submission_id == locked.id, ReturnRequest.resolved_at.is_(None))):
            request.resolved_at = now
        _withdraw_unsent_return_emails(locked)
    if locked.response_text is not None:
        # A version sent after an earlier response (the submitter's reopened copy, sent after the
        # response closed the request): that response is kept, as a correction keeps the one it replaces.
        db.session.add(ResponseRevision(submission_id=locked.id, text=locked.response_text,
                                        posted_at=locked.response_corrected_at or locked.responded_at,
                                        replaced_at=now, replaced_by=staff.id))
        locked.response_corrected_at = None
    locked.status = "responded"
    locked.response_text = text
    locked.responded_at = now
    db.session.add(AuditEntry(submission_id=locked.id, user_id=staff.id, action=RESPOND, at=now))
    _tell_submitter(locked, RESPONSE_SUBJECT, "review_responded")
    db.session.commit()


NOTHING_TO_CORRECT = "You cannot correct the response to this form: no response has been posted to it."


def can_correct_response(submission: Submission) -> bool:
    return submission.status == "responded"


def response_fingerprint(text: str | None) -> str:
    """Names the response a caseworker had in front of them, without carrying its words around."""
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def correct_response(staff: User, submission: Submission, text: str, *, seen: str) -> bool:
    """Replace a posted response, and tell the submitter it changed; False when it was left as it was.

    A response with a mistake in it (the wrong team, a typo in a date) stood for good. The submitter
    may already have read it, so a correction is emailed as a change, the audit log keeps who
    corrected it and when, and the wording it replaces is kept (earlier_responses). `seen` is the
    fingerprint of the response the caseworker corrected: a colleague's correction since is not
    silently written over.
    """
    text = _response_text(text)
    locked = _locked(submission)
    if not can_correct_response(locked):
        db.session.rollback()
        raise InvalidTransition(NOTHING_TO_CORRECT)
    if locked.response_text == text:
        db.session.rollback()
        # Nothing to change; unless the page was opened on another response and this very text has
        # been posted since (the same correction sent twice): that one is done, not "not changed".
        return response_fingerprint(text) != seen
    if response_fingerprint(locked.response_text) != seen:
        db.session.rollback()
        raise InvalidTransition("Another caseworker changed the response while you were correcting it. "
                                "Your correction has not been posted.")
    now = utcnow()
    db.session.add(ResponseRevision(submission_id=locked.id, text=locked.response_text,
                                    posted_at=locked.response_corrected_at or locked.responded_at,
                                    replaced_at=now, replaced_by=staff.id))
    locked.response_text = text
    locked.response_corrected_at = now
    db.session.add(AuditEntry(submission_id=locked.id, user_id=staff.id, action=CORRECT_RESPONSE, at=now))
    if not _response_email_waiting(locked):
        _tell_submitter(locked, RESPONSE_CORRECTED_SUBJECT, "review_response_corrected")
    db.session.commit()
    return True


def _response_email_waiting(submission: Submission) -> bool:
    """An email saying there is a response (or a changed one) to this form is still in the outbox.

    Neither email holds the response's words, so the one waiting serves the correction too: a response
    corrected within the minute sent "has responded" and then "has changed its response", both before
    the first could be read.
    """
    return bool(_emails_about(submission, outbox_waiting, (RESPONSE_SUBJECT, RESPONSE_CORRECTED_SUBJECT)))


def _withdraw_unsent_return_emails(submission: Submission) -> None:
    """A response closes the request for more information: its email, still waiting (the mail server
    down), would otherwise go after it and ask for what is no longer wanted."""
    _emails_about(submission, outbox_withdraw, (RETURN_SUBJECT,))


def _emails_about(submission: Submission, action, subjects: tuple[str, ...]):
    """`action` (the outbox's waiting or withdraw) for the submitter's emails about this form with
    these subjects; None when the submitter has no address. The emails name the form by its reference,
    which is how one is told apart from those about the submitter's other forms."""
    recipient = _submitter_email(submission)
    if not recipient:
        return None
    reference = version_reference(submission.reference, latest_version_number(submission.id))
    return action(recipient, subjects, f"Reference number: {reference}\n")


def earlier_responses(submission: Submission) -> list[tuple[ResponseRevision, str]]:
    """What the response said before each correction, newest first, with who replaced it."""
    rows = (db.session.query(ResponseRevision, User)
            .outerjoin(User, User.id == ResponseRevision.replaced_by)
            .filter(ResponseRevision.submission_id == submission.id)
            .order_by(ResponseRevision.replaced_at.desc(), ResponseRevision.id.desc()).all())
    return [(revision, user.display_name if user else "Deleted account") for revision, user in rows]


def return_requests(submission: Submission) -> list[tuple[ReturnRequest, str, int | None]]:
    """Each request, who made it and, once it is closed, the number of the version that answered it:
    None when a response closed it instead (the information came another way), which the page said
    the submitter had "answered". A resubmission closes the request at the moment its version is sent."""
    rows = (db.session.query(ReturnRequest, User)
            .outerjoin(User, User.id == ReturnRequest.returned_by)
            .filter(ReturnRequest.submission_id == submission.id)
            .order_by(ReturnRequest.returned_at, ReturnRequest.id).all())
    sent_at = {version.submitted_at: version.number for version in submission.versions}
    return [(request, user.display_name if user else "Deleted account", sent_at.get(request.resolved_at))
            for request, user in rows]
