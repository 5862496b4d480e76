"""The back office's pages. Views parse the request, call services, and redirect or render."""


import secrets

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from webapp.accounts import auth, codes, devices, sessions
from webapp.accounts import services as accounts
from webapp.accounts.device_views import add_device_pages
from webapp.accounts.forms import CodeForm, SignInForm
from webapp.accounts.models import TEAMS, User
from webapp.accounts.password_views import add_password_pages
from webapp.attachments.downloads import file_download
from webapp.extensions import db, htmx, limiter
from webapp.notifications.email import MailUnavailable
from webapp.submissions import services as submissions
from webapp.submissions.forms import DECLARATION_LABEL
from webapp.submissions.models import STATUSES
from webapp.web.rendering import render_page, render_page_or_fragment
from webapp.web.requests import page_number

from . import answers, kept, services
from .forms import CorrectResponseForm, ResponseForm, ReturnForm
from .signed_out_writing import adopt as adopt_signed_out_writing
from .signed_out_writing import holds_writing, kept_when_signed_out

bp = Blueprint("review", __name__, url_prefix="/la")

PENDING = "staff_pending"
MAIL_DOWN = ("We could not send the email just now. Select 'Send a new code' to try again in a few "
             "minutes.")
BAD_CREDENTIALS = "Enter a correct email address and password"


def _form_page(template: str, form, **context):
    return render_page(template, status=422 if form.errors else 200, form=form, **context)


# --- Sign in: password, then an emailed code, every time ------------------------------------------

@bp.get("/")
def index():
    if g.user is not None and session.get("staff"):
        return redirect(url_for(".queue"))
    if g.user is not None:
        abort(404)
    if htmx:  # convention 7: 401 + HX-Redirect, never a sign-in page swapped into a fragment
        return auth.redirect_to_sign_in("review.sign_in")
    return redirect(url_for(".sign_in"))


def _staff_failure_limit() -> str:
    return (f"{current_app.config['LOGIN_FAILURES_BEFORE_LOCK']} per "
            f"{current_app.config['LOGIN_LOCK_MINUTES']} minutes")


def _email_at_address() -> str:
    """Wrong passwords are counted for an email address as typed from one network address: the
    caseworker's own sign-in, from anywhere else, is not held up by someone guessing at theirs."""
    email = request.form.get("email", "")[:254].strip().lower()
    return f"staff-sign-in:{email}:{get_remote_address()}"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("20 per minute; 100 per hour", methods=["POST"])
@limiter.limit(_staff_failure_limit, key_func=_email_at_address, methods=["POST"],
               deduct_when=lambda response: response.status_code == 422)
def sign_in():
    ended = auth.end_session_the_countdown_ended(url_for(".queue"))
    if ended is not None:
        return ended
    if g.user is not None and session.get("staff"):
        return redirect(url_for(".queue"))
    form = SignInForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data, staff=True)
        if result.user is None:
            form.refuse(BAD_CREDENTIALS)
        else:
            session[PENDING] = {"user_id": result.user.id,
                                "next": auth.safe_next(request.args.get("next"), url_for(".queue"))}
            _send_code(result.user)
            return redirect(url_for(".sign_in_code"))
    # Signed out by the idle timeout: found on the next request (`_expired`), or told by the page's
    # own countdown (`?expired=1`), which sends the browser here.
    expired = bool(session.get("_expired") or request.args.get("expired"))
    return _form_page("review/sign_in.html", form, expired=expired, writing_kept=holds_writing(),
                      next_param=auth.safe_next(request.args.get("next"), "") or None)


def _send_code(user: User) -> None:
    try:
        accounts.send_code(user, accounts.STAFF_SIGN_IN)
    except MailUnavailable:
        flash(MAIL_DOWN, "error")


def _pending_user() -> User | None:
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending["user_id"]) if pending.get("user_id") else None
    return user if user is not None and user.is_staff and user.disabled_at is None else None


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("20 per minute; 100 per hour", methods=["POST"])
def sign_in_code():
    user = _pending_user()
    if user is None:
        return redirect(url_for(".sign_in"))
    form = CodeForm()
    form.submit.label.text = "Sign in"
    if form.validate_on_submit():
        result, _ = codes.check(user, accounts.STAFF_SIGN_IN, form.code.data)
        db.session.commit()
        if result is codes.CodeCheck.OK:
            destination = (session.pop(PENDING, None) or {}).get("next") or url_for(".queue")
            auth.sign_in(user, staff=True)
            adopt_signed_out_writing(user)
            return redirect(auth.safe_next(destination, url_for(".queue")))
        form.code.errors.append(codes.message(result, "Send a new code"))
    return _form_page("review/sign_in_code.html", form, email=user.email,
                      minutes=accounts.code_minutes(accounts.STAFF_SIGN_IN))


@bp.post("/sign-in/code/resend")
@limiter.limit("10 per hour")
def resend_code():
    user = _pending_user()
    if user is None:
        return redirect(url_for(".sign_in"))
    try:
        sent = accounts.send_code_unless_recent(user, accounts.STAFF_SIGN_IN)
    except MailUnavailable:
        flash(MAIL_DOWN, "error")
    else:
        if sent:
            flash("We have sent you a new code.", "success")
        else:
            flash("You have asked for a new code too recently. Wait a minute, then try again.", "error")
    return redirect(url_for(".sign_in_code"))


# --- The queue ------------------------------------------------------------------------------------

# The queue's search text is often a child's name, and a child's name must not reach a URL (DESIGN.md: no
# child data in URLs), where browser history, proxies and access logs would keep it. The filter form
# posts it; it is kept in the (server-side) session under a random key, and the queue's URLs carry the key.
QUEUE_SEARCHES = "queue_searches"
MAX_SAVED_SEARCHES = 20


def _saved_search(key: str | None) -> str:
    return (session.get(QUEUE_SEARCHES) or {}).get(key or "", "")


def _save_search(text: str) -> str | None:
    if not text:
        return None
    searches = dict(session.get(QUEUE_SEARCHES) or {})
    key = next((k for k, v in searches.items() if v == text), None) or secrets.token_urlsafe(8)
    searches.pop(key, None)
    searches[key] = text
    session[QUEUE_SEARCHES] = dict(list(searches.items())[-MAX_SAVED_SEARCHES:])
    return key


# "Back to submissions" on a submission's page returns to the queue page it was opened from (its page,
# status and search), not to the first page of everything: a caseworker working through page 3 of a
# search lost their place at every submission. The address holds the search's key, never its text.
QUEUE_RETURN = "queue_return"


def _remember_queue_page(page: services.QueuePage, search_key: str | None) -> None:
    address = url_for(".queue", page=page.page if page.page > 1 else None, status=page.status or None,
                      search=search_key, order=_order_argument(page.order))
    if session.get(QUEUE_RETURN) != address:  # unchanged, it costs the session no write
        session[QUEUE_RETURN] = address


def _queue_return() -> str:
    address = session.get(QUEUE_RETURN)
    return address if isinstance(address, str) and address.startswith("/la/queue") else url_for(".queue")


# "Back to the back office", as a 404 page says "Go to the back office" ("Back to Back office" read oddly).
add_device_pages(bp, "/devices", auth.staff_required, home=("review.queue", "the back office"))
# The same page as the public's Change your password; a changed password leads back to the queue.
add_password_pages(bp, "/password", auth.staff_required, home=("review.queue", "the back office"))


@bp.get("/queue")
@auth.staff_required
def queue():
    search_key = request.args.get("search")
    search = _saved_search(search_key)
    page = services.team_queue(g.user, status=request.args.get("status", ""), search=search,
                               page=page_number(request.args.get("page")),
                               order=request.args.get("order", ""))
    _remember_queue_page(page, search_key if search else None)
    return render_page_or_fragment("review/queue.html", "partials/review/queue_table.html",
                                   queue=page, search_key=search_key if search else None, statuses=STATUSES,
                                   orders=services.ORDERS, order_argument=_order_argument(page.order),
                                   search_forgotten=bool(search_key and not search),
                                   searched_a_date=services.looks_like_a_date(search),
                                   team_name=TEAMS.get(g.user.team, ""))


def _order_argument(order: str) -> str | None:
    """The default order is left out of the address, so the plain queue keeps its plain address."""
    return None if order == "newest" else order


@bp.post("/queue")
@auth.staff_required
def filter_queue():
    """POST/redirect/GET to the queue with the status and the search's key (htmx follows the redirect)."""
    status = request.form.get("status", "")
    order = request.form.get("order", "")
    return redirect(url_for(".queue", status=status if status in STATUSES else None,
                            order=_order_argument(order) if order in services.ORDERS else None,
                            search=_save_search(services.clean_search(request.form.get("q")))), code=303)


# --- One submission -------------------------------------------------------------------------------

def _submission(submission_id: str):
    try:
        return services.get_submission(g.user, submission_id)
    except services.NotFound:
        abort(404)


def _version_number(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 5 else None


def _requested_version(value: str | None) -> int | None:
    """The version asked for in the address (None: the latest). One that cannot be a version number
    is no version, as ?v=3 of a submission with two is: "?v=99999" showed the latest as if asked for."""
    number = _version_number(value)
    if value is not None and number is None:
        abort(404)
    return number


@bp.get("/submissions/<submission_id>")
@auth.staff_required
def view_submission(submission_id: str):
    submission = _submission(submission_id)
    try:
        version = services.get_version(submission, _requested_version(request.args.get("v")))
    except services.NotFound:
        abort(404)
    services.audit(g.user, submission, services.VIEW, str(version.number))
    sections = answers.answer_sections(version)
    previous = next((v for v in submission.versions if v.number == version.number - 1), None)
    files = services.attachments_by_version(submission)
    changes = None
    if previous:
        # Files added and taken away too, under the title of the section they were attached in.
        files_title = next(iter(_section_titles(submission, version, kinds=("attachments",)).values()),
                           "Attached files")
        changes = (answers.difference(answers.answer_sections(previous), sections)
                   + answers.file_difference(files.get(previous.id, []), files.get(version.id, []),
                                             files_title))
    return render_page(
        "review/submission.html", submission=submission, version=version, sections=sections,
        previous=previous, changes=changes, files=files, returns=services.return_requests(submission),
        pdf_stored=services.versions_with_pdf(submission),
        audit=services.audit_log(submission, per_page=services.AUDIT_ON_SUBMISSION_PAGE,
                                 files_by_version=files),
        reasons=services.REASONS, status_label=STATUSES.get(submission.status, submission.status),
        can_return=services.can_return(submission), can_respond=services.can_respond(submission),
        can_correct_response=services.can_correct_response(submission),
        earlier_responses=services.earlier_responses(submission),
        section_titles=_section_titles(submission, version), submitter=services.submitter(submission),
        declaration=answers.version_declaration(version), declaration_label=DECLARATION_LABEL,
        queue_url=_queue_return())


def _section_titles(submission, version, kinds=None) -> dict[str, str]:
    definition = answers.definition_for(submission.form_id, version.form_version)
    return {s.id: s.title for s in definition.sections
            if kinds is None or s.kind in kinds} if definition else {}


@bp.get("/submissions/<submission_id>/audit")
@auth.staff_required
def view_audit_log(submission_id: str):
    """The whole log, a page at a time. Not itself audited: it shows who looked, never the answers."""
    submission = _submission(submission_id)
    return render_page("review/audit.html", submission=submission,
                       audit=services.audit_log(submission, page=page_number(request.args.get("page"))))


@bp.get("/submissions/<submission_id>/files/<attachment_id>")
@auth.staff_required
def download_file(submission_id: str, attachment_id: str):
    submission = _submission(submission_id)
    try:
        attachment = submissions.get_attachment(submission, attachment_id)
    except submissions.NotFound:
        abort(404)
    services.audit(g.user, submission, services.DOWNLOAD_FILE, attachment.id)
    return file_download(attachment)


@bp.get("/submissions/<submission_id>/v<int:number>.pdf")
@auth.staff_required
def view_pdf(submission_id: str, number: int):
    submission = _submission(submission_id)
    try:
        version = services.get_version(submission, number)
    except services.NotFound:
        abort(404)
    # Read once: the audit's commit below expires the version, and reading it again after that
    # brought the whole PDF from the database a second time.
    data = version.pdf
    if data is None:
        return render_page("review/pdf_pending.html", submission=submission, version=version)
    services.audit(g.user, submission, services.VIEW_PDF, str(version.number))
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    name = f"{submission.reference}-v{version.number}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Return and respond ---------------------------------------------------------------------------

def _who_is_emailed(submission) -> str:
    """Said after an action that emails the submitter: "has been emailed" was said when the submitter's
    account had been deleted, and no email went (nor goes to a disabled account)."""
    state = services.submitter_state(submission)
    if state == "deleted":
        return "The submitter's account has been deleted, so no one has been emailed."
    if state == "disabled":
        return "The submitter's account has been disabled, so they have not been emailed."
    return "The submitter has been emailed."


def _show_latest_version(form, submission) -> None:
    """A fresh page is about the latest version; a re-shown one keeps the version it was opened on."""
    if not form.is_submitted():
        form.version.data = str(submission.latest.number)


# The conflict page's heading, by action: what cannot be done, on opening the page; what has not been
# sent, on sending it. It said "This form cannot be changed" above "the submitter sent version 2 after
# you opened it. Read version 2, then try again" and "Another caseworker changed the response": both
# say it can, once the caseworker has read what changed.
CONFLICT_HEADINGS = {
    "return": ("This form cannot be returned", "Your request for more information has not been sent"),
    "respond": ("A response cannot be posted to this form", "Your response has not been posted"),
    "response": ("There is no response to correct", "Your correction has not been posted"),
}


def _conflict(submission, purpose: str, message: str, unsent: str | None = None, sent: bool = False):
    """Why the action cannot be taken, with what the caseworker wrote for it shown back (not sent), so
    that a colleague acting first does not cost them their comments. `sent`: the caseworker sent the
    form, rather than opening it."""
    return render_page("review/conflict.html", status=409, submission=submission, message=message,
                       unsent=unsent, heading=CONFLICT_HEADINGS[purpose][sent])


# What a response might say, for the team whose caseworker writes it.
RESPONSE_EXAMPLES = {
    "social-care": "“Accepted — passed to the Children First Hub”",
    "early-help": "“Accepted — an Early Help worker will contact the family”",
    "lado": "“Received — the LADO will contact you”",
}


# The forms that keep what a caseworker was writing when the idle timeout signed them out (kept.py), by
# the purpose that names them in kept_writing and in the address the page sends it to.
KEEPING_FORMS = {"return": ReturnForm, "respond": ResponseForm, "response": CorrectResponseForm}


def _form_with_kept_writing(purpose: str, submission):
    """The form as posted; or, on a fresh page, holding what this caseworker was writing when the idle
    timeout signed them out, and whether it does: their words come back where they left them."""
    form_class = KEEPING_FORMS[purpose]
    values = None if request.method == "POST" else kept.kept_values(g.user.id, submission.id, purpose,
                                                                     _this_sign_in())
    return (form_class(formdata=values) if values else form_class()), values is not None


def _this_sign_in() -> str:
    return devices.handle_of(session.sid)


# The page each keeping form is on, by the purpose that names it.
KEEPING_PAGES = {"return": ".return_submission", "respond": ".respond", "response": ".correct_response"}


@bp.context_processor
def _kept_for():
    return {"kept_hours": int(kept.KEPT_FOR.total_seconds() // 3600)}


@bp.post("/submissions/<submission_id>/<any(return, respond, response):purpose>/discard")
@auth.staff_required
def discard_kept_writing(submission_id: str, purpose: str):
    """The caseworker does not want to send what was kept for them: without this, leaving the form
    (Cancel included) kept it, and it came back over the form each time they opened it that day."""
    submission = _submission(submission_id)
    kept.forget(g.user.id, submission.id, purpose)
    flash("What you had typed has been deleted.", "success")
    return redirect(url_for(KEEPING_PAGES[purpose], submission_id=submission.id))


@bp.post("/submissions/<submission_id>/<any(return, respond, response):purpose>/keep")
@auth.staff_required
def keep_writing(submission_id: str, purpose: str):
    """The page sending what it holds as the idle timeout comes (portal.js). That is not the caseworker
    doing anything, so the session's idle deadline stays where it was."""
    sessions.keep_idle_deadline(session)
    submission = _submission(submission_id)
    names = kept.own_field_names(KEEPING_FORMS[purpose])
    # The correction page opens holding the posted response: left as it is, nothing was written.
    opened_with = {"response": submission.response_text or ""} if purpose == "response" else None
    try:
        kept.keep(g.user.id, submission.id, purpose, request.form, names, _this_sign_in(), opened_with)
    except kept.TooLong:
        abort(413)
    return "", 204


@bp.route("/submissions/<submission_id>/return", methods=["GET", "POST"])
@kept_when_signed_out("return", ReturnForm)
@auth.staff_required
def return_submission(submission_id: str):
    submission = _submission(submission_id)
    form, restored = _form_with_kept_writing("return", submission)
    # A valid post goes to the service even when the status forbids a return: it may repeat the return
    # this caseworker has just made (a double-click), which is shown done rather than refused.
    if not services.can_return(submission) and not form.is_submitted():
        return _conflict(submission, "return", services.why_not(submission, "return"),
                         unsent=form.comments.data if restored else None)
    if not restored:
        _show_latest_version(form, submission)
    titles = _section_titles(submission, submission.latest, kinds=("questions", "attachments"))
    form.sections.choices = [SelectChoice(section_id, title) for section_id, title in titles.items()]
    reasons = services.return_reasons(titles)
    form.reason.choices = [SelectChoice(code, label) for code, label in reasons.items()]
    if form.validate_on_submit():
        try:
            services.return_submission(g.user, submission, reason=form.reason.data,
                                       comments=form.comments.data, sections=form.sections.data or [],
                                       seen_version=_version_number(form.version.data))
        except services.InvalidTransition as error:
            return _conflict(submission, "return", str(error), unsent=form.comments.data, sent=True)
        kept.forget(g.user.id, submission.id, "return")
        flash(f"{submission.reference} has been returned for more information. {_who_is_emailed(submission)}",
              "success")
        return redirect(url_for(".view_submission", submission_id=submission.id))
    if not services.can_return(submission):
        return _conflict(submission, "return", services.why_not(submission, "return"),
                         unsent=form.comments.data, sent=True)
    return _form_page("review/return.html", form, submission=submission, restored=restored,
                      submitter_state=services.submitter_state(submission))


@bp.route("/submissions/<submission_id>/respond", methods=["GET", "POST"])
@kept_when_signed_out("respond", ResponseForm)
@auth.staff_required
def respond(submission_id: str):
    submission = _submission(submission_id)
    form, restored = _form_with_kept_writing("respond", submission)
    if not services.can_respond(submission) and not form.is_submitted():
        return _conflict(submission, "respond", services.why_not(submission, "post a response to"),
                         unsent=form.response.data if restored else None)
    if not restored:
        _show_latest_version(form, submission)
    form.response.description = (f"The submitter sees this in their Submitted Forms. For example, "
                                 f"{RESPONSE_EXAMPLES.get(submission.team, RESPONSE_EXAMPLES['social-care'])}"
                                 " or “No further action — advice given”.")
    if form.validate_on_submit():
        try:
            services.respond(g.user, submission, form.response.data,
                             seen_version=_version_number(form.version.data))
        except services.InvalidTransition as error:
            return _conflict(submission, "respond", str(error), unsent=form.response.data, sent=True)
        kept.forget(g.user.id, submission.id, "respond")
        flash(f"Your response to {submission.reference} has been posted. {_who_is_emailed(submission)}",
              "success")
        return redirect(url_for(".view_submission", submission_id=submission.id))
    if not services.can_respond(submission):
        return _conflict(submission, "respond", services.why_not(submission, "post a response to"),
                         unsent=form.response.data, sent=True)
    return _form_page("review/respond.html", form, submission=submission, restored=restored,
                      submitter_state=services.submitter_state(submission))


@bp.route("/submissions/<submission_id>/response", methods=["GET", "POST"])
@kept_when_signed_out("response", CorrectResponseForm)
@auth.staff_required
def correct_response(submission_id: str):
    """Correct a posted response: the submitter is emailed that it changed."""
    submission = _submission(submission_id)
    form, restored = _form_with_kept_writing("response", submission)
    if not services.can_correct_response(submission) and not form.is_submitted():
        return _conflict(submission, "response", services.NOTHING_TO_CORRECT,
                         unsent=form.response.data if restored else None)
    if not form.is_submitted() and not restored:
        form.response.data = submission.response_text
        form.seen.data = services.response_fingerprint(submission.response_text)
    form.response.description = ("The submitter sees this in their Submitted Forms in place of the response "
                                 "they may already have read, so write it whole, not only what changed.")
    if form.validate_on_submit():
        try:
            changed = services.correct_response(g.user, submission, form.response.data, seen=form.seen.data)
        except services.InvalidTransition as error:
            return _conflict(submission, "response", str(error), unsent=form.response.data, sent=True)
        kept.forget(g.user.id, submission.id, "response")
        if changed:
            flash(f"Your corrected response to {submission.reference} has been posted. "
                  f"{_who_is_emailed(submission)}", "success")
        else:
            flash(f"The response to {submission.reference} was not changed.", "info")
        return redirect(url_for(".view_submission", submission_id=submission.id))
    return _form_page("review/correct_response.html", form, submission=submission, restored=restored,
                      submitter_state=services.submitter_state(submission))


# --- Display --------------------------------------------------------------------------------------

@bp.app_template_filter("review_lines")
def review_lines(value) -> Markup:
    """Keep the line breaks of a multi-line answer (an address, an account) with every line escaped."""
    return Markup("<br>").join(escape(line) for line in str(value or "").splitlines())
