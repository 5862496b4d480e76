"""What every drafts page shares: the blueprint, who may use it, and finding the account's own draft.

The pages themselves live by what a person is doing: starting a form (start_views), answering its
sections (views), and leaving and coming back (resume_views).
"""


from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.accounts.auth import login_required
from webapp.extensions import csrf

from . import services

bp = Blueprint("drafts", __name__)

# The app-wide CSRF check runs before any view, so a post from a page whose session has idled out
# would get "400 session needs refreshing" instead of login_required's 401 + HX-Redirect to sign-in
# (DESIGN.md convention 7). Here the check runs after we know someone is signed in; a signed-out post
# is answered by login_required and changes nothing.
csrf.exempt(bp)


@bp.before_request
def _check_csrf_when_signed_in():
    if request.method not in ("GET", "HEAD", "OPTIONS") and g.get("user") is not None:
        try:
            csrf.protect()
        except RequestEntityTooLarge:
            # A file too large to read, sent with a section's Next: the body, token and answers
            # included, cannot be read, so nothing can be saved from it. The section says the file
            # is too large (as "Upload file" does) rather than a bare 413; every other view raises
            # this again when it reads the form.
            if request.endpoint != "drafts.section":
                raise


def citizen_required(view):
    """Drafts belong to public and professional accounts. A back-office session is sent to the portal's
    sign-in as any other page for those accounts sends it, which says it is signed in to the back office
    (a 404, "Page not found", was all a caseworker following a portal link was told)."""
    return login_required(view)


def catalogue():
    return current_app.extensions["form_catalogue"]


def lifetime() -> services.Lifetime:
    return services.Lifetime(current_app.config["DRAFT_LIFETIME_DAYS"])


def definition_or_404(form_id: str, version: int | None = None):
    try:
        return catalogue().get(form_id, version)
    except KeyError:
        abort(404)


def load_own_draft(draft_id: str, section_id: str | None = None):
    """The signed-in account's draft, or 404: another account's draft id must look like no draft at all."""
    draft = services.find_draft(draft_id, g.user.id)
    if draft is None:
        _show_the_submission_it_became(draft_id)
        abort(404)
    definition = definition_or_404(draft.form_id, draft.form_version)
    if section_id is None:
        return draft, definition, None
    try:
        return draft, definition, definition.section(section_id)
    except KeyError:
        abort(404)


def _show_the_submission_it_became(draft_id: str) -> None:
    """A submitted form's old address (Back after submitting, a bookmark, a second tab) answered a bare
    "Page not found", as if the form were lost: it now opens the copy that was sent. Only this
    account's own submission is found, so another account's draft id still looks like nothing."""
    if request.method != "GET":
        return
    from webapp.submissions.services import submitted_version_for_key

    version = submitted_version_for_key(draft_id, g.user.id)
    if version is not None:
        flash("You have already submitted this form. This is the copy you sent.", "success")
        abort(redirect(url_for("submissions.view_submission", submission_id=version.submission_id)))


# Check your answers' Change links open a section with `?return=check`, and the section's form carries
# it on as a hidden field, so its Next comes back to the check (GOV.UK's check answers pattern). It
# names a page to return to, never anything about the child.
RETURN_FIELD = "return"
RETURN_TO_CHECK = "check"


def section_url(draft, section_id: str, *, back_to_check: bool = False) -> str:
    extra = {RETURN_FIELD: RETURN_TO_CHECK} if back_to_check else {}
    return url_for("drafts.section", draft_id=draft.id, section_id=section_id, **extra)


def returning_to_check() -> bool:
    """Whether this page was opened (or this form sent) on the way back to Check your answers."""
    if request.args.get(RETURN_FIELD) == RETURN_TO_CHECK:
        return True
    if request.method != "POST":
        return False
    try:
        return request.form.get(RETURN_FIELD) == RETURN_TO_CHECK
    except RequestEntityTooLarge:  # an upload too large to read: its own error says so
        return False


def return_notice(draft) -> dict | None:
    """What the Local Authority asked for, when this draft reopens a returned form; else None."""
    if not draft.resubmission_of or "submissions.submitted" not in current_app.view_functions:
        return None
    from webapp.submissions.services import return_notice_for_draft

    return return_notice_for_draft(draft)


def resume_url(draft, definition) -> str:
    """Where every way back into a draft leads (Recover a Form's Resume, "Carry on with this form now",
    and a returned form's form name or "Update and resubmit this form"): the section services.
    resume_section chooses, or Check your answers."""
    notice = return_notice(draft)
    to_check = [section["id"] for section in (notice or {}).get("to_check", [])]
    section_id = services.resume_section(draft, definition, to_check)
    return section_url(draft, section_id) if section_id else url_for("drafts.check", draft_id=draft.id)
