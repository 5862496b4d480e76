"""A returned form reopened in the runner (seed 2.3): what the Local Authority asked for is shown at the
top of every section, page and htmx fragment, and the sections it named say "Council asked you to check"
in the section list until they have been saved (or changed)."""

import io
import re

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.functional.drafts.conftest import Runner
from tests.functional.submissions.factory import POSTED, make_draft, return_for_information, submit
from tests.support import csrf_token
from webapp.extensions import db
from webapp.submissions.models import Submission


@pytest.fixture
def app(app_factory):
    return app_factory(PDF_RENDER_AFTER_SUBMIT=False)


ASKED = "Council asked you to check"
DRAFT_URL = re.compile(r"/drafts/([0-9a-f]{32})/([a-z-]+)")


def reopen_returned(app, client, make_user, **returned) -> tuple[str, str]:
    """A professional's submitted form, returned (by default naming Concerns), reopened: (draft id,
    submission id). It opens where resuming it leads (tested in test_drafts_returned_resume)."""
    user_id = make_user()
    sign_in(client)
    with app.app_context():
        draft_id = make_draft(user_id)
    assert submit(client, draft_id).status_code == 302
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    return_for_information(app, submission_id, **returned)
    page = client.get("/submitted").get_data(as_text=True)
    response = client.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(page)})
    match = DRAFT_URL.fullmatch(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1), submission_id


@pytest.fixture
def reopened(app, client, make_user):
    return reopen_returned(app, client, make_user, comments="When were the bruises seen?\nWho saw them?")


def nav_item(html: str, title: str) -> str:
    match = re.search(r'<li class="app-section-nav__item[^"]*">\s*'
                      r'<span class="app-section-nav__number"[^>]*>\d+</span>\s*'
                      r'<(a|button) [^>]*>' + re.escape(title)
                      + r"</\1>.*?</li>", html, re.S)
    assert match, f"no section list item for {title}"
    return match.group(0)


def assert_notice(html: str, draft_id: str, submission_id: str):
    assert 'id="return-notice"' in html
    assert "Insufficient detail" in html
    assert "When were the bruises seen?<br>Who saw them?" in html
    assert f'href="/submitted/{submission_id}/v1.pdf">Previous Form</a>' in html
    assert f'href="/drafts/{draft_id}/concerns">Concerns</a>' in html
    # The named section's status says so (one status a section, described to screen readers by the
    # tag); the others keep theirs.
    assert section_status(html, "Concerns") == ASKED
    assert section_status(html, "Contact Information") == "Completed"
    assert html.count(f">{ASKED}<") == 1


def section_status(html: str, title: str) -> str:
    item = nav_item(html, title)
    tags = re.findall(r'<strong class="govuk-tag [^"]*" id="(section-status-\d+)">([^<]*)</strong>', item)
    assert len(tags) == 1, item
    assert re.search(rf'aria-describedby="{tags[0][0]}"', item)
    return tags[0][1]


def test_every_section_page_shows_the_request_and_marks_the_named_sections(client, reopened):
    draft_id, submission_id = reopened
    for section_id in ("child", "concerns", "contact"):
        response = client.get(f"/drafts/{draft_id}/{section_id}")
        assert response.status_code == 200
        assert_notice(response.get_data(as_text=True), draft_id, submission_id)
    html = client.get(f"/drafts/{draft_id}/check").get_data(as_text=True)
    assert_notice(html, draft_id, submission_id)


def test_the_htmx_fragment_marks_the_sections_and_leaves_the_request_on_the_page(client, reopened):
    """The request is the same on every section: a section swap keeps it on the page, not re-sent."""
    draft_id, _ = reopened
    response = Runner(client).post(draft_id, "child", {}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert 'id="return-notice"' not in html
    assert section_status(html, "Concerns") == ASKED and html.count(ASKED) == 1
    page = client.get(f"/drafts/{draft_id}/child").get_data(as_text=True)
    assert page.index('id="return-notice"') < page.index('id="section-runner"')


def test_the_attachments_422_page_is_the_runners_own(client, reopened):
    """The upload's refusal re-renders the section through the runner's helper: the notice and marks too."""
    draft_id, submission_id = reopened
    page = client.get(f"/drafts/{draft_id}/supporting-documentation").get_data(as_text=True)
    response = client.post(f"/drafts/{draft_id}/attachments", data={"csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#attachment-file">Select a file to upload</a>' in html
    assert_notice(html, draft_id, submission_id)
    assert "attachments.js" in html and "runner.js" in html


def test_an_ordinary_draft_has_no_notice_or_marks(runner):
    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    assert 'id="return-notice"' not in html and ASKED not in html
    assert html.index("js/attachments.") < html.index("</head>")
    assert html.index("js/runner.") < html.index("</head>")


def test_a_named_section_is_marked_until_it_has_been_saved_even_unchanged(client, reopened):
    """The mark said "Needs changing" and stayed until the answers differed from those returned: a
    person who looked and had nothing to add was told, to the end, to change what may have been right.
    Saved, changed or not, the section has its own status again, on this page and every other."""
    draft_id, _ = reopened
    runner = Runner(client)
    # Only looked at: still to check.
    html = runner.page(draft_id, "concerns").get_data(as_text=True)
    assert section_status(html, "Concerns") == ASKED
    # Saved as it was returned (Next, with JavaScript: the next section swapped in).
    response = runner.post(draft_id, "concerns", dict(POSTED["concerns"]), htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 class="govuk-heading-l" id="section-heading" tabindex="-1">Contact Information</h1>' in html
    assert section_status(html, "Concerns") == "Completed" and ASKED not in html
    html = runner.page(draft_id, "child").get_data(as_text=True)
    assert section_status(html, "Concerns") == "Completed" and ASKED not in html
    # The request stays at the top of the page: the caseworker's words do not go away.
    assert 'id="return-notice"' in html and "Who saw them?" in html


def test_a_named_section_changed_in_the_background_is_no_longer_marked(client, reopened):
    """The autosave (typing, JavaScript on) saves a change without Next: the person has been there."""
    draft_id, _ = reopened
    runner = Runner(client)
    answers = dict(POSTED["concerns"], impact="He has now missed six days.")
    response = runner.post(draft_id, "concerns", answers, action="", path="/autosave", htmx=True)
    assert response.status_code == 200
    html = runner.page(draft_id, "child").get_data(as_text=True)
    assert section_status(html, "Concerns") == "In progress" and ASKED not in html


def test_supporting_documentation_is_marked_until_its_files_change(app, client, make_user):
    """A file added is no save of the section's answers, but it is the person answering the request."""
    draft_id, _ = reopen_returned(app, client, make_user, sections=("supporting-documentation",))
    html = client.get(f"/drafts/{draft_id}/child").get_data(as_text=True)
    assert section_status(html, "Supporting Documentation") == ASKED
    page = client.get(f"/drafts/{draft_id}/supporting-documentation").get_data(as_text=True)
    response = client.post(f"/drafts/{draft_id}/attachments", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(b"%PDF-1.7 body map"), "body map.pdf")},
        content_type="multipart/form-data")
    assert response.status_code in (200, 302, 303), response.get_data(as_text=True)
    html = client.get(f"/drafts/{draft_id}/child").get_data(as_text=True)
    assert section_status(html, "Supporting Documentation") == "Completed"


def _recover_row(client, draft_id: str, headers=None) -> list[str]:
    """The cells of the draft's row in Recover a Form, as a sighted user reads them on a wide screen."""
    html = client.get("/drafts", headers=headers or {}).get_data(as_text=True)
    row = next(row for row in re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', html, flags=re.S)
               if f"/drafts/{draft_id}/cancel" in row)
    label = re.compile(r'<span class="app-responsive-table__label" aria-hidden="true">[^<]*</span>')
    return [" ".join(re.sub(r"<[^>]+>", " ", label.sub("", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"])
def test_recover_a_form_says_a_reopened_form_is_the_returned_one_and_holds_what_was_sent(
        app, client, reopened, headers):
    """A returned form reopened holds every answer and file that was sent, but Recover a Form said
    "Not started: nothing saved yet" and "Last saved: Not saved yet" beside it (it had not been saved
    since it was reopened), and nothing said it was the returned form: it looked blank enough to
    delete. It now says it was returned, by the reference the person knows it by, and when it was
    last saved (reopening saved it)."""
    draft_id, submission_id = reopened
    with app.app_context():
        reference = db.session.get(Submission, submission_id).reference
    cells = _recover_row(client, draft_id, headers)
    assert cells[0] == ("Child/Young Person Safeguarding Concern – Jordan Ellison-Hart "
                        f"Returned for more information: reopened from {reference} with the answers and "
                        "files you sent")
    assert "Not started" not in cells[0] and "nothing saved" not in cells[0]
    assert cells[3] != "Not saved yet" and re.fullmatch(r"\d{1,2} \w+ \d{4} at \S+", cells[3]), cells[3]
    # Still the returned form once it has been changed and saved.
    answers = dict(POSTED["concerns"], worries="The bruises were seen on Monday by the class teacher.")
    assert Runner(client).post(draft_id, "concerns", answers).status_code in (302, 303)
    assert _recover_row(client, draft_id, headers)[0] == cells[0]


def test_recover_a_form_names_a_form_returned_at_version_2_by_that_version(app, client, make_user):
    """The returned form's notice and its Previous Form name the version returned ("-v2"), and so does
    Recover a Form."""
    from tests.functional.review.builders import answers, make_submission
    from webapp.submissions.models import ReturnRequest

    user_id = make_user()
    sign_in(client)
    with app.app_context():
        submission_id = make_submission(user_id, reference="CP-2026-000007", status="returned",
                                        versions=[answers(), answers()])
        db.session.add(ReturnRequest(submission_id=submission_id, version_number=2,
                                     reason="insufficient_detail", comments="Tell us more",
                                     sections=["concerns"]))
        db.session.commit()
    page = client.get("/submitted").get_data(as_text=True)
    response = client.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(page)})
    draft_id = DRAFT_URL.fullmatch(response.headers["Location"]).group(1)
    assert "reopened from CP-2026-000007-v2 with" in _recover_row(client, draft_id)[0]


def test_a_form_started_and_left_still_says_nothing_was_saved(runner):
    draft_id = runner.start()
    cells = _recover_row(runner.client, draft_id)
    assert cells[0].endswith("Not started: nothing saved yet") and "Returned" not in cells[0]
    assert cells[3] == "Not saved yet"


def test_cancelling_a_reopened_returned_form_says_the_form_sent_is_kept(app, client, reopened):
    """Cancel on a returned form reopened said "Your answers and any files you attached will be deleted.
    You cannot undo this.": untrue of it (the form sent stays with the council and can be opened again
    with what was sent), and read as deleting, or withdrawing, the referral itself."""
    draft_id, submission_id = reopened
    with app.app_context():
        reference = db.session.get(Submission, submission_id).reference
    page = client.get(f"/drafts/{draft_id}/cancel")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    question = f"Are you sure you want to delete your changes to {reference}?"
    assert f"<title>{question} – " in html and f'<h1 class="govuk-heading-l">{question}</h1>' in html
    assert f"The form you sent, {reference}, will not be deleted." in html
    assert "You can open it again from Submitted Forms, under Forms requesting more information" in html
    assert "Your answers and any files you attached will be deleted" not in html
    assert "Yes, delete my changes" in html

    response = client.post(f"/drafts/{draft_id}/cancel", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 303
    recover = client.get("/drafts").get_data(as_text=True)
    assert f"Your changes to {reference} have been deleted. The form you sent is still in Submitted Forms" \
        in recover
    # And it is so: the form can be opened again, with what was sent.
    page = client.get("/submitted").get_data(as_text=True)
    again = client.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(page)})
    assert again.status_code in (302, 303) and again.headers["Location"].endswith("/concerns")
    assert again.headers["Location"] != f"/drafts/{draft_id}/concerns"
