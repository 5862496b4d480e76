"""A file chosen on Supporting Documentation and sent with Next, 'Save and complete later', Previous or
the section list instead of "Upload file". It was dropped without a word, with JavaScript off and on:
the section's form did not carry it. Now the section's form carries it, and it is attached with every
check "Upload file" makes; a refused file keeps the person on the section with the same message."""

import re
from io import BytesIO

import pytest
from sqlalchemy import select

from tests import samples
from tests.functional.attachments.conftest import HX, SECTION, make_draft, section_url
from tests.functional.drafts.conftest import page_version
from tests.support import csrf_token
from webapp.attachments.models import Attachment
from webapp.drafts.models import Draft
from webapp.extensions import db

MB = 1024 * 1024
ANSWERS = {"concern": {"summary": "Sam came to school with bruises."}}


def press(client, draft_id: str, action: str, name: str | None = None, data: bytes = b"",
          description: str = "", htmx: bool = False, headers: dict | None = None, post_to: str = "",
          **extra):
    """Choose a file (or not), type its description, and press one of the section's own buttons."""
    html = client.get(section_url(draft_id)).get_data(as_text=True)
    payload = {"csrf_token": csrf_token(html), "draft_version": str(page_version(html)), "action": action,
               "description": description, **extra}
    # A browser sends an empty file part when no file is chosen.
    payload["file"] = (BytesIO(data), name or "")
    return client.post(post_to or section_url(draft_id), data=payload, content_type="multipart/form-data",
                       headers={**(HX if htmx else {}), **(headers or {})})


def stored(app, draft_id):
    with app.app_context():
        return [(a.display_name, a.description) for a in db.session.scalars(
            select(Attachment).where(Attachment.draft_id == draft_id).order_by(Attachment.created_at))]


def draft(app, draft_id) -> Draft:
    with app.app_context():
        row = db.session.get(Draft, draft_id)
        db.session.expunge(row)
        return row


def test_the_file_and_its_description_belong_to_the_sections_form(signed_in, draft_id):
    """Without JavaScript a button sends only its own form: the file has to be in the section's."""
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    form = page[page.index('<form method="post" action="/drafts/'):]
    assert form.startswith(f'<form method="post" action="{section_url(draft_id)}"')
    assert 'id="section-form" enctype="multipart/form-data"' in form[:form.index(">")]
    for name in ("file", "description"):
        assert re.search(rf'<input [^>]*name="{name}"[^>]*form="section-form"', page), name
    upload = page[page.index('value="upload"') - 200:page.index("Upload file")]
    assert f'formaction="/drafts/{draft_id}/attachments"' in upload and 'form="section-form"' in upload
    assert f'hx-post="/drafts/{draft_id}/attachments"' in upload


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(("action", "leads_to"), [("next", "check"), ("save-later", "saved")])
def test_a_file_chosen_and_not_uploaded_is_attached_by_next_or_save_and_complete_later(
        app, signed_in, draft_id, action, leads_to, htmx):
    response = press(signed_in, draft_id, action, "notes.docx", samples.docx(), "Chronology", htmx=htmx)
    where = response.headers["HX-Redirect"] if htmx else response.headers["Location"]
    assert response.status_code == (200 if htmx else 303)
    assert where == f"/drafts/{draft_id}/{leads_to}"
    assert stored(app, draft_id) == [("notes.docx", "Chronology")]
    assert draft(app, draft_id).section_status[SECTION] == "completed"
    check = signed_in.get(f"/drafts/{draft_id}/check").get_data(as_text=True)
    assert "notes.docx" in check and "Chronology" in check


@pytest.mark.parametrize("htmx", [False, True])
def test_previous_and_the_section_list_attach_it_too(app, signed_in, draft_id, htmx):
    for action, name in (("previous", "a.pdf"), ("go-to:child", "b.pdf")):
        assert press(signed_in, draft_id, action, name, samples.pdf(), htmx=htmx).status_code in (200, 303)
    assert [name for name, _ in stored(app, draft_id)] == ["a.pdf", "b.pdf"]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(("name", "data", "message"), [
    ("fake.png", samples.exe(), "fake.png: programs and scripts cannot be attached"),
    ("budget.xlsx", samples.xlsx(), "budget.xlsx: Excel spreadsheets cannot be attached; save it as a PDF"),
    ("scan.pdf", samples.pdf_with_stream(b"\0" * (11 * MB)), "scan.pdf: the file must be smaller than 10 MB"),
])
def test_a_refused_file_stops_next_with_the_upload_message_and_keeps_the_description(
        app, signed_in, user_id, name, data, message, htmx):
    draft_id = make_draft(app, user_id, answers=ANSWERS)
    response = press(signed_in, draft_id, "next", name, data, "Photo of the bruise", htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count(message.replace("'", "&#39;")) == 2  # the error summary and the file field
    assert '<a href="#attachment-file">' in html and 'id="attachment-file-error"' in html
    assert 'value="Photo of the bruise"' in html
    assert "Error: Supporting Documentation" in html
    if htmx:  # the section's form asked for the whole section
        assert html.startswith("<title>Error: ") and 'id="section-runner"' in html and "<html" not in html
    assert stored(app, draft_id) == []
    saved = draft(app, draft_id)
    assert saved.answers == ANSWERS and SECTION not in saved.section_status

    # The same message as "Upload file" gives for the same file.
    upload = press(signed_in, draft_id, "upload", name, data, post_to=f"/drafts/{draft_id}/attachments")
    assert upload.status_code == 422 and message.replace("'", "&#39;") in upload.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_body_too_large_to_read_on_next_says_the_file_is_too_large_not_a_bare_413(
        app, signed_in, user_id, htmx):
    draft_id = make_draft(app, user_id, answers=ANSWERS)
    headers = {"X-Upload-Filename": "holiday%20video.pdf"} if htmx else {}
    response = press(signed_in, draft_id, "next", "video.pdf", b"%PDF" + b"\0" * (13 * MB), htmx=htmx,
                     headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    expected = "holiday video.pdf: the file must be smaller than 10 MB" if htmx else \
        "The selected file must be smaller than 10 MB"
    assert html.count(expected) == 2 and 'id="attachment-file-error"' in html
    assert stored(app, draft_id) == []
    saved = draft(app, draft_id)
    assert saved.answers == ANSWERS and SECTION not in saved.section_status


def test_next_without_a_file_goes_on_as_before(app, signed_in, draft_id):
    response = press(signed_in, draft_id, "next")
    assert response.status_code == 303 and response.headers["Location"] == f"/drafts/{draft_id}/check"
    assert stored(app, draft_id) == []


def test_a_file_sent_with_next_still_needs_the_pages_csrf_token(app, signed_in, draft_id):
    response = press(signed_in, draft_id, "next", "notes.docx", samples.docx(), csrf_token="forged")
    assert response.status_code == 400
    assert stored(app, draft_id) == []


def test_a_file_sent_with_next_to_another_accounts_draft_is_not_found(app, other_client, draft_id):
    html = other_client.get("/").get_data(as_text=True)
    response = other_client.post(section_url(draft_id), content_type="multipart/form-data", data={
        "csrf_token": csrf_token(html), "action": "next", "file": (BytesIO(samples.docx()), "notes.docx")})
    assert response.status_code == 404
    assert stored(app, draft_id) == []


def test_a_body_too_large_to_read_on_another_section_is_still_refused_unread(app, signed_in, user_id):
    """Only the section that takes files answers a body it cannot read (whose CSRF token it cannot
    check either); any other section still refuses it, and nothing is saved."""
    draft_id = make_draft(app, user_id, answers=ANSWERS)
    response = signed_in.post(f"/drafts/{draft_id}/concerns", content_type="multipart/form-data",
                              data={"action": "next", "summary": "x" * (13 * MB)})
    assert response.status_code == 413
    assert draft(app, draft_id).answers == ANSWERS


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("action", ["next", "save-later", "previous"])
def test_a_description_typed_with_no_file_chosen_is_not_dropped_without_a_word(
        app, signed_in, draft_id, action, htmx):
    """The description went with no file and vanished on Next, as the file once did."""
    response = press(signed_in, draft_id, action, description="Body map <from> the nurse", htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = "Select the file this description is for, or delete the description"
    assert html.count(message) == 2  # at the file field and in the summary
    assert 'href="#attachment-file"' in html
    assert 'value="Body map &lt;from&gt; the nurse"' in html
    assert stored(app, draft_id) == []
    cleared = press(signed_in, draft_id, action, description="  ", htmx=htmx)
    assert cleared.status_code == (200 if htmx else 303)
