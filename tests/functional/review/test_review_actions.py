"""Return for further information and post a response: the status machine, the return request, the
emails (through the outbox to the real SMTP sink) and the audit rows."""

import re

import pytest

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.review.builders import make_submission
from tests.functional.review.conftest import SUBMITTER, audit_actions, staff_sign_in
from tests.support import csrf_token
from webapp.accounts import services as accounts
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.submissions.models import ReturnRequest, Submission

RETURN = {"reason": "insufficient_detail", "comments": "Please tell us when the bruises were seen.",
          "sections": ["concerns", "child"]}


def load(app, sid):
    with app.app_context():
        submission = db.session.get(Submission, sid)
        db.session.expunge(submission)
        return submission


def deliver(app):
    with app.app_context():
        return send_due()


def test_return_form_lists_reasons_and_sections(staff_client, submission):
    html = staff_client.get(f"/la/submissions/{submission}/return").get_data(as_text=True)
    for text in ("Insufficient detail", "Wrong or missing child details", "Consent not recorded", "Other",
                 "Comments for the submitter", "Which sections need changing? (optional)",
                 "Child / Young Person&#39;s Details", 'value="concerns"'):
        assert text in html, text


def test_a_form_that_asks_nothing_about_consent_is_not_returned_for_it(app, people, staff_client):
    """'Worried about a child' has no consent question: returned for "Consent not recorded", its sender
    would have been asked for an answer to a question the form never put to them."""
    with app.app_context():
        submission_id = make_submission(people["submitter"])
        submission = db.session.get(Submission, submission_id)
        submission.form_id, submission.form_title = "public-concern", "Worried about a child"
        db.session.commit()
    url = f"/la/submissions/{submission_id}/return"
    html = staff_client.get(url).get_data(as_text=True)
    assert "Insufficient detail" in html and "Consent not recorded" not in html
    response = post_form(staff_client, url, {"reason": "consent_missing", "comments": "Add consent."})
    assert response.status_code == 422
    assert load(app, submission_id).status == "submitted"


def test_return_needs_a_reason_and_comments(app, staff_client, submission):
    url = f"/la/submissions/{submission}/return"
    response = post_form(staff_client, url, {"comments": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Select why the form needs more information" in html and "Enter comments for the submitter" in html
    assert "govuk-error-summary" in html
    response = post_form(staff_client, url, {"reason": "made-up", "comments": "x"})
    assert response.status_code == 422
    assert load(app, submission).status == "submitted"


def test_return_sets_status_records_request_emails_and_audits(app, people, staff_client, submission,
                                                             smtp_sink):
    response = post_form(staff_client, f"/la/submissions/{submission}/return", RETURN)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/la/submissions/{submission}"
    assert load(app, submission).status == "returned"
    with app.app_context():
        request = db.session.query(ReturnRequest).one()
        assert (request.reason, request.comments, request.sections, request.version_number,
                request.returned_by, request.resolved_at) == (
            "insufficient_detail", RETURN["comments"], ["concerns", "child"], 1, people["staff"], None)
    assert audit_actions(app, submission)[-1] == (people["staff"], "return")
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has been returned for more information" in page
    assert "Returned for more information" in page and "Please tell us when the bruises were seen." in page
    assert "What Has Happened" not in page
    actions = page.split("Version history")[0]
    assert "Return for further information" not in actions and "Post a response" in actions

    assert deliver(app) == 1
    email = smtp_sink.wait_for(SUBMITTER, "Your form needs more information")
    assert email.body.startswith("You recently submitted a form using the Wigan Children's Services "
                                 "Portal. This has been reviewed by the Local Authority and has been sent "
                                 "back to you for more information.")
    assert ("Please log in to the Wigan Children's Services Portal to review the feedback and "
            "re-submit the form") in email.body
    assert "http://localhost/sign-in" in email.body
    # The guide's sign-off.
    assert email.body.rstrip().endswith("Many Thanks\r\n\r\nWigan Children's Services")
    for private in ("Jordan", "Ellison", "bruise"):
        assert private not in email.body and private not in email.subject
    # Which form, by its title and reference (neither says anything about the child), in the body only.
    assert ("Form: Child/Young Person Safeguarding Concern\r\n"
            "Reference number: CP-2026-000001\r\n") in email.body
    assert "CP-2026" not in email.subject


def test_response_sets_status_shows_text_emails_and_audits(app, people, staff_client, submission, smtp_sink):
    url = f"/la/submissions/{submission}/respond"
    assert "Post a response" in staff_client.get(url).get_data(as_text=True)
    response = post_form(staff_client, url, {"response": "Accepted \u2014 passed to the Children First Hub"})
    assert response.status_code == 302
    saved = load(app, submission)
    assert saved.status == "responded"
    assert saved.response_text == "Accepted \u2014 passed to the Children First Hub"
    assert saved.responded_at is not None
    assert audit_actions(app, submission)[-1] == (people["staff"], "respond")
    page = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    # Shown as a paragraph, not as markup spelled out: "<p class=...>" once appeared as text.
    assert '<p class="govuk-body">Accepted \u2014 passed to the Children First Hub</p>' in page
    assert "&lt;p" not in page and "Responded" in page

    assert deliver(app) == 1
    email = smtp_sink.wait_for(SUBMITTER, "The Local Authority has responded to your form")
    assert "http://localhost/sign-in" in email.body
    for private in ("Jordan", "Ellison", "Accepted"):
        assert private not in email.body and private not in email.subject
    # Which form, by its title and reference (neither says anything about the child), in the body only.
    assert ("Form: Child/Young Person Safeguarding Concern\r\n"
            "Reference number: CP-2026-000001\r\n") in email.body
    assert "CP-2026" not in email.subject


def test_a_response_keeps_its_paragraphs_for_the_caseworker_and_the_submitter(app, staff_client, submission):
    """A response written in paragraphs ran together into one line on every page that shows it."""
    url = f"/la/submissions/{submission}/respond"
    written = "Thank you for telling us.\r\n\r\nA social worker will <b>visit</b> on Monday."
    assert post_form(staff_client, url, {"response": written}).status_code == 302
    kept = "Thank you for telling us.<br><br>A social worker will &lt;b&gt;visit&lt;/b&gt; on Monday."

    assert kept in staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    submitter = app.test_client()
    sign_in(submitter, SUBMITTER)
    assert kept in submitter.get("/submitted").get_data(as_text=True)
    assert kept in submitter.get(f"/submitted/{submission}").get_data(as_text=True)


def test_response_is_required_and_at_most_500_characters(app, staff_client, submission):
    url = f"/la/submissions/{submission}/respond"
    assert post_form(staff_client, url, {"response": " "}).status_code == 422
    response = post_form(staff_client, url, {"response": "x" * 501})
    assert response.status_code == 422
    assert "Response must be 500 characters or fewer" in response.get_data(as_text=True)
    assert post_form(staff_client, url, {"response": "x" * 500}).status_code == 302


@pytest.mark.parametrize("status, can_return, can_respond", [
    ("submitted", True, True),
    ("resubmitted", True, True),
    ("returned", False, True),
    ("responded", False, False),
])
def test_status_machine(app, people, staff_client, status, can_return, can_respond):
    with app.app_context():
        sid = make_submission(people["submitter"], status=status)
    page = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    actions = page.split("Version history")[0]
    assert ("Return for further information" in actions) is can_return
    assert ("Post a response" in actions) is can_respond

    for action, data, allowed in (("return", RETURN, can_return),
                                  ("respond", {"response": "Noted"}, can_respond)):
        url = f"/la/submissions/{sid}/{action}"
        get = staff_client.get(url)
        assert get.status_code == (200 if allowed else 409)
        if not allowed:
            html = get.get_data(as_text=True)
            assert ("This form cannot be returned" if action == "return"
                    else "A response cannot be posted to this form") in html
            token = csrf_token(page)
            post = staff_client.post(url, data={"csrf_token": token, **data})
            assert post.status_code == 409
            assert load(app, sid).status == status
    assert [a for _, a in audit_actions(app, sid) if not a.startswith("view:")] == []


def test_no_return_after_a_response(app, staff_client, submission):
    response = post_form(staff_client, f"/la/submissions/{submission}/respond", {"response": "NFA"})
    assert response.status_code == 302
    response = staff_client.get(f"/la/submissions/{submission}/return")
    assert response.status_code == 409
    assert "a response has already been posted" in response.get_data(as_text=True)


def test_a_returned_form_can_be_answered_which_closes_the_request(app, people, staff_client, submission):
    """A referrer who phones the information in: the form stayed "Returned" until they resubmitted."""
    assert post_form(staff_client, f"/la/submissions/{submission}/return", RETURN).status_code == 302
    page = staff_client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert "Posting a response closes that request: they will no longer be asked for it." in page
    response = post_form(staff_client, f"/la/submissions/{submission}/respond",
                         {"response": "Information received by phone \u2014 passed to the Hub"})
    assert response.status_code == 302
    assert load(app, submission).status == "responded"
    with app.app_context():
        assert db.session.query(ReturnRequest).filter_by(submission_id=submission).one().resolved_at
    submitter = app.test_client()
    sign_in(submitter, SUBMITTER, PASSWORD)
    html = submitter.get("/submitted").get_data(as_text=True)
    assert "Forms requesting more information" not in html
    assert "Information received by phone \u2014 passed to the Hub" in html


def test_a_request_closed_by_a_response_is_not_said_to_have_been_answered(app, staff_client, submission):
    """The submission's requests for more information said "answered" of one the submitter never
    answered: the caseworker's response (the information was phoned in) had closed it."""
    assert post_form(staff_client, f"/la/submissions/{submission}/return", RETURN).status_code == 302
    assert post_form(staff_client, f"/la/submissions/{submission}/respond",
                     {"response": "Information received by phone"}).status_code == 302
    page = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    returns = page.split('id="returns"')[1].split("</table>")[0]
    assert re.search(r"version 1, closed by the response on \d{1,2} \w+ \d{4} at ", returns)
    assert "answered" not in returns


def test_a_race_between_two_caseworkers_gives_409_not_500(app, people, staff_client, submission):
    """A response page left open posts after another caseworker has posted a different response."""
    page = staff_client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert post_form(staff_client, f"/la/submissions/{submission}/respond",
                     {"response": "No further action"}).status_code == 302
    response = staff_client.post(f"/la/submissions/{submission}/respond",
                                 data={"csrf_token": csrf_token(page), "response": "Accepted"})
    assert response.status_code == 409
    assert load(app, submission).response_text == "No further action"


def test_a_caseworker_beaten_to_it_gets_back_what_they_wrote_and_sees_the_response(staff_client, submission):
    """A return written while a colleague posted a response: the comments were lost with the 409."""
    page = staff_client.get(f"/la/submissions/{submission}/return").get_data(as_text=True)
    response = post_form(staff_client, f"/la/submissions/{submission}/respond",
                         {"response": "NFA <i>now</i>"})
    assert response.status_code == 302
    response = staff_client.post(f"/la/submissions/{submission}/return", data={
        "csrf_token": csrf_token(page), "reason": "other",
        "comments": "Which school does Jordan attend?\nAnd <b>who</b> is the GP?"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert re.search(r"<title>Your request for more information has not been sent \u2013 CP-\d{4}-\d{6} ",
                     html)
    assert "Which school does Jordan attend?<br>And &lt;b&gt;who&lt;/b&gt; is the GP?" in html
    assert "This was not sent. Copy it if you still need it." in html
    assert "NFA &lt;i&gt;now&lt;/i&gt;" in html


def test_the_response_hint_gives_an_example_for_the_caseworker_s_own_team(app, people, lado_client):
    """Every team was offered "Accepted — passed to the Children First Hub", which is not where a LADO
    referral goes."""
    with app.app_context():
        lado_referral = make_submission(people["submitter"], team="lado", reference="CP-2026-000002")
    html = lado_client.get(f"/la/submissions/{lado_referral}/respond").get_data(as_text=True)
    assert "“Received — the LADO will contact you”" in html and "Children First Hub" not in html


def _seen(html: str) -> str:
    """The hidden fingerprint of the response the correction page was opened on."""
    return re.search(r'<input[^>]*name="seen"[^>]*>', html).group(0).split('value="')[1].split('"')[0]


def _respond_then_open_the_correction(staff_client, submission, text="Accepted — passed to the MASH"):
    posted = post_form(staff_client, f"/la/submissions/{submission}/respond", {"response": text})
    assert posted.status_code == 302
    return staff_client.get(f"/la/submissions/{submission}/response")


def test_a_posted_response_can_be_corrected_and_the_submitter_is_told(app, people, staff_client, submission,
                                                                      smtp_sink):
    """A response with a mistake in it (the wrong team, a wrong date) stood for good: nothing could
    change it. It can be corrected now; the submitter sees the new words, marked as changed, and is
    emailed that the response changed (never what it says)."""
    page = _respond_then_open_the_correction(staff_client, submission)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Correct the response" in html
    assert "Accepted — passed to the MASH</textarea>" in html  # starts from what was posted
    # The correction replaces what the submitter read, so it has to stand on its own.
    assert ("The submitter sees this in their Submitted Forms in place of the response they may already "
            "have read, so write it whole, not only what changed.") in html
    assert deliver(app) == 1  # the first response's email
    posted_at = load(app, submission).responded_at

    response = staff_client.post(f"/la/submissions/{submission}/response", data={
        "csrf_token": csrf_token(html), "seen": _seen(html),
        "response": "Accepted \u2014 passed to the Children First Hub"})
    assert response.status_code == 302
    saved = load(app, submission)
    assert saved.response_text == "Accepted \u2014 passed to the Children First Hub"
    assert saved.status == "responded" and saved.responded_at == posted_at
    assert saved.response_corrected_at is not None
    assert audit_actions(app, submission)[-1] == (people["staff"], "correct_response")

    page = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    assert "Your corrected response to CP-2026-" in page and "Corrected the response" in page
    assert "passed to the Children First Hub" in page
    assert re.search(r"Posted [^<]+\. Corrected [^<]+ by Sam Carter\.</p>", page)
    # What the submitter was first told is kept for the back office.
    start = page.index("What the response said before")
    earlier = page[start:page.index("</details>", start)]
    assert "Accepted — passed to the MASH" in earlier
    assert re.search(r"Replaced [^<]+ by Sam Carter", earlier)

    submitter = app.test_client()
    sign_in(submitter, SUBMITTER)
    mine = submitter.get(f"/submitted/{submission}").get_data(as_text=True)
    assert "passed to the Children First Hub" in mine and "to the MASH" not in mine and "Changed " in mine
    listed = submitter.get("/submitted").get_data(as_text=True)
    assert "passed to the Children First Hub" in listed and "to the MASH" not in listed
    assert re.search(r"Changed \d{1,2} \w+ \d{4}", listed)

    assert deliver(app) == 1
    email = smtp_sink.wait_for(SUBMITTER, "The Local Authority has changed its response to your form")
    assert "has changed its response to your form" in email.body and "http://localhost/sign-in" in email.body
    for private in ("Jordan", "Ellison", "Accepted", "Children First Hub"):
        assert private not in email.body and private not in email.subject
    # Which form, by its title and reference (neither says anything about the child), in the body only.
    assert ("Form: Child/Young Person Safeguarding Concern\r\n"
            "Reference number: CP-2026-000001\r\n") in email.body
    assert "CP-2026" not in email.subject


def test_a_response_corrected_before_its_email_went_sends_one_email(app, people, staff_client, submission,
                                                                    smtp_sink):
    """Corrected within the minute, a response sent "has responded" and then "has changed its response"
    together; neither holds the words, so the first, still waiting, now serves for both."""
    html = _respond_then_open_the_correction(staff_client, submission).get_data(as_text=True)
    assert post_form(staff_client, f"/la/submissions/{submission}/response",
                     {"response": "Accepted, with advice", "seen": _seen(html)}).status_code == 302
    assert deliver(app) == 1
    email = smtp_sink.wait_for(SUBMITTER, "The Local Authority has responded to your form")
    assert "Reference number: CP-2026-000001" in email.body
    assert [m.subject for m in smtp_sink.to(SUBMITTER)] == ["The Local Authority has responded to your form"]

    # Once that email has gone, a correction is news, and is emailed as a change; an email about the
    # submitter's other form, still waiting, does not stand for it.
    with app.app_context():
        other = make_submission(people["submitter"], reference="CP-2026-000002")
    answered = post_form(staff_client, f"/la/submissions/{other}/respond", {"response": "Received"})
    assert answered.status_code == 302
    html = staff_client.get(f"/la/submissions/{submission}/response").get_data(as_text=True)
    corrected = post_form(staff_client, f"/la/submissions/{submission}/response",
                          {"response": "Accepted, with advice and a leaflet", "seen": _seen(html)})
    assert corrected.status_code == 302
    assert deliver(app) == 2
    changed = smtp_sink.wait_for(SUBMITTER, "The Local Authority has changed its response to your form")
    assert "Reference number: CP-2026-000001" in changed.body


def test_every_earlier_wording_is_kept_newest_first(app, staff_client, submission):
    page = _respond_then_open_the_correction(staff_client, submission, "First wording")
    html = page.get_data(as_text=True)
    for text in ("Second wording", "Third wording"):
        assert post_form(staff_client, f"/la/submissions/{submission}/response",
                         {"response": text, "seen": _seen(html)}).status_code == 302
        html = staff_client.get(f"/la/submissions/{submission}/response").get_data(as_text=True)
    page = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    start = page.index("What the response said before")
    earlier = page[start:page.index("</details>", start)]
    assert earlier.index("Second wording") < earlier.index("First wording")
    assert "Third wording" not in earlier and "Third wording" in page


def test_a_colleague_s_correction_is_not_written_over(app, people, staff_client, submission):
    first = _respond_then_open_the_correction(staff_client, submission).get_data(as_text=True)
    second = staff_client.get(f"/la/submissions/{submission}/response").get_data(as_text=True)
    assert post_form(staff_client, f"/la/submissions/{submission}/response",
                     {"response": "Corrected by the first", "seen": _seen(first)}).status_code == 302
    response = staff_client.post(f"/la/submissions/{submission}/response", data={
        "csrf_token": csrf_token(second), "seen": _seen(second), "response": "Corrected <b>twice</b>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Another caseworker changed the response while you were correcting it" in html
    assert '<h1 class="govuk-heading-l">Your correction has not been posted</h1>' in html
    assert "Corrected &lt;b&gt;twice&lt;/b&gt;" in html  # theirs, to copy
    assert "Corrected by the first" in html  # the response that stands
    assert load(app, submission).response_text == "Corrected by the first"


def test_a_correction_that_changes_nothing_sends_nothing(app, people, staff_client, submission):
    page = _respond_then_open_the_correction(staff_client, submission, "No further action")
    html = page.get_data(as_text=True)
    assert deliver(app) == 1
    response = post_form(staff_client, f"/la/submissions/{submission}/response",
                         {"response": "  No further action ", "seen": _seen(html)})
    assert response.status_code == 302
    shown = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was not changed" in shown and "govuk-notification-banner--success" not in shown  # nothing done
    assert load(app, submission).response_corrected_at is None
    assert (people["staff"], "correct_response") not in audit_actions(app, submission)
    assert deliver(app) == 0


def test_the_same_correction_sent_twice_is_posted_once(app, people, staff_client, submission):
    """A double click sent the correction twice: the second found it already there and said "not
    changed" of a response that had just changed."""
    html = _respond_then_open_the_correction(staff_client, submission).get_data(as_text=True)
    assert deliver(app) == 1
    sent = {"csrf_token": csrf_token(html), "seen": _seen(html), "response": "Passed to the MASH today"}
    assert staff_client.post(f"/la/submissions/{submission}/response", data=sent).status_code == 302
    again = staff_client.post(f"/la/submissions/{submission}/response", data=sent)
    assert again.status_code == 302
    page = staff_client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Your corrected response to" in page and "was not changed" not in page
    assert [a for a in audit_actions(app, submission) if a[1] == "correct_response"] == [
        (people["staff"], "correct_response")]
    assert deliver(app) == 1


def test_a_correction_is_checked_like_a_response(app, staff_client, submission):
    html = _respond_then_open_the_correction(staff_client, submission).get_data(as_text=True)
    url = f"/la/submissions/{submission}/response"
    response = post_form(staff_client, url, {"response": " ", "seen": _seen(html)})
    assert response.status_code == 422 and "Enter a response" in response.get_data(as_text=True)
    response = post_form(staff_client, url, {"response": "x" * 501, "seen": _seen(html)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Response must be 500 characters or fewer" in page
    assert "govuk-error-summary" in page and _seen(page) == _seen(html)
    assert load(app, submission).response_text == "Accepted — passed to the MASH"


def test_only_a_posted_response_can_be_corrected(app, staff_client, submission):
    page = staff_client.get(f"/la/submissions/{submission}")
    assert "Correct the response" not in page.get_data(as_text=True)
    response = staff_client.get(f"/la/submissions/{submission}/response")
    assert response.status_code == 409
    assert "no response has been posted to it" in response.get_data(as_text=True)
    correction = {"response": "Sneaked in", "seen": "x"}
    response = post_form(staff_client, f"/la/submissions/{submission}", correction,
                         post_url=f"/la/submissions/{submission}/response")
    assert response.status_code == 409
    assert load(app, submission).response_text is None and load(app, submission).status == "submitted"


def test_service_refuses_invalid_transitions_directly(app, people):
    from webapp.accounts.models import User
    from webapp.review import services

    with app.app_context():
        sid = make_submission(people["submitter"], status="responded")
        staff = db.session.get(User, people["staff"])
        submission = services.get_submission(staff, sid)
        with pytest.raises(services.InvalidTransition):
            services.return_submission(staff, submission, reason="other", comments="x", sections=[])
        with pytest.raises(services.InvalidTransition):
            services.respond(staff, submission, "x")
        lado = db.session.get(User, people["lado"])
        with pytest.raises(services.NotFound):
            services.get_submission(lado, sid)


def test_audit_log_has_no_update_or_delete_path():
    """Append-only: nothing in the back office changes or removes an audit entry."""
    import inspect

    from webapp.review import services, views

    for module in (services, views):
        source = inspect.getsource(module)
        assert "AuditEntry).filter" not in source and "delete(" not in source


@pytest.mark.parametrize("action, field, limit, extra", [
    ("respond", "response", 500, {}),
    ("return", "comments", 2000, {"reason": "other"}),
])
def test_line_breaks_count_once_as_the_character_count_shows(app, staff_client, submission, action, field,
                                                             limit, extra):
    """A browser counts a line break as one character (the response's character count says 'You have 0
    characters remaining') but posts it as CRLF. Before, the server counted two and answered 422 'must be
    N characters or fewer' to text the page had just said fitted. Both keep their line breaks, as LF."""
    half = (limit - 2) // 2
    typed = "a" * half + "\n\n" + "b" * (limit - 2 - half)
    assert len(typed) == limit
    response = post_form(staff_client, f"/la/submissions/{submission}/{action}",
                         {field: typed.replace("\n", "\r\n"), **extra})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        if action == "respond":
            assert db.session.get(Submission, submission).response_text == typed
        else:
            assert db.session.query(ReturnRequest).one().comments == typed


@pytest.mark.parametrize("action, field, limit, extra", [
    ("respond", "response", 500, {}),
    ("return", "comments", 2000, {"reason": "other"}),
])
def test_an_emoji_counts_twice_as_the_character_count_shows(app, staff_client, submission, action, field,
                                                           limit, extra):
    """GOV.UK Frontend's character count counts as JavaScript does, in UTF-16 code units, so an emoji
    (a thumbs-up) is two. Before, 490 letters and 10 thumbs-up had the count say "You have 10 characters
    too many" while the server, counting characters, accepted them. Now the server counts as the page
    does (as the public's forms already did): what the count says fits is accepted, and what it says is
    too long is refused with the limit the page gives."""
    url = f"/la/submissions/{submission}/{action}"
    over = "a" * (limit - 10) + "\N{THUMBS UP SIGN}" * 10
    assert len(over) == limit  # within the limit as characters, 10 over as the count shows it
    response = post_form(staff_client, url, {field: over, **extra})
    assert response.status_code == 422, response.get_data(as_text=True)
    noun = "Response" if action == "respond" else "Comments"
    assert f"{noun} must be {limit} characters or fewer" in response.get_data(as_text=True)
    fits = "a" * (limit - 20) + "\N{THUMBS UP SIGN}" * 10
    response = post_form(staff_client, url, {field: fits, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        if action == "respond":
            assert db.session.get(Submission, submission).response_text == fits
        else:
            assert db.session.query(ReturnRequest).one().comments == fits


def test_a_corrected_response_counts_an_emoji_twice_too(app, staff_client, submission):
    html = _respond_then_open_the_correction(staff_client, submission).get_data(as_text=True)
    response = post_form(staff_client, f"/la/submissions/{submission}/response",
                         {"response": "a" * 490 + "\N{THUMBS UP SIGN}" * 10, "seen": _seen(html)})
    assert response.status_code == 422
    assert "Response must be 500 characters or fewer" in response.get_data(as_text=True)


@pytest.mark.parametrize("action, data, status", [
    ("return", RETURN, "returned"),
    ("respond", {"response": "Accepted \u2014 passed to the Children First Hub"}, "responded"),
])
def test_a_double_click_is_done_once_and_shown_done(app, people, staff_client, submission, action, data,
                                                    status):
    """Two posts from one page (a double-click, or a slow connection and a second press). Before, the
    first did the work and the second, which the browser shows, was the 409 'This form cannot be changed'
    page, as if the caseworker's own action had failed. Now both land on the submission with the success
    message, and there is still one return (or response), one audit entry and one email."""
    url = f"/la/submissions/{submission}/{action}"
    page = staff_client.get(url).get_data(as_text=True)
    fields = {"csrf_token": csrf_token(page), "version": "1", **data}
    first = staff_client.post(url, data=fields)
    second = staff_client.post(url, data=fields)
    assert (first.status_code, second.status_code) == (302, 302), second.get_data(as_text=True)
    assert second.headers["Location"] == f"/la/submissions/{submission}"
    shown = staff_client.get(second.headers["Location"]).get_data(as_text=True)
    assert "has been returned for more information" in shown or "has been posted" in shown
    assert load(app, submission).status == status
    assert [a for _, a in audit_actions(app, submission) if a in ("return", "respond")] == [action]
    with app.app_context():
        assert db.session.query(ReturnRequest).count() == (1 if action == "return" else 0)
    assert deliver(app) == 1


@pytest.mark.parametrize("action, first, second", [
    ("return", RETURN, {**RETURN, "comments": "Something else."}),
    ("respond", {"response": "Accepted"}, {"response": "No further action"}),
])
def test_a_second_post_that_differs_is_still_refused(app, people, staff_client, submission, action, first,
                                                     second):
    url = f"/la/submissions/{submission}/{action}"
    assert post_form(staff_client, url, first).status_code == 302
    response = post_form(staff_client, url, second)
    assert response.status_code == 409
    assert ("Your request for more information has not been sent" if action == "return"
            else "Your response has not been posted") in response.get_data(as_text=True)


def test_the_same_return_by_another_caseworker_is_still_refused(app, make_user, staff_client, submission,
                                                                smtp_sink):
    make_user("colleague@council.example", is_staff=True, team="social-care", first_name="Kim",
              surname="Lowe", is_professional=False, role=None, organisation=None)
    colleague = app.test_client()
    staff_sign_in(colleague, smtp_sink, "colleague@council.example")
    url = f"/la/submissions/{submission}/return"
    page = colleague.get(url).get_data(as_text=True)
    assert post_form(staff_client, url, RETURN).status_code == 302
    response = colleague.post(url, data={"csrf_token": csrf_token(page), "version": "1", **RETURN})
    assert response.status_code == 409


@pytest.mark.parametrize("action, data, subject", [
    ("respond", {"response": "Accepted"}, "The Local Authority has responded to your form"),
    ("return", RETURN, "Your form needs more information"),
])
def test_the_emailed_link_signs_in_to_submitted_forms(app, client, staff_client, submission, smtp_sink,
                                                      action, data, subject):
    """The response email says 'log in ... to read the response in Submitted Forms', but its link was
    the plain sign-in page, which (with no form waiting for more information) led to the home page."""
    assert post_form(staff_client, f"/la/submissions/{submission}/{action}", data).status_code == 302
    deliver(app)
    body = smtp_sink.wait_for(SUBMITTER, subject).body
    link = next(line for line in body.splitlines() if line.startswith("http://localhost/"))
    assert link == "http://localhost/sign-in?next=/submitted"
    path = link.removeprefix("http://localhost")
    response = post_form(client, path, {"email": SUBMITTER, "password": PASSWORD})
    assert response.headers["Location"] == "/submitted"
    assert "Accepted" in client.get("/submitted").get_data(as_text=True) or action == "return"


def test_the_return_form_says_how_long_the_comments_can_be(staff_client, submission):
    """The comments were refused over 2000 characters, but the page only said so in the error, after the
    caseworker had written them. Now the GOV.UK character count states the limit and counts down."""
    html = staff_client.get(f"/la/submissions/{submission}/return").get_data(as_text=True)
    assert 'data-module="govuk-character-count" data-maxlength="2000"' in html
    assert "You can enter up to 2000 characters" in html
    response = post_form(staff_client, f"/la/submissions/{submission}/return",
                         {"reason": "other", "comments": "x" * 2001})
    assert response.status_code == 422
    assert "Comments must be 2000 characters or fewer" in response.get_data(as_text=True)


def test_a_return_refused_by_the_csrf_check_does_not_claim_it_was_saved(staff_client, submission):
    """The public's forms save themselves; a caseworker's return does not, and was told it had."""
    response = staff_client.post(f"/la/submissions/{submission}/return",
                                 data={"csrf_token": "stale", **RETURN})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "what you typed should still be on the page. Copy it" in html
    assert "saved answers have been kept" not in html


def test_a_response_to_a_form_whose_submitter_s_account_was_deleted_says_no_one_was_emailed(
        app, people, staff_client):
    """It said "The submitter has been emailed", and no email went: there was no one to send it to."""
    with app.app_context():
        sid = make_submission(None)
    page = post_form(staff_client, f"/la/submissions/{sid}/respond", {"response": "Accepted"},
                     follow_redirects=True).get_data(as_text=True)
    assert "The submitter&#39;s account has been deleted, so no one has been emailed." in page
    assert "The submitter has been emailed" not in page
    assert deliver(app) == 0


def test_a_request_for_more_information_still_waiting_to_be_emailed_is_withdrawn_by_a_response(
        app, people, staff_client, submission, smtp_sink):
    """With the mail server down, "Your form needs more information" waited in the outbox; a response
    meanwhile (the information phoned in) closed the request, and then both emails went, the first
    asking for what was no longer wanted."""
    assert post_form(staff_client, f"/la/submissions/{submission}/return", RETURN).status_code == 302
    assert post_form(staff_client, f"/la/submissions/{submission}/respond",
                     {"response": "Accepted"}).status_code == 302
    assert deliver(app) == 1
    smtp_sink.wait_for(SUBMITTER, "The Local Authority has responded to your form")
    assert [m.subject for m in smtp_sink.to(SUBMITTER)] == ["The Local Authority has responded to your form"]


def test_a_disabled_submitter_is_not_emailed_and_the_caseworker_is_told(app, people, staff_client,
                                                                       submission):
    with app.app_context():
        accounts.disable_account(SUBMITTER)
    page = post_form(staff_client, f"/la/submissions/{submission}/respond", {"response": "Accepted"},
                     follow_redirects=True).get_data(as_text=True)
    assert "The submitter&#39;s account has been disabled, so they have not been emailed." in page
    assert deliver(app) == 0


def test_a_form_whose_submitter_s_account_was_deleted_cannot_be_returned(app, people, staff_client):
    """It could be, and stayed "Returned" with no one to resubmit it; the caseworker learnt only
    afterwards that no one had been emailed. The page says why there is no Return, and a response can
    still be posted."""
    with app.app_context():
        sid = make_submission(None)
    page = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    assert "Return for further information</a>" not in page
    assert "cannot be returned for further information: the submitter's account has been deleted" in page
    assert "Post a response</a>" in page
    assert staff_client.get(f"/la/submissions/{sid}/return").status_code == 409
    refused = post_form(staff_client, f"/la/submissions/{sid}/return", RETURN)
    assert refused.status_code == 409
    assert "there is no one to send it back to" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Submission, sid).status == "submitted"


def test_the_action_pages_say_beforehand_when_the_submitter_will_not_be_emailed(app, people, staff_client,
                                                                              submission):
    """The return, response and correction pages promised "emailed" of a submitter whose account was
    deleted or disabled; the caseworker learnt only after acting that no email had gone."""
    with app.app_context():
        deleted = make_submission(None)
    respond_page = staff_client.get(f"/la/submissions/{deleted}/respond").get_data(as_text=True)
    assert "account has been deleted, so no one will be emailed" in respond_page
    assert "is emailed that there is a response" not in respond_page
    assert post_form(staff_client, f"/la/submissions/{deleted}/respond",
                     {"response": "Accepted"}).status_code == 302
    correct_page = staff_client.get(f"/la/submissions/{deleted}/response").get_data(as_text=True)
    assert "account has been deleted, so no one will see the correction or be emailed" in correct_page
    assert "they are emailed that the response has changed" not in correct_page

    with app.app_context():
        accounts.disable_account(SUBMITTER)
    return_page = staff_client.get(f"/la/submissions/{submission}/return").get_data(as_text=True)
    assert "account has been disabled, so they will not be emailed" in return_page
    assert "The submitter will be emailed" not in return_page
    respond_page = staff_client.get(f"/la/submissions/{submission}/respond").get_data(as_text=True)
    assert "account has been disabled, so they will not be emailed" in respond_page
    assert post_form(staff_client, f"/la/submissions/{submission}/respond",
                     {"response": "Accepted"}).status_code == 302
    correct_page = staff_client.get(f"/la/submissions/{submission}/response").get_data(as_text=True)
    assert "they are not emailed, because their account has been disabled" in correct_page
    assert deliver(app) == 0


def test_the_action_pages_say_the_submitter_will_be_emailed(staff_client, submission):
    assert "The submitter will be emailed" in staff_client.get(
        f"/la/submissions/{submission}/return").get_data(as_text=True)
    assert "is emailed that there is a response" in staff_client.get(
        f"/la/submissions/{submission}/respond").get_data(as_text=True)
