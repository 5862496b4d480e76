"""WCAG 1.4.10 Reflow: at 320 CSS pixels wide (a 1280-pixel screen zoomed to 400%) a page does not
scroll sideways. The tables people use most on a phone (Recover a Form, Submitted Forms, the back-office
queue) read as a card per row there; another data table scrolls inside its own container, while the
header, the text and the footer stay within the screen."""

import itertools
import re
import secrets
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from e2e.conftest import unique_reference
from e2e.people import make_professional, sign_in
from tests.functional.submissions.factory import make_draft, return_for_information
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.submissions.models import Submission

pytestmark = pytest.mark.e2e


@pytest.fixture
def saved_and_submitted(live_server):
    """A professional with a saved form, a form the council has answered and one it returned for more
    information (each submission with its PDF already stored, so none waits in this shared server's
    render queue)."""
    from tests.functional.review.builders import make_submission

    app = live_server.app
    email = make_professional(app)
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        make_draft(user.id)
        answered = make_submission(user.id, reference=unique_reference(), status="responded")
        db.session.get(Submission, answered).response_text = "Accepted: passed to the Early Help team"
        db.session.commit()
        submission_id = make_submission(user.id, reference=unique_reference())
        db.session.remove()
    return_for_information(app, submission_id)
    return email


@pytest.fixture
def narrow_page(browser):
    """A page 320 CSS pixels wide: a 1280-pixel screen zoomed to 400 %."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def assert_on_screen_without_scrolling_sideways(page, locator):
    """The element is inside the viewport's width as the page loads, the page does not scroll sideways
    and no table's box does either: nothing needs a sideways scroll to be seen."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert page.evaluate("""() => [...document.querySelectorAll('.app-table-container')]
                            .every(box => box.scrollWidth <= box.clientWidth)""")


def accessibility_nodes(page) -> list[dict]:
    """What Chromium itself exposes to screen readers (its accessibility tree, not Playwright's reading
    of the markup), without the nodes it leaves out of it."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [node for node in nodes if not node.get("ignored")]


def accessibility_roles(page) -> set[str]:
    """The roles exposed to screen readers: a table whose parts are display: block must still be a table."""
    return {node["role"]["value"] for node in accessibility_nodes(page)}


def assert_still_a_table_at_desktop_width(page, heading: str, row_text: "str | re.Pattern"):
    """Wider than a phone the table is as it was: its column headings visible, a row's cells side by
    side, no cell labels shown."""
    page.set_viewport_size({"width": 1024, "height": 768})
    table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name=heading))
    expect(table.get_by_role("columnheader", name=heading)).to_be_visible()
    expect(table.locator(".app-responsive-table__label").first).to_be_hidden()
    row = table.get_by_role("row").filter(has_text=row_text).first
    tops = {round(cell.bounding_box()["y"]) for cell in row.locator("td, th").all()}
    assert len(tops) == 1, f"the cells of a row are not side by side: {tops}"


@pytest.mark.parametrize("path, label, value, action, heading", [
    ("/drafts", "Days left:", "30 days", "Resume", "Days left"),
    ("/submitted", "Response:", "Accepted: passed to the Early Help team", "Previous Form", "Response"),
])
def test_each_row_reads_as_a_labelled_card_at_320_pixels(narrow_page, live_server, saved_and_submitted,
                                                         check_a11y, path, label, value, action, heading):
    """The right-hand columns (days left, the council's response) were off screen in a box that scrolled
    sideways: each row is now a card, each cell on a line of its own led by its column's name."""
    page = narrow_page
    page.goto(f"{live_server.url}/sign-in?next={path}")
    sign_in(page, saved_and_submitted)
    cell = page.get_by_role("cell").filter(has_text=label).filter(has_text=value).first
    assert_on_screen_without_scrolling_sideways(page, cell)
    assert_on_screen_without_scrolling_sideways(page, page.get_by_role("link", name=action).first)
    if path == "/submitted":
        returned = page.get_by_role("cell").filter(has_text="Response:").filter(
            has_text="Returned to you for more information")
        assert_on_screen_without_scrolling_sideways(page, returned)
    assert {"table", "row", "columnheader", "cell"} <= accessibility_roles(page)
    check_a11y(page, f"{path} at 320px")
    assert_still_a_table_at_desktop_width(page, heading, value)
    check_a11y(page, f"{path} at 1024px")


def test_each_submitted_forms_table_is_named_once_by_the_heading_above_it(journey_page, live_server,
                                                                         saved_and_submitted, check_a11y):
    """A screen reader met "Recently Submitted Forms (Last 30 Days)" three times over: as the heading, as
    the label of the box the table scrolls in, and as a hidden caption read out again before the table.
    The words are now in the page once, as the heading, and the table (and its box) take their name
    from it; likewise "Forms requesting more information"."""
    page = journey_page
    page.goto(f"{live_server.url}/sign-in?next=/submitted")
    sign_in(page, saved_and_submitted)
    names = ("Forms requesting more information", "Recently Submitted Forms (Last 30 Days)")
    for name in names:
        expect(page.get_by_role("heading", level=2, name=name, exact=True)).to_be_visible()
        expect(page.get_by_role("table", name=name, exact=True)).to_have_count(1)
        expect(page.get_by_role("region", name=name, exact=True)).to_have_count(1)
    nodes = accessibility_nodes(page)  # once the page has arrived
    for name in names:
        texts = [node for node in nodes if node["role"]["value"] == "StaticText"
                 and node.get("name", {}).get("value") == name]
        assert len(texts) == 1, f"{name!r} is read out as text {len(texts)} times"
    check_a11y(page, "submitted forms")


def test_the_cookies_page_reads_as_a_card_at_320_pixels(narrow_page, live_server, check_a11y):
    """The cookie's purpose and expiry were off to the right of a phone's screen."""
    page = narrow_page
    page.goto(f"{live_server.url}/cookies")
    expires = page.get_by_role("cell").filter(has_text="Expires:")
    assert_on_screen_without_scrolling_sideways(page, expires)
    assert {"table", "row", "columnheader", "cell"} <= accessibility_roles(page)
    check_a11y(page, "cookies at 320px")
    assert_still_a_table_at_desktop_width(page, "Expires", "Keeps you signed in")
    check_a11y(page, "cookies at 1024px")


def test_a_table_box_is_a_tab_stop_only_while_it_has_something_to_scroll(narrow_page, live_server):
    """The box around a table is in the tab order so that a keyboard can scroll it; read as a card on
    a phone it had nothing to scroll, and the stop led nowhere."""
    page = narrow_page
    page.goto(f"{live_server.url}/cookies")
    box = page.get_by_role("region", name="Essential cookies")
    expect(box).not_to_have_attribute("tabindex", "0")
    # A table wider than its box (as a back-office table is on a phone): the box is a tab stop again.
    page.locator(".app-table-container table").evaluate("table => { table.style.minWidth = '900px' }")
    page.set_viewport_size({"width": 330, "height": 640})
    expect(box).to_have_attribute("tabindex", "0")
    page.keyboard.press("Tab")
    for _ in range(12):
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Essential cookies":
            break
        page.keyboard.press("Tab")
    expect(box).to_be_focused()


_older = itertools.count()


def test_the_back_office_queue_reads_as_cards_at_320_pixels_and_still_sorts_and_pages(
        journey_page, js_mode, live_server, e2e_sink, check_a11y):
    """A caseworker at 400 % zoom saw each submission's reference, form and name, with its status and age
    off to the right; each row is now a card. Sorting and paging work as before, with and without
    JavaScript."""
    from e2e.test_review import PASSWORD, queue_summary, staff_signs_in_quickly
    from tests.functional.review.builders import make_submission
    from webapp.accounts import services as accounts

    app = live_server.app
    submitter = make_professional(app)
    with app.app_context():
        staff = accounts.create_staff(f"caseworker-{secrets.token_hex(4)}@council.example", "social-care",
                                      PASSWORD, first_name="Sam", surname="Carter").email
        submitter_id = db.session.query(User.id).filter_by(email=submitter).scalar()
        for _ in range(25):
            make_submission(submitter_id, reference=unique_reference())
        # Older than any other test's (this one's included, run again), so first when the oldest come
        # first; resubmitted and long unanswered, so overdue.
        oldest = make_submission(submitter_id, reference=unique_reference(), status="resubmitted",
                                 submitted_at=datetime(2001, 1, 8, 10, 0) - timedelta(days=next(_older)))
        oldest = db.session.get(Submission, oldest).reference
        db.session.remove()
    page = journey_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/la/")
    staff_signs_in_quickly(page, live_server.url, e2e_sink, staff)
    page.get_by_label("Sort by").select_option("Oldest first")
    page.get_by_role("button", name="Filter").click()
    expect(queue_summary(page, re.compile(r"submissions, oldest first \(page 1 of \d+\)"))).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_contain_text(oldest)  # a header row, then the oldest
    card = page.get_by_role("row").filter(has=page.get_by_role("link", name=oldest)).get_by_role("cell")
    for label, value in (("Status:", "Resubmitted"), ("Age:", "Overdue")):
        assert_on_screen_without_scrolling_sideways(page, card.filter(has_text=label).filter(has_text=value))
    check_a11y(page, "queue, oldest first, at 320px")
    page.get_by_role("navigation", name="Submissions pages").get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    status = queue_summary(page, re.compile(r"submissions, oldest first \(page 2 of \d+\)"))
    expect(status).to_be_visible()
    if js_mode == "js":
        expect(status).to_be_focused()
    status_cell = page.get_by_role("cell").filter(has_text="Status:").first
    assert_on_screen_without_scrolling_sideways(page, status_cell)
    check_a11y(page, "queue page 2 at 320px")
    assert_still_a_table_at_desktop_width(page, "Status", re.compile(r"CP-\d{4}-\d{6}"))


LONG_PDF = "Chronology_of_events_for_the_school_safeguarding_team_final_version_3.pdf"
LONG_XLSX = "Budget_spreadsheet_for_the_family_support_plan_final_version_3.xlsx"


def test_a_long_file_name_wraps_at_320_pixels(journey_page, js_mode, live_server, tmp_path):
    """File names seldom have spaces. At 320 pixels the 'has been uploaded' banner and the error
    summary's link for a refused file ran off the screen and made the whole page scroll sideways."""
    from e2e.test_attachments import attach, open_supporting_documentation
    from tests.samples import SAMPLES

    page = journey_page
    page.set_viewport_size({"width": 320, "height": 640})
    (tmp_path / LONG_PDF).write_bytes(SAMPLES["report.pdf"]())
    (tmp_path / LONG_XLSX).write_bytes(SAMPLES["budget.xlsx"]())
    open_supporting_documentation(page, live_server)

    attach(page, js_mode == "js", tmp_path / LONG_PDF)
    expect(page.get_by_text(f"{LONG_PDF} has been uploaded").first).to_be_attached()
    assert sideways_overflow(page) == 0, "the upload's banner"
    attach(page, js_mode == "js", tmp_path / LONG_XLSX)
    expect(page.locator(".govuk-error-summary")).to_contain_text(LONG_XLSX)
    assert sideways_overflow(page) == 0, "the refused file's error"


def test_recover_a_form_pages_by_keyboard_and_its_pagination_fits_320_pixels(narrow_page, live_server,
                                                                              check_a11y):
    """60 saved forms: 25 a page with GOV.UK pagination, reached and followed with the keyboard alone."""
    app = live_server.app
    email = make_professional(app)
    with app.app_context():
        user_id = db.session.query(User.id).filter_by(email=email).scalar()
        for _ in range(60):
            make_draft(user_id)
        db.session.remove()
    page = narrow_page
    page.goto(f"{live_server.url}/sign-in?next=/drafts")
    sign_in(page, email)
    expect(page.get_by_text("You have 60 saved forms (page 1 of 3).")).to_be_visible()
    assert sideways_overflow(page) == 0
    check_a11y(page, "Recover a Form page 1 at 320px")
    page.get_by_role("navigation", name="Saved Forms pages").get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You have 60 saved forms (page 2 of 3).")).to_be_visible()
    expect(page.get_by_role("link", name="Resume")).to_have_count(25)
    assert sideways_overflow(page) == 0
    check_a11y(page, "Recover a Form page 2 at 320px")


def test_submitted_forms_pages_by_keyboard_and_its_pagination_fits_320_pixels(narrow_page, live_server,
                                                                               check_a11y):
    from tests.functional.review.builders import make_submission

    app = live_server.app
    email = make_professional(app)
    with app.app_context():
        user_id = db.session.query(User.id).filter_by(email=email).scalar()
        # Each with its PDF already stored: thirty waiting to be rendered would queue ahead of a later
        # test's submission in this shared server (the post-submit render takes the oldest first).
        for _ in range(30):
            make_submission(user_id, reference=unique_reference())
        db.session.remove()
    page = narrow_page
    page.goto(f"{live_server.url}/sign-in?next=/submitted")
    sign_in(page, email)
    counted = "30 forms you sent, or we responded to, in the last 30 days (page 1 of 2)."
    expect(page.get_by_text(counted)).to_be_visible()
    assert sideways_overflow(page) == 0
    check_a11y(page, "Submitted Forms page 1 at 320px")
    page.get_by_role("navigation", name="Recently Submitted Forms pages").get_by_role(
        "link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("(page 2 of 2)")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(6)  # a header and 5 forms
    check_a11y(page, "Submitted Forms page 2 at 320px")
