"""A returned form reopened in the runner (seed 2.3): what the Local Authority asked for is shown at the
top of every section, page and htmx fragment, and the sections it named are marked in the section list."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.functional.drafts.conftest import Runner
from tests.functional.submissions.factory import make_draft, return_for_information, submit
from tests.support import csrf_token
from webapp.extensions import db
from webapp.submissions.models import Submission


@pytest.fixture
def app(app_factory):
    return app_factory(PDF_RENDER_AFTER_SUBMIT=False)


@pytest.fixture
def reopened(app, client, make_user):
    """A professional's submitted form, returned naming Concerns, reopened: (draft id, submission id)."""
    user_id = make_user()
    sign_in(client)
    with app.app_context():
        draft_id = make_draft(user_id)
    assert submit(client, draft_id).status_code == 302
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    return_for_information(app, submission_id, comments="When were the bruises seen?\nWho saw them?")
    page = client.get("/submitted").get_data(as_text=True)
    response = client.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(page)})
    match = re.fullmatch(r"/drafts/([0-9a-f]{32})/child", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1), submission_id


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
    # The named section is marked, described to screen readers by the tag; the others are not.
    concerns = nav_item(html, "Concerns")
    flag = re.search(r'<strong class="govuk-tag govuk-tag--red[^"]*" id="(section-flag-\d+)">Needs changing'
                     r"</strong>", concerns)
    assert flag, concerns
    assert re.search(rf'aria-describedby="{flag.group(1)} section-status-\d+"', concerns)
    assert "Needs changing" not in nav_item(html, "Contact Information")
    assert html.count("Needs changing") == 1


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
    assert "Needs changing" in nav_item(html, "Concerns") and html.count("Needs changing") == 1
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
    assert 'id="return-notice"' not in html and "Needs changing" not in html
    assert html.index("js/attachments.") < html.index("</head>")
    assert html.index("js/runner.") < html.index("</head>")
