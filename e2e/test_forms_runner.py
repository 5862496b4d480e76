"""Seed 2.1 and 2.2 in Chromium, JavaScript on and off: a professional fills in the safeguarding concern
section by section (correcting errors), saves it to complete later, signs out, recovers it, and finishes
at the check-your-answers page. axe-core checks every section and state."""

import re
import time
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from e2e.people import make_professional, sign_in

pytestmark = pytest.mark.e2e


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def open_first_section(page):
    """Overview's Next opens Professional's Details. Wait for the page's scripts as well as its heading:
    the checks made on leaving a question are theirs, and a question left before they ran goes unchecked."""
    page.get_by_role("button", name="Next").click()
    expect(heading(page, "Professional's Details")).to_be_visible()
    page.wait_for_load_state("load")


def start_a_concern_at(page, live_server, email, section_id):
    """Sign in, start a safeguarding concern and open one of its sections."""
    page.goto(f"{live_server.url}/sign-in?next=/forms/safeguarding-concern")
    sign_in(page, email)
    open_first_section(page)
    page.goto(re.sub(r"/[^/]+$", f"/{section_id}", page.url))


def next_section(page):
    page.get_by_role("button", name="Next", exact=True).click()


def choose(scope, question, answer):
    scope.get_by_role("group", name=re.compile(question)).get_by_label(answer, exact=True).check()


def section_list(page):
    return page.get_by_role("navigation", name="Sections")


def status_of(page, section):
    """The status tag of a section-list entry (a button of the section's form on a section page)."""
    return section_list(page).locator(".app-section-nav__item",
                                      has=page.get_by_role("button", name=section, exact=True)) \
        .locator(".govuk-tag")


def test_fill_save_recover_and_check(journey_page, js_mode, live_server, check_a11y, professional):
    page = journey_page
    base = live_server.url
    js = js_mode == "js"

    # Overview, signed out; Next asks to log in or register, and sign-in comes back to the form.
    page.goto(f"{base}/forms/safeguarding-concern")
    expect(heading(page, "Overview")).to_be_visible()
    check_a11y(page, "overview signed out")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("In order to progress with this form you must either login or register")) \
        .to_be_visible()
    check_a11y(page, "login or register")
    page.get_by_role("button", name="Login").click()
    sign_in(page, professional)
    expect(heading(page, "Overview")).to_be_visible()
    page.get_by_role("button", name="Next").click()

    # Professional's Details: prefilled from the account.
    expect(heading(page, "Professional's Details")).to_be_visible()
    page.wait_for_load_state("load")  # the checks on leaving a question are the page's scripts
    first_name = page.get_by_label("First name")
    expect(first_name).to_have_value("Dana")
    check_a11y(page, "professional")
    if js:
        # Inline check on blur: clear a required answer, see the message at the field, put it back.
        first_name.fill("")
        page.get_by_label("Last name").focus()
        error = page.locator("#field-first_name .govuk-error-message")
        expect(error).to_contain_text("Enter your first name")
        check_a11y(page, "professional with inline error")
        page.get_by_label("First name").fill("Dana")
        page.get_by_label("Last name").focus()
        expect(error).to_have_count(0)
    page.get_by_label("Phone number").fill("+44 (0)1942 000 002")
    next_section(page)

    # Child: leave the surname out, see the error summary, fix it.
    expect(heading(page, "Child / Young Person's Details")).to_be_visible()
    if js:
        expect(page).to_have_url(re.compile(r"/child$"))
    check_a11y(page, "child")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("I know their date of birth").check()
    dob = page.get_by_role("group", name=re.compile(r"^Date of birth \(required\)$"))
    dob.get_by_label("Day").fill("3")
    dob.get_by_label("Month").fill("4")
    dob.get_by_label("Year").fill("2016")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Address line 1").fill("2 Mill Street")
    page.get_by_label("Town or city").fill("Wigan")
    page.get_by_label("Postcode").fill("wn1 2bb")
    next_section(page)
    summary = page.locator(".govuk-error-summary[data-module]").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    check_a11y(page, "child with errors")
    summary.get_by_role("link", name="Enter the child's last name").click()
    expect(page.get_by_label("Last name")).to_be_focused()
    expect(page.get_by_label("First name")).to_have_value("Sam")  # nothing typed was lost
    page.get_by_label("Last name").fill("Jones")
    next_section(page)

    # Consent.
    expect(heading(page, "Consent")).to_be_visible()
    expect(status_of(page, "Child / Young Person's Details")).to_have_text("Completed")
    check_a11y(page, "consent")
    choose(page, "Are the parents or carers aware", "Yes")
    choose(page, "Have the parents or carers agreed", "No")
    page.get_by_label("Why have you not got consent?").fill("Asking would increase the risk of harm.")
    next_section(page)

    # Additional information: add another sibling (works without JS too), then the parent.
    expect(heading(page, "Additional Child / Young Person's Information")).to_be_visible()
    check_a11y(page, "additional")
    page.get_by_role("group", name="Child 1", exact=True).get_by_label("First name").fill("Lily")
    page.get_by_role("button", name="Add another child").click()
    sibling = page.get_by_role("group", name="Child 2", exact=True)
    expect(sibling).to_be_visible()
    first_child = page.get_by_role("group", name="Child 1", exact=True)
    expect(first_child.get_by_label("First name")).to_have_value("Lily")
    sibling.get_by_label("First name").fill("Tom")
    parent = page.get_by_role("group", name="Parent or carer 1", exact=True)
    parent.get_by_label("Full name").fill("Ann Jones")
    parent.get_by_label("Relationship to the child").fill("Mother")
    choose(parent, "parental responsibility", "Yes")
    check_a11y(page, "additional with a sibling")
    next_section(page)

    # Concerns: start, then Save and complete later.
    expect(heading(page, "Concerns")).to_be_visible()
    check_a11y(page, "concerns")
    page.get_by_label("What are you worried about?").fill("Sam came to clinic with bruises on both arms.")
    page.get_by_role("button", name="Save and complete later").click()
    expect(page.get_by_role("heading", name="Your form has been saved")).to_be_visible()
    until = r"You have until (\d{1,2}:\d\d[ap]m|midnight|midday) on \d{1,2} \w+ \d{4} to complete it"
    expect(page.get_by_text(re.compile(until))).to_be_visible()
    check_a11y(page, "saved")

    # Sign out, sign back in, Recover a Form, Resume.
    page.locator("summary.app-account-menu__toggle").click()  # a <details>: opens without JS too
    page.get_by_role("button", name="Logout").click()
    page.goto(f"{base}/sign-in")
    sign_in(page, professional)
    page.goto(f"{base}/drafts")
    expect(heading(page, "Recover a Form")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Sam Jones"))
    expect(row).to_contain_text("30 days")
    check_a11y(page, "recover a form")
    row.get_by_role("link", name=re.compile("^Resume")).click()

    expect(heading(page, "Concerns")).to_be_visible()
    expect(page.get_by_label("What are you worried about?")).to_have_value(
        "Sam came to clinic with bruises on both arms.")
    page.get_by_label("What has happened today or what has changed?").fill("New bruises seen today.")
    # Leaving by the section list keeps what was typed, with JavaScript or without.
    section_list(page).get_by_role("button", name="Contact Information", exact=True).click()
    expect(heading(page, "Contact Information")).to_be_visible()
    section_list(page).get_by_role("button", name="Concerns", exact=True).click()
    expect(heading(page, "Concerns")).to_be_visible()
    expect(page.get_by_label("What has happened today or what has changed?")).to_have_value(
        "New bruises seen today.")
    page.get_by_label("What is the impact on the child?").fill("Sam is withdrawn and afraid to go home.")
    next_section(page)

    expect(heading(page, "Contact Information")).to_be_visible()
    check_a11y(page, "contact")
    page.get_by_label("Either").check()
    next_section(page)

    expect(heading(page, "Supporting Documentation")).to_be_visible()
    check_a11y(page, "supporting documentation")
    next_section(page)

    expect(heading(page, "Check your answers before you submit")).to_be_visible()
    expect(page.get_by_text("before you can submit")).to_have_count(0)
    expect(page.get_by_text("2 Mill Street")).to_be_visible()
    # Each brother or sister is a block of their own.
    siblings = page.locator(".govuk-summary-list__row", has_text="Brothers, sisters").get_by_role("listitem")
    expect(siblings).to_have_count(2)
    expect(siblings.nth(1)).to_contain_text("Child 2")
    expect(siblings.nth(1)).to_contain_text("Tom")
    # The files are listed too (none here).
    expect(page.locator(".govuk-summary-list__row", has_text="Files attached")).to_contain_text(
        "No files attached")
    check_a11y(page, "check your answers")

    # Change an answer: the section offers the way back, and its Next comes back here.
    page.get_by_role("link", name="Change phone number (Professional's Details)").click()
    expect(heading(page, "Professional's Details")).to_be_visible()
    expect(page.get_by_role("link", name="Back to Check your answers")).to_be_visible()
    check_a11y(page, "professional, changing an answer from check your answers")
    page.get_by_label("Phone number").fill("01942 000 777")
    next_section(page)
    expect(heading(page, "Check your answers before you submit")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Phone number").first).to_contain_text(
        "01942 000777")
    # A change that asks a follow-up question stays until it is answered, then comes back here.
    page.get_by_role("link", name=re.compile(r"^Change have the parents or carers agreed")).click()
    expect(heading(page, "Consent")).to_be_visible()
    choose(page, "Have the parents or carers agreed", "Yes")
    next_section(page)
    expect(heading(page, "Check your answers before you submit")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Change have the parents or carers agreed")).click()
    choose(page, "Have the parents or carers agreed", "No")
    page.get_by_label("Why have you not got consent?").fill("")
    next_section(page)
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Back to Check your answers")).to_be_visible()
    check_a11y(page, "consent with an error, changing an answer from check your answers")
    page.get_by_label("Why have you not got consent?").fill("Asking would increase the risk of harm.")
    next_section(page)
    expect(heading(page, "Check your answers before you submit")).to_be_visible()
    expect(page.get_by_text("before you can submit")).to_have_count(0)


def test_keyboard_only_section(page, live_server, check_a11y, professional):
    """Consent, answered with the keyboard alone: Tab to the radios, arrows to choose, Enter to go on."""
    base = live_server.url
    page.set_default_timeout(10_000)
    page.goto(f"{base}/sign-in?next=/forms/safeguarding-concern")
    sign_in(page, professional)
    open_first_section(page)
    page.get_by_label("Role or job title").focus()
    page.keyboard.press("End")
    page.keyboard.type(" (lead)")
    # Leaving by the section list keeps what was typed (saved on the way out).
    section_list(page).get_by_role("button", name="Consent", exact=True).focus()
    page.keyboard.press("Enter")
    expect(heading(page, "Consent")).to_be_visible()

    aware = page.get_by_role("group", name=re.compile("Are the parents or carers aware"))
    for _ in range(60):
        page.keyboard.press("Tab")
        if aware.get_by_label("Yes", exact=True).evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Space")
    expect(aware.get_by_label("Yes", exact=True)).to_be_checked()
    page.keyboard.press("Tab")  # to the next question's radios
    agreed = page.get_by_role("group", name=re.compile("Have the parents or carers agreed"))
    expect(agreed.get_by_label("Yes", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(agreed.get_by_label("Yes", exact=True)).to_be_checked()
    # On to Next: past the autosave status (not focusable), Previous, then Next.
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Next":
            break
    page.keyboard.press("Enter")
    expect(heading(page, "Additional Child / Young Person's Information")).to_be_visible()
    expect(status_of(page, "Consent")).to_have_text("Completed")
    check_a11y(page, "after keyboard-only consent")
    section_list(page).get_by_role("button", name="Professional's Details", exact=True).click()
    expect(page.get_by_label("Role or job title")).to_have_value("Health Visitor (lead)")


def test_idle_timeout_warns_extends_and_loses_nothing(page, live_server_factory, check_a11y):
    """WCAG 2.2.1 with a 30-second session: the warning comes 20 s ahead, Continue extends it, and at
    expiry everything typed is already saved and sign-in returns to the same section.

    The saves here are the ones the timeout asks for. Typing's own autosave (30 s after the first
    keystroke) is put beyond the test: with a 30-second session it could land in the 2 s between the
    server's deadline and the page leaving, when a page slow to load under load had missed the first
    keystroke. A real session's warning comes 2 minutes ahead, and must be answered (extending the
    session) before anyone types again, so a keystroke's save cannot come that late."""
    server = live_server_factory(SESSION_IDLE_MINUTES=0.5, SESSION_WARNING_SECONDS=20, AUTOSAVE_SECONDS=120)
    email = make_professional(server.app)
    base = server.url
    page.set_default_timeout(10_000)
    page.goto(f"{base}/sign-in?next=/forms/safeguarding-concern")
    sign_in(page, email)
    open_first_section(page)
    section_path = page.url.removeprefix(base)

    page.get_by_label("Role or job title").fill("Typed before the warning")
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_visible(timeout=20_000)
    expect(dialog.get_by_role("button", name="Continue")).to_be_focused()
    # A section saves itself before the timeout, and the warning says so (pages that do not, do not).
    expect(dialog.get_by_text("Anything you have typed is saved.")).to_be_visible()
    expect(dialog.get_by_text("will be lost")).to_be_hidden()
    # The warning asked for a save: it happened, and was not counted as activity.
    expect(page.locator(".app-autosave")).to_contain_text("Saved at")
    page.wait_for_timeout(1000)  # neither that save nor the field's blur counts as activity
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Continue")).to_be_focused()
    check_a11y(page, "timeout warning")

    dialog.get_by_role("button", name="Continue").click()
    expect(dialog).to_be_hidden()
    page.get_by_label("Organisation").fill("Typed after Continue")

    # Do nothing: warned again, then signed out, with the answers saved.
    expect(dialog).to_be_visible(timeout=25_000)
    back_to = re.escape(quote(section_path, safe=""))
    expect(page).to_have_url(re.compile(rf"/sign-in\?expired=1&next={back_to}$"), timeout=30_000)
    expect(page.get_by_text("Your answers were saved")).to_be_visible()
    # Signed out, and the page shows it: no account menu, and no countdown or warning of its own.
    expect(page.get_by_role("link", name="My Account")).to_be_visible()
    expect(page.locator("details.app-account-menu")).to_have_count(0)
    page.wait_for_timeout(1500)
    expect(page.locator("#timeout-dialog")).to_have_count(0)
    check_a11y(page, "signed out after the timeout")
    sign_in(page, email)
    expect(heading(page, "Professional's Details")).to_be_visible()
    assert page.url == base + section_path
    expect(page.get_by_label("Role or job title")).to_have_value("Typed before the warning")
    expect(page.get_by_label("Organisation")).to_have_value("Typed after Continue")


def test_the_countdown_ends_after_the_server_s_deadline_never_before(page, live_server, professional):
    """The page counted down from its data-session-seconds (truncated) and left on the dot, so it
    reached "signed out" up to a second before the server's deadline, still signed in. Playwright's
    clock stands in for the page's time here (the server's is real and has the whole half hour left),
    and the signed-out page is a stand-in: this is about when the page leaves, and for where."""
    page.clock.install()
    page.goto(f"{live_server.url}/sign-in?next=/account")
    sign_in(page, professional)
    expect(heading(page, "My Account")).to_be_visible()
    seconds = int(page.locator("body").get_attribute("data-session-seconds"))
    left_for = []
    page.route(re.compile(r"/sign-in\?expired=1"), lambda route: (
        left_for.append(route.request.url), route.fulfill(body="Signed out", content_type="text/plain")))

    page.clock.run_for(seconds * 1000)  # the server's deadline, at the latest
    page.wait_for_timeout(300)
    assert left_for == [] and page.url == live_server.url + "/account"
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_visible()
    # My Account saves nothing by itself, and the warning says so.
    expect(dialog.get_by_text("Anything you have typed on this page and not saved will be lost.")
           ).to_be_visible()
    expect(dialog.get_by_text("Anything you have typed is saved.")).to_be_hidden()

    page.clock.run_for(3000)  # past the deadline: now it goes, once, saying where it was
    expect(page).to_have_url(re.compile(r"/sign-in\?expired=1&next=%2Faccount$"))
    assert len(left_for) == 1


def test_escape_on_the_timeout_warning_means_stay_signed_in(page, live_server_factory):
    """Escape closes the warning, extends the session (as Continue does) and gives focus back to the
    answer being typed. Before, Escape did nothing twice; the third press let Chromium close the warning
    without extending anything, and a second later it opened again and took focus back."""
    server = live_server_factory(SESSION_IDLE_MINUTES=0.5, SESSION_WARNING_SECONDS=20)
    email = make_professional(server.app)
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/sign-in?next=/forms/safeguarding-concern")
    sign_in(page, email)
    open_first_section(page)
    section_url = page.url

    page.get_by_label("Role or job title").fill("Typed before the warning")
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_visible(timeout=20_000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Role or job title")).to_be_focused()
    page.wait_for_timeout(1500)  # the next tick must not open it again
    expect(dialog).to_be_hidden()

    # The session was extended: past the first deadline the person is warned again, not signed out.
    expect(dialog).to_be_visible(timeout=20_000)
    assert page.url == section_url


def test_a_tab_left_open_follows_the_session_kept_alive_in_another(page, live_server_factory):
    """Someone working in one tab, with the portal also open in another, was warned (and signed out)
    by the other tab's countdown, which knew nothing of their activity. The tabs now share the
    deadline: the idle tab warns only when the session is really about to end, and "Continue" in one
    tab closes the warning in both."""
    server = live_server_factory(SESSION_IDLE_MINUTES=0.5, SESSION_WARNING_SECONDS=10)
    email = make_professional(server.app)
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/sign-in?next=/account")
    sign_in(page, email)
    expect(page.get_by_role("heading", name="My Account")).to_be_visible()
    signed_in = time.monotonic()
    idle_tab = page.context.new_page()
    idle_tab.goto(f"{server.url}/submitted")
    idle_warning = idle_tab.get_by_role("dialog", name="You're about to be signed out")
    busy_warning = page.get_by_role("dialog", name="You're about to be signed out")

    def wait_until(seconds_after_sign_in: float) -> None:
        idle_tab.wait_for_timeout(max(0.0, signed_in + seconds_after_sign_in - time.monotonic()) * 1000)

    # The idle tab alone would warn about 22 s after sign-in. Activity in the other tab at 11 s (the
    # server notes activity at most every 10 s) moves the session's end, and both warnings, to 33 s.
    wait_until(11)
    page.goto(f"{server.url}/account")
    wait_until(25)
    expect(idle_warning).to_be_hidden(timeout=1)
    expect(idle_warning).to_be_visible(timeout=15_000)
    expect(busy_warning).to_be_visible()

    # One Continue keeps the session going, and every tab's warning closes.
    idle_warning.get_by_role("button", name="Continue").click()
    expect(idle_warning).to_be_hidden()
    expect(busy_warning).to_be_hidden()
    page.wait_for_timeout(2000)
    expect(busy_warning).to_be_hidden()
    idle_tab.close()


def test_a_change_link_shows_the_question_above_the_box_it_focuses(page, live_server, professional):
    """A Change link on Check your answers opens the section at the answer's box, focused: the browser
    scrolled the box to the top of the window, and the question it answers (its label, or the legend
    of a row of radios) was out of sight above it. Someone who sees the screen met a box or a radio with
    no question. The question now shows above its box, which keeps the focus."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "child")
    check_url = re.sub(r"/[^/]+$", "/check", page.url)
    for link, question, box in [
        ("Change ethnicity (Child / Young Person's Details)", page.get_by_text("Ethnicity", exact=True),
         page.get_by_label("Ethnicity")),
        ("Change what is the best way to contact you about this referral? (Contact Information)",
         page.get_by_text("What is the best way to contact you about this referral?"),
         page.get_by_label("Phone", exact=True)),
    ]:
        page.goto(check_url)
        page.get_by_role("link", name=link).press("Enter")
        expect(page.get_by_role("link", name="Back to Check your answers")).to_be_visible()
        expect(box).to_be_focused()
        page.wait_for_load_state("load")
        expect(question).to_be_in_viewport(ratio=1)
        expect(box).to_be_in_viewport(ratio=1)


def test_add_another_and_remove_take_focus_to_the_item(page, live_server, professional):
    """With JavaScript the section is swapped in after "Add another child"; focus went to the page's
    heading at the top, so a keyboard user had to Tab through the whole section to reach the new child.
    Now it goes to the new item's first question, and after a removal to the item now in that place."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "additional")
    page.get_by_role("group", name="Child 1", exact=True).get_by_label("First name").fill("Lily")
    page.get_by_role("button", name="Add another child").press("Enter")
    second = page.get_by_role("group", name="Child 2", exact=True)
    expect(second.get_by_label("First name")).to_be_focused()
    second.get_by_label("First name").fill("Tom")
    page.get_by_role("button", name="Add another child").press("Enter")
    expect(page.get_by_role("group", name="Child 3", exact=True).get_by_label("First name")).to_be_focused()

    page.get_by_role("button", name="Remove child 2").press("Enter")
    expect(page.get_by_role("group", name="Child 3", exact=True)).to_have_count(0)
    expect(page.get_by_role("group", name="Child 2", exact=True).get_by_label("First name")).to_be_focused()
    page.get_by_role("button", name="Remove child 2").press("Enter")
    first = page.get_by_role("group", name="Child 1", exact=True).get_by_label("First name")
    expect(first).to_be_focused()
    expect(first).to_have_value("Lily")


def test_without_javascript_add_another_and_remove_open_the_page_at_the_item(
        browser, live_server, professional):
    """Without JavaScript the page comes back after "Add another child": it opened at the top, and a
    keyboard user tabbed through the whole section to reach the new child. It now opens at that child,
    and Tab goes to its first question; after a removal, at the child now in that place."""
    from e2e.conftest import own_browser

    with own_browser(browser, "no-js") as page:
        page.set_viewport_size({"width": 1024, "height": 700})
        start_a_concern_at(page, live_server, professional, "additional")
        page.get_by_role("group", name="Child 1", exact=True).get_by_label("First name").fill("Lily")
        page.get_by_role("button", name="Add another child").click()
        assert page.url.endswith("/additional#siblings-item-1")
        second = page.get_by_role("group", name="Child 2", exact=True)
        expect(second).to_be_in_viewport()
        page.keyboard.press("Tab")
        expect(second.get_by_label("First name")).to_be_focused()
        page.keyboard.type("Tom")

        page.get_by_role("button", name="Remove child 1").click()
        assert page.url.endswith("/additional#siblings-item-0")
        only = page.get_by_role("group", name="Child 1", exact=True)
        expect(only).to_be_in_viewport()
        expect(only.get_by_label("First name")).to_have_value("Tom")


def test_typing_in_a_revealed_question_survives_the_inline_check_on_a_slow_connection(
        page, live_server, professional):
    """Choosing 'No' to consent sends an inline check of that question and reveals 'Why have you not
    got consent?'. On a slow connection the check came back while the person was already typing the
    reason, and replaced the revealed box with the one the server saw: the first words were lost."""
    page.set_default_timeout(15_000)
    start_a_concern_at(page, live_server, professional, "consent")
    next_section(page)  # the error messages the check will take away
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1})
    consent = page.get_by_role("group", name=re.compile("Have the parents or carers agreed"))
    with page.expect_response(re.compile(r"/validate")):
        consent.get_by_label("No", exact=True).check()
        reason = page.get_by_label(re.compile("Why have you not got consent"))
        reason.click()
        typed = "Asking would put the child at risk of harm."
        page.keyboard.type(typed, delay=60)
    page.wait_for_timeout(300)  # the swap
    expect(consent.locator(".govuk-error-message")).to_have_count(0)  # the check did its job
    expect(reason).to_have_value(typed)
    expect(reason).to_be_focused()
    page.keyboard.type(" More.")
    expect(reason).to_have_value(typed + " More.")


def test_the_inline_check_of_a_revealed_question_checks_that_question(page, live_server, professional):
    """A question revealed by a choice sits inside the choice's block, and each block says what its
    check replaces: leaving the revealed date of birth checks the date, not the choice around it,
    and puts the message at the date, with the choice still made."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "child")

    def check_of(field):
        return lambda response: "/validate" in response.url and \
            f"validate_field={field}" in (response.request.post_data or "")

    with page.expect_response(check_of("dob_status")):
        page.get_by_label("I know their date of birth").check()
    date = page.get_by_role("group", name=re.compile("^Date of birth(?! or)"))
    date.get_by_label("Day").fill("31")
    date.get_by_label("Month").fill("2")
    with page.expect_response(check_of("date_of_birth")):
        date.get_by_label("Year").fill("2020")
        page.keyboard.press("Tab")
    expect(date.locator(".govuk-error-message")).to_contain_text("real date")
    expect(page.get_by_label("I know their date of birth")).to_be_checked()
    expect(page.locator("#field-dob_status .govuk-error-message")).to_have_count(1)  # the date's only


def test_an_inline_check_error_is_announced(page, live_server, professional):
    """WCAG 4.1.3: the check on leaving a question puts an error message at the question the person
    has just left, where focus no longer is; a screen reader said nothing. Now a status message
    outside the question reads it out (and nothing when the answer is put right)."""
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/sign-in?next=/forms/safeguarding-concern")
    sign_in(page, professional)
    open_first_section(page)
    status = page.locator("#field-check-status")
    page.get_by_label("First name").fill("")
    page.get_by_label("Last name").focus()
    expect(page.locator("#field-first_name .govuk-error-message")).to_contain_text("Enter your first name")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("Error: Enter your first name")
    expect(page.get_by_label("Last name")).to_be_focused()

    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").focus()
    expect(page.locator("#field-first_name .govuk-error-message")).to_have_count(0)
    expect(status).to_have_text("")


def test_two_tabs_the_second_keeps_its_answers(journey_page, js_mode, live_server, check_a11y, professional):
    """The other tab saved first: this tab's answers are not saved over them, nor thrown away."""
    first = journey_page
    first.goto(f"{live_server.url}/sign-in")
    sign_in(first, professional)
    first.goto(f"{live_server.url}/forms/safeguarding-concern")
    open_first_section(first)
    concerns_url = re.sub(r"/[^/]+$", "/concerns", first.url)
    first.goto(concerns_url)
    second = first.context.new_page()
    second.goto(concerns_url)

    first.get_by_label("What are you worried about?").fill("Saved from the first tab.")
    next_section(first)
    expect(first.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()

    typed = "Typed in the second tab: bruising on both arms."
    second.get_by_label("What are you worried about?").fill(typed)
    next_section(second)
    conflict = heading(second, "This form has been changed since you opened this page")
    expect(conflict).to_be_visible()
    if js_mode == "js":  # swapped in: a screen reader starts reading at the news, not where it was
        expect(conflict).to_be_focused()
    expect(second.get_by_text(typed)).to_be_visible()
    check_a11y(second, "conflict between two tabs")
    second.get_by_role("button", name="Save these answers instead").click()
    expect(heading(second, "Concerns")).to_be_visible()
    expect(second.get_by_label("What are you worried about?")).to_have_value(typed)


def test_after_an_autosave_conflict_next_still_asks_which_answers_to_keep(page, live_server, professional):
    """The first tab's autosave was refused (the other tab had saved), and its answer gave the page the
    newest version: the next save quietly replaced the other tab's answers. Every save from the older
    page is now refused, and Next offers the choice."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    concerns_url = page.url
    other = page.context.new_page()
    other.goto(concerns_url)
    saved_elsewhere = "Saved in the other tab: bruising on both arms."
    other.get_by_label("What are you worried about?").fill(saved_elsewhere)
    other.get_by_role("button", name="Save and complete later").click()
    expect(heading(other, "Your form has been saved")).to_be_visible()

    status = page.locator(".app-autosave")
    for typed in ("He said he is scared to go home.", " He said it again."):
        page.get_by_label("The child's own words and views").press_sequentially(typed)
        with page.expect_response(lambda response: response.url.endswith("/autosave")):
            page.evaluate("document.dispatchEvent(new Event('portal:save-now'))")
        expect(status).to_contain_text("Your latest changes were not saved")
    next_section(page)
    expect(heading(page, "This form has been changed since you opened this page")).to_be_visible()
    other.goto(concerns_url)
    expect(other.get_by_label("What are you worried about?")).to_have_value(saved_elsewhere)


def test_a_page_whose_save_was_refused_asks_before_it_is_left(page, live_server, professional):
    """The other tab saved the same section first, so this tab's autosave was refused, and so would be
    the save sent as it closes: what it typed was lost without a word when the tab was closed. The
    browser now asks first, except when the person follows the link to the latest answers."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_label("What are you worried about?").fill("Saved in the other tab.")
    other.get_by_role("button", name="Save and complete later").click()
    expect(heading(other, "Your form has been saved")).to_be_visible()

    typed = "He said he is scared to go home."
    page.get_by_label("The child's own words and views").press_sequentially(typed)
    with page.expect_response(lambda response: response.url.endswith("/autosave")):
        page.evaluate("document.dispatchEvent(new Event('portal:save-now'))")
    expect(page.locator(".app-autosave")).to_contain_text("Your latest changes were not saved")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.close(run_before_unload=True)
    expect(page.get_by_label("The child's own words and views")).to_have_value(typed)
    assert asked == ["beforeunload"]

    page.get_by_role("link", name="Reload the latest answers").click()
    expect(page.get_by_label("What are you worried about?")).to_have_value("Saved in the other tab.")
    assert asked == ["beforeunload"]


def test_a_tab_left_open_on_a_form_deleted_in_another_says_it_has_gone(page, live_server, professional):
    """Deleted from Recover a Form in one tab, the form was still open in another, whose Next said
    "Sorry, something went wrong. Try again": trying again could never work. It says what happened,
    and what was typed stays on the page to be copied."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    other = page.context.new_page()
    other.goto(f"{live_server.url}/drafts")
    other.get_by_role("link", name=re.compile("^Cancel")).first.click()
    other.get_by_role("button", name="Yes, delete this form").click()
    expect(other.get_by_text("Your saved form has been deleted")).to_be_visible()

    typed = "Bruising on both arms, seen this morning."
    page.get_by_label("What are you worried about?").fill(typed)
    next_section(page)
    expect(page.get_by_role("alert")).to_contain_text("This form is no longer here")
    expect(page.get_by_role("alert")).not_to_contain_text("Try again")
    expect(page.get_by_label("What are you worried about?")).to_have_value(typed)


def test_two_tabs_on_different_sections_both_keep_what_was_typed(page, live_server, professional):
    """Concerns in one tab, the child's details in another, both opened before either saved: each tab's
    autosave and its "Save and complete later" keep its own answers, and neither meets the conflict."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    other = page.context.new_page()
    other.goto(re.sub(r"/[^/]+$", "/child", page.url))

    page.get_by_label("What are you worried about?").fill("Typed in the first tab: bruising on both arms.")
    with page.expect_response(lambda response: response.url.endswith("/autosave")):
        page.evaluate("document.dispatchEvent(new Event('portal:save-now'))")
    expect(page.locator(".app-autosave")).to_contain_text("Saved at")

    other.get_by_label("Other names they are known by").fill("Sammy")
    with other.expect_response(lambda response: response.url.endswith("/autosave")):
        other.evaluate("document.dispatchEvent(new Event('portal:save-now'))")
    expect(other.locator(".app-autosave")).to_contain_text("Saved at")
    other.get_by_label("Other names they are known by").fill("Sammy, Sam")
    other.get_by_role("button", name="Save and complete later").click()
    expect(heading(other, "Your form has been saved")).to_be_visible()

    page.get_by_label("The child's own words and views").fill("He said he is scared to go home.")
    page.get_by_role("button", name="Save and complete later").click()
    expect(heading(page, "Your form has been saved")).to_be_visible()
    page.go_back()
    expect(page.get_by_label("The child's own words and views")).to_have_value(
        "He said he is scared to go home.")
    expect(page.get_by_label("What are you worried about?")).to_have_value(
        "Typed in the first tab: bruising on both arms.")
    other.go_back()
    expect(other.get_by_label("Other names they are known by")).to_have_value("Sammy, Sam")


def test_the_error_summary_follows_the_checks_made_after_it(page, live_server, check_a11y, professional):
    """The summary lists what was wrong when the section was sent. A question put right since (the
    check on leaving it) leaves the summary, a new problem found at a question joins it where the
    question stands, and with nothing left the summary goes, and "Error:" with it from the title.
    Before, the summary kept sending people to questions with nothing wrong."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    expect(heading(page, "Concerns")).to_be_visible()
    next_section(page)
    summary = page.locator(".govuk-error-summary[data-module]").filter(has_text="There is a problem")
    problems = summary.get_by_role("listitem")
    expect(problems).to_have_text(["Enter what you are worried about", "Enter what has happened or changed",
                                   "Enter the impact on the child"])
    expect(page).to_have_title(re.compile(r"^Error: Concerns"))

    page.get_by_label("What are you worried about?").fill("Bruising on both arms.")
    page.get_by_label("What has happened today or what has changed?").focus()
    expect(problems).to_have_text(["Enter what has happened or changed", "Enter the impact on the child"])

    page.get_by_label("The child's own words and views").fill("x" * 5001)
    page.get_by_label("Strengths and protective factors").focus()
    expect(problems).to_have_count(3)
    expect(problems.nth(2)).to_contain_text(
        "The child's own words and views must be 5,000 characters or fewer")
    problems.nth(2).get_by_role("link").click()
    expect(page.get_by_label("The child's own words and views")).to_be_focused()
    check_a11y(page, "concerns: a problem found after the section was sent")

    page.get_by_label("The child's own words and views").fill("I don't want to go home.")
    page.get_by_label("What has happened today or what has changed?").fill("Said so this morning.")
    page.get_by_label("What is the impact on the child?").fill("Withdrawn in class.")
    page.get_by_label("Strengths and protective factors").focus()
    expect(summary).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Concerns"))


def test_a_date_or_an_address_put_right_in_any_box_is_checked_on_leaving_it(page, live_server, professional):
    """A date and an address sent their question's check from their last box only: an error put right
    in the day, the first line or the town stayed at the question and in the summary until Next. Each
    box sends it now, once focus leaves the question; moving between its boxes says nothing."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "child")
    expect(heading(page, "Child / Young Person's Details")).to_be_visible()
    with page.expect_response(lambda response: response.url.endswith("/validate")):
        choose(page, "Date of birth or expected due date", "I know their date of birth")
    born = page.get_by_role("group", name=re.compile("^Date of birth( \\(required\\))?$"))
    born.get_by_label("Day").fill("31")
    born.get_by_label("Month").fill("2")
    born.get_by_label("Year").fill("2015")
    page.get_by_role("radio", name="Female").focus()
    not_real = born.locator(".govuk-error-message")
    expect(not_real).to_contain_text("must be a real date")

    born.get_by_label("Day").fill("28")
    page.keyboard.press("Tab")  # on to the month: still the same question, so nothing is said yet
    page.wait_for_timeout(600)
    expect(not_real).to_contain_text("must be a real date")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # out of the question
    expect(not_real).to_have_count(0)

    home = page.get_by_role("group", name=re.compile("^Child's home address"))
    home.get_by_label("Postcode").fill("WN7 4XY")
    next_section(page)
    summary = page.locator(".govuk-error-summary[data-module]").filter(has_text="There is a problem")
    expect(summary).to_contain_text("address")
    home.get_by_label("Address line 1").fill("7 Canal Row")
    home.get_by_label("Town or city").fill("Leigh")
    page.get_by_label("Ethnicity").focus()  # the postcode, the last box, was left as it was
    expect(summary).not_to_contain_text("address")
    expect(home.locator(".govuk-error-message")).to_have_count(0)


def test_a_question_of_an_add_another_item_is_checked_on_leaving_it(page, live_server, professional):
    """The questions of a brother, a sister or a parent had no check of their own: a date of birth put
    wrong said nothing until Next, and one put right kept its error, and its line in the summary, until
    the next press. Each is checked on leaving it now, at the item it belongs to."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "additional")
    child = page.get_by_role("group", name="Child 1", exact=True)
    child.get_by_label("Last name").fill("Khan")
    born = child.get_by_role("group", name=re.compile("^Date of birth"))
    for box, typed in (("Day", "31"), ("Month", "2"), ("Year", "2016")):  # at a person's pace
        born.get_by_label(box).fill(typed)
        page.wait_for_timeout(300)
    child.get_by_label("Relationship to the child").focus()
    expect(born.locator(".govuk-error-message")).to_contain_text("must be a real date")
    expect(page.locator("#field-check-status")).to_contain_text("must be a real date")
    expect(page.get_by_role("group", name="Parent or carer 1", exact=True)
           .locator(".govuk-error-message")).to_have_count(0)

    next_section(page)
    summary = page.locator(".govuk-error-summary[data-module]").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Child 1: Enter the other child's first name")
    child.get_by_label("First name").fill("Ali")
    born.get_by_label("Day").fill("28")
    child.get_by_label("Relationship to the child").focus()
    expect(child.locator(".govuk-error-message")).to_have_count(0)
    expect(summary).not_to_contain_text("Child 1")
    expect(child.get_by_label("First name")).to_have_value("Ali")
    expect(summary).to_contain_text("Parent or carer 1")


def test_a_revealed_date_left_before_its_choice_s_check_has_come_back_is_still_checked(
        page, live_server, professional):
    """The check of the choice that reveals a date draws the date again. On a slow connection the person
    had typed the date and moved on before it came back: the date's own check was thrown away (or never
    sent), and its error showed only at Next."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "child")
    held = []
    page.route(re.compile(r"/validate$"), lambda route: held.append(route))
    choose(page, "Date of birth or expected due date", "I know their date of birth")
    born = page.get_by_role("group", name=re.compile("^Date of birth( \\(required\\))?$"))
    for box, typed in (("Day", "31"), ("Month", "2"), ("Year", "2015")):  # at a person's pace
        born.get_by_label(box).fill(typed)
        page.wait_for_timeout(300)
    page.get_by_role("radio", name="Female").focus()
    while len(held) < 2:  # the choice's check, then the date's, both on their way
        page.wait_for_timeout(100)
    page.wait_for_timeout(400)
    assert len(held) == 2
    with page.expect_response(lambda response: response.url.endswith("/validate")):
        held[0].continue_()  # the choice's check comes back first and draws the date again
    page.wait_for_timeout(200)
    held[1].continue_()
    expect(born.locator(".govuk-error-message")).to_contain_text("must be a real date")
    expect(born.get_by_label("Day")).to_have_value("31")


def test_the_tick_box_of_an_address_is_checked_on_leaving_the_address(page, live_server, professional):
    """Unticking "I do not know the child's address" sent the check at once: it came back with errors
    at the town and the postcode while the person was typing the first line."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "child")
    home = page.get_by_role("group", name=re.compile("^Child's home address"))
    unknown = page.get_by_label("I do not know the child's address")
    unknown.check()
    unknown.uncheck()
    home.get_by_label("Address line 1").press_sequentially("7 Canal Row")
    page.wait_for_timeout(800)
    expect(home.locator(".govuk-error-message")).to_have_count(0)
    page.get_by_label("Ethnicity").focus()
    expect(home.locator(".govuk-error-message")).to_contain_text(["Enter the town or city"])


def test_choosing_again_keeps_the_error_of_a_follow_up_question_still_wrong(page, live_server, professional):
    """The check of a choice drew its follow-up date again without its error: a date still wrong lost
    its message, at the question and in the summary, until Next."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "child")
    choose(page, "Date of birth or expected due date", "I know their date of birth")
    born = page.get_by_role("group", name=re.compile("^Date of birth( \\(required\\))?$"))
    for box, typed in (("Day", "31"), ("Month", "2"), ("Year", "2015")):
        born.get_by_label(box).fill(typed)
    next_section(page)
    summary = page.locator(".govuk-error-summary[data-module]").filter(has_text="There is a problem")
    expect(summary).to_contain_text("real date")
    with page.expect_response(lambda response: response.url.endswith("/validate")):
        choose(page, "Date of birth or expected due date", "Not known")
    with page.expect_response(lambda response: response.url.endswith("/validate")):
        choose(page, "Date of birth or expected due date", "I know their date of birth")
    expect(born.get_by_label("Day")).to_have_value("31")
    expect(born.locator(".govuk-error-message")).to_contain_text("must be a real date")
    expect(summary).to_contain_text("real date")
