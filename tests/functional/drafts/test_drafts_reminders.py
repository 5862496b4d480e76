"""A saved form's owner is emailed a week before the purge deletes it (webapp/drafts/reminders.py).

Someone who saved a referral to finish later and was called away had no warning: thirty days after the
last save, what they had written about a child was gone. Drafts are aged here by moving their dates
back, as the purge's own tests do; the emails are read from the SMTP sink after the outbox sends them.
"""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select, update

from tests.conftest import sign_in
from tests.functional.drafts.conftest import CHILD, Runner
from tests.functional.drafts.test_drafts_returned import reopen_returned
from webapp.accounts.models import User
from webapp.clock import utcnow
from webapp.drafts.models import Draft
from webapp.drafts.reminders import SUBJECT, remind_of_expiring_drafts
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.scheduler.jobs import JOBS
from webapp.web.dates import uk_date


@pytest.fixture
def app(app_factory):
    return app_factory(PDF_RENDER_AFTER_SUBMIT=False)


def age(app, draft_id: str, days: float) -> None:
    """Move the draft's dates `days` into the past, as if it had been saved then."""
    shift = timedelta(days=days)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.created_at, draft.saved_at, draft.expires_at = (
            draft.created_at - shift, draft.saved_at - shift, draft.expires_at - shift)
        db.session.commit()


def run_job(app, now=None) -> int:
    with app.app_context():
        reminded = remind_of_expiring_drafts(now=now)
        send_due()
        return reminded


def expires_at(app, draft_id: str):
    with app.app_context():
        return db.session.scalar(select(Draft.expires_at).where(Draft.id == draft_id))


def saved_for_later(runner) -> str:
    draft_id = runner.start()
    response = runner.post(draft_id, "child", CHILD, action="save-later")
    assert response.status_code == 303
    return draft_id


def test_a_form_saved_for_later_is_reminded_of_a_week_before_it_is_deleted(app, runner, smtp_sink):
    draft_id = saved_for_later(runner)
    page = unescape(runner.client.get(f"/drafts/{draft_id}/saved").get_data(as_text=True))
    assert "After that it will be deleted. We will email you a reminder 7 days before." in page

    age(app, draft_id, 22)  # 8 days left: not yet
    assert run_job(app) == 0
    age(app, draft_id, 1.5)  # 6½ days left
    assert run_job(app) == 1

    [message] = smtp_sink.to("teacher@example.com")
    assert message.subject == "Your saved form will be deleted soon"
    deleted = expires_at(app, draft_id)
    with app.app_context():
        assert (f"You saved a form on the {app.config['SERVICE_NAME']} but have not submitted it yet. It "
                f"will be deleted on {uk_date(deleted)}") in message.body
        assert "Form: Child/Young Person Safeguarding Concern" in message.body
        assert "sign in and open Recover a Form in your account menu" in message.body
        assert f"{app.config['PORTAL_BASE_URL']}/drafts" in message.body
    # The child's name is in the draft's description, shown in Recover a Form: never in an email.
    assert "Sam" not in message.body and "Jones" not in message.body

    assert run_job(app) == 0  # once for each expiry
    assert len(smtp_sink.to("teacher@example.com")) == 1


def test_saving_again_gives_a_new_expiry_and_a_reminder_of_it_in_its_turn(app, runner, smtp_sink):
    draft_id = saved_for_later(runner)
    age(app, draft_id, 25)
    assert run_job(app) == 1
    assert runner.post(draft_id, "child", CHILD, action="save-later").status_code == 303
    assert run_job(app) == 0  # 30 days again
    assert run_job(app, now=utcnow() + timedelta(days=24)) == 1
    assert [m.subject for m in smtp_sink.to("teacher@example.com")] == [
        "Your saved form will be deleted soon"] * 2


def test_one_email_lists_every_form_of_an_account_and_each_account_gets_its_own(app, runner, other_runner,
                                                                                smtp_sink):
    mine = [saved_for_later(runner), saved_for_later(runner)]
    theirs = saved_for_later(other_runner)
    for draft_id in (*mine, theirs):
        age(app, draft_id, 25)
    assert run_job(app) == 3

    [message] = smtp_sink.to("teacher@example.com")
    assert message.subject == "Your saved forms will be deleted soon"
    assert (f"You saved 2 forms on the {app.config['SERVICE_NAME']} but have not submitted them yet."
            in message.body)
    assert message.body.count("Form: Child/Young Person Safeguarding Concern") == 2
    assert "To keep them, sign in" in message.body
    assert len(smtp_sink.to("other@example.com")) == 1


def test_a_form_never_saved_a_deleted_one_and_a_disabled_account_are_not_reminded(app, runner, smtp_sink):
    opened_only = runner.start()  # Next on the Overview, nothing saved: Recover a Form says "Not started"
    age(app, opened_only, 25)
    gone = saved_for_later(runner)
    age(app, gone, 31)  # past its expiry: the purge's, not a reminder's
    assert run_job(app) == 0

    draft_id = saved_for_later(runner)
    age(app, draft_id, 25)
    with app.app_context():  # flask disable-account: nobody can sign in to read the form
        db.session.execute(update(User).where(User.email == "teacher@example.com")
                           .values(disabled_at=utcnow()))
        db.session.commit()
    assert run_job(app) == 0
    assert smtp_sink.to("teacher@example.com") == []


def test_a_form_of_the_public_s_is_not_named_in_its_reminder(app, make_user, smtp_sink):
    """An email that comes unasked weeks later, saying "Worried about a child" to an inbox a family may
    share, could put the person who started the form at risk: they know what they saved."""
    make_user("neighbour@example.com", is_professional=False, role=None, organisation=None)
    client = app.test_client()
    sign_in(client, "neighbour@example.com")
    neighbour = Runner(client)
    draft_id = neighbour.start("public-concern")
    assert neighbour.post(draft_id, "child", {"first_name": "Sam"}, action="save-later").status_code == 303
    age(app, draft_id, 25)
    assert run_job(app) == 1
    [message] = smtp_sink.to("neighbour@example.com")
    assert message.subject == "Your saved form will be deleted soon"
    assert "Worried about a child" not in message.body and "Form:" not in message.body
    assert "Sam" not in message.body
    assert "Will be deleted: " in message.body and "open Recover a Form" in message.body


def test_a_returned_form_reopened_says_the_form_sent_stays(app, client, make_user, smtp_sink):
    """Deleting a reopened returned form deletes the changes, not the referral the council holds."""
    draft_id, _ = reopen_returned(app, client, make_user)
    age(app, draft_id, 25)
    assert run_job(app) == 1
    [message] = [m for m in smtp_sink.to("teacher@example.com") if m.subject == SUBJECT]
    assert ("(sent back to you for more information: what you have changed will be deleted, not the form you "
            "sent)") in message.body


def test_the_reminder_is_an_hourly_scheduled_job():
    scheduled = {job.run: job.every_seconds for job in JOBS}
    assert scheduled.get(remind_of_expiring_drafts) == 3600
