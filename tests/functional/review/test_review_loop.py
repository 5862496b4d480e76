"""The further-information loop across both sides, with the submissions package's own services for the
submitter's steps: returned, reopened, changed, resubmitted, seen by the caseworker, answered."""

import re

import pytest

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.review.conftest import SUBMITTER
from tests.functional.review.test_review_actions import RETURN, deliver, load
from tests.support import csrf_token
from tests.tables import read_table
from webapp.drafts.models import Draft
from webapp.extensions import db
from webapp.submissions import services as submissions
from webapp.submissions.models import ReturnRequest


def test_return_resubmit_difference_and_response(app, people, staff_client, submission, smtp_sink):
    assert post_form(staff_client, f"/la/submissions/{submission}/return", RETURN).status_code == 302
    deliver(app)
    smtp_sink.wait_for(SUBMITTER, "Your form needs more information")

    with app.test_request_context():  # the confirmation email renders templates
        assert [f["submission"].id for f in submissions.submitted_forms(people["submitter"])["returned"]] == [
            submission]
        draft = submissions.reopen_for_changes(submission, people["submitter"])
        answers = {k: dict(v) for k, v in draft.answers.items()}
        answers["concerns"]["worries"] = "Bruises seen on 2 and 4 March, on the cheek and the arm."
        draft.answers = answers
        db.session.commit()
        missing = submissions.missing_answers(draft)
        assert missing == [], missing
        result = submissions.submit_draft(draft.id, people["submitter"])
        assert (result.submission_id, result.version_number) == (submission, 2)
        assert db.session.query(ReturnRequest).one().resolved_at is not None
    assert load(app, submission).status == "resubmitted"

    queue_html = staff_client.get("/la/queue?status=resubmitted").get_data(as_text=True)
    assert "CP-2026-000001</a>" in queue_html
    page = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    assert "What changed in version 2" in page
    assert "<ins>Bruises seen on 2 and 4 March, on the cheek and the arm.</ins>" in page
    assert "CP-2026-000001-v2" in page
    assert "version 1, answered by version 2 on " in page.split('id="returns"')[1].split("</table>")[0]
    # Each table's box is named by the heading above it, not by its words written again (a screen
    # reader said "Requests for more information" three times: heading, box and hidden caption).
    for heading_id, name in (("changes", "What changed in version 2"),
                             ("returns", "Requests for more information")):
        assert page.count(name) == 1, name
        assert f'role="region" aria-labelledby="{heading_id}"' in page
    assert read_table(page, "Requests for more information").labelled_by == "returns"

    response = post_form(staff_client, f"/la/submissions/{submission}/respond",
                         {"response": "No further action \u2014 advice given"})
    assert response.status_code == 302
    saved = load(app, submission)
    assert (saved.status, saved.response_text) == ("responded", "No further action \u2014 advice given")


def test_a_response_to_a_form_being_updated_is_told_on_the_copy_and_kept_after_it_is_sent(
        app, people, staff_client, submission):
    """The caseworker responded (the information came by phone) while the submitter was updating the
    returned form. Their copy said nothing of it; sent anyway, it reopened the case, and the next
    response wiped out the first without a trace. Now the copy says the form has been answered and
    what sending it does, and the first response is kept when the second is posted."""
    assert post_form(staff_client, f"/la/submissions/{submission}/return", RETURN).status_code == 302
    with app.test_request_context():
        draft = submissions.reopen_for_changes(submission, people["submitter"])
        draft_id = draft.id
    assert post_form(staff_client, f"/la/submissions/{submission}/respond",
                     {"response": "Thank you, we spoke by phone."}).status_code == 302

    submitter = app.test_client()
    sign_in(submitter, SUBMITTER)
    page = submitter.get(f"/drafts/{draft_id}/child").get_data(as_text=True)
    assert "The Local Authority has responded to this form since it was returned to you" in page
    assert "Thank you, we spoke by phone." in page
    assert "it will go to the Local Authority as CP-2026-000001-v2" in page
    assert "More information requested" not in page and "Council asked you to check" not in page

    resubmit_draft(app, draft_id, people["submitter"], "Bruises seen again on 6 March.")
    assert load(app, submission).status == "resubmitted"
    assert post_form(staff_client, f"/la/submissions/{submission}/respond",
                     {"response": "Version 2 read: passed to the MASH."}).status_code == 302
    page = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    earlier = page[page.index("What the response said before"):]
    assert "Version 2 read: passed to the MASH." in page
    assert "Thank you, we spoke by phone." in earlier[:earlier.index("</details>")]


def hidden_fields(html: str, action: str) -> dict:
    """What a browser posts back from the page's form to `action` besides what the caseworker types."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="hidden"' in tag:
            fields[re.search(r'name="([^"]+)"', tag).group(1)] = re.search(r'value="([^"]*)"', tag).group(1)
    return fields


def resubmit(app, submission_id, user_id, worries):
    with app.test_request_context():
        draft = submissions.reopen_for_changes(submission_id, user_id)
        draft_id = draft.id
    resubmit_draft(app, draft_id, user_id, worries)


def resubmit_draft(app, draft_id, user_id, worries):
    with app.test_request_context():
        draft = db.session.get(Draft, draft_id)
        answers = {k: dict(v) for k, v in draft.answers.items()}
        answers["concerns"]["worries"] = worries
        draft.answers = answers
        db.session.commit()
        assert submissions.submit_draft(draft.id, user_id).version_number == 2


@pytest.mark.parametrize("action, data", [
    ("respond", {"response": "No further action \u2014 advice given"}),
    ("return", {"reason": "other", "comments": "Which school does Jordan attend?"}),
])
def test_a_page_opened_before_a_resubmission_cannot_act_on_the_new_version(app, people, staff_client,
                                                                           submission, action, data):
    """Sam opens the response (or return) page on version 1 and leaves it open. Meanwhile a colleague
    returns the form and the submitter sends version 2, with new answers Sam has not read. Before, Sam's
    post was accepted and closed (or sent back) version 2 unread; now it is refused with a 409 that says
    there is a version 2 to read first, and a fresh page then works."""
    url = f"/la/submissions/{submission}/{action}"
    left_open = staff_client.get(url).get_data(as_text=True)
    assert post_form(staff_client, f"/la/submissions/{submission}/return", RETURN).status_code == 302
    resubmit(app, submission, people["submitter"], "Bruises seen on 2 and 4 March, and a burn.")
    assert load(app, submission).status == "resubmitted"

    response = staff_client.post(url, data={**hidden_fields(left_open, url), **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 409, html
    assert "the submitter sent version 2 after you opened it. Read version 2, then try again." in html
    # Not "This form cannot be changed", above a message that says it can, once version 2 is read.
    heading = ("Your response has not been posted" if action == "respond"
               else "Your request for more information has not been sent")
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert "cannot be changed" not in html
    saved = load(app, submission)
    assert (saved.status, saved.response_text) == ("resubmitted", None)
    with app.app_context():
        assert db.session.query(ReturnRequest).count() == 1

    assert post_form(staff_client, url, data).status_code == 302
    saved = load(app, submission)
    assert saved.status == ("responded" if action == "respond" else "returned")
    if action == "return":
        with app.app_context():
            latest = db.session.query(ReturnRequest).order_by(ReturnRequest.id.desc()).first()
            assert latest.version_number == 2


def test_the_pages_carry_the_version_they_were_opened_on(staff_client, submission):
    for action in ("respond", "return"):
        url = f"/la/submissions/{submission}/{action}"
        assert hidden_fields(staff_client.get(url).get_data(as_text=True), url)["version"] == "1"


def test_the_returned_email_s_link_leads_to_the_first_section_asked_about(
        app, client, people, staff_client, submission, smtp_sink):
    """The email's link signs in to Submitted Forms (seed 2.3); the form's name there opened the child's
    details whatever was asked. It opens the first section the caseworker asked about in the form's
    order (they ticked Concerns and Child / Young Person's Details: the child's details come first),
    with the request above it."""
    assert post_form(staff_client, f"/la/submissions/{submission}/return", RETURN).status_code == 302
    deliver(app)
    body = smtp_sink.wait_for(SUBMITTER, "Your form needs more information").body
    link = next(line for line in body.splitlines() if line.startswith("http://localhost/"))
    response = post_form(client, link.removeprefix("http://localhost"),
                         {"email": SUBMITTER, "password": PASSWORD})
    assert response.headers["Location"] == "/submitted"
    page = client.get("/submitted").get_data(as_text=True)
    response = client.post(f"/submitted/{submission}/reopen", data={"csrf_token": csrf_token(page)})
    location = response.headers["Location"]
    assert re.fullmatch(r"/drafts/[0-9a-f]{32}/child", location), location
    html = client.get(location).get_data(as_text=True)
    assert html.index('id="return-notice"') < html.index('id="section-heading"')
    assert "Please tell us when the bruises were seen." in html
    assert html.count("Council asked you to check") == 2
