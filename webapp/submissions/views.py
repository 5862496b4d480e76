"""Declaration & Submit, Thank You, Submitted Forms, a submitted form and its PDF, reopening a returned form.

Thin views: parse the request, call a service with plain arguments, then redirect or render.
"""


from flask import Blueprint, abort, current_app, g, make_response, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from webapp.accounts.auth import login_required
from webapp.accounts.models import SUBMITTED_TO
from webapp.attachments.downloads import file_download
from webapp.drafts.web import resume_url
from webapp.extensions import db
from webapp.web.rendering import render_page, render_page_or_fragment
from webapp.web.requests import page_number

from . import rendering, services
from .forms import DECLARATION_LABEL, DeclarationForm
from .models import STATUSES

bp = Blueprint("submissions", __name__)


def _declaration_section(draft):
    definition = services.catalogue().get(draft.form_id, draft.form_version)
    section = next((s for s in definition.sections if s.kind == "declaration"), None)
    return definition, section


def _own_draft_or_replay(draft_id: str):
    """The draft, or a redirect to Thank You if it was already submitted (the back button after submit)."""
    try:
        return services.get_own_draft(draft_id, g.user.id), None
    except services.NotFound:
        version = services.submitted_version_for_key(draft_id, g.user.id)
        if version is None:
            abort(404)
        return None, redirect(url_for(".thank_you", submission_id=version.submission_id, v=version.number))


def _render_declaration(draft, form, status: int = 200, missing=None):
    definition, section = _declaration_section(draft)
    if missing is None:
        missing = services.missing_answers(draft, g.user)
    if "drafts.check" in current_app.view_functions:
        back_url = url_for("drafts.check", draft_id=draft.id)
    else:
        back_url = services.section_href(draft.id, definition.sections[-2].id)
    return render_page("submissions/declaration.html", status, draft=draft, definition=definition,
                       section=section, form=form, missing=missing, back_url=back_url,
                       return_notice=services.return_notice_for_draft(draft))


@bp.get("/drafts/<draft_id>/declaration")
@login_required
def declaration(draft_id: str):
    draft, replay = _own_draft_or_replay(draft_id)
    if replay:
        return replay
    return _render_declaration(draft, DeclarationForm(formdata=None, meta={"csrf": False}))


@bp.get("/drafts/<draft_id>/confirm")
@login_required
def confirm(draft_id: str):
    """Without JavaScript, "Submit to Local Authority" comes here: the dialog's question as a page."""
    draft, replay = _own_draft_or_replay(draft_id)
    if replay:
        return replay
    form = DeclarationForm(formdata=request.args, meta={"csrf": False})
    missing = services.missing_answers(draft, g.user)
    if missing or not form.validate():
        return _render_declaration(draft, form, 422, missing)
    definition, _section = _declaration_section(draft)
    return render_page("submissions/confirm.html", draft=draft, definition=definition)


@bp.post("/drafts/<draft_id>/submit")
@login_required
def submit(draft_id: str):
    draft, replay = _own_draft_or_replay(draft_id)
    if replay:
        return replay
    form = DeclarationForm(formdata=MultiDict(request.form))
    if not form.validate():
        return _render_declaration(draft, form, 422)
    try:
        result = services.submit_draft(draft_id, g.user.id)
    except services.SubmitRefused:
        return _render_declaration(db.session.get(type(draft), draft_id), form, 422)
    except services.NotFound:
        abort(404)
    if not result.replayed:
        rendering.kick_render(current_app._get_current_object())
    return redirect(url_for(".thank_you", submission_id=result.submission_id, v=result.version_number))


def _submission_or_404(submission_id: str):
    try:
        return services.get_for_submitter(submission_id, g.user.id)
    except services.NotFound:
        abort(404)


def _version_or_404(submission, number: int | None):
    try:
        return services.get_version(submission, number)
    except services.NotFound:
        abort(404)


@bp.get("/submitted/<submission_id>/thank-you")
@login_required
def thank_you(submission_id: str):
    submission = _submission_or_404(submission_id)
    version = _version_or_404(submission, request.args.get("v", type=int))
    return render_page("submissions/thank_you.html", submission=submission, version=version,
                       reference=services.version_reference(submission.reference, version.number),
                       submitted_to=SUBMITTED_TO[submission.team])


@bp.get("/submitted")
@login_required
def submitted():
    forms = services.submitted_forms(g.user.id, page=page_number(request.args.get("page")))
    return render_page_or_fragment("submissions/submitted.html", "partials/submissions/submitted_tables.html",
                                   statuses=STATUSES, view_days=current_app.config["SUBMITTER_VIEW_DAYS"],
                                   **forms)


@bp.get("/submitted/<submission_id>")
@login_required
def view_submission(submission_id: str):
    """The answers as HTML straight away; the PDF link appears when the PDF is stored (htmx polls
    the status fragment; without JavaScript a reload shows it)."""
    submission = _submission_or_404(submission_id)
    version = _version_or_404(submission, request.args.get("v", type=int))
    return render_page_or_fragment(
        "submissions/submission.html", "partials/submissions/pdf_status.html",
        submission=submission, version=version, statuses=STATUSES,
        reference=services.version_reference(submission.reference, version.number),
        pdf_ready=version.pdf_rendered_at is not None and version.pdf_error is None,
        return_request=services.return_request_for_submitter(submission),
        sections=rendering.answer_sections(version), attachments=rendering.attachment_rows(version),
        sent_to=rendering.team_name(submission), answered_request=services.request_answered_by(version),
        declaration=rendering.version_declaration(version), declaration_label=DECLARATION_LABEL)


@bp.get("/submitted/<submission_id>/v<int:number>.pdf")
@login_required
def open_pdf(submission_id: str, number: int):
    submission = _submission_or_404(submission_id)
    version = _version_or_404(submission, number)
    data = version.pdf
    if data is None:
        return redirect(url_for(".view_submission", submission_id=submission.id, v=number))
    reference = services.version_reference(submission.reference, number)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{reference}.pdf"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/submitted/<submission_id>/files/<attachment_id>")
@login_required
def download_file(submission_id: str, attachment_id: str):
    """A file the submitter sent, for as long as they may see the submission."""
    submission = _submission_or_404(submission_id)
    try:
        attachment = services.get_attachment(submission, attachment_id)
    except services.NotFound:
        abort(404)
    return file_download(attachment)


@bp.post("/submitted/<submission_id>/reopen")
@login_required
def reopen(submission_id: str):
    """The form name under Forms requesting more information, and "Update and resubmit this form" on
    the returned form's page (where the email's sign-in link leads): the first section the Local
    Authority asked about, as Recover a Form's Resume opens it."""
    try:
        draft = services.reopen_for_changes(submission_id, g.user.id)
    except services.NotFound:
        abort(404)
    return redirect(resume_url(draft, services.catalogue().get(draft.form_id, draft.form_version)))
