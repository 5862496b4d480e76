"""Declaration & Submit: refused while answers are missing, one transaction, exactly once, outbox email."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from tests.conftest import PASSWORD, POSTGRES_URL, sign_in
from tests.functional.submissions.factory import (
    CHILD_FIRST,
    CHILD_SURNAME,
    attach,
    complete_answers,
    make_draft,
    photo_with_exif,
    submit,
)
from tests.support import SmtpSink, csrf_token, free_port
from webapp.attachments.models import Attachment
from webapp.drafts.models import Draft
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.notifications.models import OutboxMessage
from webapp.submissions import services
from webapp.submissions.models import Submission, SubmissionVersion

REFERENCE = re.compile(r"^CP-\d{4}-\d{6}$")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_declaration_page_has_the_declaration_checkbox_button_and_dialog(signed_in, draft_id):
    response = signed_in.get(f"/drafts/{draft_id}/declaration")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Declaration &amp; Submit" in html
    assert "the information you have given is true and complete" in html
    assert 'name="declaration"' in html and "I confirm the declaration above" in html
    assert "Submit to Local Authority" in html
    # Without JS the button goes to the confirmation page; with JS submit.js opens the dialog instead.
    assert f'action="/drafts/{draft_id}/confirm"' in html and 'method="get"' in html
    assert '<dialog id="submit-dialog"' in html and 'aria-labelledby="submit-dialog-title"' in html
    assert "/js/submit.js" in html and "<script>" not in html
    assert response.headers["Cache-Control"] == "no-store"


def test_missing_answers_refuse_submit_with_links_to_the_sections(app, signed_in, user_id):
    answers = complete_answers()
    del answers["child"]
    answers["concerns"].pop("impact")
    with app.app_context():
        draft_id = make_draft(user_id, answers)
    html = signed_in.get(f"/drafts/{draft_id}/declaration").get_data(as_text=True)
    assert "You cannot submit this form yet" in html
    assert "<title>Error: Declaration & Submit – " in html, "the page shows an error summary (GOV.UK)"
    assert f'href="/drafts/{draft_id}/child#first_name"' in html
    assert f'href="/drafts/{draft_id}/concerns#impact"' in html
    assert "Submit to Local Authority" not in html

    response = submit(signed_in, draft_id)
    assert response.status_code == 422
    assert "You cannot submit this form yet" in response.get_data(as_text=True)
    assert signed_in.get(f"/drafts/{draft_id}/confirm?declaration=y").status_code == 422
    with app.test_request_context():
        assert count(Submission) == 0 and db.session.get(Draft, draft_id) is not None
        with pytest.raises(services.SubmitRefused) as refused:
            services.submit_draft(draft_id, user_id)
        assert [s.id for s, _f, _m in refused.value.missing][:1] == ["child"]


def test_declaration_must_be_confirmed(app, signed_in, draft_id):
    response = signed_in.get(f"/drafts/{draft_id}/confirm")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Select &#39;I confirm the declaration above&#39; to submit this form" in html
    assert 'href="#declaration"' in html
    assert submit(signed_in, draft_id, declaration=None).status_code == 422
    with app.app_context():
        assert count(Submission) == 0


def test_confirmation_page_without_javascript(signed_in, draft_id):
    response = signed_in.get(f"/drafts/{draft_id}/confirm?declaration=y")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Submit this form to the Local Authority?" in html
    assert f'method="post" action="/drafts/{draft_id}/submit"' in html
    assert ">Submit</button>" in html and 'name="csrf_token"' in html


def test_happy_path(app, signed_in, user_id, draft_id, smtp_sink):
    with app.app_context():
        attachment_id = attach(draft_id, user_id, "bruise.jpg", photo_with_exif())
    response = submit(signed_in, draft_id)
    assert response.status_code == 302
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        version = submission.latest
        assert REFERENCE.match(submission.reference)
        assert submission.status == "submitted" and submission.team == "social-care"
        assert submission.child_name == f"{CHILD_FIRST} {CHILD_SURNAME}"
        assert submission.form_id == "safeguarding-concern" and submission.user_id == user_id
        assert (version.number, version.form_version, version.idempotency_key) == (1, 1, draft_id)
        assert version.answers == complete_answers()
        assert db.session.get(Draft, draft_id) is None
        moved = db.session.get(Attachment, attachment_id)
        assert (moved.version_id, moved.draft_id) == (version.id, None)
        outbox = db.session.scalar(select(OutboxMessage))
        assert outbox.subject == "Confirmation of form submission" and outbox.sent_at is None
        reference = submission.reference
        assert response.headers["Location"] == f"/submitted/{submission.id}/thank-you?v=1"

        assert send_due() == 1
    message = smtp_sink.wait_for("teacher@example.com", "Confirmation of form submission")
    # Which form was sent, by its name and reference: it said only "a form", with nothing to tell a
    # safeguarding concern from an Early Help or LADO referral sent the same day. In the body only.
    assert (f"Form: Child/Young Person Safeguarding Concern\r\nReference number: {reference}\r\n"
            in message.body)
    assert message.subject == "Confirmation of form submission"
    assert ("Thank you for submitting a form to us via the Wigan Children's Services Portal."
            in message.body)
    assert "http://localhost/submitted" in message.body
    assert CHILD_FIRST not in message.body and CHILD_SURNAME not in message.body

    thanks = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "govuk-panel" in thanks and reference in thanks
    for text in ("Your information has been submitted to the Child Social Services Department.",
                 "We will contact you in the next few days in response. Please allow additional time for "
                 "weekends or bank holidays.", "Thank you for using this service."):
        assert text in thanks


def test_references_count_up(app, user_id):
    with app.test_request_context():
        first = services.submit_draft(make_draft(user_id), user_id)
        second = services.submit_draft(make_draft(user_id), user_id)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert first.reference[:8] == second.reference[:8]


def test_replayed_submit_makes_one_submission_and_shows_its_thank_you(app, signed_in, draft_id):
    token = csrf_token(signed_in.get(f"/drafts/{draft_id}/declaration").get_data(as_text=True))
    data = {"csrf_token": token, "declaration": "y"}
    first = signed_in.post(f"/drafts/{draft_id}/submit", data=data)
    second = signed_in.post(f"/drafts/{draft_id}/submit", data=data)  # the draft is gone: the key finds it
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    # The back button after submitting lands on Thank You too, not an error.
    back = signed_in.get(f"/drafts/{draft_id}/declaration")
    assert back.status_code == 302 and back.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert count(Submission) == 1 and count(SubmissionVersion) == 1 and count(OutboxMessage) == 1


def test_a_submitted_forms_old_sections_open_the_copy_that_was_sent(app, client, make_user, signed_in,
                                                                    draft_id):
    """Back to a section after submitting answered a bare "Page not found", as if the form were lost."""
    response = submit(signed_in, draft_id)
    submission_id = response.headers["Location"].split("/")[2]
    for path in (f"/drafts/{draft_id}/child", f"/drafts/{draft_id}/check"):
        back = signed_in.get(path)
        assert back.status_code == 302 and back.headers["Location"] == f"/submitted/{submission_id}", path
    page = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert "You have already submitted this form. This is the copy you sent." in page
    # Another account is told nothing: the address looks like no form at all.
    make_user(email="other@example.com")
    sign_in(client, "other@example.com", PASSWORD)
    assert client.get(f"/drafts/{draft_id}/child").status_code == 404


def test_another_account_cannot_see_or_submit_a_draft(app, client, make_user, draft_id):
    make_user(email="other@example.com")
    sign_in(client, "other@example.com", PASSWORD)
    assert client.get(f"/drafts/{draft_id}/declaration").status_code == 404
    assert client.get(f"/drafts/{draft_id}/confirm?declaration=y").status_code == 404
    assert submit(client, "0" * 32).status_code == 404
    with app.app_context():
        assert count(Submission) == 0


def test_declaration_needs_sign_in(client, draft_id):
    response = client.get(f"/drafts/{draft_id}/declaration")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.skipif(not POSTGRES_URL, reason="concurrent submits need PostgreSQL row locks "
                    "(SQLite serialises writers; set TEST_DATABASE_URL to run)")
def test_two_concurrent_submits_make_one_submission_on_postgresql(app, user_id):
    with app.app_context():
        draft_id = make_draft(user_id)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        with app.test_request_context():
            try:
                barrier.wait()
                results.append(services.submit_draft(draft_id, user_id))
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert len({r.submission_id for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False, True]
    with app.app_context():
        assert count(Submission) == 1 and count(SubmissionVersion) == 1 and count(OutboxMessage) == 1


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL for concurrent writers")
def test_concurrent_submits_of_different_drafts_get_different_references(app, user_id):
    with app.app_context():
        drafts = [make_draft(user_id) for _ in range(6)]
    results = []
    barrier = threading.Barrier(len(drafts))

    def run(draft_id):
        with app.test_request_context():
            barrier.wait()
            results.append(services.submit_draft(draft_id, user_id).reference)
            db.session.remove()

    threads = [threading.Thread(target=run, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(set(results)) == len(drafts)


def test_mail_server_down_submission_kept_and_email_sent_when_it_is_back(app_factory, make_user):
    port = free_port()  # nothing listens here yet
    app = app_factory(MAIL_PORT=port, PDF_RENDER_AFTER_SUBMIT=False)
    client = app.test_client()
    user_id = make_user()
    with app.app_context():
        draft_id = make_draft(user_id)
    sign_in(client)
    assert submit(client, draft_id).status_code == 302
    with app.app_context():
        assert count(Submission) == 1
        assert send_due() == 0
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == 1 and message.last_error and message.sent_at is None

    sink = SmtpSink(port=port).start()
    try:
        with time_machine.travel(timedelta(minutes=2)), app.app_context():
            assert send_due() == 1
        received = sink.wait_for("teacher@example.com", "Confirmation of form submission")
        assert "CP-" in received.body
    finally:
        sink.stop()


def test_a_draft_past_its_30_days_cannot_be_declared_or_submitted(app, signed_in, draft_id):
    """Recover a Form and the sections call a draft past its lifetime gone (the hourly purge has not
    removed it yet); the declaration and the submit said otherwise and sent it to the Local Authority."""
    token = csrf_token(signed_in.get(f"/drafts/{draft_id}/declaration").get_data(as_text=True))
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.expires_at = draft.saved_at - timedelta(minutes=1)
        db.session.commit()
    assert signed_in.get(f"/drafts/{draft_id}/check").status_code == 404
    assert signed_in.get(f"/drafts/{draft_id}/declaration").status_code == 404
    assert signed_in.get(f"/drafts/{draft_id}/confirm?declaration=y").status_code == 404
    response = signed_in.post(f"/drafts/{draft_id}/submit", data={"csrf_token": token, "declaration": "y"})
    assert response.status_code == 404
    with app.app_context():
        assert count(Submission) == 0 and count(OutboxMessage) == 0
        assert db.session.get(Draft, draft_id) is not None  # left for the purge, as any expired draft
