"""Hostile text typed into every text field of every form definition stays text: in the section page
and its htmx fragment, check your answers, Submitted Forms, the back office, the emails and the PDF; and
a caseworker's hostile comments on a return stay text where the submitter reads them, and in the page and
PDF of the version sent in answer.

One submission per form. Each text-like input gets one of the short payloads (names get the script
and image ones, so they reach the child's name shown in lists); each textarea gets all of them at once.
"""

import io
import itertools
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.drafts.conftest import Runner
from tests.functional.review.conftest import staff_sign_in
from tests.functional.submissions.factory import submit
from tests.support import csrf_token
from webapp import formdefs
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.review.services import RETURN_SUBJECT
from webapp.submissions import rendering
from webapp.submissions.models import Submission
from webapp.submissions.services import CONFIRMATION_SUBJECT

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
QUOTE = "' onmouseover='alert(1)"
HTMX = '<div hx-get="/la/queue" hx-trigger="load">'
TEMPLATE = "{{7*7}}"
RAW = "{% raw %}"
JS_URL = "javascript:alert(1)"
CRLF = "Line1\r\nBcc: evil@example.com"
RTL = "abc\u202etxt.exe"
SHORT = [SCRIPT, IMG, QUOTE, HTMX, TEMPLATE, RAW, JS_URL, CRLF, RTL]
LONG = " ".join(SHORT)
HUGE = "A" * 100 * 1024
EVIL = "evil@example.com"
HX = {"HX-Request": "true"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "hx-get", "hx-post", "hx-put",
                  "hx-patch", "hx-delete", "hx-push-url", "hx-replace-url"}
TEXT_LIKE = ("text", "textarea")
TEAMS = {"social-care": "caseworker@council.example", "early-help": "helper@council.example",
         "lado": "lado.officer@council.example"}


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser would build the DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def assert_inert(response, where: str, *, back_office: bool = False) -> str:
    """No markup, handler, htmx attribute or script URL of the attacker's making; no server error."""
    assert response.status_code < 500, (where, response.status_code)
    for name, value in response.headers.items():
        assert EVIL not in value and "\n" not in value, (where, name)
    html = response.get_data(as_text=True)
    for raw in ("<script>alert", "<img src=x", "<div hx-get=\"/la/queue\""):
        assert raw not in html, (where, raw)
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        handlers = [a for a in attrs if a.startswith("on")]
        assert not handlers, (where, tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/assets/"), (where, attrs)
        assert not (tag == "img" and attrs.get("src") == "x"), where
        for name in URL_ATTRIBUTES & set(attrs):
            assert not attrs[name].strip().lower().startswith("javascript:"), (where, tag, name, attrs[name])
        assert attrs.get("hx-trigger") != "load", (where, tag, attrs)
        if not back_office:
            assert "/la/" not in attrs.get("hx-get", ""), (where, tag, attrs)
    return html


def assert_shown_as_text(html: str, where: str) -> None:
    """The payloads are there, as text: escaped markup, and the template expression not evaluated."""
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, where
    assert "onerror=alert(1)&gt;" in html, where
    assert "&lt;div hx-get=" in html, where
    assert TEMPLATE in html, where


# --- Building the posts ---------------------------------------------------------------------------------

def option_for(f) -> str:
    """The option that reveals the most follow-up questions, so they are answered (with payloads) too."""
    if f.must_equal is not None:
        return f.must_equal if isinstance(f.must_equal, str) else f.must_equal[0]
    return max(f.options, key=lambda o: len(o.reveals)).value


def posted_field(f, name: str, payloads) -> dict:
    """Form data for one field: payloads in text, valid values in everything that is checked."""
    if f.type == "textarea":
        return {name: LONG}
    if f.type == "text":
        special = {"first_name": SCRIPT, "surname": IMG, "name": SCRIPT}
        return {name: special.get(f.name) or next(payloads)}
    if f.type == "email":
        return {name: "teacher@example.com"}
    if f.type == "phone":
        return {name: "01942 000001"}
    if f.type in ("radios", "select"):
        return {name: option_for(f)}
    if f.type == "checkboxes":
        return {name: [o.value for o in f.options if not o.exclusive]}
    if f.type == "date":
        day = date.today() + timedelta(days=60) if f.not_past else date(2016, 4, 3)
        return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}
    if f.type == "address":
        return {f"{name}-line1": next(payloads), f"{name}-line2": next(payloads),
                f"{name}-town": next(payloads), f"{name}-postcode": "WN1 2BB"}
    if f.type == "repeat":
        out = {}
        for sub in f.fields:
            out.update(posted_field(sub, f"{name}-0-{sub.name}", payloads))
        return out
    raise AssertionError(f"no hostile data for field type {f.type}: add it here")


def posted_section(section) -> dict:
    payloads = itertools.cycle(SHORT)
    data = {}
    for f in section.display_order():
        data.update(posted_field(f, f.name, payloads))
    return data


def invalid_post(section) -> dict:
    """The section with a 100 KB string in every text-like input and hostile text where it is refused
    (email, phone, postcode), as an attacker's script would post it."""
    data = posted_section(section)
    hostile = {"email": IMG + "@example.com", "phone": SCRIPT}
    for f in section.display_order():
        if f.type in TEXT_LIKE:
            data[f.name] = HUGE
        elif f.type in hostile:
            data[f.name] = hostile[f.type]
        elif f.type == "address":
            data[f"{f.name}-line1"] = HUGE
            data[f"{f.name}-postcode"] = HTMX
    return data


def question_sections(definition):
    return [s for s in definition.sections if s.kind == "questions"]


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


# --- The test -------------------------------------------------------------------------------------------

CATALOGUE = formdefs.load_catalogue()


@pytest.fixture
def app(app_factory):
    return app_factory(PDF_RENDER_AFTER_SUBMIT=False)


@pytest.mark.parametrize("form_id", [d.id for d in CATALOGUE.all()])
def test_hostile_text_in_every_field_stays_text_everywhere(app, client, make_user, smtp_sink, form_id):
    definition = CATALOGUE.get(form_id)
    # The account's own name is hostile too: it is shown in the header, the back office and the PDF.
    make_user(first_name=SCRIPT, surname=IMG, is_professional=definition.audience == "professional")
    make_user(TEAMS[definition.team], is_staff=True, team=definition.team, first_name="Sam",
              surname="Carter", is_professional=False, role=None, organisation=None)
    sign_in(client)
    runner = Runner(client)
    draft_id = runner.start(form_id)
    sections = question_sections(definition)
    assert sections, form_id

    for section in sections:
        url = f"/drafts/{draft_id}/{section.id}"
        # Too long and malformed: a field error (or a save), never a 500, and what is echoed is inert.
        for headers in ({}, HX):
            response = runner.post(draft_id, section.id, invalid_post(section), htmx=bool(headers))
            assert response.status_code in (303, 200, 422), (url, response.status_code)
            html = assert_inert(response, f"{url} 100 KB")
            if response.status_code == 422:
                assert "characters or fewer" in html or "characters or fewer" in html, url
        first_text = next((f for f in section.fields if f.type in TEXT_LIKE), None)
        if first_text is not None:
            token = csrf_token(runner.page(draft_id, section.id).get_data(as_text=True))
            response = client.post(f"{url}/validate/{first_text.name}", headers={**HX, "X-CSRFToken": token},
                                   data={**posted_section(section), first_text.name: HUGE})
            assert response.status_code == 422, url
            assert_inert(response, f"{url} validate")
            response = client.post(f"{url}/autosave", headers={**HX, "X-CSRFToken": token},
                                   data={first_text.name: SCRIPT + IMG, "draft_version": "0"})
            assert response.status_code in (200, 409), url
            assert_inert(response, f"{url} autosave")

        response = runner.post(draft_id, section.id, posted_section(section))
        assert response.status_code == 303, (url, response.get_data(as_text=True)[:3000])
        html = assert_inert(client.get(url), url)
        fragment = assert_inert(client.get(url, headers=HX), f"{url} fragment")
        if any(f.type == "textarea" for f in section.fields):
            assert_shown_as_text(html, url)
            assert_shown_as_text(fragment, f"{url} fragment")

    check = assert_inert(client.get(f"/drafts/{draft_id}/check"), "check your answers")
    assert_shown_as_text(check, "check your answers")
    assert "There is a problem" not in check, "the hostile answers should make a complete form"
    assert_inert(client.get(f"/drafts/{draft_id}/check", headers=HX), "check your answers fragment")
    assert_inert(client.get("/drafts"), "Recover a Form")

    response = submit(client, draft_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    thank_you = response.headers["Location"]
    assert_inert(client.get(thank_you), "thank you")
    with app.app_context():
        submission = db.session.query(Submission).one()
        submission_id, reference = submission.id, submission.reference
        assert rendering.render_pending_pdfs() == 1
        assert send_due() == 1

    # Emails carry no answers at all, and no header was made from one.
    mails = smtp_sink.to("teacher@example.com")
    assert [m.subject for m in mails] == [CONFIRMATION_SUBJECT]
    assert mails[0].to == ["teacher@example.com"] and reference in mails[0].body
    assert not smtp_sink.to(EVIL)
    for payload in SHORT:
        assert payload not in mails[0].body

    submitted = assert_inert(client.get("/submitted"), "Submitted Forms")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in submitted  # the child's name, as text
    assert_inert(client.get("/submitted", headers=HX), "Submitted Forms fragment")
    view = assert_inert(client.get(f"/submitted/{submission_id}"), "submitted form")
    assert_shown_as_text(view, "submitted form")
    assert_inert(client.get(f"/submitted/{submission_id}", headers=HX), "submitted form fragment")

    pdf = client.get(f"/submitted/{submission_id}/v1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    for payload in (SCRIPT, IMG, HTMX, TEMPLATE, RAW, JS_URL):
        assert re.sub(r"\s+", "", payload) in text, payload  # printed as typed, not interpreted

    # The back office: queue (with a hostile search), the submission, and a return with hostile comments.
    staff = app.test_client()
    staff_sign_in(staff, smtp_sink, TEAMS[definition.team], PASSWORD)
    queue = assert_inert(staff.get("/la/queue"), "queue", back_office=True)
    assert reference in queue
    searched = post_form(staff, "/la/queue", {"q": HTMX + SCRIPT}).headers["Location"]
    assert "matching" in assert_inert(staff.get(searched), "queue search", back_office=True)
    searched = post_form(staff, "/la/queue", {"q": IMG}).headers["Location"]
    assert "matching" in assert_inert(staff.get(searched, headers=HX), "queue search fragment",
                                      back_office=True)
    page = assert_inert(staff.get(f"/la/submissions/{submission_id}"), "back-office submission",
                        back_office=True)
    assert_shown_as_text(page, "back-office submission")
    refused = post_form(staff, f"/la/submissions/{submission_id}/return", {"comments": LONG},
                        post_url=f"/la/submissions/{submission_id}/return")
    assert refused.status_code == 422
    assert_inert(refused, "return form with errors", back_office=True)
    smtp_sink.clear()
    returned = post_form(staff, f"/la/submissions/{submission_id}/return",
                         {"reason": "other", "comments": LONG})
    assert returned.status_code == 302, returned.get_data(as_text=True)[:2000]
    assert_inert(staff.get(f"/la/submissions/{submission_id}"), "returned submission", back_office=True)
    with app.app_context():
        assert send_due() == 1
    mail = smtp_sink.wait_for("teacher@example.com", RETURN_SUBJECT)
    assert mail.to == ["teacher@example.com"] and not smtp_sink.to(EVIL)
    for payload in SHORT:
        assert payload not in mail.body

    # The submitter reads the caseworker's (hostile) comments as text.
    notice = assert_inert(client.get("/submitted"), "Submitted Forms with a return")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in notice
    returned_page = assert_inert(client.get(f"/submitted/{submission_id}"), "returned form")
    assert_shown_as_text(returned_page, "returned form")

    # ...and sends the form again: version 2's page and PDF say what it answers, the comments as text.
    reopened = client.post(f"/submitted/{submission_id}/reopen",
                           data={"csrf_token": csrf_token(returned_page)})
    assert reopened.status_code == 302
    second_draft = reopened.headers["Location"].split("/")[2]
    assert_inert(client.get(reopened.headers["Location"]), "reopened form")
    assert submit(client, second_draft).status_code == 302
    with app.app_context():
        assert rendering.render_pending_pdfs() == 1
    second = assert_inert(client.get(f"/submitted/{submission_id}?v=2"), "resubmitted form")
    answered = second.split('id="answered-request"', 1)[1].split("</dl>", 1)[0]
    assert_shown_as_text(answered, "what the resubmitted form answers")
    assert_inert(client.get(f"/submitted/{submission_id}?v=2", headers=HX), "resubmitted form fragment")
    pdf = client.get(f"/submitted/{submission_id}/v2.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    asked = text[text.index("Inanswertoarequestformoreinformation"):text.index("Earlierversion")]
    for payload in (SCRIPT, IMG, HTMX, TEMPLATE, RAW, JS_URL):
        assert re.sub(r"\s+", "", payload) in asked, payload  # the comments printed as typed
    page = assert_inert(staff.get(f"/la/submissions/{submission_id}"), "resubmitted, back office",
                        back_office=True)
    assert_shown_as_text(page, "resubmitted, back office")
