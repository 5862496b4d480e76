"""The page of a sent form is as complete a record as its PDF: the declaration its submitter agreed to (in
the words of the form version they answered) and when, the team that received it and, for a version sent
in answer to a request for more information, which request it answers and what that asked; the PDF of
such a version says so too."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import PASSWORD, sign_in
from tests.functional.submissions.factory import (
    add_reworded_declaration_version,
    make_draft,
    return_for_information,
    submit,
)
from tests.functional.submissions.test_submissions_pdf import SAFEGUARDING_DECLARATION, normalise, pdf_text
from tests.support import csrf_token
from webapp.clock import utcnow
from webapp.drafts.models import Draft
from webapp.extensions import db
from webapp.submissions import rendering, services
from webapp.submissions.models import ReturnRequest, Submission, SubmissionVersion

SENT_AT = datetime(2026, 7, 1, 16, 5, tzinfo=UTC)  # 5:05pm in London
RETURNED_AT = datetime(2026, 7, 3, 9, 30, tzinfo=UTC)  # 10:30am
RESENT_AT = datetime(2026, 7, 6, 13, 0, tzinfo=UTC)  # 2:00pm
READ_AT = datetime(2026, 7, 7, 9, 0, tzinfo=UTC)  # within the days the submitter may read the form
COMMENTS = "Has Jordan seen a GP?\n<b>Also</b> confirm the surname."
ANSWERED = "In answer to a request for more information"


@pytest.fixture(autouse=True)
def _a_week_in_july_2026():
    """Each test happens that week, each step at its own moment, so the page says known times."""
    with time_machine.travel(READ_AT, tick=False):
        yield


def text_of(html: str) -> str:
    """What a reader reads: tags dropped, entities read, whitespace as single spaces (none before a full
    stop that follows a link)."""
    return re.sub(r" ([.,])", r"\1", " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()))


def declared_part(html: str) -> str:
    assert 'id="declaration"' in html
    return text_of(html.split('id="declaration"', 1)[1].split("</main>", 1)[0])


def sent(app, client, user_id, at=SENT_AT, **draft_fields) -> str:
    with app.app_context():
        draft_id = make_draft(user_id, **draft_fields)
    with time_machine.travel(at, tick=False):
        assert submit(client, draft_id).status_code == 302
    with app.app_context():
        return db.session.scalar(select(SubmissionVersion.submission_id)
                                 .where(SubmissionVersion.idempotency_key == draft_id))


def resent(app, client, submission_id, at=RESENT_AT) -> None:
    """The submitter opens the returned form from its page, and sends the copy unchanged."""
    page = client.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert client.post(f"/submitted/{submission_id}/reopen",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    with app.app_context():
        draft_id = db.session.scalar(select(Draft.id).where(Draft.resubmission_of == submission_id))
    with time_machine.travel(at, tick=False):
        assert submit(client, draft_id).status_code == 302


def returned_and_resent(app, client, user_id) -> tuple[str, str]:
    """A form sent, returned for more information (two sections asked about) and sent again: its id and
    first reference."""
    submission_id = sent(app, client, user_id)
    with time_machine.travel(RETURNED_AT, tick=False):
        return_for_information(app, submission_id, reason="insufficient_detail", comments=COMMENTS,
                               sections=("concerns", "supporting-documentation"))
    resent(app, client, submission_id)
    with app.app_context():
        return submission_id, db.session.get(Submission, submission_id).reference


# --- The declaration and the team ----------------------------------------------------------------------

def test_the_page_of_a_sent_form_gives_the_declaration_agreed_when_and_the_team(app, signed_in, user_id):
    """The PDF said what the submitter had confirmed on Declaration & Submit, and when, and to which team
    the form went; the submitter's page of the form said none of it."""
    submission_id = sent(app, signed_in, user_id)
    html = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    # Named as the council's user guide names the team ("a Children First Partnership Hub referral").
    assert "Submitted 1 July 2026 at 5:05pm Sent to Children First Partnership Hub Status" in text_of(html)
    declared = declared_part(html)
    assert ("You agreed to this declaration on 1 July 2026 at 5:05pm, when the form was submitted, by "
            "selecting “I confirm the declaration above”.") in declared
    for words in SAFEGUARDING_DECLARATION:
        assert words in declared, words
    # Advice on the Declaration & Submit page is not something agreed to.
    assert "If a child is in immediate danger" not in declared
    # The words are those the PDF prints: one function gives both.
    with app.app_context():
        version = db.session.scalar(select(SubmissionVersion))
        words = rendering.version_declaration(version)
        assert rendering.pdf_context(version)["declaration"] == words
        assert rendering.pdf_context(version)["team_name"] == "Children First Partnership Hub"
    for block in words:
        for said in [block["text"], *block["items"]]:
            assert said in declared, said


def test_the_page_gives_the_declaration_of_the_form_version_answered(app, signed_in, user_id):
    """A reworded declaration is a new form version: a referral made on the old one shows, on its page as
    in its PDF, the words its submitter saw."""
    add_reworded_declaration_version(app)
    old = sent(app, signed_in, user_id, form_version=1)
    new = sent(app, signed_in, user_id, form_version=2)
    old_words = declared_part(signed_in.get(f"/submitted/{old}").get_data(as_text=True))
    new_words = declared_part(signed_in.get(f"/submitted/{new}").get_data(as_text=True))
    assert SAFEGUARDING_DECLARATION[1] in old_words and "reworded" not in old_words
    assert "I promise this is all true, reworded." in new_words
    assert SAFEGUARDING_DECLARATION[1] not in new_words


# --- What a resubmission answers -------------------------------------------------------------------------

def test_a_resubmission_s_page_says_which_request_it_answers_and_what_was_asked(app, signed_in, user_id):
    """A -v2 sent in answer to "Insufficient detail" read like any other version: what it answered was on
    the form's page only while the form waited, and gone once it was sent."""
    submission_id, reference = returned_and_resent(app, signed_in, user_id)
    html = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert f"<span class=\"govuk-caption-l\">{reference}-v2</span>" in html
    assert 'id="answered-request"' in html
    answered = html.split('id="answered-request"', 1)[1].split("</dl>", 1)[0]
    said = text_of(answered)
    assert (f"This version answers the Local Authority's request for more information of 3 July 2026 at "
            f"10:30am about the earlier version, {reference}.") in said
    assert f'<a class="govuk-link" href="/submitted/{submission_id}?v=1">{reference}</a>' in answered
    assert "Reason Insufficient detail" in said
    # The caseworker's comments keep their lines, and their markup is text.
    assert "Has Jordan seen a GP?<br>&lt;b&gt;Also&lt;/b&gt; confirm the surname." in answered
    assert "Sections to check Concerns Supporting Documentation" in said
    # Near the top: before the answers.
    assert html.index('id="answered-request"') < html.index("Professional&#39;s Details")
    # The version it answers says nothing of the kind, and it has its own declaration, as sent.
    first = signed_in.get(f"/submitted/{submission_id}?v=1").get_data(as_text=True)
    assert ANSWERED not in first and 'id="answered-request"' not in first
    assert "You agreed to this declaration on 6 July 2026 at 2:00pm" in declared_part(html)
    assert "You agreed to this declaration on 1 July 2026 at 5:05pm" in declared_part(first)


def test_a_resubmission_s_pdf_says_which_request_it_answers_near_the_top(app, signed_in, user_id):
    submission_id, reference = returned_and_resent(app, signed_in, user_id)
    with app.app_context():
        assert rendering.render_pending_pdfs() == 2
    second = signed_in.get(f"/submitted/{submission_id}/v2.pdf")
    assert second.status_code == 200
    text = pdf_text(second.data)
    answered = normalise(f"{ANSWERED} This version answers the Local Authority’s request for more "
                         f"information of 3 July 2026 at 10:30am about the earlier version, {reference}.")
    assert answered in text
    asked = normalise("What was asked Reason Insufficient detail Comments Has Jordan seen a GP? <b>Also</b> "
                      f"confirm the surname. Sections to check Concerns Supporting Documentation "
                      f"Earlier version {reference}")
    assert asked in text
    # Before the answers, after the submission details.
    assert (text.index(normalise("Sent to Children First Partnership Hub")) < text.index(answered)
            < text.index(normalise("Professional's Details")))
    first = pdf_text(signed_in.get(f"/submitted/{submission_id}/v1.pdf").data)
    assert normalise(ANSWERED) not in first and normalise("What was asked") not in first


def test_a_copy_sent_after_a_response_closed_the_request_answers_nothing(app, signed_in, user_id):
    """A request closed by a response (the information came by phone) was not answered by the copy sent
    afterwards: that version does not claim to answer it."""
    submission_id = sent(app, signed_in, user_id)
    with time_machine.travel(RETURNED_AT, tick=False):
        return_for_information(app, submission_id)
    page = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert signed_in.post(f"/submitted/{submission_id}/reopen",
                          data={"csrf_token": csrf_token(page)}).status_code == 302
    with app.app_context(), time_machine.travel(RESENT_AT, tick=False):
        submission = db.session.get(Submission, submission_id)
        submission.status, submission.response_text = "responded", "Thank you, we spoke by phone."
        submission.responded_at = utcnow()
        db.session.scalar(select(ReturnRequest)).resolved_at = utcnow()
        db.session.commit()
        draft_id = db.session.scalar(select(Draft.id))
    assert submit(signed_in, draft_id).status_code == 302  # the next day (READ_AT)
    html = signed_in.get(f"/submitted/{submission_id}?v=2").get_data(as_text=True)
    assert "(shown on this page)" in html and 'id="answered-request"' not in html
    with app.app_context():
        version = db.session.scalar(select(SubmissionVersion).where(SubmissionVersion.number == 2))
        assert services.request_answered_by(version) is None
        assert rendering.pdf_context(version)["answers_request"] is None


def test_another_account_gets_404_for_a_resubmission_s_page_and_pdf(app, signed_in, user_id, make_user):
    submission_id, _ = returned_and_resent(app, signed_in, user_id)
    with app.app_context():
        assert rendering.render_pending_pdfs() == 2
    assert signed_in.get(f"/submitted/{submission_id}/v2.pdf").status_code == 200
    other = app.test_client()
    make_user(email="other@example.com")
    sign_in(other, "other@example.com", PASSWORD)
    for url in (f"/submitted/{submission_id}", f"/submitted/{submission_id}?v=2",
                f"/submitted/{submission_id}?v=1", f"/submitted/{submission_id}/v2.pdf",
                f"/submitted/{submission_id}/v1.pdf"):
        response = other.get(url)
        assert response.status_code == 404, url
        assert COMMENTS.splitlines()[0] not in response.get_data(as_text=True), url
