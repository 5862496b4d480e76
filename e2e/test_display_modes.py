"""How the portal looks to people who change how pages are shown: a phone or a zoomed screen (the
account menu opens on the teal header), and forced colours (Windows' contrast themes, which replace the
page's colours with the person's own)."""

import pytest
from playwright.sync_api import expect

from e2e.people import sign_in
from e2e.test_forms_runner import start_a_concern_at

pytestmark = pytest.mark.e2e

COLOUR = "element => getComputedStyle(element).color"
LEFT_BAR = "element => getComputedStyle(element).borderLeftColor"



@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_logout_reads_like_the_other_items_of_the_account_menu(browser, live_server, professional, viewport):
    """On a phone, or at 200 to 400 % zoom, the menu opens on the teal header with white links, and
    "Logout" (a button: the link styles never reached it) was black there, at 2.9:1; on a desktop it
    was black among blue links."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/sign-in?next=/account")
        sign_in(page, professional)
        page.locator("summary", has_text="Dana Okafor").click()  # the account menu opens
        logout = page.get_by_role("button", name="Logout")
        expect(logout).to_be_visible()
        my_account = page.locator(".app-account-menu").get_by_role("link", name="My Account")
        assert logout.evaluate(COLOUR) == my_account.evaluate(COLOUR)
    finally:
        context.close()


def test_in_forced_colours_only_the_current_section_has_a_bar(page, live_server, professional):
    """A contrast theme gives every border the text colour, the current section's coloured bar and the
    others' transparent ones alike: all nine sections had the bar, and nothing showed which was open
    but its bold title."""
    page.set_default_timeout(10_000)
    page.emulate_media(forced_colors="active", color_scheme="dark")
    start_a_concern_at(page, live_server, professional, "concerns")
    entries = page.get_by_role("navigation", name="Sections").get_by_role("listitem")
    expect(entries).to_have_count(9)
    current = entries.filter(has=page.locator("[aria-current=step]"))
    expect(current).to_contain_text("Concerns")
    others = entries.filter(has_not=page.locator("[aria-current=step]"))
    background = page.locator("body").evaluate("element => getComputedStyle(element).backgroundColor")
    assert {entry.evaluate(LEFT_BAR) for entry in others.all()} == {background}
    assert current.evaluate(LEFT_BAR) != background


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_the_section_list_is_beside_the_questions_on_a_desktop_and_after_them_on_a_phone(
        browser, live_server, professional, viewport):
    """The questions come first in the page's order, so a phone shows the section's heading at the top
    rather than three screens of the list; a desktop still shows the list on the left, where the
    council's guide has it, level with the heading."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        start_a_concern_at(page, live_server, professional, "concerns")
        heading = page.get_by_role("heading", level=1, name="Concerns").bounding_box()
        sections = page.get_by_role("navigation", name="Sections").bounding_box()
        save_later = page.get_by_role("button", name="Save and complete later").bounding_box()
        page.screenshot(path=f"/tmp/sections-{viewport['width']}.png", full_page=True)
        if viewport["width"] < 641:
            assert sections["y"] > save_later["y"] + save_later["height"]
        else:
            assert sections["x"] + sections["width"] <= heading["x"]
            assert abs(sections["y"] - heading["y"]) < 100
    finally:
        context.close()
