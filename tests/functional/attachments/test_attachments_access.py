"""Download, describe and remove; who may do each (another account's file or draft is a 404); files go
with their draft when it is cancelled or purged."""

import re
from datetime import timedelta
from io import BytesIO

from sqlalchemy import select

from tests import samples
from tests.conftest import post_form, sign_in
from tests.functional.attachments.conftest import HX, make_draft, section_url, upload, without_title
from webapp.accounts.models import User
from webapp.attachments import services
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.drafts import services as draft_services
from webapp.drafts.models import Draft
from webapp.extensions import db


def attached(app, client, draft_id, name="notes.docx", data=None) -> str:
    assert upload(client, draft_id, name, data or samples.SAMPLES[name]()).status_code == 303
    with app.app_context():
        return db.session.scalar(select(Attachment.id).where(Attachment.draft_id == draft_id,
                                                             Attachment.display_name == name))


def count(app, draft_id=None) -> int:
    with app.app_context():
        query = select(Attachment)
        if draft_id:
            query = query.where(Attachment.draft_id == draft_id)
        return len(db.session.scalars(query).all())


# --- Download ---------------------------------------------------------------------------------------

def test_owner_downloads_with_safe_headers(app, signed_in, draft_id):
    attachment_id = attached(app, signed_in, draft_id, "Café notes.docx", samples.docx())
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert f'href="/attachments/{attachment_id}"' in page

    response = signed_in.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200
    assert response.data == samples.docx()
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Caf%C3%A9%20notes.docx" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_another_accounts_file_is_not_found(app, signed_in, draft_id, other_client):
    attachment_id = attached(app, signed_in, draft_id)
    assert other_client.get(f"/attachments/{attachment_id}").status_code == 404
    assert other_client.get(f"/drafts/{draft_id}/attachments/{attachment_id}/remove").status_code == 404
    response = post_form(other_client, "/drafts", {"confirm": "yes"},
                         post_url=f"/drafts/{draft_id}/attachments/{attachment_id}/remove")
    assert response.status_code == 404

    # Their own draft id with someone else's file id does not reach it either.
    with app.app_context():
        other_id = db.session.scalar(select(User.id).where(User.email == "other@example.com"))
    other_draft = make_draft(app, other_id)
    assert other_client.get(f"/drafts/{other_draft}/attachments/{attachment_id}/remove").status_code == 404
    response = post_form(other_client, "/drafts", {"description": "mine"},
                         post_url=f"/drafts/{other_draft}/attachments/{attachment_id}/describe")
    assert response.status_code == 404
    assert count(app, draft_id) == 1


def test_upload_to_another_accounts_draft_is_not_found(app, signed_in, draft_id, other_client):
    response = upload(other_client, draft_id, "notes.docx", samples.docx())
    assert response.status_code == 404
    response = upload(other_client, draft_id, "notes.docx", samples.docx(), htmx=True)
    assert response.status_code == 404
    assert count(app, draft_id) == 0


def test_unknown_file_id_is_not_found(signed_in, draft_id):
    assert signed_in.get("/attachments/" + "0" * 32).status_code == 404
    assert signed_in.get("/attachments/" + "x" * 300).status_code == 404


def test_signed_out_download_goes_to_sign_in(app, signed_in, draft_id):
    attachment_id = attached(app, signed_in, draft_id)
    anonymous = app.test_client()
    response = anonymous.get(f"/attachments/{attachment_id}")
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]


def test_expired_draft_files_cannot_be_downloaded(app, signed_in, draft_id):
    attachment_id = attached(app, signed_in, draft_id)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert signed_in.get(f"/attachments/{attachment_id}").status_code == 404


def test_upload_without_csrf_token_is_refused(app, signed_in, draft_id):
    from io import BytesIO

    response = signed_in.post(f"/drafts/{draft_id}/attachments", content_type="multipart/form-data",
                              data={"file": (BytesIO(samples.docx()), "notes.docx")})
    assert response.status_code == 400
    assert count(app, draft_id) == 0


# --- Remove -----------------------------------------------------------------------------------------

def test_remove_without_javascript_asks_on_a_page_then_removes(app, signed_in, draft_id):
    attachment_id = attached(app, signed_in, draft_id)
    remove_url = f"/drafts/{draft_id}/attachments/{attachment_id}/remove"
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert f'href="{remove_url}"' in page

    confirm = signed_in.get(remove_url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Are you sure you want to remove notes.docx?" in html
    assert f'action="{remove_url}"' in html

    keep = post_form(signed_in, remove_url, {"confirm": "no"})
    assert keep.status_code == 303 and count(app, draft_id) == 1

    response = post_form(signed_in, remove_url, {"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"] == section_url(draft_id)
    assert count(app, draft_id) == 0
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert "notes.docx has been removed" in page
    assert "No files have been attached." in page


def test_remove_pressed_twice_says_the_file_has_gone_not_the_form(app, signed_in, draft_id):
    """"Yes, remove it" sent twice (a double-click without JavaScript, or Back and send again) answered
    the second with "This form is no longer here ... What you sent was not saved", of a form that was
    still there. It now says the file is no longer attached, and leads back to the files."""
    attachment_id = attached(app, signed_in, draft_id)
    remove_url = f"/drafts/{draft_id}/attachments/{attachment_id}/remove"
    confirm = signed_in.get(remove_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm)[1]
    assert signed_in.post(remove_url, data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    again = signed_in.post(remove_url, data={"csrf_token": token, "confirm": "yes"})
    html = again.get_data(as_text=True)
    assert again.status_code == 404
    assert "This form is no longer here" not in html and "was not saved" not in html
    assert "<title>That file is no longer attached to this form – " in html
    assert "It may have been removed already" in html
    back = f'<a class="govuk-link" href="{section_url(draft_id)}">Go back to Supporting Documentation</a>'
    assert back in html
    # A Remove or Change link on a page left open: the same.
    for url in (remove_url, remove_url.replace("/remove", "/describe")):
        response = signed_in.get(url)
        assert response.status_code == 404
        assert "That file is no longer attached" in response.get_data(as_text=True)
    # With htmx, the same words, still a 404 (as for any file id not on this draft).
    fragment = signed_in.post(remove_url, data={"csrf_token": token, "confirm": "yes"}, headers=HX)
    assert fragment.status_code == 404
    assert "That file is no longer attached to this form" in fragment.get_data(as_text=True)


def test_remove_with_htmx_confirms_inside_the_fragment(app, signed_in, draft_id):
    attachment_id = attached(app, signed_in, draft_id)
    remove_url = f"/drafts/{draft_id}/attachments/{attachment_id}/remove"
    confirm = signed_in.get(remove_url, headers=HX)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert without_title(html).startswith('<div id="attachments"')
    assert "Are you sure you want to remove notes.docx?" in html
    assert f'hx-post="{remove_url}"' in html and "autofocus" in html
    assert "hx-confirm" not in html

    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    keep = signed_in.post(remove_url, data={"csrf_token": token, "confirm": "no"}, headers=HX)
    assert keep.status_code == 200 and "Are you sure" not in keep.get_data(as_text=True)
    assert count(app, draft_id) == 1

    response = signed_in.post(remove_url, data={"csrf_token": token, "confirm": "yes"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert without_title(html).startswith('<div id="attachments"')
    assert "notes.docx has been removed" in html
    assert count(app, draft_id) == 0


# --- Describe ---------------------------------------------------------------------------------------

def test_change_a_files_description(app, signed_in, draft_id):
    attachment_id = attached(app, signed_in, draft_id)
    describe_url = f"/drafts/{draft_id}/attachments/{attachment_id}/describe"
    assert "What is notes.docx?" in signed_in.get(describe_url).get_data(as_text=True)
    too_long = post_form(signed_in, describe_url, {"description": "x" * 201})
    assert too_long.status_code == 422
    assert "200 characters or fewer" in too_long.get_data(as_text=True)
    response = post_form(signed_in, describe_url, {"description": "  Body   map from the visit "})
    assert response.status_code == 303
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert "Body map from the visit" in page


def test_a_member_of_the_public_is_not_asked_for_a_chronology_or_a_body_map(app, client, make_user):
    """The examples under "What is this document?" were a professional's documents on every form."""
    user_id = make_user("parent@example.com", is_professional=False, role=None, organisation=None)
    with app.app_context():
        definition = app.extensions["form_catalogue"].get("public-concern")
        draft_id = draft_services.create_draft(user_id, definition,
                                               draft_services.Lifetime(app.config["DRAFT_LIFETIME_DAYS"])).id
    sign_in(client, "parent@example.com")
    page = client.get(section_url(draft_id)).get_data(as_text=True)
    assert "For example, a photo, a letter or a screenshot of a message." in page
    assert "chronology" not in page
    attachment_id = attached(app, client, draft_id, "photo.jpg")
    describe = client.get(f"/drafts/{draft_id}/attachments/{attachment_id}/describe").get_data(as_text=True)
    assert "Optional. For example, a photo, a letter or a screenshot of a message." in describe
    assert "chronology" not in describe


def test_a_professional_is_given_a_professionals_examples(signed_in, draft_id):
    page = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert "For example, a chronology, a body map or an assessment." in page


# --- Opened from Check your answers -----------------------------------------------------------------

def test_the_way_back_to_the_check_survives_uploading_describing_and_removing_without_javascript(
        app, signed_in, draft_id):
    """Check your answers' Change link opens the section with a way back to it; without JavaScript
    each file action ends on the section page again, which must still lead back to the check."""
    opened = f"{section_url(draft_id)}?return=check"
    page = signed_in.get(opened).get_data(as_text=True)
    back_link = f'<a href="/drafts/{draft_id}/check" class="govuk-back-link">Back to Check your answers</a>'
    assert back_link in page
    upload_url = f"/drafts/{draft_id}/attachments?return=check"
    assert f'action="{upload_url}"' in page

    response = post_form(signed_in, opened, {"file": (BytesIO(samples.docx()), "notes.docx")},
                         post_url=upload_url, content_type="multipart/form-data")
    assert response.headers["Location"] == opened
    page = signed_in.get(opened).get_data(as_text=True)
    assert back_link in page and "notes.docx has been uploaded" in page
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id).where(Attachment.draft_id == draft_id))

    describe_url = f"/drafts/{draft_id}/attachments/{attachment_id}/describe?return=check"
    assert f'href="{describe_url}"' in page
    describe = signed_in.get(describe_url).get_data(as_text=True)
    assert f'action="{describe_url}"' in describe and f'href="{opened}"' in describe
    assert post_form(signed_in, describe_url, {"description": "Chronology"}).headers["Location"] == opened

    remove_url = f"/drafts/{draft_id}/attachments/{attachment_id}/remove?return=check"
    assert f'href="{remove_url}"' in signed_in.get(opened).get_data(as_text=True)
    remove = signed_in.get(remove_url).get_data(as_text=True)
    assert f'action="{remove_url}"' in remove and f'href="{opened}"' in remove
    assert post_form(signed_in, remove_url, {"confirm": "yes"}).headers["Location"] == opened

    # Opened any other way, nothing of it.
    plain = signed_in.get(section_url(draft_id)).get_data(as_text=True)
    assert "Back to Check your answers" not in plain and "return=check" not in plain


# --- Files go with their draft ----------------------------------------------------------------------

def test_cancelling_the_draft_deletes_its_files(app, signed_in, draft_id):
    attached(app, signed_in, draft_id)
    response = post_form(signed_in, f"/drafts/{draft_id}/cancel", {})
    assert response.status_code == 303
    assert count(app) == 0


def test_purging_expired_drafts_deletes_their_files(app, signed_in, draft_id, user_id):
    attached(app, signed_in, draft_id)
    keep = make_draft(app, user_id)
    attached(app, signed_in, keep, "report.pdf")
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
        assert draft_services.purge_expired_drafts() == 1
    assert count(app, draft_id) == 0
    assert count(app, keep) == 1


def test_copy_to_draft_makes_independent_copies(app, signed_in, draft_id, user_id):
    attached(app, signed_in, draft_id)
    target = make_draft(app, user_id)
    with app.app_context():
        copies = services.copy_to_draft(services.list_for_draft(draft_id), target, user_id)
        db.session.commit()
        assert [c.display_name for c in services.list_for_draft(target)] == ["notes.docx"]
        assert copies[0].data == samples.docx()
    assert count(app, draft_id) == 1
