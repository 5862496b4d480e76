"""What a submitted version says, as plain data: the one source for the HTML views (submitter and
back office) and the PDF, so both show the labels the form had when it was answered.

The PDF is rendered once, off the request path, by `render_pending_pdfs` (a scheduler job, and a
thread kicked straight after a submit), and stored on the version.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select, update

from webapp import formdefs, pdf
from webapp.accounts.models import RECEIVING_TEAMS, User
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.web.dates import file_size
from webapp.web.logsafe import log_exception

from .forms import DECLARATION_LABEL
from .models import Submission, SubmissionVersion
from .services import catalogue, request_answered_by, version_reference

log = logging.getLogger(__name__)

#: A version whose render failed is tried again after this long, not every 10 seconds.
RETRY_AFTER = timedelta(minutes=5)
PDF_IMAGE_TYPES = ("image/jpeg", "image/png")
KIND_NAMES = {"word": "Word document", "pdf": "PDF document"}
IMAGE_NAMES = {"image/jpeg": "JPEG image", "image/png": "PNG image", "image/gif": "GIF image"}


def answer_sections(version: SubmissionVersion) -> list[dict]:
    """[{title, rows: [{label, value, items}]}] for each section with questions, in form order, using
    the form definition version the answers were given to. `items` are an add-another answer's
    SummaryItems (each child or agency), which `value` says in lines; the HTML pages show them as
    blocks of their own (partials/forms/_answers.html), the PDF as the lines."""
    definition = catalogue().get(version.submission.form_id, version.form_version)
    sections = []
    for section, rows in formdefs.summarise_form(definition, version.answers or {}):
        if section.kind != "questions":
            continue
        sections.append({"title": section.title,
                         "rows": [{"label": row.label, "value": row.value_text, "items": row.items}
                                  for row in rows]})
    return sections


#: The parts of the Declaration & Submit page that the submitter confirms: its paragraphs, lists and inset
#: text. Its heading is the PDF's own, and its warning ("If a child is in immediate danger, call 999") is
#: advice, not something agreed.
DECLARED_BLOCKS = ("paragraph", "list", "inset")


def declaration_words(definition: formdefs.FormDefinition) -> list[dict]:
    """[{text, items}]: the declaration as the form version answered words it.

    Taken from the definition, not stored with each version: a submission keeps its form version, and a
    change of wording is a new definition version, the old one staying loadable (the answers' labels are
    read the same way). The PDF, rendered once just after the submit and kept, then holds them for good."""
    section = next((s for s in definition.sections if s.kind == "declaration"), None)
    if section is None:
        return []
    return [{"text": block.text, "items": list(block.items)}
            for block in section.content if block.kind in DECLARED_BLOCKS]


def version_declaration(version: SubmissionVersion) -> list[dict]:
    """The declaration this version's submitter agreed to (`declaration_words` of its form version): the
    words the submitter's page and the back office's page of the version show, as its PDF prints them."""
    return declaration_words(catalogue().get(version.submission.form_id, version.form_version))


def team_name(submission: Submission) -> str:
    """Who received the form, as the council's user guide names the team (its "Sent to")."""
    return RECEIVING_TEAMS.get(submission.team, submission.team)


def kind_text(attachment: Attachment) -> str:
    if attachment.kind == "image":
        return IMAGE_NAMES.get(attachment.content_type, "Image")
    return KIND_NAMES.get(attachment.kind, "Document")


def version_attachments(version: SubmissionVersion) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.version_id == version.id)
                                   .order_by(Attachment.created_at, Attachment.id)))


def attachment_rows(version: SubmissionVersion, *, with_images: bool = False) -> list[dict]:
    """[{name, kind, size_text, description, image_data_url}]; images embedded only for the PDF (the
    stored bytes are already the re-encoded copy; image_data_url strips any metadata left regardless).
    The description is the submitter's answer to "What is this document?" ("" when none): plain text."""
    rows = []
    for attachment in version_attachments(version):
        data_url = None
        if with_images and attachment.kind == "image" and attachment.content_type in PDF_IMAGE_TYPES:
            data_url = pdf.image_data_url(attachment.data, attachment.content_type)
        rows.append({"id": attachment.id, "name": attachment.display_name, "kind": kind_text(attachment),
                     "size_text": file_size(attachment.size), "description": attachment.description or "",
                     "image_data_url": data_url})
    return rows


def pdf_context(version: SubmissionVersion) -> dict:
    submission: Submission = version.submission
    submitter = db.session.get(User, version.submitted_by) if version.submitted_by else None
    definition = catalogue().get(submission.form_id, version.form_version)
    return {
        "council_name": current_app.config["COUNCIL_NAME"],
        "form_title": definition.title,
        "reference": version_reference(submission.reference, version.number),
        "version": version.number,
        "submitted_at": version.submitted_at,
        "submitter_name": submitter.display_name if submitter else "",
        "submitter_email": submitter.email if submitter else "",
        "team_name": team_name(submission),
        "answers_request": request_answered_by(version),
        "sections": answer_sections(version),
        "attachments": [{k: v for k, v in row.items() if k != "id"}
                        for row in attachment_rows(version, with_images=True)],
        "declaration": declaration_words(definition),
        "declaration_label": DECLARATION_LABEL,
        "generated_at": utcnow(),
    }


def render_version_pdf(version: SubmissionVersion) -> bytes:
    return pdf.render_pdf(pdf.build_submission_html(pdf_context(version)))


def render_pending_pdfs(limit: int = 10) -> int:
    """Render and store the PDF of versions that have none; returns how many were stored.

    Each version is claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so the scheduler and a
    post-submit thread never render the same one at once; the store is conditional on the PDF still
    being missing, so a duplicate render (SQLite) is harmless.
    """
    stored = 0
    tried: set[str] = set()
    for _ in range(limit):
        if not threading.main_thread().is_alive():
            # The process is exiting (a restart) and its PDF worker can take no more work: leave the
            # rest to the next process's job rather than record each as failed and wait RETRY_AFTER.
            break
        retry_before = utcnow() - RETRY_AFTER
        query = (select(SubmissionVersion)
                 .where(SubmissionVersion.pdf.is_(None),
                        SubmissionVersion.id.not_in(tried),
                        (SubmissionVersion.pdf_error.is_(None))
                        | (SubmissionVersion.pdf_rendered_at < retry_before))
                 .order_by(SubmissionVersion.submitted_at).limit(1)
                 .with_for_update(skip_locked=True, of=SubmissionVersion))
        version = db.session.scalar(query)
        if version is None:
            db.session.rollback()
            break
        tried.add(version.id)
        try:
            data = render_version_pdf(version)
        except (pdf.PdfRenderError, KeyError, ValueError) as error:
            log.error("PDF of version %s not rendered: %s", version.id, type(error).__name__)
            version.pdf_error = str(error)[:200]
            version.pdf_rendered_at = utcnow()
            db.session.commit()
            continue
        result = db.session.execute(
            update(SubmissionVersion)
            .where(SubmissionVersion.id == version.id, SubmissionVersion.pdf.is_(None))
            .values(pdf=data, pdf_rendered_at=utcnow(), pdf_error=None))
        db.session.commit()
        stored += result.rowcount
    return stored


class _RenderKicker:
    """One post-submit render thread per app (so per worker process), however many submits arrive.

    A render holds a pooled database connection while it waits its turn at the one PDF worker
    (webapp/pdf/render.py), so a thread per submit let a burst of submissions take every connection
    in the pool: the worker's pages then waited the pool's 30 s and failed. Now a submit only asks
    the running thread to look again, and a thread that finds nothing more to do ends.
    """

    def __init__(self, app: Flask):
        self.app = app
        self._guard = threading.Lock()
        self._asked = False
        self._thread: threading.Thread | None = None

    def kick(self) -> threading.Thread:
        with self._guard:
            self._asked = True
            # A thread inherited over fork (a preloaded gunicorn app) never runs in the child.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pdf-render", daemon=True)
                self._thread.start()
            return self._thread

    def _run(self) -> None:
        while True:
            with self._guard:  # asked and ending are decided under the guard, so no kick is lost
                if not self._asked:
                    self._thread = None
                    return
                self._asked = False
            with self.app.app_context():
                try:
                    render_pending_pdfs()
                except Exception:
                    log_exception(log, "post-submit PDF render failed; the scheduler will retry")
                    db.session.rollback()
                finally:
                    db.session.remove()


def kick_render(app: Flask) -> threading.Thread | None:
    """Render now, off the request path, so the PDF is usually ready before anyone opens it.

    The scheduler job picks up anything this misses (a crash, a restart, a failed render).
    """
    if not app.config.get("PDF_RENDER_AFTER_SUBMIT", True):
        return None
    kicker = app.extensions.get("pdf_render_kicker")
    if kicker is None:
        kicker = app.extensions.setdefault("pdf_render_kicker", _RenderKicker(app))
    return kicker.kick()
