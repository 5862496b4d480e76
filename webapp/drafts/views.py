"""Answering a form's sections: the section runner (seed section 2.1, "Completing a Form").

Every page works as a plain form post (POST/redirect/GET); with JavaScript on, htmx posts the same
forms and gets back the same partials. Answers are saved even when they fail validation, so nothing a
user typed is lost to an error, a timeout or a closed tab.
"""

from functools import wraps

from flask import abort, current_app, g, make_response, redirect, request, session, url_for

from webapp import formdefs
from webapp.accounts import sessions
from webapp.accounts.auth import SAVES_ITSELF, redirect_to_sign_in
from webapp.extensions import htmx
from webapp.web.rendering import render_page, render_page_or_fragment

from . import kept_answers, services
from .services import COMPLETED, HAS_ERRORS, IN_PROGRESS, Conflict
from .web import (
    RETURN_FIELD,
    RETURN_TO_CHECK,
    bp,
    citizen_required,
    lifetime,
    load_own_draft,
    return_notice,
    returning_to_check,
    section_url,
)

# The action of a section-list entry: "go-to:<section id>".
GO_TO = "go-to:"


def init_app(app) -> None:
    """Load every form definition once; a broken definition stops start-up with a clear message."""
    from . import resume_views, start_views  # noqa: F401 (their routes join the blueprint)

    app.extensions["form_catalogue"] = formdefs.load_catalogue(app.config.get("FORM_DEFINITIONS_DIR"))
    app.register_blueprint(bp)
    app.add_template_global(kept_answers.waiting, "kept_answers_waiting")
    # A section of questions saves itself before the idle timeout (its autosave): sign-in may say so.
    app.extensions.setdefault(SAVES_ITSELF, []).append(_section_saves_itself)


def _section_saves_itself(endpoint: str, view_args: dict) -> bool:
    """Whether the page at this endpoint saved what was typed on it before the timeout: a section of
    questions does; an overview and Supporting Documentation do not. Section ids mean the same kind of
    section in every form, so the draft need not be read to know."""
    if endpoint != "drafts.section":
        return False
    section_id = view_args.get("section_id")
    return any(section.id == section_id and section.saves_itself
               for definition in current_app.extensions["form_catalogue"].all()
               for section in definition.sections)


# Shown above answers a section post brought after its session ended (kept_answers.py), once signed in.
UNSAVED_NOTICE = ("You were signed out before these answers were saved. Check them, then select Next "
                  "or 'Save and complete later' to save them.")


def keep_typed_when_signed_out(view):
    """A section posted after its session ended: keep what was typed, and come back to it.

    Without JavaScript nothing saves the page before the timeout, so Next after a long pause lost
    every answer on it, and sign-in led to the home page; with it, a computer woken from sleep after
    the timeout sends its autosave too late, and that was lost as well. The same when the session
    ended another way: signed out in another tab or from another device, or its cookie cleared.
    The posted answers now wait in the signed-out session, and sign-in returns to the section,
    which shows them again, unsaved, until the person saves them; they are shown only if the draft is
    the signed-in account's own. Nothing is written to the draft by a request that is not signed in.
    """

    @wraps(view)
    def wrapped(draft_id: str, section_id: str, *args, **kwargs):
        if request.method == "POST" and g.get("user") is None and len(draft_id) <= 32:
            typed = [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_ANSWERS]
            kept_answers.keep(draft_id, section_id, typed, idled_out=bool(session.get("_expired")))
            back = {RETURN_FIELD: RETURN_TO_CHECK} if returning_to_check() else {}
            return redirect_to_sign_in("accounts.sign_in",
                                       url_for(".section", draft_id=draft_id, section_id=section_id, **back))
        return view(draft_id, section_id, *args, **kwargs)

    return wrapped


# --- The section runner ---------------------------------------------------------------------------

def _stored_or_prefilled(draft, section) -> dict:
    answers = draft.answers or {}
    if section.id in answers:
        return answers[section.id]
    return formdefs.prefill_answers(section, g.user)


def nav_items(draft, definition, current_id: str, notice: dict | None = None) -> list[dict]:
    """The section list: each section's status; a section the caseworker asked about says "Council
    asked you to check" in its place until the person has saved it."""
    flagged = {s["id"] for s in (notice or {}).get("to_check", [])}
    # Section ids are URL-safe slugs (schema.yaml), so the sections' addresses differ only in their
    # last segment: one url_for gives the stem for all (every section save renders this list).
    stem = url_for("drafts.section", draft_id=draft.id, section_id=current_id).rsplit("/", 1)[0]
    items = []
    for s in definition.sections:
        if s.kind == "declaration":
            href = url_for("drafts.check", draft_id=draft.id)
            state = None
        else:
            href = f"{stem}/{s.id}"
            state = services.section_state(draft, s.id)
        label, classes = services.STATUS_LABELS.get(state, services.STATUS_LABELS[None])
        if s.id in flagged:
            label, classes = services.ASKED_TO_CHECK
        items.append({"id": s.id, "title": s.title, "href": href, "status": label, "tag_classes": classes,
                      "current": s.id == current_id})
    return items


def render_section_page(draft, definition, section, section_form, errors: dict, status: int = 200, *,
                        notice: str | None = None, error_list: list[dict] | None = None,
                        back_to_check: bool | None = None, **extra):
    """A runner section page (or its htmx fragment): the one place its context is built.

    Other blueprints that re-render a section (an upload refused with a 422) call this, so the page
    they show cannot drift from the runner's own. `error_list` replaces the summary built from the
    section's fields, for errors about something else on the page (the file being uploaded).
    `back_to_check`: the page was opened from Check your answers (by default: this request says so),
    so it links back there and its Next returns there.
    """
    previous_id, next_id = services.neighbours(definition, section.id)
    asked = return_notice(draft)
    return render_page_or_fragment(
        "drafts/section.html", "partials/drafts/section.html", status,
        draft=draft, definition=definition, section=section, section_form=section_form, errors=errors,
        error_list=(formdefs.error_summary(section, errors, section_form) if error_list is None
                    else error_list),
        nav=nav_items(draft, definition, section.id, asked), return_notice=asked,
        previous_id=previous_id, next_id=next_id, notice=notice,
        back_to_check=returning_to_check() if back_to_check is None else back_to_check,
        check_url=url_for("drafts.check", draft_id=draft.id),
        section_url=url_for("drafts.section", draft_id=draft.id, section_id=section.id),
        validate_url=url_for("drafts.validate", draft_id=draft.id, section_id=section.id),
        autosave_url=url_for("drafts.autosave", draft_id=draft.id, section_id=section.id),
        autosave_seconds=current_app.config.get("AUTOSAVE_SECONDS", 30),
        idle_minutes=current_app.config["SESSION_IDLE_MINUTES"],
        **extra,
    )


def _posted_version() -> int | None:
    try:
        return int(request.form.get("draft_version", ""))
    except ValueError:
        return None


def _keep_unjudged(draft, definition, section, answers: dict) -> bool:
    """Save what was typed without judging it; False when nothing differs from what the page showed.

    For the autosave and for leaving by the section list: neither is the person saying they have
    finished, so a section passed on the way is never marked "Has errors" (nor "Completed"), and one
    only looked at (even with answers filled in from the account) is not saved at all. Raises
    Conflict as save_section does.
    """
    shown = (draft.answers or {}).get(section.id)
    if shown is None:  # never saved: the page showed empty questions, or the account's details
        shown = formdefs.answers_from_form(
            section, formdefs.build_section_form(section, data=_stored_or_prefilled(draft, section)))
    if answers == shown:
        return False
    previous_state = services.section_state(draft, section.id)
    state = previous_state if previous_state == HAS_ERRORS else IN_PROGRESS
    services.save_section(draft, definition, section.id, answers, state, _posted_version(), lifetime())
    return True


def _leave_by_section_list(draft, definition, section, target_id: str):
    """An entry of the section list is a button of the section's form: keep what was typed, then go.

    So following the list never loses answers, with JavaScript (htmx posts the form and swaps the
    chosen section in) or without (a plain post, then a redirect).
    """
    try:
        target = definition.section(target_id)
    except KeyError:
        abort(404)
    if section.fields and section.kind != "overview":
        typed = formdefs.build_section_form(section, formdata=request.form)
        answers = formdefs.answers_from_form(section, typed)
        try:
            _keep_unjudged(draft, definition, section, answers)
        except Conflict:
            return _conflict(draft, section, typed=answers)
    if target.kind == "declaration":
        return _go(url_for(".check", draft_id=draft.id))
    return _show_section(draft, definition, target.id)


# Fields of the runner's own, not answers: the conflict page sends a fresh token and the current version.
_NOT_ANSWERS = ("csrf_token", "draft_version")


def _conflict(draft, section, typed: dict | None = None, status: int = 409):
    """The section was saved from another tab since this page was rendered: nothing was saved.

    What this page tried to save (`typed`) is not lost: the page shows it, beside the saved answers
    where they differ (the page showed only its own, so a person could not tell what they would save
    over), and one button sends the same fields again with the draft's current version, to save them
    over the other tab's answers.
    """
    resend = [] if typed is None else [
        (name, value) for name, value in request.form.items(multi=True) if name not in _NOT_ANSWERS]
    return render_page_or_fragment(
        "drafts/conflict.html", "partials/drafts/conflict.html", status, draft=draft, section=section,
        reload_url=section_url(draft, section.id, back_to_check=returning_to_check()), resend=resend,
        typed_rows=formdefs.summarise_section(section, typed, answered_only=True) if typed else [],
        newer_rows=formdefs.newer_answers_that_differ(section, typed, draft.answers.get(section.id) or {})
        if typed else [])


def _go(url: str, push: bool = False):
    """Leave the section: a redirect for a plain post, HX-Redirect for htmx (a different page layout)."""
    if htmx:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def _show_section(draft, definition, section_id: str):
    """After Next/Previous: htmx gets the next section's fragment and the matching address."""
    url = section_url(draft, section_id)
    if not htmx:
        return redirect(url, 303)
    section = definition.section(section_id)
    section_form = formdefs.build_section_form(section, data=_stored_or_prefilled(draft, section))
    # Another section than the one posted: not the way back to the check, with or without JavaScript.
    response = render_section_page(draft, definition, section, section_form, {}, back_to_check=False)
    response.headers["HX-Push-Url"] = url
    return response


def _attach_chosen_file(draft):
    """Supporting Documentation's buttons send a file still chosen: the attachments blueprint attaches
    it (or answers with why not) before the press does what it says. Imported here, not above: the
    attachments views import this module."""
    from webapp.attachments.views import attach_chosen_file

    return attach_chosen_file(draft)


@bp.route("/drafts/<draft_id>/<section_id>", methods=["GET", "POST"])
@keep_typed_when_signed_out
@citizen_required
def section(draft_id: str, section_id: str):
    draft, definition, section = load_own_draft(draft_id, section_id)
    if section.kind == "declaration":
        return redirect(url_for(".check", draft_id=draft.id), 303)
    if request.method == "GET":
        unsaved = kept_answers.take(draft.id, section.id) if section.fields else None
        if unsaved is not None:
            section_form = formdefs.build_section_form(section, formdata=unsaved)
            return render_section_page(draft, definition, section, section_form, {}, notice=UNSAVED_NOTICE)
        section_form = formdefs.build_section_form(section, data=_stored_or_prefilled(draft, section))
        return render_section_page(draft, definition, section, section_form, {})

    if section.kind == "attachments":
        refused = _attach_chosen_file(draft)
        if refused is not None:
            return refused
    action = request.form.get("action", "next")
    if action.startswith(GO_TO):
        return _leave_by_section_list(draft, definition, section, action.removeprefix(GO_TO))
    repeat_action = action.startswith(("add:", "remove:"))
    formdata = formdefs.apply_repeat_action(section, request.form, action) if repeat_action else request.form
    section_form = formdefs.build_section_form(section, formdata=formdata)
    errors = formdefs.validate_section(section, section_form) if section.fields else {}

    if section.kind != "overview":
        answers = formdefs.answers_from_form(section, section_form) if section.fields else {}
        if repeat_action:
            state = COMPLETED if not errors else IN_PROGRESS
        elif errors and action in ("previous", "save-later"):
            # Leaving half done, as by the section list: the errors are not shown, so the section is
            # not marked with them; errors shown earlier stay marked until they are put right.
            was = services.section_state(draft, section.id)
            state = HAS_ERRORS if was == HAS_ERRORS else IN_PROGRESS
        else:
            state = HAS_ERRORS if errors else COMPLETED
        try:
            services.save_section(draft, definition, section.id, answers, state, _posted_version(),
                                  lifetime())
        except Conflict:
            if not services.already_holds(draft, section.id, answers, state):
                return _conflict(draft, section, typed=answers)

    if repeat_action:
        # Show the added or removed item without complaining about questions not yet answered.
        fresh = formdefs.build_section_form(section, formdata=formdata)
        return render_section_page(draft, definition, section, fresh, {},
                                   focus_id=formdefs.repeat_focus_id(section, fresh, action))
    previous_id, next_id = services.neighbours(definition, section.id)
    if action == "save-later":
        return _go(url_for(".saved", draft_id=draft.id))
    if action == "previous":
        if previous_id is None:
            return _go(url_for(".start", form_id=definition.id))
        return _show_section(draft, definition, previous_id)
    if errors:
        # Also after a change made from Check your answers: a follow-up question the change made
        # necessary is asked here, with the way back to the check kept, rather than skipped.
        return render_section_page(draft, definition, section, section_form, errors, status=422)
    if next_id is None or returning_to_check():
        return _go(url_for(".check", draft_id=draft.id))
    return _show_section(draft, definition, next_id)


@bp.post("/drafts/<draft_id>/<section_id>/autosave")
@keep_typed_when_signed_out
@citizen_required
def autosave(draft_id: str, section_id: str):
    """Background save while typing (and just before the idle timeout): never validates, never rejects."""
    draft, definition, section = load_own_draft(draft_id, section_id)
    if request.headers.get("X-Portal-Background") == "timeout":
        sessions.keep_idle_deadline(session)
    if not section.fields:
        return "", 204
    section_form = formdefs.build_section_form(section, formdata=request.form)
    answers = formdefs.answers_from_form(section, section_form)
    try:
        changed = _keep_unjudged(draft, definition, section, answers)
    except Conflict:
        return _autosave_conflict(draft, section)
    if not changed and services.section_changed_since(draft, section.id, _posted_version()):
        return _autosave_conflict(draft, section)
    return render_page("partials/drafts/autosave.html", draft=draft, conflict=False)


def _autosave_conflict(draft, section):
    """Says the changes were not saved, and leaves the page on the version it was built on."""
    return render_page("partials/drafts/autosave.html", status=409, draft=draft, conflict=True,
                       shown_version=_posted_version(), reload_url=section_url(draft, section.id))


@bp.post("/drafts/<draft_id>/<section_id>/validate", defaults={"field_name": None})
@bp.post("/drafts/<draft_id>/<section_id>/validate/<field_name>")
@citizen_required
def validate(draft_id: str, section_id: str, field_name: str | None):
    """One question's check on blur, by the same rules as the section save; answers just that question
    (one of an "add another" item's too)."""
    draft, definition, section = load_own_draft(draft_id, section_id)
    name = field_name or request.form.get("validate_field", "")
    section_form = formdefs.build_section_form(section, formdata=request.form)
    question = formdefs.question_to_check(section, section_form, name)
    if question is None:
        abort(404)
    field_def, question_form, question_section = question
    errors = formdefs.field_errors(section, section_form, name)
    response = render_page("partials/drafts/field.html", status=422 if errors else 200,
                           section=question_section, question_form=question_form, field_def=field_def,
                           errors=errors, validate_url=url_for(".validate", draft_id=draft.id,
                                                               section_id=section.id))
    response.headers.add("Vary", "HX-Request")
    return response


