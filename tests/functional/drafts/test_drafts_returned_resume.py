"""Resuming a returned form opens the first section the Local Authority asked about, every way in: the
form name under Forms requesting more information (where the email's link leads after sign-in), "Update
and resubmit this form" on the returned form's own page, Recover a Form's Resume and "Carry on with this
form now". It opened at the child's details or Check your answers, and the person had to hunt for what
was asked. (The email's link itself, after a caseworker's real return, is followed in
tests/functional/review/test_review_loop.py.)"""

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, sign_in
from tests.functional.drafts.conftest import HX, Runner
from tests.functional.drafts.test_drafts_returned import ASKED, section_status
from tests.functional.submissions.factory import CHILD_FIRST, CHILD_SURNAME, POSTED, make_draft, submit
from tests.functional.submissions.factory import return_for_information as returned_by_the_council
from tests.support import csrf_token
from webapp.extensions import db
from webapp.submissions.models import Submission

COMMENTS = "When were the bruises seen?\nWho saw them?"


@pytest.fixture
def app(app_factory):
    return app_factory(PDF_RENDER_AFTER_SUBMIT=False)


@pytest.fixture
def returned(app, client, make_user):
    """Return the signed-in professional's submitted form: returned(sections=...) -> submission id."""
    user_id = make_user()
    sign_in(client)

    def make(**request) -> str:
        with app.app_context():
            draft_id = make_draft(user_id)
        assert submit(client, draft_id).status_code == 302
        with app.app_context():
            submission_id = db.session.scalar(
                select(Submission.id).order_by(Submission.first_submitted_at.desc()))
        returned_by_the_council(app, submission_id, **{"comments": COMMENTS, **request})
        return submission_id

    return make


def by_form_name(client, submission_id: str):
    """The form name's button under Forms requesting more information."""
    page = client.get("/submitted").get_data(as_text=True)
    assert f'action="/submitted/{submission_id}/reopen"' in page
    return client.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(page)})


def by_update_and_resubmit(client, submission_id: str):
    """"Update and resubmit this form" on the returned form's own page."""
    page = client.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert "Update and resubmit this form" in page
    return client.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(page)})


def landing(response) -> tuple[str, str]:
    """(draft id, section id or "check") of a redirect into a draft: ids only, nothing about the child."""
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    location = response.headers["Location"]
    assert CHILD_FIRST not in location and CHILD_SURNAME not in location
    match = re.fullmatch(r"/drafts/([0-9a-f]{32})/([a-z-]+)", location)
    assert match, location
    return match.group(1), match.group(2)


def resume_href(client, draft_id: str, headers=None) -> str:
    """Where Recover a Form's Resume link for the draft leads."""
    html = client.get("/drafts", headers=headers or {}).get_data(as_text=True)
    row = next(row for row in re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', html, flags=re.S)
               if f"/drafts/{draft_id}/cancel" in row)
    return re.search(r'<a class="govuk-link" href="([^"]+)">Resume<', row).group(1)


def banner(html: str) -> str:
    assert 'id="return-notice"' in html
    return html.split('id="return-notice"', 1)[1].split("</div>\n</div>", 1)[0]


@pytest.mark.parametrize("way_in", [by_form_name, by_update_and_resubmit])
def test_reopening_opens_the_section_asked_about_with_the_request_at_the_top(client, returned, way_in):
    submission_id = returned(sections=("concerns",))
    draft_id, section_id = landing(way_in(client, submission_id))
    assert section_id == "concerns"
    html = client.get(f"/drafts/{draft_id}/concerns").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l" id="section-heading" tabindex="-1">Concerns</h1>' in html
    # Why they are here, above the section: what was asked, the comments and the sections to check.
    request = banner(html)
    assert html.index('id="return-notice"') < html.index('id="section-heading"')
    assert "More information requested" in request and "Insufficient detail" in request
    assert "When were the bruises seen?<br>Who saw them?" in request
    assert f'href="/drafts/{draft_id}/concerns">Concerns</a>' in request
    assert section_status(html, "Concerns") == ASKED
    assert section_status(html, "Contact Information") == "Completed"
    # Opened again the same way: the same copy, at the same place, while it has not been saved.
    assert landing(way_in(client, submission_id)) == (draft_id, "concerns")


def test_the_first_section_asked_about_in_the_form_s_order_comes_first(client, returned):
    """The caseworker's list may name them in any order; the form is answered in its own."""
    submission_id = returned(sections=("contact", "concerns", "child"))
    draft_id, section_id = landing(by_form_name(client, submission_id))
    assert section_id == "child"
    assert resume_href(client, draft_id) == f"/drafts/{draft_id}/child"


def test_recover_a_form_resumes_at_the_sections_asked_about_not_yet_saved(client, returned):
    """Resumed and left part-way: the portal keeps no record of the page a person was last on, so
    Resume leads to the first section asked about that has not been saved since, then, as for any
    draft, to the first section not completed, and last to Check your answers."""
    submission_id = returned(sections=("concerns", "contact"))
    draft_id, _ = landing(by_form_name(client, submission_id))
    runner = Runner(client)
    for headers in ({}, HX):
        assert resume_href(client, draft_id, headers) == f"/drafts/{draft_id}/concerns"

    # Another section saved on the way ("Save and complete later" on the child's details).
    response = runner.post(draft_id, "child", dict(POSTED["child"]), action="save-later")
    assert response.headers["Location"] == f"/drafts/{draft_id}/saved"
    assert resume_href(client, draft_id) == f"/drafts/{draft_id}/concerns"
    saved = client.get(f"/drafts/{draft_id}/saved").get_data(as_text=True)
    assert f'href="/drafts/{draft_id}/concerns">Carry on with this form now</a>' in saved

    # The first asked about, saved as it was (nothing to add): on to the next one.
    assert runner.post(draft_id, "concerns", dict(POSTED["concerns"])).status_code == 303
    assert resume_href(client, draft_id) == f"/drafts/{draft_id}/contact"
    assert landing(by_form_name(client, submission_id)) == (draft_id, "contact")

    # The next one left half done: where it was left, as for any draft.
    half_done = dict(POSTED["contact"], contact_method="")
    assert runner.post(draft_id, "contact", half_done, action="save-later").status_code == 303
    assert resume_href(client, draft_id) == f"/drafts/{draft_id}/contact"

    # Everything asked about saved and complete: Check your answers, as before.
    assert runner.post(draft_id, "contact", dict(POSTED["contact"])).status_code == 303
    assert resume_href(client, draft_id) == f"/drafts/{draft_id}/check"
    assert landing(by_update_and_resubmit(client, submission_id)) == (draft_id, "check")


@pytest.mark.parametrize("sections", [(), ("no-longer-a-section",)], ids=["no sections", "unknown section"])
def test_a_request_naming_no_section_of_the_form_opens_check_your_answers_with_the_request(
        client, returned, sections):
    """Nothing to point to: Check your answers, as before, with what was asked at the top of it."""
    submission_id = returned(sections=sections, reason="consent_missing")
    draft_id, section_id = landing(by_form_name(client, submission_id))
    assert section_id == "check"
    assert resume_href(client, draft_id) == f"/drafts/{draft_id}/check"
    for headers in ({}, HX):
        html = client.get(f"/drafts/{draft_id}/check", headers=headers).get_data(as_text=True)
        request = banner(html)
        assert "Consent not recorded" in request and "Who saw them?" in request
        assert 'id="sections-to-check"' not in html and ASKED not in html
        assert "Continue to Declaration &amp; Submit" in html


def test_the_consent_section_asked_about_is_opened_like_any_other(client, returned):
    """'Consent not recorded' naming the form's own Consent section: the person goes to it."""
    submission_id = returned(sections=("consent",), reason="consent_missing")
    assert landing(by_form_name(client, submission_id))[1] == "consent"


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_check_your_answers_lists_the_sections_asked_about_not_yet_saved_but_lets_the_form_go(
        app, client, returned, headers):
    submission_id = returned(sections=("concerns", "contact"))
    draft_id, _ = landing(by_form_name(client, submission_id))
    assert Runner(client).post(draft_id, "contact", dict(POSTED["contact"])).status_code == 303
    html = client.get(f"/drafts/{draft_id}/check", headers=headers).get_data(as_text=True)
    listed = html.split('id="sections-to-check"', 1)[1].split("</div>", 1)[0]
    assert "The council asked you to check this section. You have not saved it since the form was returned" \
        in listed
    assert f'<a class="govuk-link" href="/drafts/{draft_id}/concerns?return=check">Concerns</a>' in listed
    assert "Contact Information" not in listed
    assert "If you have nothing to add, you can still submit the form." in listed
    # Not an error: nothing stops the form being sent.
    assert "govuk-error-summary" not in html and "Continue to Declaration &amp; Submit" in html
    response = submit(client, draft_id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/submitted/{submission_id}/thank-you?v=2"


def test_another_account_cannot_reopen_resume_or_read_the_form(app, client, returned, make_user):
    submission_id = returned(sections=("concerns",))
    draft_id, _ = landing(by_form_name(client, submission_id))
    make_user(email="other@example.com", first_name="Olu", surname="Ade")
    other = app.test_client()
    sign_in(other, "other@example.com", PASSWORD)
    token = csrf_token(other.get("/submitted").get_data(as_text=True))
    assert other.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": token}).status_code == 404
    assert other.get(f"/submitted/{submission_id}").status_code == 404
    for path in ("concerns", "check", "saved"):
        assert other.get(f"/drafts/{draft_id}/{path}").status_code == 404
    assert draft_id not in other.get("/drafts").get_data(as_text=True)
