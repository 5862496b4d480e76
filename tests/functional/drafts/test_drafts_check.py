"""Check your answers: what it shows (every answer as it will be sent, the attached files) and its
Change links, which bring the person back to it after the change (GOV.UK's check answers pattern)."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from tests.functional.drafts.conftest import CHILD, HX, page_version
from tests.functional.submissions.other_forms_data import ANSWERS
from tests.support import csrf_token, error_summary_links
from webapp.attachments.models import Attachment
from webapp.drafts.models import Draft
from webapp.extensions import db

RETURN = {"return": "check"}


def check_page(runner, draft_id: str, htmx: bool = False) -> str:
    response = runner.client.get(f"/drafts/{draft_id}/check", headers=HX if htmx else {})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section_summary(html: str, title: str) -> str:
    """The markup from a section's heading on Check your answers to the next section's heading."""
    start = html.index(f'<h2 class="govuk-heading-m">{escape(title)}</h2>')
    end = html.find('<h2 class="govuk-heading-m">', start + 1)
    return html[start:end if end != -1 else None]


def summary_row(html: str, label: str) -> str:
    """One row of a summary list (up to the next row), found by its key."""
    for row in html.split('<div class="govuk-summary-list__row')[1:]:
        key = re.search(r'<dt class="govuk-summary-list__key">(.*?)</dt>', row, re.S).group(1)
        if unescape(key.strip()) == label:
            return row
    raise AssertionError(f"no row {label!r}")


def value_of(row: str) -> str:
    """A row's value (which may hold a list of its own), without its Change link."""
    value = row.split('<dd class="govuk-summary-list__value">', 1)[1]
    value = value.split('<dd class="govuk-summary-list__actions">', 1)[0]
    return value.strip().removesuffix("</dd>").strip()


def attach(app, draft_id: str, name: str, description: str = "") -> None:
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        db.session.add(Attachment(user_id=draft.user_id, draft_id=draft_id, display_name=name, kind="pdf",
                                  content_type="application/pdf", size=3, data=b"abc",
                                  description=description))
        db.session.commit()


# --- The attached files ---------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True])
def test_the_check_lists_the_attached_files_with_their_descriptions_and_a_change_link(app, runner, htmx):
    """Only the question sections were listed: the files the person attached, and what they said
    each one was, could not be checked before submitting."""
    draft_id = runner.start()
    files = section_summary(check_page(runner, draft_id, htmx), "Supporting Documentation")
    assert "No files attached" in files
    assert f'href="/drafts/{draft_id}/supporting-documentation?return=check' in files

    attach(app, draft_id, "chronology.pdf", "Chronology of events <2026>")
    attach(app, draft_id, "body-map.pdf")
    files = section_summary(check_page(runner, draft_id, htmx), "Supporting Documentation")
    assert "No files attached" not in files
    assert value_of(summary_row(files, "chronology.pdf")) == "Chronology of events &lt;2026&gt;"
    assert value_of(summary_row(files, "body-map.pdf")) == "No description"
    changes = re.findall(r'<a class="govuk-link" href="([^"]+)">\s*Change'
                         r'<span class="govuk-visually-hidden">([^<]*)</span>', files)
    assert changes == [
        (f"/drafts/{draft_id}/supporting-documentation?return=check#attachments-heading",
         " chronology.pdf (Supporting Documentation)"),
        (f"/drafts/{draft_id}/supporting-documentation?return=check#attachments-heading",
         " body-map.pdf (Supporting Documentation)"),
    ]
    # In the order of the form: after the last question section, before anything else.
    html = check_page(runner, draft_id, htmx)
    assert html.index(">Contact Information</h2>") < html.index(">Supporting Documentation</h2>")


# --- Answers as they will be sent ------------------------------------------------------------------

def test_the_check_keeps_line_breaks_and_address_lines(app, runner):
    """A multi-line answer read as one paragraph and an address as one line ('2 Mill Street Wigan
    WN1 2BB'), where the back office and the PDF keep both."""
    draft_id = runner.start()
    runner.post(draft_id, "child", {**CHILD, "address-line2": "Scholes"})
    runner.post(draft_id, "concerns", {"worries": "First line <b>bold</b>\r\nSecond line\r\n\r\nAfter a gap"})
    html = check_page(runner, draft_id)
    assert value_of(summary_row(html, "Child's home address")) == \
        "2 Mill Street<br>Scholes<br>Wigan<br>WN1 2BB"
    assert value_of(summary_row(html, "What are you worried about?")) == \
        "First line &lt;b&gt;bold&lt;/b&gt;<br>Second line<br><br>After a gap"


def _items(value: str) -> list[dict[str, str]]:
    """Each item of an add-another answer: its title and {question: answer}."""
    items = re.findall(r'<li class="app-answer-item">(.*?)</li>', value, re.S)
    assert items, value
    found = []
    for item in items:
        title = re.search(r'<p class="app-answer-item__title[^"]*">(.*?)</p>', item, re.S).group(1).strip()
        rows = dict((unescape(k.strip()), v.strip()) for k, v in
                    re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", item, re.S))
        found.append({"": title, **rows})
    return found


def test_the_check_shows_each_child_and_agency_as_a_block_of_its_own(app, runner):
    """LADO's 'Children involved' read as one run-on string ('Child 1: First name: …; Last name: …;
    Home address: … Child 2: …'), and 'Other agencies' the same."""
    draft_id = runner.start("lado")
    for section_id in ("children", "contact"):
        response = runner.post(draft_id, section_id, ANSWERS["lado"][section_id])
        assert response.status_code == 303, section_id
    html = check_page(runner, draft_id)

    child = section_summary(html, "Child / Young Person's Details")
    children = _items(value_of(summary_row(child, "Children involved")))
    assert children == [
        {"": "Child 1", "First name": "Kai", "Last name": "Whitlow", "Date of birth": "4 September 2014",
         "Gender": "Male", "Home address": "3 Elm Close<br>Hindley<br>WN2 3QQ",
         "Any disability or special educational needs": "ADHD"},
        {"": "Child 2", "First name": "Rosa", "Last name": "Beaumont",
         "Date of birth": "Date of birth not known", "Gender": "Female"},
    ]
    contact = section_summary(html, "Contact Information")
    agencies = _items(value_of(summary_row(contact, "Other agencies involved with the child or family")))
    assert [a[""] for a in agencies] == ["Agency 1", "Agency 2"]
    assert agencies[1] == {"": "Agency 2", "Agency or service": "Brighter Futures Youth Club",
                           "Contact name": "Dev Patel",
                           "Phone number or email address": "dev@youthclub.example"}


# --- Change, then back to Check your answers --------------------------------------------------------

def test_every_change_link_says_it_comes_back_to_the_check(runner):
    draft_id = runner.start()
    runner.post(draft_id, "child", CHILD)
    html = check_page(runner, draft_id)
    links = re.findall(r'href="(/drafts/[^"]+)">\s*Change<', html)
    assert links and all(re.fullmatch(rf"/drafts/{draft_id}/[a-z-]+\?return=check#[\w-]+", h) for h in links)
    # So do the links of the summary of what is missing.
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    assert re.findall(r'href="([^"]+)"', summary)
    assert all("?return=check#" in h for h in re.findall(r'href="([^"]+)"', summary))


def test_a_section_opened_from_the_check_offers_a_way_back_to_it(runner):
    draft_id = runner.start()
    html = runner.client.get(f"/drafts/{draft_id}/contact?return=check").get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">([^<]+)</a>', html)
    assert back and back.groups() == (f"/drafts/{draft_id}/check", "Back to Check your answers")
    assert '<input type="hidden" name="return" value="check">' in html

    plain = runner.page(draft_id, "contact").get_data(as_text=True)
    assert "govuk-back-link" not in plain and 'name="return"' not in plain


@pytest.mark.parametrize("htmx", [False, True])
def test_next_after_a_change_goes_back_to_the_check(app, runner, htmx):
    """Changing the phone number from Check your answers led on to Concerns, then Supporting
    Documentation, before the person was back where they started."""
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {**CHILD, **RETURN}, htmx=htmx)
    if htmx:
        assert response.headers["HX-Redirect"] == f"/drafts/{draft_id}/check"
    else:
        assert (response.status_code, response.headers["Location"]) == (303, f"/drafts/{draft_id}/check")
    assert "Sam" in check_page(runner, draft_id)

    # Without the flag, Next goes on to the next section as before.
    response = runner.post(draft_id, "child", CHILD)
    assert response.headers["Location"] == f"/drafts/{draft_id}/consent"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_change_that_needs_another_answer_stays_until_it_is_given(app, runner, htmx):
    """Changing consent to 'No' asks why: the runner's own rule (the section with its errors, 422)
    applies, and the way back to the check is kept until the section is complete."""
    draft_id = runner.start()
    runner.post(draft_id, "consent", {"parents_aware": "yes", "consent": "yes"})
    response = runner.post(draft_id, "consent", {"parents_aware": "yes", "consent": "no", **RETURN},
                           htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Why have you not got consent?" in html and "There is a problem" in html
    assert '<input type="hidden" name="return" value="check">' in html
    assert "Back to Check your answers" in html

    response = runner.client.post(f"/drafts/{draft_id}/consent", headers=HX if htmx else {}, data={
        "csrf_token": csrf_token(html), "draft_version": str(page_version(html)), "action": "next",
        "parents_aware": "yes", "consent": "no", "no_consent_reason": "It would put the child at risk",
        **RETURN})
    location = response.headers["HX-Redirect"] if htmx else response.headers["Location"]
    assert location == f"/drafts/{draft_id}/check"


def test_add_another_after_a_change_keeps_the_way_back(runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "additional", {"siblings-0-first_name": "Lily", **RETURN},
                           action="add:siblings")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="siblings-1-first_name"' in html
    assert '<input type="hidden" name="return" value="check">' in html


def test_previous_after_a_change_is_the_ordinary_previous(runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "consent", {"parents_aware": "yes", **RETURN}, action="previous")
    assert response.headers["Location"] == f"/drafts/{draft_id}/child"


def test_a_change_sent_after_the_session_idled_out_still_comes_back_to_the_check(app, runner):
    """Signing in again returns to the section with what was typed; the way back to the check too."""
    from tests.conftest import PASSWORD, post_form

    draft_id = runner.start()
    html = runner.client.get(f"/drafts/{draft_id}/child?return=check").get_data(as_text=True)
    posted = {"csrf_token": csrf_token(html), "draft_version": str(page_version(html)), **CHILD,
              "action": "next", **RETURN}
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3), tick=False):
        response = runner.client.post(f"/drafts/{draft_id}/child", data=posted)
        assert response.headers["Location"] == f"/sign-in?next=/drafts/{draft_id}/child?return%3Dcheck"
        signed_in = post_form(runner.client, response.headers["Location"],
                              {"email": "teacher@example.com", "password": PASSWORD})
        assert signed_in.headers["Location"] == f"/drafts/{draft_id}/child?return=check"
        shown = runner.client.get(signed_in.headers["Location"]).get_data(as_text=True)
        assert "You were signed out before these answers were saved" in shown
        assert "Back to Check your answers" in shown and 'value="Sam"' in shown
        response = post_form(runner.client, f"/drafts/{draft_id}/child?return=check",
                             {**CHILD, "action": "next", **RETURN,
                              "draft_version": str(page_version(shown))})
        assert response.headers["Location"] == f"/drafts/{draft_id}/check"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_change_refused_as_a_conflict_keeps_the_way_back_to_the_check(app, runner, htmx):
    """Saved from another tab meanwhile: both ways on from the conflict still lead back to the check."""
    draft_id = runner.start()
    version = page_version(runner.page(draft_id, "child").get_data(as_text=True))
    runner.post(draft_id, "child", {**CHILD, "first_name": "First tab"}, version=version)
    conflict = runner.post(draft_id, "child", {**CHILD, "first_name": "Second tab", **RETURN},
                           version=version, htmx=htmx)
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert f'href="/drafts/{draft_id}/child?return=check"' in html  # keep the other tab's answers
    form = html[html.index('<form method="post"'):html.index("Save these answers instead")]
    resent = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    saved = runner.client.post(f"/drafts/{draft_id}/child", data=MultiDict(resent))
    assert saved.headers["Location"] == f"/drafts/{draft_id}/check"


def test_a_section_filled_in_from_the_account_and_never_saved_is_asked_to_be_checked(runner):
    """Professional's Details opens filled in from the account. Passed by (through the section list)
    without Next, it is not saved, and the check listed "Enter your first name", "Enter your last
    name" and four more, each leading to a box that held the answer. It is now one line that says
    what to do there; a section with nothing to fill in from the account still lists its questions."""
    draft_id = runner.start()
    problems = [(unescape(text), href) for href, text in error_summary_links(check_page(runner, draft_id))]
    professional = [problem for problem in problems if problem[0].startswith("Professional's Details")]
    assert professional == [("Professional's Details: Check the details filled in from your account, then "
                             "select Next to save them",
                             f"/drafts/{draft_id}/professional?return=check#first_name")]
    assert "Child / Young Person's Details: Enter the child's first name" in [text for text, _ in problems]

    declaration = runner.client.get(f"/drafts/{draft_id}/declaration").get_data(as_text=True)
    assert "Check the details filled in from your account" in declaration
    assert "Enter your first name" not in declaration
