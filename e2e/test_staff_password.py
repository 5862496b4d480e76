"""A caseworker changes their own password in the back office, in Chromium with JavaScript on and off,
by keyboard alone: the account menu, the page's boxes found by their labels, a wrong current password
put right from the error summary, and the queue's success banner. axe-core checks each state; another
browser the caseworker was signed in on is signed out, and the new password is the one that signs in."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from webapp.accounts import services as accounts
from webapp.extensions import db

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"


def type_into(page, label: str, value: str) -> None:
    """Focus the box by its label and type, as a keyboard user does (no mouse, no fill)."""
    box = page.get_by_label(label, exact=True)
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(value)


def sign_in_by_keyboard(page, base: str, e2e_sink, email: str, password: str = PASSWORD) -> None:
    e2e_sink.clear()
    page.goto(base + "/la/sign-in")
    type_into(page, "Email address", email)
    type_into(page, "Password", password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    type_into(page, "Sign-in code", e2e_sink.wait_for(email, "Your sign-in code").code())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Submissions")).to_be_visible()


def tab_to_link(page, name: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached the link {name!r}")


def test_a_caseworker_changes_their_password_by_keyboard(journey_page, js_mode, browser, live_server,
                                                        e2e_sink, check_a11y):
    page = journey_page
    with live_server.app.app_context():
        email = accounts.create_staff(f"caseworker-{secrets.token_hex(4)}@council.example", "social-care",
                                      PASSWORD, first_name="Sam", surname="Carter").email
        db.session.remove()
    laptop_context = browser.new_context()
    try:
        laptop = laptop_context.new_page()
        sign_in_by_keyboard(laptop, live_server.url, e2e_sink, email)
        sign_in_by_keyboard(page, live_server.url, e2e_sink, email)

        # The account menu (a <details>: it opens by keyboard with or without JavaScript).
        page.locator("summary", has_text="Account menu for").focus()
        page.keyboard.press("Enter")
        expect(page.locator("details.app-account-menu")).to_have_attribute("open", "")
        tab_to_link(page, "Change your password")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
        expect(page).to_have_url(live_server.url + "/la/password")
        expect(page).to_have_title(re.compile(r"^Change your password – "))
        check_a11y(page, "back office change your password")

        # A wrong current password: said in the error summary, and its link leads to the box.
        type_into(page, "Current password", "not my password")
        type_into(page, "New password", NEW_PASSWORD)
        type_into(page, "Confirm new password", NEW_PASSWORD)
        page.keyboard.press("Enter")
        summary_link = page.locator(".govuk-error-summary").get_by_role(
            "link", name="Your current password is not correct")
        expect(summary_link).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: Change your password – "))
        expect(page.get_by_text("Error: Your current password is not correct")).to_be_visible()
        check_a11y(page, "back office change your password, wrong current password")
        if js_mode == "js":
            expect(page.locator(".govuk-error-summary")).to_be_focused()  # GOV.UK Frontend moves focus
        summary_link.focus()
        page.keyboard.press("Enter")
        if js_mode == "js":
            expect(page.get_by_label("Current password", exact=True)).to_be_focused()

        # A new password the rules refuse, then one they take.
        type_into(page, "Current password", PASSWORD)
        type_into(page, "New password", "short")
        type_into(page, "Confirm new password", "short")
        page.keyboard.press("Enter")
        expect(page.locator(".govuk-error-summary").get_by_role(
            "link", name="New password must be 8 characters or more")).to_be_visible()
        type_into(page, "Current password", PASSWORD)
        type_into(page, "New password", NEW_PASSWORD)
        type_into(page, "Confirm new password", NEW_PASSWORD)
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", name="Submissions")).to_be_visible()
        expect(page).to_have_url(live_server.url + "/la/queue")
        expect(page.get_by_text("Your password has been changed. You have been signed out everywhere else.")
               ).to_be_visible()
        check_a11y(page, "back office queue after changing the password")

        laptop.reload()
        expect(laptop.get_by_role("heading", name="Back office sign in")).to_be_visible()
        sign_in_by_keyboard(laptop, live_server.url, e2e_sink, email, NEW_PASSWORD)
    finally:
        laptop_context.close()
