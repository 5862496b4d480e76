"""The submitter's side of the further-information loop: reopen a returned form, resubmit as version 2."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import PASSWORD, sign_in
from tests.functional.submissions.factory import (
    attach,
    make_draft,
    photo_with_exif,
    return_for_information,
    submit,
)
from tests.support import at_the_same_moment, csrf_token
from webapp import formdefs
from webapp.attachments.models import Attachment
from webapp.drafts.models import Draft
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.submissions import services
from webapp.submissions.models import ReturnRequest, Submission, SubmissionVersion


def reopen(client, submission_id):
    page = client.get("/submitted").get_data(as_text=True)
    from tests.support import csrf_token

    return client.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(page)})


def returned_submission(app, client, user_id):
    with app.app_context():
        draft_id = make_draft(user_id)
        attach(draft_id, user_id, "photo.jpg", photo_with_exif())
    assert submit(client, draft_id).status_code == 302
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    return_for_information(app, submission_id, reason="insufficient_detail")
    return submission_id


def test_reopen_makes_a_draft_of_the_latest_answers_and_opens_the_section_asked(app, signed_in, user_id):
    submission_id = returned_submission(app, signed_in, user_id)
    response = reopen(signed_in, submission_id)
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        version = db.session.scalar(select(SubmissionVersion))
        assert response.headers["Location"] == f"/drafts/{draft.id}/concerns"
        assert draft.resubmission_of == submission_id and draft.user_id == user_id
        assert (draft.form_id, draft.form_version) == ("safeguarding-concern", 1)
        assert draft.answers == version.answers
        # Every section of a form that was sent complete reads Completed, the Overview too ("Not started").
        definition = formdefs.load_catalogue().get("safeguarding-concern", 1)
        shown = [s.id for s in definition.sections if s.kind != "declaration"]
        assert [draft.section_status.get(section_id) for section_id in shown] == ["completed"] * len(shown)
        copies = db.session.scalars(select(Attachment).where(Attachment.draft_id == draft.id)).all()
        originals = db.session.scalars(select(Attachment).where(Attachment.version_id == version.id)).all()
        assert [c.display_name for c in copies] == ["photo.jpg"] and len(originals) == 1
        assert copies[0].data == originals[0].data and copies[0].id != originals[0].id

        notice = services.return_notice_for_draft(draft)
        assert notice["reason"] == "Insufficient detail"
        assert notice["comments"] == "Please tell us more about the bruising."
        assert notice["sections"] == [{"id": "concerns", "title": "Concerns",
                                       "href": f"/drafts/{draft.id}/concerns"}]
        assert notice["to_check"] == notice["sections"]
        assert notice["previous_pdf_url"] == f"/submitted/{submission_id}/v1.pdf"
        draft_id = draft.id
    # Opening it again reuses the same draft.
    assert reopen(signed_in, submission_id).headers["Location"] == f"/drafts/{draft_id}/concerns"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
    # The declaration page shows what was asked for.
    html = signed_in.get(f"/drafts/{draft_id}/declaration").get_data(as_text=True)
    assert 'id="return-notice"' in html and "Insufficient detail" in html


def test_resubmit_creates_version_two_under_the_same_reference(app, signed_in, user_id, smtp_sink):
    submission_id = returned_submission(app, signed_in, user_id)
    reopen(signed_in, submission_id)
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        answers = dict(draft.answers)
        answers["concerns"] = {**answers["concerns"], "impact": "He has now missed six days."}
        draft.answers = answers
        db.session.commit()
        draft_id = draft.id
        reference = db.session.get(Submission, submission_id).reference
        send_due()
    smtp_sink.clear()
    response = submit(signed_in, draft_id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/submitted/{submission_id}/thank-you?v=2"
    thanks = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{reference}-v2" in thanks
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission.status == "resubmitted"
        assert [v.number for v in submission.versions] == [1, 2]
        assert submission.versions[1].answers["concerns"]["impact"] == "He has now missed six days."
        assert submission.versions[0].answers["concerns"]["impact"] != "He has now missed six days."
        assert db.session.scalar(select(ReturnRequest)).resolved_at is not None
        assert db.session.get(Draft, draft_id) is None
        assert len(db.session.scalars(select(Attachment).where(
            Attachment.version_id == submission.versions[1].id)).all()) == 1
        assert send_due() == 1
    message = smtp_sink.wait_for("teacher@example.com", "Confirmation of form submission")
    assert f"{reference}-v2" in message.body and "Jordan" not in message.body
    assert (f"Form: Child/Young Person Safeguarding Concern\r\nReference number: {reference}-v2\r\n"
            in message.body)
    html = signed_in.get("/submitted").get_data(as_text=True)
    assert "Forms requesting more information" not in html and f"{reference}-v2" in html
    assert signed_in.get(f"/submitted/{submission_id}/v1.pdf").status_code == 302  # not rendered here


def test_a_resubmitted_form_s_page_leads_to_what_was_sent_before(app, signed_in, user_id):
    """Submitted Forms lists a form once, at its latest version: once it was resubmitted, the first
    version (and its PDF, the "Previous Form") could not be reached. Its page now lists each version,
    with when it was sent, and the one shown."""
    submission_id = returned_submission(app, signed_in, user_id)
    reopen(signed_in, submission_id)
    with app.app_context():
        draft_id = db.session.scalar(select(Draft.id))
        reference = db.session.get(Submission, submission_id).reference
    assert submit(signed_in, draft_id).status_code == 302
    latest = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    versions = latest.split('id="versions-heading"', 1)[1].split("</ul>", 1)[0]
    assert f"<strong>{reference}-v2</strong>, sent " in versions and "(shown on this page)" in versions
    assert f'<a class="govuk-link" href="/submitted/{submission_id}?v=1">{reference}</a>, sent ' in versions
    assert versions.index(f"{reference}-v2") < versions.index("?v=1")
    first = signed_in.get(f"/submitted/{submission_id}?v=1").get_data(as_text=True)
    assert f"<strong>{reference}</strong>, sent " in first
    assert f'href="/submitted/{submission_id}?v=2">{reference}-v2</a>' in first


def test_only_returned_forms_of_your_own_can_be_reopened(app, signed_in, make_user, draft_id):
    assert submit(signed_in, draft_id).status_code == 302
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    assert reopen(signed_in, submission_id).status_code == 404  # not returned
    return_for_information(app, submission_id)
    other = app.test_client()
    make_user(email="other@example.com")
    sign_in(other, "other@example.com", PASSWORD)
    assert reopen(other, submission_id).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_reopen_sent_twice_at_the_same_moment_makes_one_draft(app, signed_in, user_id, monkeypatch):
    """A double-click on "Make changes" without JavaScript: both requests found no draft for the
    returned form and each made one, so the form could be changed in two places."""
    submission_id = returned_submission(app, signed_in, user_id)
    token = csrf_token(signed_in.get("/submitted").get_data(as_text=True))
    responses = at_the_same_moment(monkeypatch, formdefs, "is_section_complete", [
        lambda: signed_in.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": token})
        for _ in range(2)])
    with app.app_context():
        draft_id = db.session.scalar(select(Draft.id))
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
    locations = [response.headers.get("Location") for response in responses]
    assert locations == [f"/drafts/{draft_id}/concerns"] * 2


def test_reopening_after_the_reopened_draft_expired_starts_again_from_the_form_sent(app, signed_in, user_id):
    """A returned form reopened and then left for 30 days: its draft is past its lifetime but the
    hourly purge has not removed it yet. Reopening handed back that draft, whose every section is
    404, and the one-draft-per-form rule stopped a new one: the form could not be answered until the
    purge ran. It now starts again from the answers last sent, as after the purge."""
    submission_id = returned_submission(app, signed_in, user_id)
    old_id = reopen(signed_in, submission_id).headers["Location"].split("/")[2]
    with app.app_context():
        old = db.session.get(Draft, old_id)
        old.answers = {**old.answers, "concerns": {**old.answers["concerns"], "impact": "Typed long ago"}}
        old.expires_at = old.saved_at - timedelta(minutes=1)
        db.session.commit()
    response = reopen(signed_in, submission_id)
    assert response.status_code == 302
    assert signed_in.get(response.headers["Location"]).status_code == 200
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        version = db.session.scalar(select(SubmissionVersion))
        assert draft.id != old_id and db.session.get(Draft, old_id) is None
        assert draft.answers == version.answers and draft.resubmission_of == submission_id
        copies = db.session.scalars(select(Attachment).where(Attachment.draft_id.is_not(None))).all()
        assert [c.draft_id for c in copies] == [draft.id]  # the old draft's file copy went with it


def test_a_reopened_form_is_named_by_its_child_in_recover_a_form(app, signed_in, user_id):
    """Every other saved form reads "<form> – <child>" there; a reopened one read only the form's
    title, so two returned forms of one kind could not be told apart."""
    submission_id = returned_submission(app, signed_in, user_id)
    reopen(signed_in, submission_id)
    html = signed_in.get("/drafts").get_data(as_text=True)
    assert "Child/Young Person Safeguarding Concern – Jordan Ellison-Hart" in html
