"""Where you are signed in, in Chromium with JavaScript on and off: a professional signed in on a phone
too finds it from My Account, and signs the phone out by keyboard after giving the password again."""

import re

import pytest
from playwright.sync_api import expect

from e2e.people import PASSWORD, make_professional, sign_in

pytestmark = pytest.mark.e2e

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")


def test_sign_out_of_another_device(journey_page, browser, live_server, check_a11y):
    page = journey_page
    email = make_professional(live_server.app)
    phone_context = browser.new_context(user_agent=IPHONE)
    try:
        phone = phone_context.new_page()
        phone.goto(f"{live_server.url}/sign-in?next=/account")
        sign_in(phone, email)
        expect(phone.get_by_role("heading", name="My Account")).to_be_visible()

        page.goto(f"{live_server.url}/sign-in?next=/account")
        sign_in(page, email)
        page.get_by_role("link", name="Where you are signed in").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
        expect(page.get_by_text("Your account is signed in on 2 devices")).to_be_visible()
        expect(page.get_by_text("This device")).to_be_visible()
        check_a11y(page, "where you are signed in")

        page.get_by_role("link", name=re.compile(r"^Sign out of Mobile Safari on iOS, signed in")).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Sign out of Mobile Safari on iOS")).to_be_visible()
        check_a11y(page, "sign out of a device")
        page.get_by_role("button", name="Sign out of this device").press("Enter")
        expect(page.get_by_role("link", name="Enter your password")).to_be_visible()
        check_a11y(page, "sign out of a device, no password")
        page.get_by_label("Your password").fill("not the password")
        page.get_by_label("Your password").press("Enter")
        expect(page.get_by_role("link", name="Your password is not correct")).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: "))

        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_label("Your password").press("Enter")
        expect(page.get_by_text("You have signed out of Mobile Safari on iOS.")).to_be_visible()
        expect(page.get_by_text("Your account is signed in on this device only")).to_be_visible()
        check_a11y(page, "signed out of a device")

        phone.reload()
        expect(phone.get_by_role("heading", name="Secure login")).to_be_visible()
        page.reload()
        expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    finally:
        phone_context.close()
