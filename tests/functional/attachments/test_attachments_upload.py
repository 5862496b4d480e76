"""Uploading to Supporting Documentation: accepted files (full page and htmx), every refusal with its
message at the field and a 422, the size and quota limits, and the virus scan."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from tests import samples
from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.attachments.conftest import HX, make_draft, section_url, upload, without_title
from tests.support import at_the_same_moment
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.attachments import services
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.drafts.models import Draft
from webapp.extensions import db

MB = 1024 * 1024
GPS_IFD = 0x8825


def stored(app, draft_id):
    with app.app_context():
        rows = db.session.scalars(select(Attachment).where(Attachment.draft_id == draft_id)
                                  .order_by(Attachment.created_at)).all()
        return [{"name": a.display_name, "kind": a.kind, "type": a.content_type, "size": a.size,
                 "description": a.description, "data": a.data, "user_id": a.user_id} for a in rows]


# --- Accepted ---------------------------------------------------------------------------------------

def test_word_document_full_page_post_redirect_get(app, signed_in, draft_id, user_id):
    response = upload(signed_in, draft_id, "notes.docx", samples.docx(), description="Chronology")
    assert response.status_code == 303
    assert response.headers["Location"] == section_url(draft_id)

    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert "govuk-notification-banner--success" in page
    assert "notes.docx has been uploaded" in page
    assert "Word document, 36 KB" in page
    assert "Chronology" in page
    [row] = stored(app, draft_id)
    assert row["name"] == "notes.docx" and row["kind"] == "word" and row["user_id"] == user_id
    assert row["data"] == samples.docx()


def test_upload_form_is_a_real_multipart_form_enhanced_by_htmx(signed_in, draft_id):
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    # "Upload file" sends the section's own form, multipart on this section, to the upload address.
    action = f"/drafts/{draft_id}/attachments"
    assert 'id="section-form" enctype="multipart/form-data"' in page
    assert f'formaction="{action}" formenctype="multipart/form-data" hx-post="{action}"' in page
    assert 'hx-encoding="multipart/form-data"' in page
    assert 'type="file"' in page and 'name="file"' in page
    assert "Upload a file" in page and "Upload file" in page
    assert "What is this document? (optional)" in page
    assert "Excel spreadsheets cannot be attached" in page
    assert "js/attachments.js" in page


def test_pdf_by_htmx_swaps_the_files_fragment_and_announces_it(app, signed_in, draft_id):
    response = upload(signed_in, draft_id, "report.pdf", samples.pdf(), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert without_title(html).startswith('<div id="attachments"') and 'hx-target="this"' in html
    # The title an earlier refusal set back to "Error: …" is set back to the section's own.
    assert html.startswith("<title>Supporting Documentation – Child/Young Person Safeguarding Concern – ")
    assert "<html" not in html and "section-runner" not in html
    assert "report.pdf has been uploaded" in html
    assert "PDF, " in html
    assert "HX-Request" in response.headers["Vary"]
    assert len(html.encode()) < 8 * 1024
    assert stored(app, draft_id)[0]["type"] == "application/pdf"


def test_only_upload_file_sends_the_file_so_its_description_goes_with_it(signed_in, draft_id):
    """Choosing a file sent it at once with htmx, before its description was typed; "Upload file", still
    on the page, then sent the form again without the file: "Select a file to upload" after a file
    that was attached. The button is the one way the form is sent, with JavaScript as without."""
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    form = page[page.index('<form method="post" action="/drafts/'):]
    form = form[:form.index(">")]
    assert "hx-post=" in form and "hx-trigger" not in form
    assert "change from:" not in page
    assert "Write this before you choose the file" not in page


def test_htmx_upload_keeps_the_description_and_focus_goes_to_the_message(app, signed_in, draft_id):
    response = upload(signed_in, draft_id, "notes.docx", samples.docx(), description="Chronology", htmx=True)
    html = without_title(response.get_data(as_text=True))
    assert response.status_code == 200
    assert stored(app, draft_id)[0]["description"] == "Chronology"
    assert "Chronology" in html[html.index('id="attached-files"'):]
    assert html.startswith('<div id="attachments" class="app-attachments" hx-target="this" '
                           'hx-swap="outerHTML" data-app-focus="attachments-banner">')
    assert 'id="attachments-banner" tabindex="-1"' in html
    assert "govuk-error-summary" not in html and "Select a file to upload" not in html
    # The banner is read out as it takes focus; the live region would say it a second time.
    assert 'data-app-announce></div>' in html


def test_htmx_refusal_puts_focus_on_the_error_summary(signed_in, draft_id):
    response = upload(signed_in, draft_id, "fake.png", samples.exe(), description="Photo", htmx=True)
    html = without_title(response.get_data(as_text=True))
    assert response.status_code == 422
    assert 'data-app-focus="attachments-error-summary"' in html
    summary = html[html.index('<div class="govuk-error-summary"'):]
    summary = summary[:summary.index('data-module="govuk-error-summary"')]
    assert 'id="attachments-error-summary" tabindex="-1"' in summary
    assert '<a href="#attachment-file">fake.png: programs and scripts cannot be attached' in html
    assert 'id="attachment-file-error"' in html and "Select a file to upload" not in html
    assert 'data-app-announce></div>' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_a_description_too_long_is_shown_at_the_description_not_the_file(app, signed_in, draft_id, htmx):
    """The file input had nothing wrong with it, but the message stood there and the summary led there."""
    too_long = "Chronology " * 20
    response = upload(signed_in, draft_id, "notes.docx", samples.docx(), description=too_long, htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = "The description must be 200 characters or fewer"
    assert f'<a href="#attachment-description">{message}</a>' in html
    assert 'id="attachment-description-error"' in html and 'id="attachment-file-error"' not in html
    assert f'value="{too_long}"' in html and "maxlength" not in html
    assert stored(app, draft_id) == []


@pytest.mark.parametrize("htmx", [False, True])
def test_photo_is_stored_without_its_location(app, signed_in, draft_id, htmx):
    original = samples.jpeg_with_gps()
    assert Image.open(BytesIO(original)).getexif().get_ifd(GPS_IFD), "the sample must carry GPS"
    response = upload(signed_in, draft_id, "photo.jpg", original, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    [row] = stored(app, draft_id)
    image = Image.open(BytesIO(row["data"]))
    assert image.format == "JPEG"
    assert not image.getexif().get_ifd(GPS_IFD)
    assert row["kind"] == "image" and row["type"] == "image/jpeg"


def test_heic_photo_is_stored_as_jpeg(app, signed_in, draft_id):
    response = upload(signed_in, draft_id, "photo.heic", samples.heic(), htmx=True)
    assert response.status_code == 200
    # Named as it was chosen, and as it is kept: "photo.jpg" alone was a name the person never saw.
    assert "photo.heic has been uploaded as photo.jpg" in response.get_data(as_text=True)
    [row] = stored(app, draft_id)
    assert row["name"] == "photo.jpg" and row["type"] == "image/jpeg"
    assert row["data"][:3] == b"\xff\xd8\xff"
    assert not Image.open(BytesIO(row["data"])).getexif().get_ifd(GPS_IFD)


def test_several_files_one_after_another(app, signed_in, draft_id):
    for name in ("notes.docx", "report.pdf", "drawing.png"):
        assert upload(signed_in, draft_id, name, samples.SAMPLES[name]()).status_code == 303
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert [r["name"] for r in stored(app, draft_id)] == ["notes.docx", "report.pdf", "drawing.png"]
    page = page[page.index('id="attached-files"'):]
    assert page.index("notes.docx") < page.index("report.pdf") < page.index("drawing.png")
    assert "3 of 10 files" in page


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_same_file_chosen_twice_is_attached_once(app, signed_in, draft_id, htmx):
    """It went to the council twice, and took two of the form's ten places."""
    assert upload(signed_in, draft_id, "notes.docx", samples.docx(), htmx=htmx).status_code in (200, 303)
    response = upload(signed_in, draft_id, "notes.docx", samples.docx(), htmx=htmx)
    assert response.status_code == 422
    assert "notes.docx: you have already attached this file" in response.get_data(as_text=True)
    assert [row["name"] for row in stored(app, draft_id)] == ["notes.docx"]
    # Two different files that share a name are both kept.
    assert upload(signed_in, draft_id, "notes.pdf", samples.pdf()).status_code == 303
    assert upload(signed_in, draft_id, "notes.pdf", samples.pdf() + b"\n").status_code == 303
    assert [row["name"] for row in stored(app, draft_id)] == ["notes.docx", "notes.pdf", "notes.pdf"]


def test_upload_counts_as_a_save_of_the_draft(app, signed_in, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.saved_at = utcnow().replace(year=2020)
        draft.expires_at = utcnow().replace(microsecond=0) + timedelta(days=1)
        expires_before = draft.expires_at
        db.session.commit()
    assert upload(signed_in, draft_id, "notes.docx", samples.docx()).status_code == 303
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        assert (draft.expires_at - expires_before).days >= 28
        assert (draft.expires_at - draft.saved_at).days == app.config["DRAFT_LIFETIME_DAYS"]


def _status_tag(html: str) -> str:
    """Supporting Documentation's status tag (the eighth section of a safeguarding concern)."""
    tag = re.search(r'<strong class="govuk-tag [^"]*" id="section-status-8"[^>]*>([^<]*)</strong>', html)
    return tag.group(1)


def test_a_file_uploaded_starts_the_section(app, signed_in, draft_id):
    """Supporting Documentation said "Not started" beside a file just uploaded, until Next."""
    assert _status_tag(signed_in.get(section_url(draft_id)).get_data(as_text=True)) == "Not started"
    upload(signed_in, draft_id, "notes.docx", samples.docx())
    assert _status_tag(signed_in.get(section_url(draft_id)).get_data(as_text=True)) == "In progress"
    # With JavaScript the files fragment brings the section list's tag with it, swapped in by its id.
    html = upload(signed_in, draft_id, "report.pdf", samples.pdf(), htmx=True).get_data(as_text=True)
    assert re.search(r'id="section-status-8" hx-swap-oob="true">In progress</strong>', html)
    # A section already further on keeps its status; the other sections' statuses are left alone.
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.section_status = {**draft.section_status, "supporting-documentation": "completed",
                                "concerns": "completed"}
        db.session.commit()
    before = {**draft_status(app, draft_id)}
    assert upload(signed_in, draft_id, "visit.docx", samples.docx("Second visit.")).status_code == 303
    assert draft_status(app, draft_id) == before
    assert before["supporting-documentation"] == "completed" and before["concerns"] == "completed"


def draft_status(app, draft_id) -> dict:
    with app.app_context():
        return db.session.get(Draft, draft_id).section_status


# --- Refused ----------------------------------------------------------------------------------------

REFUSALS = [
    ("budget.xlsx", "budget.xlsx: Excel spreadsheets cannot be attached; save it as a PDF"),
    ("budget-renamed.docx", "Excel spreadsheets cannot be attached; save it as a PDF"),
    ("macros.docm", "macros.docm:"),
    ("bomb.docx", "bomb.docx: this file cannot be opened safely"),
    ("drawing.svg", "drawing.svg: SVG images cannot be attached; save it as a PNG or JPEG"),
    ("setup.exe", "setup.exe: programs and scripts cannot be attached"),
]


@pytest.mark.parametrize("name, message", REFUSALS)
@pytest.mark.parametrize("htmx", [False, True])
def test_refused_files_get_a_422_with_the_reason_at_the_field(app, signed_in, draft_id, name, message, htmx):
    response = upload(signed_in, draft_id, name, samples.SAMPLES[name](), description="Budget", htmx=htmx)
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert message in html
    assert "govuk-error-summary" in html and 'href="#attachment-file"' in html
    assert 'id="attachment-file-error"' in html
    assert 'value="Budget"' in html, "the description typed is kept"
    # With htmx too the page's title says there is an error (GOV.UK), as the full page's does.
    assert "<title>Error: Supporting Documentation – Child/Young Person Safeguarding Concern" in html
    if htmx:
        assert without_title(html).startswith('<div id="attachments"')
    assert stored(app, draft_id) == []


def test_no_file_chosen(signed_in, draft_id):
    response = post_form(signed_in, section_url(draft_id), {"description": ""},
                         post_url=f"/drafts/{draft_id}/attachments", content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Select a file to upload" in response.get_data(as_text=True)


# --- Size and quota ---------------------------------------------------------------------------------

ANSWERS = {"concern": {"summary": "Sam came to school with bruises."}}


@pytest.mark.parametrize("htmx", [False, True])
def test_file_over_10_mb_gets_the_friendly_message_and_the_draft_is_intact(app, signed_in, user_id, htmx):
    draft_id = make_draft(app, user_id, answers=ANSWERS)
    response = upload(signed_in, draft_id, "scan.pdf", samples.pdf_with_stream(b"\0" * (11 * MB)), htmx=htmx)
    assert response.status_code == 422
    assert "scan.pdf: the file must be smaller than 10 MB" in response.get_data(as_text=True)
    assert stored(app, draft_id) == []
    with app.app_context():
        assert db.session.get(Draft, draft_id).answers == ANSWERS


@pytest.mark.parametrize("htmx", [False, True])
def test_request_over_max_content_length_is_not_a_bare_413(app, signed_in, user_id, htmx):
    draft_id = make_draft(app, user_id, answers=ANSWERS)
    assert app.config["MAX_CONTENT_LENGTH"] < 13 * MB
    response = upload(signed_in, draft_id, "video.pdf", b"%PDF" + b"\0" * (13 * MB), htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must be smaller than 10 MB" in html
    assert 'id="attachment-file-error"' in html
    assert stored(app, draft_id) == []
    with app.app_context():
        assert db.session.get(Draft, draft_id).answers == ANSWERS


def test_over_max_content_length_names_the_file_when_the_script_sends_it(app, signed_in, draft_id):
    data = {"file": (BytesIO(b"\0" * (13 * MB)), "video.pdf")}
    response = post_form(signed_in, section_url(draft_id), data,
                         post_url=f"/drafts/{draft_id}/attachments", content_type="multipart/form-data",
                         headers={**HX, "X-Upload-Filename": "holiday%20video.pdf"})
    assert response.status_code == 422
    assert "holiday video.pdf: the file must be smaller than 10 MB" in response.get_data(as_text=True)


def test_eleventh_file_is_refused(app, signed_in, draft_id):
    for number in range(10):
        assert upload(signed_in, draft_id, f"notes-{number}.docx", samples.docx()).status_code == 303
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert "10 of 10 files" in page
    assert "Remove a file to attach a different one" in page
    # Sent from a page open from before (another tab, or without JavaScript, Back): the message says what
    # to do, and its link goes to the list of files, as there is no file input to go to.
    for htmx in (False, True):
        response = upload(signed_in, draft_id, "eleven.docx", samples.docx(), htmx=htmx)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert ("eleven.docx: You can attach up to 10 files to a form. Remove a file to attach this one"
                in html)
        assert 'href="#attachments-heading"' in html and 'href="#attachment-file"' not in html
        assert 'id="attachments-heading"' in html
    assert len(stored(app, draft_id)) == 10


def test_files_must_add_up_to_less_than_30_mb(app, signed_in, draft_id):
    nine_mb = samples.pdf_with_stream(b"\0" * (9 * MB))
    for number in range(3):
        assert upload(signed_in, draft_id, f"scan-{number}.pdf", nine_mb).status_code == 303
    response = upload(signed_in, draft_id, "scan-4.pdf", nine_mb, htmx=True)
    assert response.status_code == 422
    assert ("scan-4.pdf: The files attached to a form must add up to less than 30 MB. Remove a file, or make "
            "this one smaller") in response.get_data(as_text=True)
    assert len(stored(app, draft_id)) == 3


# --- Virus scan -------------------------------------------------------------------------------------

def _signed_in_on(app):
    with app.app_context():
        user = User(email="teacher@example.com", password_hash=hash_password(PASSWORD), first_name="Priya",
                    surname="Shah", is_professional=True, role="Teacher", organisation="Meadow Primary",
                    street="1 School Lane", town="Wigan", postcode="WN1 1AA", phone="01942000001",
                    email_verified_at=utcnow(), terms_version=app.config["TERMS_VERSION"],
                    terms_accepted_at=utcnow())
        db.session.add(user)
        db.session.commit()
        user_id = user.id
    client = app.test_client()
    sign_in(client)
    return client, make_draft(app, user_id)


@pytest.mark.parametrize("htmx", [False, True])
def test_eicar_is_refused_when_clamd_is_configured(app_factory, clamd_socket, htmx):
    app = app_factory(CLAMD_SOCKET=clamd_socket)
    client, draft_id = _signed_in_on(app)
    response = upload(client, draft_id, "eicar.pdf", samples.pdf_with_eicar(), htmx=htmx)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "eicar.pdf" in html and "virus" in html
    assert stored(app, draft_id) == []
    # A clean file still goes through the scanner and is kept.
    assert upload(client, draft_id, "notes.docx", samples.docx()).status_code == 303
    assert len(stored(app, draft_id)) == 1


def test_clamd_configured_but_unreachable_refuses_rather_than_storing_unscanned(app_factory, tmp_path):
    app = app_factory(CLAMD_SOCKET=str(tmp_path / "no-clamd.sock"), CLAMD_TIMEOUT=2)
    client, draft_id = _signed_in_on(app)
    response = upload(client, draft_id, "notes.docx", samples.docx())
    assert response.status_code == 422
    assert "Files cannot be checked for viruses at the moment. Try again later." in response.get_data(
        as_text=True)
    assert stored(app, draft_id) == []


def test_two_uploads_at_once_cannot_pass_the_file_limit_together(app_factory, make_user, monkeypatch):
    """Two tabs, or two files sent at the same moment: each is counted with the other, not beside it.

    Both uploads are held after their first count (once the file is inspected, which is slow for a
    large photo), so without a second count under the draft's lock each saw one place left and took it.
    """
    app = app_factory(ATTACHMENTS_MAX_FILES=2)
    user_id = make_user()
    draft_id = make_draft(app, user_id)
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        sign_in(browser)
    assert upload(browsers[0], draft_id, "first.docx", samples.docx()).status_code == 303

    responses = at_the_same_moment(monkeypatch, services, "inspect_upload", [
        lambda number=number: upload(browsers[number], draft_id, f"at-once-{number}.docx", samples.docx())
        for number in range(2)])
    assert sorted(response.status_code for response in responses) == [303, 422]
    refused = next(response for response in responses if response.status_code == 422)
    assert "You can attach up to 2 files to a form" in refused.get_data(as_text=True)
    assert len(stored(app, draft_id)) == 2
