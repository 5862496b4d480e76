"""WCAG 1.4.10 Reflow: at 320 CSS pixels wide (a 1280-pixel screen zoomed to 400%) a page does not
scroll sideways. A data table may need more width than that: it scrolls inside its own container,
while the header, the text and the footer stay within the screen."""

import secrets

import pytest
from playwright.sync_api import expect

from e2e.test_forms_runner import make_professional, sign_in
from tests.functional.submissions.factory import make_draft, return_for_information
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.submissions import services as submissions

pytestmark = pytest.mark.e2e


@pytest.fixture
def saved_and_submitted(live_server):
    """A professional with a saved form, a submitted one and one returned for more information."""
    app = live_server.app
    email = make_professional(app)
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        make_draft(user.id)
        submissions.submit_draft(make_draft(user.id), user.id)
        returned = submissions.submit_draft(make_draft(user.id), user.id)
        submission_id = returned.submission_id
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


@pytest.mark.parametrize("path, table_action", [
    ("/drafts", "Resume"),
    ("/submitted", "Previous Form"),
])
def test_tables_scroll_inside_the_page_at_320_pixels(narrow_page, live_server, saved_and_submitted,
                                                      check_a11y, path, table_action):
    page = narrow_page
    page.goto(f"{live_server.url}/sign-in?next={path}")
    sign_in(page, saved_and_submitted)
    expect(page.get_by_role("table").first).to_be_visible()
    assert sideways_overflow(page) == 0, f"{path} scrolls sideways at 320px"
    action = page.get_by_role("link", name=table_action).first
    action.focus()  # a keyboard user reaches it, and its table scrolls to show it
    expect(action).to_be_in_viewport()
    assert sideways_overflow(page) == 0
    check_a11y(page, f"{path} at 320px")


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
            make_submission(user_id, reference=f"CP-2026-8{secrets.randbelow(10**5):05d}")
        db.session.remove()
    page = narrow_page
    page.goto(f"{live_server.url}/sign-in?next=/submitted")
    sign_in(page, email)
    expect(page.get_by_text("You have sent 30 forms in the last 30 days (page 1 of 2).")).to_be_visible()
    assert sideways_overflow(page) == 0
    check_a11y(page, "Submitted Forms page 1 at 320px")
    page.get_by_role("navigation", name="Recently Submitted Forms pages").get_by_role(
        "link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("(page 2 of 2)")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(6)  # a header and 5 forms
    check_a11y(page, "Submitted Forms page 2 at 320px")
