"""The portal's emails read as their recipient reads them: what happened, and what to do next, in the
portal's own words."""

import re

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.submissions.factory import CHILD_FIRST, make_draft, submit
from webapp.notifications.email import send_due


def heading(response) -> str:
    return re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', response.get_data(as_text=True)).group(1)


def confirmation_email(app, client, make_user, smtp_sink) -> str:
    """The body of the confirmation a professional is sent for a form they have just submitted."""
    user_id = make_user()
    sign_in(client)
    with app.app_context():
        draft_id = make_draft(user_id)
    assert submit(client, draft_id).status_code == 302
    with app.app_context():
        assert send_due() == 1
    return smtp_sink.wait_for("teacher@example.com", "Confirmation of form submission").body


def test_a_code_email_says_which_page_to_enter_the_code_on(app, client, make_user, smtp_sink):
    """The registration email said where its code goes; the reset-password and change-email ones gave a
    bare code, leaving the reader to work out what to do with it and that nothing happens until they
    do. Each now names the page that asks for it, as that page's heading says it."""
    make_user()
    post_form(client, "/forgotten-password", {"email": "teacher@example.com"})
    reset = smtp_sink.wait_for("teacher@example.com", "Your password reset code").body
    assert heading(client.get("/forgotten-password/code")) == "Reset your password"
    assert ("Enter this code on the 'Reset your password' page to choose a new password. "
            "It lasts 15 minutes.") in reset
    assert "If this was not you, you can ignore this email: your password has not changed." in reset

    changing = app.test_client()
    sign_in(changing)
    post_form(changing, "/account/email", {"email": "new@example.com", "password": PASSWORD})
    change = smtp_sink.wait_for("new@example.com", "Please verify your new email address").body
    assert heading(changing.get("/account/email/code")) == "Check your new email address"
    assert ("Enter this code on the 'Check your new email address' page to confirm this address. It lasts "
            "15 minutes. Until you enter it, we will keep using your old email address.") in change


def test_the_confirmation_says_to_call_999_if_a_child_is_in_danger(app_factory, make_user, smtp_sink):
    """The confirmation told someone who had just reported a concern about a child only that we would
    contact them "in the next few days". Every page of the portal says to call 999 if a child is in
    immediate danger; the email they keep while they wait now says so too."""
    app = app_factory(PDF_RENDER_AFTER_SUBMIT=False)
    client = app.test_client()
    body = confirmation_email(app, client, make_user, smtp_sink)
    assert ("We will contact you in the next few days in response. Please allow additional time for "
            "weekends or bank holidays.\r\n\r\nIf a child is in immediate danger, call 999: do not wait "
            "for us to contact you.\r\n") in body
    assert "If a child is in immediate danger, call 999." in client.get("/").get_data(as_text=True)
    assert CHILD_FIRST not in body


def test_the_email_changed_notice_gives_its_sign_in_link_to_the_person_who_made_the_change(
        app, client, make_user, smtp_sink):
    """The notice to the old address ended with 'You can sign in ... at <link>', straight after telling
    someone who had not made the change to contact us: read as their next step, it sent them to sign in
    with an address that no longer signs in. The link now belongs to the person who made the change and
    says to use the new address; the other reader is told why they cannot sign in or reset."""
    make_user()
    sign_in(client)
    post_form(client, "/account/email", {"email": "new@example.com", "password": PASSWORD})
    code = smtp_sink.wait_for("new@example.com", "Please verify your new email address").code()
    assert post_form(client, "/account/email/code", {"code": code}).status_code == 302
    with app.app_context():
        assert send_due() == 1
    paragraphs = smtp_sink.wait_for("teacher@example.com", "Your email address has been changed").body.split(
        "\r\n\r\n")
    made_it = next(p for p in paragraphs if p.startswith("If you made this change"))
    did_not = next(p for p in paragraphs if p.startswith("If you did not make this change"))
    assert made_it.endswith("Sign in to the Wigan Children's Services Portal with your new email address "
                            "from now on: http://localhost/sign-in")
    assert "you can no longer sign in with this address" in did_not and "/sign-in" not in did_not
    assert sum("/sign-in" in p for p in paragraphs) == 1
    # What the notice says of the old address is so.
    old_address = app.test_client()
    assert post_form(old_address, "/sign-in", {"email": "teacher@example.com",
                                               "password": PASSWORD}).status_code == 422


def test_the_periods_people_are_told_are_the_ones_the_portal_keeps_to(app_factory, make_user, smtp_sink):
    """The confirmation email, the home, privacy and terms pages said "30 days" as fixed text, beside
    settings that decide how long a draft is kept and how long a sent form can be seen: a council that
    changed either would have told families one thing and done another."""
    app = app_factory(PDF_RENDER_AFTER_SUBMIT=False, DRAFT_LIFETIME_DAYS=28, SUBMITTER_VIEW_DAYS=14,
                      DRAFT_REMINDER_DAYS=5)
    client = app.test_client()
    assert "saved forms are kept for 28 days" in client.get("/").get_data(as_text=True)
    privacy = " ".join(client.get("/privacy").get_data(as_text=True).split())
    assert "deleted automatically 28 days after you last saved them, with any documents attached; we email " \
           "you 5 days before" in privacy
    assert "you can see forms you have submitted for 14 days;" in privacy
    body = confirmation_email(app, client, make_user, smtp_sink)
    assert "You can view the forms you have submitted in the last 14 days by signing in" in body
