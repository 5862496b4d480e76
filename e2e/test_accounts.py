"""Seed Section 1 in Chromium, as a person would: register, verify, accept the terms, sign out and in,
update the account, reset a forgotten password. Each journey runs with JavaScript on and off, and
every page visited is checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"

pytestmark = pytest.mark.e2e


def open_account_menu(page, name):
    """The account menu is a <details> disclosure: it opens with or without JavaScript."""
    menu = page.locator("details.app-account-menu")
    if menu.get_attribute("open") is None:
        page.locator("summary", has_text=name).click()
    expect(menu).to_have_attribute("open", "")
    return menu


def register(page, live_server, e2e_sink, check_a11y, email, first_name="Jo"):
    page.goto(live_server.url + "/")
    check_a11y(page)
    page.get_by_role("link", name="My Account").click()
    expect(page.get_by_role("heading", name="Secure login")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Register for new account").click()

    expect(page.get_by_role("heading", name="Register a new account")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Next").click()  # nothing filled in: errors first
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Title (optional)").fill("Ms")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Surname").fill("Bloggs")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("Role").fill("Health visitor")
    page.get_by_label("Organisation").fill("NHS")
    check_a11y(page)
    page.get_by_label("Street").fill("1 High Street")
    page.get_by_label("Town or city").fill("Wigan")
    page.get_by_label("Postcode").fill("wn11aa")
    page.get_by_label("Phone number (optional)").fill("+44 (0)1942 244991")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile("Password")).fill(PASSWORD)  # not "Confirm password"
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("Step 3 of 3")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Cancel", exact=True).click()  # asks first; "No" keeps everything
    expect(page.get_by_role("heading", name="Are you sure you want to cancel registering?")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="No, go back to registering").click()
    expect(page.get_by_text("Step 3 of 3")).to_be_visible()
    code = e2e_sink.wait_for(email, "Please verify your email address").code()
    page.get_by_label("Code").fill(f"{code[:4]} {code[4:]}")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Terms and Conditions")).to_be_visible()
    check_a11y(page)
    page.get_by_label("I agree to these Terms and Conditions").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Registration complete. You are now signed in.")).to_be_visible()
    check_a11y(page)


def sign_out(page, check_a11y, name="Jo Bloggs"):
    open_account_menu(page, name)
    check_a11y(page, "account menu open")
    page.get_by_role("button", name="Logout").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("link", name="My Account")).to_be_visible()
    check_a11y(page)


def sign_in(page, check_a11y, email, password=PASSWORD):
    page.get_by_role("link", name="My Account").click()
    check_a11y(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("summary", has_text="Bloggs")).to_be_visible()
    check_a11y(page)


def test_register_sign_out_sign_in_update_and_reset(journey_page, js_mode, live_server, e2e_sink, check_a11y):
    page = journey_page
    email = f"jo-{js_mode}@example.com"
    register(page, live_server, e2e_sink, check_a11y, email)
    sign_out(page, check_a11y)

    # Wrong passwords first: one message, at the field and in the summary; the third warns of the lock.
    page.get_by_role("link", name="My Account").click()
    for _ in range(3):
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill("not my password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("If you enter the wrong email address or password 2 more times")).to_be_visible()
    check_a11y(page)
    sign_in(page, check_a11y, email)

    # Update Account from the account menu.
    open_account_menu(page, "Jo Bloggs")
    page.get_by_role("link", name="Update Account").click()
    expect(page.get_by_role("heading", name="Update Account")).to_be_visible()
    expect(page.get_by_label("Postcode")).to_have_value("WN1 1AA")
    check_a11y(page)
    page.get_by_label("First name").fill("Joanna")
    page.get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your details have been updated.")).to_be_visible()
    expect(page.get_by_role("heading", name="My Account")).to_be_visible()
    expect(page.get_by_text("Joanna Bloggs").first).to_be_visible()
    check_a11y(page)
    sign_out(page, check_a11y, "Joanna Bloggs")

    # Forgotten password.
    page.get_by_role("link", name="My Account").click()
    page.get_by_role("link", name="Forgotten your password?").click()
    check_a11y(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send code").click()
    check_a11y(page)
    code = e2e_sink.wait_for(email, "Your password reset code").code()
    page.get_by_label("Code").fill(code)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed. Sign in with your new password.")).to_be_visible(
    )
    check_a11y(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("summary", has_text="Joanna Bloggs")).to_be_visible()
    check_a11y(page)


def tab_to(page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_browser_s_back_from_step_2_of_registration_shows_step_1_filled_in(page, live_server):
    """Back from step 2 went straight on to step 2 again (the address of step 1 sent the person on to the
    step reached), so a mistake in step 1 could be put right only by the page's own Back link."""
    page.goto(live_server.url + "/sign-in")
    page.get_by_role("button", name="Register for new account").click()
    expect(page.get_by_role("heading", name="Register a new account")).to_be_visible()
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Surname").fill("Bloggs")
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Street").fill("1 High Street")
    page.get_by_label("Town or city").fill("Wigan")
    page.get_by_label("Postcode").fill("WN1 1AA")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", name="Register a new account")).to_be_visible()
    expect(page.get_by_label("Surname")).to_have_value("Bloggs")
    page.get_by_label("Surname").fill("Bloggs-Smith")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()


def test_registration_step1_keyboard_only(page, live_server, check_a11y):
    page.goto(live_server.url + "/register")
    check_a11y(page)
    for field_id, value in [("first_name", "Kim"), ("surname", "Keys")]:
        tab_to(page, field_id)
        page.keyboard.type(value)
    tab_to(page, "is_professional")
    page.keyboard.press("Space")  # "Yes" reveals role and organisation, next in the tab order
    expect(page.get_by_label("Role")).to_be_visible()
    for field_id, value in [("role", "Teacher"), ("organisation", "Meadow Primary"), ("street", "2 Low Road"),
                            ("town", "Wigan"), ("postcode", "WN2 2BB")]:
        tab_to(page, field_id)
        page.keyboard.type(value)
    tab_to(page, "submit")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/register/account$"))
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    check_a11y(page)


def test_the_account_menu_gets_out_of_the_way_of_the_keyboard(browser, live_server, check_a11y):
    """Open over the page, the menu would hide what the keyboard reaches next (WCAG 2.4.11): Escape
    closes it and returns to its toggle, and tabbing past its last item closes it too."""
    from e2e.people import make_professional
    from e2e.people import sign_in as sign_in_as

    page = browser.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/sign-in?next=/account")
        sign_in_as(page, make_professional(live_server.app))
        expect(page.get_by_role("heading", name="My Account")).to_be_visible()
        page.wait_for_load_state("load")  # Escape and Tab closing the menu are the page's script
        menu = page.locator("details.app-account-menu")
        toggle = page.locator("summary", has_text="Dana Okafor")

        toggle.focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("open", "")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="My Account", exact=True)).to_be_focused()
        page.keyboard.press("Escape")
        expect(menu).not_to_have_attribute("open", "")
        expect(toggle).to_be_focused()

        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("open", "")
        page.get_by_role("button", name="Logout").focus()
        page.keyboard.press("Tab")
        expect(menu).not_to_have_attribute("open", "")
        check_a11y(page, "account menu closed by tabbing past it")

        toggle.click()
        expect(menu).to_have_attribute("open", "")
        page.get_by_role("heading", name="My Account").click()
        expect(menu).not_to_have_attribute("open", "")
    finally:
        page.context.close()


def test_portal_home_is_on_the_top_bar_beside_the_account_name(journey_page, js_mode, live_server,
                                                                check_a11y):
    """Seed 2.4: the top bar shows "Portal Home" beside the account name, as the guide's screenshots do;
    from any page in the account it takes the person back to the portal home, by keyboard alone."""
    from webapp.accounts.models import User
    from webapp.accounts.passwords import hash_password
    from webapp.clock import utcnow
    from webapp.extensions import db

    app = live_server.app
    email = f"top-bar-{js_mode}@example.com"
    with app.app_context():
        db.session.add(User(email=email, password_hash=hash_password(PASSWORD), first_name="Jo",
                            surname="Bloggs", is_professional=False, email_verified_at=utcnow(),
                            terms_version=app.config["TERMS_VERSION"], terms_accepted_at=utcnow()))
        db.session.commit()
        db.session.remove()
    page = journey_page
    page.goto(live_server.url + "/submitted")
    expect(page.get_by_role("heading", name="Secure login")).to_be_visible()
    top_bar = page.get_by_role("banner")
    expect(top_bar.get_by_role("link", name="Portal Home", exact=True)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Submitted Forms", exact=True)).to_be_visible()
    portal_home = top_bar.get_by_role("link", name="Portal Home", exact=True)
    expect(portal_home).to_be_visible()
    expect(top_bar.locator("summary", has_text="Jo Bloggs")).to_be_visible()
    check_a11y(page, "Submitted Forms with Portal Home on the top bar")
    portal_home.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="I am a Professional")).to_be_visible()
    expect(page).to_have_url(live_server.url + "/")
    check_a11y(page, "Portal Home")
