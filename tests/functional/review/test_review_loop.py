"""The further-information loop across both sides, with the submissions package's own services for the
submitter's steps: returned, reopened, changed, resubmitted, seen by the caseworker, answered."""

from tests.conftest import post_form
from tests.functional.review.conftest import SUBMITTER
from tests.functional.review.test_review_actions import RETURN, deliver, load
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
        draft, first_section = submissions.reopen_for_changes(submission, people["submitter"])
        assert first_section == "child"
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
    assert "answered" in page.split('id="returns"')[1].split("</table>")[0]

    response = post_form(staff_client, f"/la/submissions/{submission}/respond",
                         {"response": "No further action \u2014 advice given"})
    assert response.status_code == 302
    saved = load(app, submission)
    assert (saved.status, saved.response_text) == ("responded", "No further action \u2014 advice given")
