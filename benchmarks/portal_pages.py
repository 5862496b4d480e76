"""The signed-in pages and htmx fragments the page-weight benchmark measures, following the referral
journey's own endpoints: a form section, check your answers, Recover a Form, Submitted Forms, and the
fragments htmx swaps (an inline error, the next section, the attachment list)."""

import io
import re

from tests.support import csrf_token

ENCODINGS = {"Accept-Encoding": "br, gzip"}
VERSION = re.compile(r'name="draft_version" value="(\d+)"')


def _fragment_size(response) -> int:
    """The fragment itself, compressed as served (its headers are reported with the pages)."""
    assert response.status_code in (200, 422), response.status_code
    return len(response.get_data())


def signed_in_pages(app, client, fragments: dict, measure_page) -> dict:
    pages = {"My Account": measure_page(client, "/account")}
    page = client.get("/forms/safeguarding-concern").get_data(as_text=True)
    token = csrf_token(page)
    started = client.post("/forms/safeguarding-concern/start", data={"csrf_token": token})
    draft_url = started.headers["Location"].rsplit("/", 1)[0]
    pages["Form section (Child / Young Person's Details)"] = measure_page(client, f"{draft_url}/child")
    pages["Check your answers"] = measure_page(client, f"{draft_url}/check")
    pages["Recover a Form"] = measure_page(client, "/drafts")
    pages["Submitted Forms"] = measure_page(client, "/submitted")
    pages["Supporting Documentation"] = measure_page(client, f"{draft_url}/supporting-documentation")

    htmx = {"HX-Request": "true", "X-CSRFToken": token, **ENCODINGS}
    version = VERSION.search(client.get(f"{draft_url}/professional").get_data(as_text=True)).group(1)
    inline = client.post(f"{draft_url}/professional/validate/phone", headers=htmx,
                         data={"phone": "12345", "validate_field": "phone"})
    fragments["Inline error (phone)"] = _fragment_size(inline)
    swap = client.post(f"{draft_url}/professional", headers=htmx,
                       data={"draft_version": version, "action": "next", "first_name": "Priya",
                             "last_name": "Shah", "role": "Teacher", "organisation": "School",
                             "phone": "01632 960001", "email": "pro@example.com"})
    fragments["Section swap (Professional's Details → Child)"] = _fragment_size(swap)
    from tests.samples import SAMPLES

    upload = client.post(f"{draft_url}/attachments", headers=htmx, content_type="multipart/form-data",
                         data={"file": (io.BytesIO(SAMPLES["report.pdf"]()), "referral-notes.pdf"),
                               "description": "Notes from the school nurse"})
    fragments["Attachment list (after an upload)"] = _fragment_size(upload)
    return pages
