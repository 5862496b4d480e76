"""Seed 2.3 end to end in Chromium, JavaScript on and off, with two people in two browser contexts: a
professional submits a safeguarding concern; a caseworker signs in at /la/ with the emailed code and
returns it with "Insufficient detail", asking about the Concerns; the professional reads the email, finds
the form under "Forms requesting more information", opens the Previous Form, reopens the form at the
Concerns (and again from Recover a Form), changes them and resubmits (-v2); the
caseworker sees the change and posts a response; the professional sees the response. axe-core checks
every page each of them sees."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from e2e.conftest import own_browser
from e2e.test_review import staff_signs_in
from e2e.test_submit import wait_for_pdf
from tests.functional.submissions.factory import CHILD_FIRST, CHILD_SURNAME, make_draft
from webapp.accounts import services as accounts
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.notifications.email import send_due

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
FORM_TITLE = "Child/Young Person Safeguarding Concern"
COMMENT = "Please tell us in the Concerns section when the bruising was first seen, and by whom."
NEW_IMPACT = "Jordan has now missed six days of school and flinches when an adult raises their voice."
RESPONSE = "Accepted \u2014 passed to the Children First Hub"


@pytest.fixture
def people(live_server):
    """A professional with a complete safeguarding concern ready to declare, and a social-care caseworker."""
    tag = secrets.token_hex(4)
    app = live_server.app
    with app.app_context():
        staff = accounts.create_staff(f"hub-{tag}@council.example", "social-care", PASSWORD,
                                      first_name="Sam", surname="Carter")
        professional = User(email=f"dsl-{tag}@school.example.sch.uk", password_hash=hash_password(PASSWORD),
                            first_name="Dana", surname="Okafor", is_professional=True,
                            role="Designated Safeguarding Lead", organisation="Meadow Primary",
                            email_verified_at=utcnow(), terms_version=app.config["TERMS_VERSION"],
                            terms_accepted_at=utcnow())
        db.session.add(professional)
        db.session.commit()
        draft_id = make_draft(professional.id)
        people = {"staff": staff.email, "professional": professional.email, "draft_id": draft_id}
        db.session.remove()
    return people


@pytest.fixture
def caseworker_page(browser, js_mode):
    """The caseworker's own browser, JavaScript on or off like the professional's."""
    with own_browser(browser, js_mode) as page:
        yield page


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def sign_in(page, base, email, next_path=""):
    page.goto(f"{base}/sign-in" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.locator("summary", has_text="Account menu for").click()
    page.get_by_role("button", name="Logout").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def declare_and_submit(page, js_mode, check_a11y, label):
    expect(heading(page, "Declaration & Submit")).to_be_visible()
    check_a11y(page, f"declaration ({label})")
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_role("button", name="Submit to Local Authority").click()
    if js_mode == "js":
        dialog = page.get_by_role("dialog", name="Submit this form to the Local Authority?")
        expect(dialog).to_be_visible()
        check_a11y(page, f"submit dialog ({label})")
        dialog.get_by_role("button", name="Submit").click()
    else:
        expect(heading(page, "Submit this form to the Local Authority?")).to_be_visible()
        check_a11y(page, f"confirmation page ({label})")
        page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", name="Thank You")).to_be_visible()
    check_a11y(page, f"thank you ({label})")
    return page.locator(".govuk-panel__body strong").inner_text()


def deliver_emails(app):
    with app.app_context():
        send_due()
        db.session.remove()


def open_pdf(page, js_mode, base, link):
    """The Previous Form is the PDF of what was sent. With JavaScript on the link is followed into
    Chromium's PDF viewer and back; in both modes its address is fetched to check the file itself."""
    href = link.get_attribute("href")
    if js_mode == "js":
        with page.expect_response(lambda r: r.url.endswith(href)) as info:
            link.click()
        assert info.value.status == 200
        assert info.value.headers["content-type"] == "application/pdf"
        expect(page).to_have_url(base + href)
        page.go_back()
        expect(heading(page, "Submitted Forms")).to_be_visible()
    response = page.request.get(base + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.body().startswith(b"%PDF-")


def test_return_update_resubmit_and_response(journey_page, caseworker_page, js_mode, live_server, e2e_sink,
                                             check_a11y, people):
    base = live_server.url
    app = live_server.app
    page, staff = journey_page, caseworker_page

    # --- The professional submits their safeguarding concern. ----------------------------------
    sign_in(page, base, people["professional"], f"/drafts/{people['draft_id']}/declaration")
    reference = declare_and_submit(page, js_mode, check_a11y, "first submit")
    assert re.fullmatch(r"CP-\d{4}-\d{6}", reference)
    wait_for_pdf(app, people["draft_id"])

    # --- The caseworker signs in with the emailed code and returns it. ---------------------------
    staff_signs_in(staff, live_server, e2e_sink, people["staff"], check_a11y)
    check_a11y(staff, "queue")
    staff.get_by_role("link", name=reference).click()
    expect(staff.get_by_role("heading", name=re.compile(reference))).to_be_visible()
    check_a11y(staff, "submission page")
    staff.get_by_role("button", name="Return for further information").click()
    expect(heading(staff, "Return for further information")).to_be_visible()
    check_a11y(staff, "return form")
    staff.get_by_label("Insufficient detail").check()
    staff.get_by_label("Comments for the submitter").fill(COMMENT)
    staff.get_by_label("Concerns", exact=True).check()
    staff.get_by_role("button", name="Return for further information").click()
    expect(staff.get_by_text("has been returned for more information")).to_be_visible()
    check_a11y(staff, "submission after return")

    # --- The professional reads the email, signs in and lands on Submitted Forms. -----------------
    deliver_emails(app)
    email = e2e_sink.wait_for(people["professional"], "Your form needs more information")
    assert "You recently submitted a form using the" in email.body
    assert "has been sent back to you for more information" in email.body
    assert CHILD_SURNAME not in email.body and CHILD_FIRST not in email.body
    assert f"Reference number: {reference}" in email.body  # which form, for someone with several open
    link = re.search(r"https?://\S+/sign-in\?next=(/submitted)\s", email.body)  # sign in, to Submitted Forms
    assert link, email.body
    sign_out(page)
    sign_in(page, base, people["professional"], link.group(1))
    expect(heading(page, "Submitted Forms")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/submitted$"))
    expect(page.get_by_role("heading", name="Forms requesting more information")).to_be_visible()
    check_a11y(page, "submitted forms with a returned form")
    page.get_by_role("link", name=FORM_TITLE).first.click()
    expect(page.get_by_role("region", name="More information requested")).to_contain_text(COMMENT)
    check_a11y(page, "a returned form's own page")
    page.go_back()
    returned = page.get_by_role("table", name="Forms requesting more information")
    row = returned.get_by_role("row").filter(has_text=COMMENT)
    expect(row).to_contain_text("Insufficient detail")

    open_pdf(page, js_mode, base, row.get_by_role("link", name=re.compile("Previous Form")))

    # --- It reopens at the section the caseworker asked about, with the request at the top. ------
    row.get_by_role("button", name=FORM_TITLE).click()
    expect(heading(page, "Concerns")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/drafts/[0-9a-f]{32}/concerns$"))
    notice = page.get_by_role("region", name="More information requested")
    expect(notice).to_contain_text("Insufficient detail")
    expect(notice).to_contain_text(COMMENT)
    expect(notice.get_by_role("link", name="Concerns", exact=True)).to_be_visible()
    expect(notice.get_by_role("link", name="Previous Form")).to_be_visible()
    sections = page.get_by_role("navigation", name="Sections")
    concerns = sections.locator(".app-section-nav__item",
                                has=page.get_by_role("button", name="Concerns", exact=True))
    # In place of its status, until it is saved.
    expect(concerns.locator(".govuk-tag")).to_have_text("Council asked you to check")
    expect(sections.get_by_text("Council asked you to check")).to_have_count(1)
    check_a11y(page, "reopened form: concerns, the section asked about")

    # --- Left and resumed from Recover a Form: the same section, still to check. -------------------
    page.locator("summary", has_text="Account menu for").click()
    page.get_by_role("link", name="Recover a Form").click()
    expect(heading(page, "Recover a Form")).to_be_visible()
    check_a11y(page, "recover a form with a returned form")
    page.get_by_role("link", name=re.compile(r"^Resume ")).click()
    expect(heading(page, "Concerns")).to_be_visible()
    expect(page.get_by_role("region", name="More information requested")).to_contain_text(COMMENT)

    # --- The child's details are checked first (seed 2.3), by the section list. -------------------
    sections.get_by_role("button", name="Child / Young Person's Details").click()
    expect(heading(page, "Child / Young Person's Details")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value(CHILD_FIRST)
    expect(page.get_by_role("region", name="More information requested")).to_be_visible()
    check_a11y(page, "reopened form: child's details")

    # --- The professional changes the Concerns, checks the answers and resubmits. -----------------
    sections.get_by_role("button", name="Concerns", exact=True).click()
    expect(heading(page, "Concerns")).to_be_visible()
    expect(page.get_by_role("region", name="More information requested")).to_be_visible()
    page.get_by_label("What is the impact on the child?").fill(NEW_IMPACT)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(heading(page, "Contact Information")).to_be_visible()
    # Saved: the section has its own status again.
    expect(concerns.locator(".govuk-tag")).to_have_text("Completed")
    # With JavaScript on, Next swaps the section in and the request stays where it was.
    expect(page.get_by_role("region", name="More information requested")).to_be_visible()
    expect(page.get_by_role("region", name="More information requested")).to_have_count(1)
    check_a11y(page, "reopened form: contact")
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="Declaration & Submit").click()
    expect(heading(page, "Check your answers before you submit")).to_be_visible()
    expect(page.get_by_text(NEW_IMPACT)).to_be_visible()
    check_a11y(page, "check answers (resubmission)")
    page.get_by_role("button", name="Continue to Declaration & Submit").click()
    resubmitted = declare_and_submit(page, js_mode, check_a11y, "resubmission")
    assert resubmitted == f"{reference}-v2"
    deliver_emails(app)
    e2e_sink.wait_for(people["professional"], "Confirmation of form submission")

    # --- The caseworker sees what changed, and posts a response. ----------------------------------
    staff.goto(f"{base}/la/queue?status=resubmitted")
    check_a11y(staff, "queue of resubmitted forms")
    staff.get_by_role("link", name=reference).click()
    expect(staff.get_by_role("heading", name="What changed in version 2")).to_be_visible()
    expect(staff.locator("ins", has_text=NEW_IMPACT)).to_be_visible()
    expect(staff.get_by_role("heading", level=2, name="Declaration", exact=True)).to_be_visible()
    expect(staff.get_by_text("Dana Okafor agreed to this declaration on")).to_be_visible()
    check_a11y(staff, "submission page with changes")
    staff.get_by_role("button", name="Post a response").click()
    expect(heading(staff, "Post a response")).to_be_visible()
    check_a11y(staff, "response form")
    staff.get_by_label("Response").fill(RESPONSE)
    staff.get_by_role("button", name="Post response").click()
    expect(staff.get_by_text("Your response to")).to_be_visible()
    check_a11y(staff, "submission after response")

    # --- The professional sees the response in Submitted Forms. -----------------------------------
    page.get_by_role("link", name="Submitted Forms").first.click()
    expect(heading(page, "Submitted Forms")).to_be_visible()
    expect(page.get_by_role("heading", name="Forms requesting more information")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text=f"{reference}-v2")
    expect(row).to_contain_text(RESPONSE)
    check_a11y(page, "submitted forms with the response")

    # --- The form's own page lists both versions sent; the first can still be opened. -------------
    row.get_by_role("link", name=FORM_TITLE).click()
    versions = page.get_by_role("list").filter(has_text="(shown on this page)")
    expect(versions).to_contain_text(f"{reference}-v2")
    # What this version answers, before its answers, as its PDF says it.
    expect(page.get_by_role("heading", level=2, name="In answer to a request for more information")) \
        .to_be_visible()
    answered = page.locator("p", has_text="This version answers the Local Authority's")
    expect(answered).to_contain_text(f"about the earlier version, {reference}.")
    expect(page.get_by_role("definition").filter(has_text=COMMENT)).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Insufficient detail")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Declaration", exact=True)).to_be_visible()
    check_a11y(page, "a resubmitted form's own page")
    versions.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_text(f"{reference}-v2, sent")).to_be_visible()
    expect(page.get_by_text(f"{reference}, sent")).to_contain_text("(shown on this page)")
