"""What a caseworker was writing in a back-office form when the idle timeout signed them out: the page
sends it as the timeout comes (portal.js, tested in e2e/test_review.py), and the same form shows it
again after they sign in, to them alone, until they send it or a day has passed."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import post_form
from tests.functional.review.conftest import STAFF, staff_sign_in
from tests.support import csrf_token
from webapp.extensions import db
from webapp.review.kept import KeptWriting, purge_old_kept_writing
from webapp.submissions.models import Submission

SIGNED_OUT_BANNER = "You were signed out before you sent this"
#: What portal.js marks its keeping with: the page's own doing, not the caseworker's.
BACKGROUND = {"X-Portal-Background": "timeout"}
RESPONSE = "Accepted — passed to the Children First Hub. We will call you on Monday."


def keep(client, submission_id, purpose, data, page=None, **headers):
    """What portal.js sends: the form's fields as they are, with the page's CSRF token."""
    page = page or {"return": "return", "respond": "respond", "response": "response"}[purpose]
    html = client.get(f"/la/submissions/{submission_id}/{page}").get_data(as_text=True)
    return client.post(f"/la/submissions/{submission_id}/{purpose}/keep",
                       data={"csrf_token": csrf_token(html), **data},
                       headers={**BACKGROUND, **headers})


def signed_in_again(app, smtp_sink, email=STAFF):
    """A new sign-in, as after the timeout: a fresh browser session for the same caseworker."""
    client = app.test_client()
    staff_sign_in(client, smtp_sink, email)
    return client


def shown_after_signing_in_again(app, smtp_sink, submission_id, page):
    client = signed_in_again(app, smtp_sink)
    return client.get(f"/la/submissions/{submission_id}/{page}").get_data(as_text=True)


def kept_rows(app):
    with app.app_context():
        return db.session.query(KeptWriting).count()


@pytest.fixture
def now(time_machine):
    start = datetime.now(UTC).replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    return time_machine


def test_a_response_being_written_when_signed_out_is_there_after_signing_in(app, staff_client, submission,
                                                                           smtp_sink):
    kept = keep(staff_client, submission, "respond", {"version": "1", "response": RESPONSE})
    assert kept.status_code == 204

    page = signed_in_again(app, smtp_sink)
    html = page.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert SIGNED_OUT_BANNER in html and "It has not been sent: check it, then send it." in html
    assert f">{RESPONSE}</textarea>" in html
    with app.app_context():
        assert db.session.get(Submission, submission).status == "submitted"  # kept, not sent

    sent = post_form(page, f"/la/submissions/{submission}/respond", {"version": "1", "response": RESPONSE})
    assert sent.status_code == 302
    with app.app_context():
        assert db.session.get(Submission, submission).response_text == RESPONSE
    assert kept_rows(app) == 0  # sent: nothing left to show


def test_the_same_sign_in_does_not_show_it_again(app, staff_client, submission):
    """The page keeps what it holds when the warning opens: a caseworker who then chose 'Continue' and
    left the form of their own accord was not signed out, and finds the form as they would expect."""
    keep(staff_client, submission, "respond", {"version": "1", "response": RESPONSE})
    html = staff_client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert SIGNED_OUT_BANNER not in html and RESPONSE not in html


def test_a_return_keeps_its_reason_sections_comments_and_the_version_read(app, staff_client, submission,
                                                                          smtp_sink):
    keep(staff_client, submission, "return", {
        "version": "1", "reason": "insufficient_detail", "comments": "When were the bruises seen?",
        "sections": ["concerns", "child"]})
    html = shown_after_signing_in_again(app, smtp_sink, submission, "return")
    assert SIGNED_OUT_BANNER in html
    assert ">When were the bruises seen?</textarea>" in html
    assert 'value="insufficient_detail" checked' in html
    assert 'value="concerns" checked' in html and 'value="child" checked' in html
    assert 'value="consent" checked' not in html
    assert 'name="version" type="hidden" value="1"' in html


def test_kept_comments_are_not_sent_on_a_version_sent_since_they_were_written(app, people, staff_client,
                                                                              smtp_sink):
    """The version the caseworker read is kept with their words: sent after sign-in, they are refused if
    the submitter has sent a newer version meanwhile, and shown back so nothing is lost."""
    from tests.functional.review.builders import answers, make_submission

    with app.app_context():
        submission = make_submission(people["submitter"], status="resubmitted",
                                     versions=[answers(), answers(child={"surname": "Ellis"})])
    keep(staff_client, submission, "return", {"version": "1", "reason": "insufficient_detail",
                                              "comments": "When were the bruises seen?"})
    again = signed_in_again(app, smtp_sink)
    html = again.get(f"/la/submissions/{submission}/return").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in html
    sent = again.post(f"/la/submissions/{submission}/return", data={
        "csrf_token": csrf_token(html), "version": "1", "reason": "insufficient_detail",
        "comments": "When were the bruises seen?"})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 409
    assert "the submitter sent version 2 after you opened it" in page
    assert "When were the bruises seen?" in page
    with app.app_context():
        assert db.session.get(Submission, submission).status == "resubmitted"


def test_a_correction_being_written_comes_back_instead_of_the_posted_response(app, people, staff_client,
                                                                              smtp_sink):
    from tests.functional.review.builders import make_submission

    with app.app_context():
        submission = make_submission(people["submitter"], status="responded")
        row = db.session.get(Submission, submission)
        row.response_text = "Accepted."
        db.session.commit()
    keep(staff_client, submission, "response", {"seen": "fingerprint", "response": "Accepted, with advice."})
    html = shown_after_signing_in_again(app, smtp_sink, submission, "response")
    assert SIGNED_OUT_BANNER in html and ">Accepted, with advice.</textarea>" in html


def test_a_correction_page_left_as_it_opened_keeps_nothing(app, people, staff_client, smtp_sink):
    """The correction page opens holding the posted response. A caseworker who opened it and was called
    away was greeted at their next sign-in by "You were signed out before you sent this" over the
    response they had not touched, as if they had been changing it."""
    from tests.functional.review.builders import make_submission

    with app.app_context():
        submission = make_submission(people["submitter"], status="responded")
        row = db.session.get(Submission, submission)
        row.response_text = "Accepted.\n\nA social worker will call you."
        db.session.commit()
    as_opened = {"seen": "fingerprint", "response": "Accepted.\r\n\r\nA social worker will call you."}
    assert keep(staff_client, submission, "response", as_opened).status_code == 204
    assert kept_rows(app) == 0
    html = shown_after_signing_in_again(app, smtp_sink, submission, "response")
    assert SIGNED_OUT_BANNER not in html
    # Any change is the caseworker's writing, and kept.
    keep(staff_client, submission, "response", {**as_opened, "response": as_opened["response"] + " Today."})
    assert kept_rows(app) == 1
    # Changed back as it was, there is nothing of theirs to keep.
    keep(staff_client, submission, "response", as_opened)
    assert kept_rows(app) == 0


def test_what_one_caseworker_kept_is_never_shown_to_another(app, make_user, staff_client, lado_client,
                                                            submission, smtp_sink):
    keep(staff_client, submission, "respond", {"version": "1", "response": RESPONSE})
    make_user("colleague@council.example", is_staff=True, team="social-care", is_professional=False,
              role=None, organisation=None)
    colleague = signed_in_again(app, smtp_sink, "colleague@council.example")
    html = colleague.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert RESPONSE not in html and SIGNED_OUT_BANNER not in html
    # Another team's caseworker cannot reach the submission, to keep anything or to read it.
    token = csrf_token(lado_client.get("/la/queue").get_data(as_text=True))
    refused = lado_client.post(f"/la/submissions/{submission}/respond/keep",
                               data={"csrf_token": token, "response": "Planted"})
    assert refused.status_code == 404
    assert kept_rows(app) == 1


def test_keeping_needs_the_page_s_token(app, staff_client, submission):
    response = staff_client.post(f"/la/submissions/{submission}/respond/keep", data={"response": RESPONSE})
    assert response.status_code == 400
    assert kept_rows(app) == 0


def test_a_box_cleared_before_the_timeout_forgets_what_was_kept(app, staff_client, submission, smtp_sink):
    keep(staff_client, submission, "respond", {"version": "1", "response": RESPONSE})
    keep(staff_client, submission, "respond", {"version": "1", "response": "   "})
    assert kept_rows(app) == 0
    html = shown_after_signing_in_again(app, smtp_sink, submission, "respond")
    assert SIGNED_OUT_BANNER not in html


def test_nothing_without_bound_is_stored(app, staff_client, submission):
    response = keep(staff_client, submission, "respond", {"version": "1", "response": "x" * 20_001})
    assert response.status_code == 413
    assert kept_rows(app) == 0


def test_keeping_is_not_activity_the_session_still_ends_on_time(app, people, submission, smtp_sink, now):
    client = signed_in_again(app, smtp_sink)
    token = csrf_token(client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True))
    now.shift(timedelta(minutes=14))  # the warning opens 2 minutes before the 15-minute staff timeout
    kept = client.post(f"/la/submissions/{submission}/respond/keep", headers=BACKGROUND,
                       data={"csrf_token": token, "version": "1", "response": RESPONSE})
    assert kept.status_code == 204
    now.shift(timedelta(minutes=2))
    assert client.get("/la/queue").status_code == 302
    assert kept_rows(app) == 1


def test_kept_writing_goes_after_a_day(app, staff_client, submission, smtp_sink, now):
    keep(staff_client, submission, "respond", {"version": "1", "response": RESPONSE})
    now.shift(timedelta(hours=25))
    html = shown_after_signing_in_again(app, smtp_sink, submission, "respond")
    assert RESPONSE not in html
    with app.app_context():
        assert purge_old_kept_writing() == 1
    assert kept_rows(app) == 0


# --- Without JavaScript: the form sent after the timeout --------------------------------------------

WRITING_KEPT = "so what you were writing has not been sent. We have kept it"


def respond_after_the_timeout(client, submission, now, data=None, token=None):
    """A caseworker without JavaScript opens the form, writes for longer than the idle timeout (nothing
    counts down), then selects "Post response"."""
    html = client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    now.shift(timedelta(minutes=16))
    data = data or {"version": "1", "response": RESPONSE}
    return client.post(f"/la/submissions/{submission}/respond",
                       data={"csrf_token": token or csrf_token(html), **data})


def test_without_javascript_a_response_sent_after_the_timeout_is_kept_for_the_next_sign_in(
        app, client, people, submission, smtp_sink, now):
    """It said "You have been signed out. What you sent was not saved": a response written for longer
    than the 15-minute timeout was lost, as nothing on the page could keep it beforehand."""
    staff_sign_in(client, smtp_sink)
    sent = respond_after_the_timeout(client, submission, now)
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/la/sign-in?next=/la/submissions/{submission}/respond"
    assert WRITING_KEPT in client.get(sent.headers["Location"]).get_data(as_text=True)

    signed_in = staff_sign_in(client, smtp_sink, at=sent.headers["Location"])
    assert signed_in.headers["Location"] == f"/la/submissions/{submission}/respond"
    html = client.get(signed_in.headers["Location"]).get_data(as_text=True)
    assert SIGNED_OUT_BANNER in html and f">{RESPONSE}</textarea>" in html
    with app.app_context():
        assert db.session.get(Submission, submission).status == "submitted"  # kept, not sent
    post_form(client, f"/la/submissions/{submission}/respond", {"version": "1", "response": RESPONSE})
    with app.app_context():
        assert db.session.get(Submission, submission).response_text == RESPONSE
    assert kept_rows(app) == 0


def test_without_javascript_two_tabs_sent_after_the_timeout_are_both_kept(
        app, client, people, submission, smtp_sink, now):
    """A response in one tab and a return in another, both sent after the timeout: the signed-out
    session kept one form, so the second replaced the first, and the response was lost."""
    staff_sign_in(client, smtp_sink)
    tokens = {page: csrf_token(client.get(f"/la/submissions/{submission}/{page}").get_data(as_text=True))
              for page in ("respond", "return")}
    comments = "Please tell us when the bruises were seen."
    now.shift(timedelta(minutes=16))
    for page, data in (("respond", {"response": RESPONSE}),
                       ("return", {"reason": "other", "comments": comments})):
        sent = client.post(f"/la/submissions/{submission}/{page}",
                           data={"csrf_token": tokens[page], "version": "1", **data})
        assert sent.headers["Location"] == f"/la/sign-in?next=/la/submissions/{submission}/{page}"
    staff_sign_in(client, smtp_sink)
    for page, written in (("respond", f">{RESPONSE}</textarea>"), ("return", f">{comments}</textarea>")):
        html = client.get(f"/la/submissions/{submission}/{page}").get_data(as_text=True)
        assert SIGNED_OUT_BANNER in html and written in html


def test_a_form_sent_from_elsewhere_to_a_signed_out_caseworker_is_not_kept(
        app, client, people, submission, smtp_sink, now):
    """Only a page of the session that ended is kept: a form from another page (here with a token of
    another browser's, as a submitter knowing their own submission's id could send) is refused as
    before, and nothing greets the caseworker after sign-in."""
    staff_sign_in(client, smtp_sink)
    other = app.test_client()
    foreign_token = csrf_token(other.get("/la/sign-in").get_data(as_text=True))
    sent = respond_after_the_timeout(client, submission, now, data={"version": "1", "response": "Planted"},
                                     token=foreign_token)
    assert sent.status_code == 401
    assert "What you sent was not saved" in sent.get_data(as_text=True)
    staff_sign_in(client, smtp_sink)
    html = client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert "Planted" not in html and SIGNED_OUT_BANNER not in html
    assert kept_rows(app) == 0


def test_a_colleague_signing_in_at_the_same_computer_does_not_get_it(
        app, make_user, client, people, submission, smtp_sink, now):
    make_user("colleague@council.example", is_staff=True, team="social-care", is_professional=False,
              role=None, organisation=None)
    staff_sign_in(client, smtp_sink)
    respond_after_the_timeout(client, submission, now)
    staff_sign_in(client, smtp_sink, "colleague@council.example")
    html = client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert RESPONSE not in html and SIGNED_OUT_BANNER not in html
    assert kept_rows(app) == 0


def test_a_signed_in_caseworker_s_form_still_needs_its_token(staff_client, submission):
    """The forms that keep are exempt from the app-wide check, which would refuse the ended session's
    form before it is read: they check the token themselves."""
    for purpose, data in (("respond", {"version": "1", "response": "x"}),
                          ("return", {"version": "1", "reason": "other", "comments": "x"}),
                          ("response", {"response": "x"})):
        assert staff_client.post(f"/la/submissions/{submission}/{purpose}", data=data).status_code == 400
    with staff_client.application.app_context():
        assert db.session.get(Submission, submission).status == "submitted"


@pytest.mark.parametrize(("purpose", "page", "field", "value"), [
    ("return", "return", "comments", "Please tell us when the bruises were seen."),
    ("respond", "respond", "response", RESPONSE),
])
def test_what_was_kept_can_be_deleted_rather_than_sent(app, staff_client, submission, smtp_sink,
                                                       purpose, page, field, value):
    """Kept writing came back over the form every time it was opened that day, Cancel or not: a
    caseworker who had decided not to send it had to clear the boxes by hand each time. The banner now
    offers to delete it. Leaving the page (Cancel, a link) still keeps it: that loses nothing by mistake."""
    keep(staff_client, submission, purpose, {"version": "1", field: value})
    client = signed_in_again(app, smtp_sink)
    html = client.get(f"/la/submissions/{submission}/{page}").get_data(as_text=True)
    assert "If you do not want to send it, you can delete it. Otherwise it is kept for 24 hours" in html
    client.get(f"/la/submissions/{submission}")  # Cancel: back to the submission
    html = client.get(f"/la/submissions/{submission}/{page}").get_data(as_text=True)
    assert SIGNED_OUT_BANNER in html and f">{value}</textarea>" in html

    deleted = client.post(f"/la/submissions/{submission}/{purpose}/discard",
                          data={"csrf_token": csrf_token(html)})
    assert deleted.status_code == 302
    assert deleted.headers["Location"].endswith(f"/la/submissions/{submission}/{page}")
    html = client.get(deleted.headers["Location"]).get_data(as_text=True)
    assert "What you had typed has been deleted." in html
    assert SIGNED_OUT_BANNER not in html and f">{value}</textarea>" not in html and "></textarea>" in html
    assert kept_rows(app) == 0


def test_deleting_kept_writing_needs_the_page_s_token_and_the_submission(app, staff_client, lado_client,
                                                                         submission):
    keep(staff_client, submission, "respond", {"version": "1", "response": RESPONSE})
    refused = staff_client.post(f"/la/submissions/{submission}/respond/discard")
    assert refused.status_code == 400
    token = csrf_token(lado_client.get("/la/queue").get_data(as_text=True))
    other_team = lado_client.post(f"/la/submissions/{submission}/respond/discard", data={"csrf_token": token})
    assert other_team.status_code == 404
    assert kept_rows(app) == 1
