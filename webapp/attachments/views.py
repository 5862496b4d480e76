"""Supporting Documentation: upload, list, describe, remove and download a draft's files.

Every action is a plain form post that redirects back to the section (or re-renders it with a 422);
with JavaScript on, htmx posts the same forms and swaps the files fragment, which is the same partial
the section page includes.
"""

from urllib.parse import unquote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from webapp import formdefs
from webapp.drafts import services as draft_services
from webapp.drafts.views import nav_items, render_section_page, return_notice
from webapp.drafts.web import RETURN_FIELD, RETURN_TO_CHECK, citizen_required, returning_to_check
from webapp.drafts.web import section_url as draft_section_url
from webapp.extensions import csrf, htmx
from webapp.web.dates import file_size
from webapp.web.errors import render_error
from webapp.web.rendering import render_page

from . import services
from .downloads import file_download
from .filenames import clean_display_name
from .inspection import ALLOWED_SUMMARY, UploadLimits

bp = Blueprint("attachments", __name__)

FILE_FIELD = "attachment-file"
DESCRIPTION_FIELD = "attachment-description"

# The examples under "What is this document?": a professional's documents, or a family's. A member of the
# public was asked for "a chronology, a body map or an assessment", which they do not have or know.
DESCRIPTION_HINTS = {"professional": "For example, a chronology, a body map or an assessment.",
                     "public": "For example, a photo, a letter or a screenshot of a message."}


def description_hint(draft) -> str:
    definition = current_app.extensions["form_catalogue"].get(draft.form_id, draft.form_version)
    return DESCRIPTION_HINTS.get(definition.audience, DESCRIPTION_HINTS["public"])


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def attachments_panel():
        return {"attachments_panel": _panel}


def _panel(draft, back_to_check: bool = False, **extra) -> dict:
    """What the files partial shows; also called from the section page the runner renders.

    On the way back to Check your answers (`back_to_check`) its forms and links say so, so the section
    they come back to, without JavaScript, still leads back there."""
    files = services.list_for_draft(draft.id)
    limits = UploadLimits.from_config(current_app.config)
    back = _back_to_check(back_to_check)
    rows = [{"file": a, "size": file_size(a.size), "kind": services.kind_label(a),
             "download_url": url_for("attachments.download_attachment", attachment_id=a.id),
             "remove_url": url_for("attachments.remove_attachment", draft_id=draft.id, attachment_id=a.id,
                                   **back),
             "describe_url": url_for("attachments.describe_attachment", draft_id=draft.id,
                                     attachment_id=a.id, **back)}
            for a in files]
    count, total = services.totals(files)
    return {
        "rows": rows,
        "upload_url": url_for("attachments.upload_attachment", draft_id=draft.id, **back),
        "allowed": ALLOWED_SUMMARY,
        "max_file": file_size(limits.max_file_bytes),
        "max_files": limits.max_files,
        "max_total": file_size(limits.max_total_bytes),
        "full": count >= limits.max_files,
        "total": file_size(total),
        "description_hint": description_hint(draft),
        **extra,
    }


def _load_draft(draft_id: str):
    draft = draft_services.find_draft(draft_id, g.user.id)
    if draft is None:
        abort(404)
    return draft


def _attachments_section(draft):
    definition = current_app.extensions["form_catalogue"].get(draft.form_id, draft.form_version)
    section = next((s for s in definition.sections if s.kind == "attachments"), None)
    if section is None:
        abort(404)
    return definition, section


def _back_to_check(on: bool | None = None) -> dict:
    """The query that keeps the way back to Check your answers (by default: if this request has it)."""
    return {RETURN_FIELD: RETURN_TO_CHECK} if (returning_to_check() if on is None else on) else {}


def _section_url(draft) -> str:
    _, section = _attachments_section(draft)
    return draft_section_url(draft, section.id, back_to_check=returning_to_check())


def _lifetime_days() -> int:
    return current_app.config["DRAFT_LIFETIME_DAYS"]


# What takes focus after an htmx upload: the message that says what happened, as GOV.UK's error
# summary and success banner take it when a page loads. They are read out as they are focused.
ERROR_SUMMARY_ID = "attachments-error-summary"
BANNER_ID = "attachments-banner"


def _respond(draft, announcement: str | None = None, error: str | None = None, status: int = 200,
             confirm_id: str | None = None, description: str = "", focus_id: str | None = None,
             error_field: str = FILE_FIELD):
    """htmx gets the files fragment; a full-page error re-renders the whole section with a 422.

    The fragment carries the page's title (htmx sets it), so a refused upload's "Error: " comes and goes
    with the error summary, as it does on the full page. A refusal's error summary takes focus.
    """
    errors = {error_field: error} if error else {}
    if htmx:
        definition, section = _attachments_section(draft)
        response = render_page("partials/attachments/draft_files.html", status, draft=draft, errors=errors,
                               definition=definition, section=section, back_to_check=returning_to_check(),
                               fragment=True, announcement=announcement, confirm_id=confirm_id,
                               description_value=description,
                               focus_id=ERROR_SUMMARY_ID if error else focus_id,
                               nav_status=_nav_status(draft, definition, section))
        response.headers.add("Vary", "HX-Request")
        return response
    return _section_page(draft, errors, status, description)


def _nav_status(draft, definition, section) -> dict:
    """The files' section's entry in the section list, and its number there: the fragment brings the
    status with it, which an upload may have changed."""
    items = nav_items(draft, definition, section.id, return_notice(draft))
    return next({"item": item, "number": number} for number, item in enumerate(items, start=1)
                if item["id"] == section.id)


def _section_page(draft, errors: dict, status: int, description: str = ""):
    """The runner's own section page, with the upload's error in the summary linked to its input (the
    file's, or the description's)."""
    definition, section = _attachments_section(draft)
    return render_section_page(
        draft, definition, section, formdefs.build_section_form(section, data={}), errors, status,
        error_list=[{"text": message, "href": _error_href(draft, field)}
                    for field, message in errors.items()],
        description_value=description)


def _error_href(draft, field: str) -> str:
    """Where the error summary's link goes: the field, but the list of files when the form has all it
    may have, as then there is no file input to go to (the link went nowhere)."""
    limits = UploadLimits.from_config(current_app.config)
    if field == FILE_FIELD and services.totals(services.list_for_draft(draft.id))[0] >= limits.max_files:
        return "#attachments-heading"
    return f"#{field}"


# --- Upload -----------------------------------------------------------------------------------------

@bp.post("/drafts/<draft_id>/attachments")
@csrf.exempt
@citizen_required
def upload_attachment(draft_id: str):
    """CSRF is checked here, after the size: a body over MAX_CONTENT_LENGTH cannot be read to find the
    token, and the person deserves "the file is too large", not a bare 413. Nothing is stored then."""
    draft = _load_draft(draft_id)
    limits = UploadLimits.from_config(current_app.config)
    try:
        upload = request.files.get("file")
        description = request.form.get("description", "")
    except RequestEntityTooLarge:
        name = unquote(request.headers.get("X-Upload-Filename", ""))
        return _respond(draft, error=services.too_large_message(name, limits), status=422)
    csrf.protect()

    if upload is None or not upload.filename:
        return _respond(draft, error="Select a file to upload", status=422, description=description)
    try:
        attachment = _store(draft, upload, description, limits)
    except services.UploadRefused as refused:
        return _respond(draft, error=refused.message, status=422, description=description,
                        error_field=_field_of(refused))
    message = _uploaded_message(upload.filename, attachment.display_name)
    if htmx:
        return _respond(draft, announcement=message, focus_id=BANNER_ID)
    flash(message, "success")
    return redirect(_section_url(draft), 303)


def _uploaded_message(chosen: str, stored: str) -> str:
    """Names the file as it was chosen: a HEIC photo kept as a JPEG (or a PNG that was really a JPEG)
    was announced by a name the person had never seen, as if they had picked the wrong file."""
    chosen = clean_display_name(chosen)
    if chosen == stored:
        return f"{stored} has been uploaded"
    return f"{chosen} has been uploaded as {stored}"


def _field_of(refused: services.UploadRefused) -> str:
    """The input a refusal is shown at: a description too long is the description's to put right. It
    was shown at the file input, which has nothing wrong with it (and the description box cut a longer
    paste short without a word, so the message was seldom seen at all)."""
    return DESCRIPTION_FIELD if refused.reason == "description" else FILE_FIELD


def _store(draft, upload, description: str, limits: UploadLimits):
    """Every check "Upload file" makes (description, size, quota, content, virus scan), then the file
    stored; raises UploadRefused with the message for the person. One path for both ways a file
    arrives, so a file sent with Next is refused or accepted exactly as by "Upload file"."""
    if len(description) > services.DESCRIPTION_LENGTH:
        raise services.UploadRefused(
            f"The description must be {services.DESCRIPTION_LENGTH} characters or fewer", "description")
    # Read one byte past the limit at most: the size check must not hold a huge file in memory.
    data = upload.stream.read(limits.max_file_bytes + 1)
    _, section = _attachments_section(draft)
    return services.add_file(draft, g.user.id, upload.filename, data, description, current_app.config,
                             _lifetime_days(), section_id=section.id)


DESCRIPTION_WITHOUT_FILE = "Select the file this description is for, or delete the description"


def attach_chosen_file(draft):
    """A file chosen on Supporting Documentation but not uploaded, sent with Next, Previous, 'Save and
    complete later' or the section list: attach it as part of that press.

    It used to be dropped without a word, and the person believed it had been sent. Now it is attached
    with every check "Upload file" makes; a file refused stops the press, and the section comes back
    (a 422, the whole section for htmx too, as the section's own form asked for) with the same
    message "Upload file" would give at the file field and in the error summary, and the description
    typed. A description typed with no file chosen stops the press the same way: it was dropped as
    silently. Returns that response, or None when there was no file or it was attached.
    """
    limits = UploadLimits.from_config(current_app.config)
    try:
        upload = request.files.get("file")
        description = request.form.get("description", "")
    except RequestEntityTooLarge:  # nothing in the body can be read: nothing is saved from it
        name = unquote(request.headers.get("X-Upload-Filename", ""))
        return _section_page(draft, {FILE_FIELD: services.too_large_message(name, limits)}, 422)
    if upload is None or not upload.filename:
        if description.strip():  # a description of no file: say so rather than drop it
            return _section_page(draft, {FILE_FIELD: DESCRIPTION_WITHOUT_FILE}, 422, description)
        return None
    try:
        _store(draft, upload, description, limits)
    except services.UploadRefused as refused:
        return _section_page(draft, {_field_of(refused): refused.message}, 422, description)
    return None


# --- Describe ---------------------------------------------------------------------------------------

FILE_GONE = "That file is no longer attached to this form"


class _FileGone(Exception):
    """A file of this person's own live draft that is not on it (any more)."""

    def __init__(self, draft) -> None:
        super().__init__(draft.id)
        self.draft = draft


def _load_attachment(draft_id: str, attachment_id: str):
    draft = _load_draft(draft_id)
    attachment = services.find_for_draft(draft, attachment_id)
    if attachment is None:
        raise _FileGone(draft)
    return draft, attachment


@bp.errorhandler(_FileGone)
def _file_gone(gone: _FileGone):
    """"Yes, remove it" pressed twice (a double-click without JavaScript, or Back and send again), or a
    Remove or Change link on a page left open after the file was removed: the second press was told
    "This form is no longer here ... What you sent was not saved", of a form that was there and a
    removal that had been made. It is still a 404, for htmx too (the same for any id not on this draft,
    so it says nothing of another account's files), now saying what is true and leading back to the
    files."""
    draft = gone.draft
    _, section = _attachments_section(draft)
    return render_error(404, FILE_GONE, "It may have been removed already, on this page or in another "
                        "window. The files still attached are listed on the form.",
                        links=[(_section_url(draft), f"Go back to {section.title}")])


@bp.route("/drafts/<draft_id>/attachments/<attachment_id>/describe", methods=["GET", "POST"])
@citizen_required
def describe_attachment(draft_id: str, attachment_id: str):
    draft, attachment = _load_attachment(draft_id, attachment_id)
    back_url = _section_url(draft)
    error = None
    value = attachment.description
    if request.method == "POST":
        value = request.form.get("description", "")
        if len(value) > services.DESCRIPTION_LENGTH:
            error = f"The description must be {services.DESCRIPTION_LENGTH} characters or fewer"
        else:
            services.describe(attachment, draft, value, _lifetime_days())
            flash(f"The description of {attachment.display_name} has been saved", "success")
            return redirect(back_url, 303)
    return render_page("attachments/describe.html", 422 if error else 200, draft=draft,
                       attachment=attachment, value=value, error=error, back_url=back_url,
                       hint=description_hint(draft),
                       form_url=url_for(".describe_attachment", draft_id=draft.id,
                                        attachment_id=attachment.id, **_back_to_check()))


# --- Remove -----------------------------------------------------------------------------------------

@bp.route("/drafts/<draft_id>/attachments/<attachment_id>/remove", methods=["GET", "POST"])
@citizen_required
def remove_attachment(draft_id: str, attachment_id: str):
    """Without JavaScript a confirmation page; with htmx the question appears in the file list itself."""
    draft, attachment = _load_attachment(draft_id, attachment_id)
    if request.method == "GET":
        if htmx:
            return _respond(draft, confirm_id=attachment.id)
        response = render_page("attachments/remove.html", draft=draft, attachment=attachment,
                               back_url=_section_url(draft),
                               form_url=url_for(".remove_attachment", draft_id=draft.id,
                                                attachment_id=attachment.id, **_back_to_check()))
        response.headers.add("Vary", "HX-Request")  # the same URL answers htmx with the files fragment
        return response
    if request.form.get("confirm") != "yes":
        if not htmx:
            return redirect(_section_url(draft), 303)
        # Kept: the keyboard goes back to where it was, the file's own Remove link.
        return _respond(draft, focus_id=f"remove-{attachment.id}")
    name = attachment.display_name
    services.remove(attachment, draft, _lifetime_days())
    message = f"{name} has been removed"
    if htmx:
        return _respond(draft, announcement=message)
    flash(message, "success")
    return redirect(_section_url(draft), 303)


# --- Download ---------------------------------------------------------------------------------------

@bp.get("/attachments/<attachment_id>")
@citizen_required
def download_attachment(attachment_id: str):
    attachment = services.find_for_owner(attachment_id, g.user.id)
    if attachment is None:
        abort(404)
    return file_download(attachment)

