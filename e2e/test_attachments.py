"""Supporting Documentation in Chromium, JavaScript on and off (seed: "Choose File", Word documents and
images can be attached, Excel spreadsheets cannot): attach a Word document and a photo, try a
spreadsheet and read why not, remove a file. axe-core checks every state."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.samples import SAMPLES, write_samples
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.drafts import services as draft_services
from webapp.extensions import db

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
SECTION = "supporting-documentation"


def account_with_draft(app) -> tuple[str, str]:
    email = f"teacher-{secrets.token_hex(4)}@school.example.org"
    with app.app_context():
        user = User(email=email, password_hash=hash_password(PASSWORD), first_name="Priya", surname="Shah",
                    is_professional=True, role="Teacher", organisation="Meadow Primary School",
                    phone="01942 000001", email_verified_at=utcnow(),
                    terms_version=app.config["TERMS_VERSION"], terms_accepted_at=utcnow())
        db.session.add(user)
        db.session.commit()
        definition = app.extensions["form_catalogue"].get("safeguarding-concern")
        draft = draft_services.create_draft(user.id, definition,
                                            draft_services.Lifetime(app.config["DRAFT_LIFETIME_DAYS"]))
        draft_id = draft.id
        db.session.remove()
    return email, draft_id


def open_supporting_documentation(page, live_server) -> str:
    """Sign a new account with a draft in, straight to its Supporting Documentation, ready for a file
    to be chosen; returns the draft's id."""
    email, draft_id = account_with_draft(live_server.app)
    page.goto(f"{live_server.url}/sign-in?next=/drafts/{draft_id}/{SECTION}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Supporting Documentation")).to_be_visible()
    page.wait_for_load_state("load")  # htmx has set the upload form up: "Upload file" sends it by htmx
    return draft_id


def files_list(page):
    return page.locator("#attached-files")


HTMX_BUSY = "#attachments.htmx-added, #attachments .htmx-added, .htmx-settling, .htmx-request"


def attach(page, js: bool, path, description: str = ""):
    """Choose the file, say what it is, select "Upload file": the one way a file is sent, with
    JavaScript as without."""
    if js:
        # After an upload the list and its form are swapped in anew: wait until htmx has settled it,
        # so the next "Upload file" is htmx's and not a plain post of the form.
        page.wait_for_function(f"() => !document.querySelector('{HTMX_BUSY}')")
    page.get_by_label("Upload a file").set_input_files(path)
    if description:
        page.get_by_label("What is this document? (optional)").fill(description)
    page.get_by_role("button", name="Upload file").click()


def test_attach_refuse_and_remove(journey_page, js_mode, live_server, check_a11y, tmp_path):
    page = journey_page
    js = js_mode == "js"
    files = write_samples(tmp_path, ["notes.docx", "photo.jpg", "budget.xlsx"])
    draft_id = open_supporting_documentation(page, live_server)
    section_url = f"{live_server.url}/drafts/{draft_id}/{SECTION}"
    expect(page.get_by_text("No files have been attached.")).to_be_visible()
    check_a11y(page, "no files yet")

    # A Word document, with what it is.
    attach(page, js, files["notes.docx"], "Chronology of events")
    expect(page.get_by_text("notes.docx has been uploaded").first).to_be_attached()
    expect(files_list(page).get_by_role("link", name="notes.docx", exact=True)).to_be_visible()
    expect(files_list(page)).to_contain_text("Word document")
    expect(files_list(page)).to_contain_text("Chronology of events")
    if js:
        expect(page.locator(".govuk-notification-banner--success")).to_be_focused()
        assert page.url == section_url
    check_a11y(page, "Word document attached")

    # A photo, one after the other.
    attach(page, js, files["photo.jpg"])
    expect(files_list(page).get_by_role("link", name="photo.jpg", exact=True)).to_be_visible()
    expect(files_list(page)).to_contain_text("Image")
    check_a11y(page, "photo attached")

    # A spreadsheet is refused, with the reason at the field and in the error summary.
    attach(page, js, files["budget.xlsx"])
    message = "budget.xlsx: Excel spreadsheets cannot be attached; save it as a PDF"
    expect(page.locator("#attachment-file-error")).to_contain_text(message)
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(files_list(page).get_by_role("link", name="budget.xlsx", exact=True)).to_have_count(0)
    if js:
        expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_a11y(page, "spreadsheet refused")

    # Remove the photo: a confirmation page without JavaScript, a question in the list with it.
    page.get_by_role("link", name="Remove photo.jpg").click()
    expect(page.get_by_text("Are you sure you want to remove photo.jpg?")).to_be_visible()
    check_a11y(page, "confirm removal")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("photo.jpg has been removed").first).to_be_attached()
    expect(files_list(page).get_by_role("link", name="photo.jpg", exact=True)).to_have_count(0)
    expect(files_list(page).get_by_role("link", name="notes.docx", exact=True)).to_be_visible()
    assert page.url == section_url
    check_a11y(page, "photo removed")

    # Say what a file is after attaching it.
    page.get_by_role("link", name="Change description of notes.docx").click()
    check_a11y(page, "describe a file")
    page.get_by_label("What is notes.docx?").fill("Chronology, updated")
    page.get_by_role("button", name="Save description").click()
    expect(files_list(page)).to_contain_text("Chronology, updated")
    assert page.url == section_url

    # The owner can download what they attached.
    with page.expect_download() as download:
        files_list(page).get_by_role("link", name="notes.docx", exact=True).click()
    assert download.value.suggested_filename == "notes.docx"
    assert download.value.path().read_bytes() == files["notes.docx"].read_bytes()

    # Check your answers lists the files with what the person said each is, and changes them there.
    page.goto(f"{live_server.url}/drafts/{draft_id}/check")
    attached = page.locator(".govuk-summary-list", has=page.get_by_text("notes.docx", exact=True))
    expect(attached.locator(".govuk-summary-list__row")).to_have_count(1)
    expect(attached.locator(".govuk-summary-list__row")).to_contain_text("Chronology, updated")
    check_a11y(page, "check your answers with a file")
    page.get_by_role("link", name="Change notes.docx (Supporting Documentation)").click()
    expect(page.get_by_role("heading", level=1, name="Supporting Documentation")).to_be_visible()
    back = page.get_by_role("link", name="Back to Check your answers")
    expect(back).to_be_visible()
    check_a11y(page, "supporting documentation, opened from check your answers")
    attach(page, js, files["photo.jpg"], "Photo of the bruise")
    expect(files_list(page).get_by_role("link", name="photo.jpg", exact=True)).to_be_visible()
    expect(back).to_be_visible()  # after the upload, with or without JavaScript
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Check your answers before you submit")).to_be_visible()
    rows = attached.locator(".govuk-summary-list__row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("photo.jpg")
    expect(rows.nth(1)).to_contain_text("Photo of the bruise")


def test_focus_after_keeping_or_removing_a_file_with_javascript(page, live_server, tmp_path):
    """The swapped-in file list must not drop the keyboard's place: focus was left on the page itself
    (the buttons pressed were gone), so a screen reader lost its place and Tab restarted from the
    section's buttons. "No, keep it" returns to the file's Remove link; after a removal the list's
    heading takes focus, and the live region says what happened."""
    files = write_samples(tmp_path, ["notes.docx", "photo.jpg"])
    page.set_default_timeout(10_000)
    open_supporting_documentation(page, live_server)
    for name in ("notes.docx", "photo.jpg"):
        attach(page, True, files[name])
        expect(files_list(page).get_by_role("link", name=name, exact=True)).to_be_visible()
        # Once the swap has settled (htmx has set up the new list's links), its message takes focus.
        expect(page.locator(".govuk-notification-banner--success")).to_be_focused()

    remove = page.get_by_role("link", name="Remove photo.jpg")
    remove.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Yes, remove it")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="No, keep it")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Are you sure you want to remove photo.jpg?")).to_have_count(0)
    expect(page.get_by_role("link", name="Remove photo.jpg")).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Yes, remove it")).to_be_focused()
    page.keyboard.press("Enter")
    expect(files_list(page).get_by_role("link", name="photo.jpg", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Files attached")).to_be_focused()
    expect(page.locator("[data-app-announce]")).to_have_text("photo.jpg has been removed")


def test_upload_file_sends_the_chosen_file_with_a_description_typed_after_it(
        journey_page, js_mode, live_server, check_a11y, tmp_path):
    """Most people choose the file, then say what it is, then select "Upload file". With JavaScript the
    file went as soon as it was chosen, without the description, and the button then sent an empty
    form: "There is a problem – Select a file to upload" next to a file that had been attached."""
    page = journey_page
    js = js_mode == "js"
    files = write_samples(tmp_path, ["notes.docx"])
    open_supporting_documentation(page, live_server)

    page.get_by_label("Upload a file").set_input_files(files["notes.docx"])
    page.get_by_label("What is this document? (optional)").fill("Chronology of events")
    page.get_by_role("button", name="Upload file").click()

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("notes.docx has been uploaded")
    expect(files_list(page).get_by_role("link", name="notes.docx", exact=True)).to_have_count(1)
    expect(files_list(page)).to_contain_text("Chronology of events")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_text("Select a file to upload")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Supporting Documentation – "))
    if js:  # the keyboard's place is the message that says what happened (the button pressed is gone)
        expect(banner).to_be_focused()
    expect(page.get_by_text("1 of 10 files")).to_be_visible()
    # The section list beside it says the section is under way (it said "Not started" until Next).
    status = page.get_by_role("navigation", name="Sections").locator(
        ".app-section-nav__item", has=page.get_by_role("button", name="Supporting Documentation")) \
        .locator(".govuk-tag")
    expect(status).to_have_text("In progress")
    check_a11y(page, "uploaded with a description typed after choosing the file")


def test_a_refused_file_shows_its_own_reason(journey_page, js_mode, live_server, check_a11y, tmp_path):
    """A program named like a photo: the reason it is refused, in the error summary and at the field,
    not "Select a file to upload" from a second, empty request; with JavaScript, focus on the summary."""
    page = journey_page
    js = js_mode == "js"
    fake = tmp_path / "fake.png"
    fake.write_bytes(SAMPLES["setup.exe"]())
    open_supporting_documentation(page, live_server)

    page.get_by_label("Upload a file").set_input_files(fake)
    description = page.get_by_label("What is this document? (optional)")
    description.fill("Photo of the bruise")
    description.press("Enter")  # sends the section's form (Next), which attaches the chosen file first

    message = "fake.png: programs and scripts cannot be attached"
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(summary.get_by_role("link", name=re.compile("^fake.png: programs"))).to_have_attribute(
        "href", "#attachment-file")
    expect(page.locator("#attachment-file-error")).to_contain_text(message)
    expect(page.get_by_text("Select a file to upload")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Error: Supporting Documentation – "))
    expect(page.get_by_text("No files have been attached.")).to_be_visible()
    expect(description).to_have_value("Photo of the bruise")
    if js:  # over the description box, where htmx would have kept it
        expect(summary).to_be_focused()
    check_a11y(page, "a program named like a photo refused")


def test_a_file_chosen_but_not_uploaded_is_attached_by_next(
        journey_page, js_mode, live_server, check_a11y, tmp_path):
    """Choose a file, say what it is, then select Next without "Upload file": the file was dropped
    without a word. It is attached as part of Next, and Check your answers lists it; a file that
    cannot be attached keeps the person on the section with the reason and what they typed."""
    page = journey_page
    files = write_samples(tmp_path, ["notes.docx", "budget.xlsx"])
    open_supporting_documentation(page, live_server)

    page.get_by_label("Upload a file").set_input_files(files["budget.xlsx"])
    description = page.get_by_label("What is this document? (optional)")
    description.fill("Family budget")
    page.get_by_role("button", name="Next", exact=True).click()
    message = "budget.xlsx: Excel spreadsheets cannot be attached; save it as a PDF"
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(page.locator("#attachment-file-error")).to_contain_text(message)
    expect(page.get_by_role("heading", level=1, name="Supporting Documentation")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Supporting Documentation – "))
    expect(description).to_have_value("Family budget")
    check_a11y(page, "a refused file sent with Next")

    page.get_by_label("Upload a file").set_input_files(files["notes.docx"])
    description.fill("Chronology of events")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Check your answers before you submit")).to_be_visible()
    attached = page.locator(".govuk-summary-list", has=page.get_by_text("notes.docx", exact=True))
    expect(attached.locator(".govuk-summary-list__row")).to_have_count(1)
    expect(attached).to_contain_text("Chronology of events")


def test_a_description_with_no_file_stops_next_and_one_summary_says_what_is_wrong(
        journey_page, js_mode, live_server, check_a11y):
    """A description typed with no file chosen was dropped by Next without a word. Next now says so;
    and with JavaScript, "Upload file" pressed next showed its own summary beneath the first, out of
    date, at the top of the page."""
    page = journey_page
    open_supporting_documentation(page, live_server)
    description = page.get_by_label("What is this document? (optional)")
    description.fill("Body map from the school nurse")
    page.get_by_role("button", name="Next", exact=True).click()
    message = "Select the file this description is for, or delete the description"
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.locator("#attachment-file-error")).to_contain_text(message)
    expect(description).to_have_value("Body map from the school nurse")
    check_a11y(page, "a description with no file sent with Next")

    page.get_by_role("button", name="Upload file").click()
    expect(page.locator("#attachment-file-error")).to_contain_text("Select a file to upload")
    summaries = page.locator(".govuk-error-summary")
    expect(summaries).to_have_count(1)  # once the list's swap has settled
    expect(summaries.first).to_contain_text("Select a file to upload")
    check_a11y(page, "then Upload file with no file")


def test_a_description_too_long_is_kept_whole_and_the_error_is_at_the_description(
        journey_page, js_mode, live_server, check_a11y, tmp_path):
    """A description pasted longer than 200 characters was cut short by the box without a word (its
    maxlength), and when the server refused one, the message stood at the file input, which had nothing
    wrong with it. Now the whole paste stays in the box and the message is at the box and linked to it."""
    page = journey_page
    js = js_mode == "js"
    files = write_samples(tmp_path, ["notes.docx"])
    open_supporting_documentation(page, live_server)
    pasted = "Chronology of events at home and at school since September, " * 5
    attach(page, js, files["notes.docx"], description=pasted)

    message = "The description must be 200 characters or fewer"
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#attachment-description")
    expect(page.locator("#attachment-description-error")).to_contain_text(message)
    expect(page.locator("#attachment-file-error")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Error: Supporting Documentation – "))
    expect(page.get_by_label("What is this document? (optional)")).to_have_value(pasted)
    expect(page.get_by_text("No files have been attached.")).to_be_visible()
    check_a11y(page, "a description too long")


def test_save_and_complete_later_from_supporting_documentation(
        journey_page, js_mode, live_server, check_a11y, tmp_path):
    """The page says "Select 'Save and complete later' to keep your answers": the button is there (it
    was only on sections with questions), by keyboard too, and the files are there on return."""
    page = journey_page
    js = js_mode == "js"
    files = write_samples(tmp_path, ["notes.docx"])
    draft_id = open_supporting_documentation(page, live_server)
    attach(page, js, files["notes.docx"], "Chronology of events")
    expect(files_list(page).get_by_role("link", name="notes.docx", exact=True)).to_be_visible()
    expect(page.get_by_text("Select 'Save and complete later' to keep your answers.")).to_be_visible()
    check_a11y(page, "Supporting Documentation with Save and complete later")

    page.get_by_role("button", name="Save and complete later").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your form has been saved")).to_be_visible()
    assert page.url == f"{live_server.url}/drafts/{draft_id}/saved"

    page.goto(f"{live_server.url}/drafts/{draft_id}/{SECTION}")
    expect(files_list(page).get_by_role("link", name="notes.docx", exact=True)).to_be_visible()
    expect(files_list(page)).to_contain_text("Chronology of events")


@pytest.mark.parametrize("width", [320, 641, 768, 1024])
def test_the_list_of_files_fits_the_page_at_every_width(browser, live_server, tmp_path, width):
    """At 641 px, where the summary list becomes three columns, "Change description" was wider than its
    column and the page scrolled sideways. The link says "Change", its object read out; a long file name
    wraps within its own column."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        open_supporting_documentation(page, live_server)
        drawing = write_samples(tmp_path, ["drawing.png"])["drawing.png"]
        long_name = drawing.rename(tmp_path / "Body_map_drawn_by_the_school_nurse_on_Monday.png")
        attach(page, True, long_name, "A drawing")
        change = files_list(page).get_by_role("link", name=f"Change description of {long_name.name}")
        expect(change).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
