"""Leaving a draft and coming back to it: saved for later, check your answers, Recover a Form (seed
section 2.2, "Resuming a Saved Form") and deleting a saved form."""

from flask import current_app, flash, g, redirect, request, url_for

from webapp import formdefs
from webapp.attachments import services as attachments
from webapp.clock import utcnow
from webapp.web.rendering import render_page, render_page_or_fragment
from webapp.web.requests import page_number

from . import services
from .views import nav_items
from .web import bp, catalogue, citizen_required, load_own_draft, resume_url, return_notice, section_url


@bp.get("/drafts/<draft_id>/saved")
@citizen_required
def saved(draft_id: str):
    draft, definition, _ = load_own_draft(draft_id)
    return render_page("drafts/saved.html", draft=draft, definition=definition,
                       resume_url=resume_url(draft, definition))


@bp.get("/drafts/<draft_id>/check")
@citizen_required
def check(draft_id: str):
    """Every answer as it will be sent, and the files attached, each with a Change link that opens
    its section on the way back here."""
    draft, definition, _ = load_own_draft(draft_id)
    answers = draft.answers or {}
    summary = [(s, rows) for s, rows in formdefs.summarise_form(definition, answers)
               if s.fields or s.kind == "attachments"]

    def change_url(section, anchor: str) -> str:
        return f"{section_url(draft, section.id, back_to_check=True)}#{anchor}"

    problems = [{"text": f"{s.title}: {message}", "href": change_url(s, input_in_error)}
                for s, message, input_in_error in formdefs.submit_summary(definition, answers, g.user)]
    declaration_url = (url_for("submissions.declaration", draft_id=draft.id)
                       if "submissions.declaration" in current_app.view_functions else None)
    asked = return_notice(draft)
    return render_page_or_fragment(
        "drafts/check.html", "partials/drafts/check.html", draft=draft, definition=definition,
        summary=summary, problems=problems, declaration_url=declaration_url,
        files=attachments.list_for_draft(draft.id),
        nav=nav_items(draft, definition, "declaration", asked), return_notice=asked,
        input_id=formdefs.input_id, change_url=change_url)


@bp.get("/drafts")
@citizen_required
def recover():
    now = utcnow()
    listed = services.drafts_for(g.user.id, now, page=page_number(request.args.get("page")))
    rows = [{"draft": d, "days_left": services.days_left(d, now),
             "resume_url": _resume_url(d)} for d in listed.drafts]
    return render_page_or_fragment("drafts/recover.html", "partials/drafts/recover.html", rows=rows,
                                   listed=listed)


def _resume_url(draft) -> str:
    try:
        definition = catalogue().get(draft.form_id, draft.form_version)
    except KeyError:
        return url_for(".recover")
    return resume_url(draft, definition)


@bp.route("/drafts/<draft_id>/cancel", methods=["GET", "POST"])
@citizen_required
def cancel(draft_id: str):
    """A returned form reopened is the council's request still open: Cancel deletes only the changes.

    Its page said "Your answers and any files you attached will be deleted. You cannot undo this.",
    which was not true of it (the form sent stays with the council, and can be opened again from
    Submitted Forms with what was sent) and frightened people into thinking the referral itself would
    go, or led them to believe it withdrawn. It now says what happens to it, by its reference."""
    draft, definition, _ = load_own_draft(draft_id)
    returned_reference = services.returned_references([draft]).get(draft.id)
    if request.method == "POST":
        services.delete_draft(draft)
        if returned_reference:
            flash(f"Your changes to {returned_reference} have been deleted. The form you sent is still in "
                  "Submitted Forms, under Forms requesting more information.", "success")
        else:
            flash("Your saved form has been deleted.", "success")
        return redirect(url_for(".recover"), 303)
    return render_page("drafts/cancel.html", draft=draft, definition=definition,
                       returned_reference=returned_reference)
