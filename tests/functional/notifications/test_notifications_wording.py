"""The portal's emails read as their recipient reads them: what happened, and what to do next, in the
portal's own words."""

import re

from tests.conftest import PASSWORD, post_form, sign_in


def heading(response) -> str:
    return re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', response.get_data(as_text=True)).group(1)


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
