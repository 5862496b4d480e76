"""The PDF: rendered once off the request path, stored, served inline; every answer in it, nothing active."""

import contextlib
import io
import os
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from tests.functional.submissions.factory import (
    add_reworded_declaration_version,
    attach,
    complete_answers,
    make_draft,
    photo_with_exif,
    printed_lines,
    submit,
)
from webapp.extensions import db
from webapp.submissions import rendering, services
from webapp.submissions.models import Submission, SubmissionVersion

HOSTILE = [
    '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd">',
    "</style><style>@import url(http://127.0.0.1:1/x.css); body{display:none}</style>",
    '<a href="javascript:alert(1)" rel=attachment>click</a> <iframe src="http://127.0.0.1:1/"></iframe>',
]


def normalise(text: str) -> str:
    """Without whitespace: the PDF wraps long words (URLs) and text extraction adds a space there."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return normalise(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def printed_text_of(app, signed_in, user_id, changed_answers: dict | None = None,
                    at: datetime | None = None) -> str:
    """The text of the PDF of a complete form submitted (`at` that time, if given) with these answers
    changed."""
    with app.app_context():
        draft_id = make_draft(user_id, complete_answers(changed_answers or {}))
    with time_machine.travel(at, tick=False) if at else contextlib.nullcontext():
        assert submit(signed_in, draft_id).status_code == 302
        with app.app_context():
            assert rendering.render_pending_pdfs() == 1
            return pdf_text(db.session.scalar(select(SubmissionVersion)).pdf)


@pytest.fixture
def submitted_version(app, signed_in, user_id):
    """A submitted form with two photos (EXIF on the way in) and a Word document; PDF rendered."""
    with app.app_context():
        draft_id = make_draft(user_id)
        attach(draft_id, user_id, "bruise-arm.jpg", photo_with_exif(1))
        attach(draft_id, user_id, "bruise-leg.jpg", photo_with_exif(2))
        attach(draft_id, user_id, "chronology.docx", b"PK\x03\x04 not really a docx", kind="word",
               content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               description="Chronology of events since March")
    assert submit(signed_in, draft_id).status_code == 302
    with app.app_context():
        assert rendering.render_pending_pdfs() == 1
        version = db.session.scalar(select(SubmissionVersion))
        return version.submission_id, version.id


def test_job_renders_and_stores_once(app, submitted_version):
    submission_id, version_id = submitted_version
    with app.app_context():
        version = db.session.get(SubmissionVersion, version_id)
        assert version.pdf.startswith(b"%PDF-") and version.pdf_rendered_at and version.pdf_error is None
        first = version.pdf
        assert rendering.render_pending_pdfs() == 0  # rendered once: nothing left to do
        db.session.expire_all()
        assert db.session.get(SubmissionVersion, version_id).pdf == first


def test_pdf_is_served_inline_and_the_view_links_to_it(app, signed_in, submitted_version):
    submission_id, _ = submitted_version
    with app.app_context():
        reference = db.session.get(Submission, submission_id).reference
    html = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert f'href="/submitted/{submission_id}/v1.pdf">Open PDF' in html
    assert "being prepared" not in html
    response = signed_in.get(f"/submitted/{submission_id}/v1.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{reference}.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF-")


def test_pdf_has_every_label_and_answer_and_the_files(app, submitted_version):
    _, version_id = submitted_version
    with app.app_context():
        version = db.session.get(SubmissionVersion, version_id)
        text = pdf_text(version.pdf)
        sections = rendering.answer_sections(version)
        reference = version.submission.reference
    assert reference in text
    assert normalise("Child/Young Person Safeguarding Concern") in text
    for section in sections:
        assert normalise(section["title"]) in text
        for row in section["rows"]:
            assert normalise(row["label"]) in text, row["label"]
            for line in printed_lines(row):
                assert normalise(line) in text, (row["label"], line)
    for name in ("bruise-arm.jpg", "bruise-leg.jpg", "chronology.docx"):
        assert name in text
    # What the submitter said each file is, as the Local Authority's page shows it.
    assert normalise("Chronology of events since March") in text
    assert normalise("Jordan arrived with bruising to his upper arm and said Lee grabbed him.") in text


def test_pdf_gives_the_time_of_submission_in_uk_time_as_the_pages_do(app, signed_in, user_id):
    """In summer the stored UTC time is an hour behind London: the PDF, a record that may be read in
    court, said 16:05 where the portal's pages say 5:05pm."""
    with app.app_context():
        draft_id = make_draft(user_id)
    with time_machine.travel(datetime(2026, 7, 1, 16, 5, tzinfo=UTC), tick=False):
        assert submit(signed_in, draft_id).status_code == 302
        with app.app_context():
            assert rendering.render_pending_pdfs() == 1
            version = db.session.scalar(select(SubmissionVersion))
            text, submission_id = pdf_text(version.pdf), version.submission_id
        page = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert "1 July 2026 at 5:05pm" in page
    assert normalise("Submitted 1 July 2026 at 5:05pm") in text
    assert normalise("This PDF was produced on 1 July 2026 at 5:05pm") in text


def test_pdf_gives_the_email_address_of_whoever_submitted_it(app, signed_in, user_id):
    """The back office shows the submitter's name and email address; the PDF, the copy a caseworker
    prints for the case file, gave the name alone. A member of the public's forms ask for no address
    of their own, so "No, only contact me by email" left the printed record with no way to reply."""
    text = printed_text_of(app, signed_in, user_id, {"professional": {"email": "dsl@meadow.example"}})
    assert normalise("Submitted by Priya Shah Email address teacher@example.com") in text


SAFEGUARDING_DECLARATION = [
    "By submitting this form you confirm that:",
    "the information you have given is true and complete to the best of your knowledge",
    "you understand it will be shared with the council's Children's Services and, where needed, with other "
    "agencies such as health and the police, to keep children safe",
    "you will tell us if anything changes or if you become more worried about the child",
]


def test_pdf_records_the_declaration_agreed_and_when(app, signed_in, user_id):
    """The PDF is the council's record of the referral, and it did not say what the submitter had
    confirmed on Declaration & Submit, nor when: now its last section gives the declaration's words and
    the time it was agreed (the submit), in UK time."""
    text = printed_text_of(app, signed_in, user_id, at=datetime(2026, 7, 1, 16, 5, tzinfo=UTC))
    declared = text[text.index(normalise("Attached files")):]
    assert normalise("Declaration Priya Shah agreed to this declaration on 1 July 2026 at 5:05pm, when the "
                     "form was submitted, by selecting “I confirm the declaration above”.") in declared
    for words in SAFEGUARDING_DECLARATION:
        assert normalise(words) in declared, words
    # Advice on the page is not something agreed to.
    assert normalise("If a child is in immediate danger") not in declared


def test_pdf_gives_the_declaration_of_the_form_version_answered(app, signed_in, user_id):
    """A form whose declaration is reworded gets a new version; a referral made on the old one keeps,
    in its record, the words its submitter saw."""
    add_reworded_declaration_version(app)
    with app.app_context():
        drafts = [make_draft(user_id, form_version=1), make_draft(user_id, form_version=2)]
    for draft_id in drafts:
        assert submit(signed_in, draft_id).status_code == 302
    with app.app_context():
        assert rendering.render_pending_pdfs() == 2
        old, new = (pdf_text(db.session.scalar(select(SubmissionVersion.pdf)
                                               .where(SubmissionVersion.form_version == n)))
                    for n in (1, 2))
    assert normalise(SAFEGUARDING_DECLARATION[1]) in old and normalise("reworded") not in old
    assert normalise("I promise this is all true, reworded.") in new
    assert normalise(SAFEGUARDING_DECLARATION[1]) not in new


def test_pdf_has_no_embedded_files_and_its_images_no_exif(app, submitted_version):
    _, version_id = submitted_version
    with app.app_context():
        data = db.session.get(SubmissionVersion, version_id).pdf
    reader = PdfReader(io.BytesIO(data))
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert b"/EmbeddedFiles" not in data and b"/JavaScript" not in data
    images = [image for page in reader.pages for image in page.images]
    assert len(images) >= 2
    for image in images:
        assert b"Exif" not in image.data[:4096] and b"SecretCam" not in image.data
    assert b"SecretCam" not in data and b"Mill Lane" not in data


def test_emoji_and_symbols_people_type_are_printed(app, signed_in, user_id):
    """Young people and parents write with emoji; the record must show them, not empty boxes (the PDF's
    font has no emoji, so they fell back to nothing before a font that has them was installed)."""
    worries = "He texted 😢 then 👍 at 9pm ✅; Siân said “not again” – ½ an hour later"
    assert normalise(worries) in printed_text_of(app, signed_in, user_id, {"concerns": {"worries": worries}})


def test_names_in_chinese_japanese_korean_and_south_asian_scripts_are_printed(app, signed_in, user_id):
    """A family's names written in their own script came out of the PDF as nothing readable: its fonts
    had no Chinese, Japanese, Korean, Bengali, Devanagari, Gurmukhi or Gujarati letters. Set-up now
    installs fonts that have them, and fontconfig falls back to them for those letters."""
    worries = ("Her grandmother 李秀英 (さくら, 김민지) looks after her; her uncle রহিম, "
               "her aunt सीमा, her cousins ਹਰਪ੍ਰੀਤ and ગીતા.")
    printed = printed_text_of(app, signed_in, user_id, {"concerns": {"worries": worries}})
    for name in ("李秀英", "さくら", "김민지", "রহিম", "सीमा", "ਹਰਪ੍ਰੀਤ", "ગીતા"):
        assert name in printed, name


#: Names in the other scripts of languages children and families in England speak (Thai, Tamil,
#: Sinhala, Amharic and Tigrinya, Burmese, Khmer, Telugu, Malayalam, Kannada, Tibetan, Lao), and in
#: some DejaVu already had (Arabic, Hebrew, Georgian, Armenian, Greek, Cyrillic).
NAMES_IN_OTHER_SCRIPTS = ("สมชาย", "கமலா", "නිමල්", "ሰላም", "အောင်", "សុខា", "లక్ష్మి", "അനു", "ರಾಮ",
                          "བཀྲ་ཤིས", "ສົມ", "فاطمة", "שרה", "ნინო", "Անի", "Ελένη", "Ольга")


def test_names_in_thai_tamil_ethiopic_and_other_scripts_are_printed(app, signed_in, user_id):
    """Thai, Tamil, Sinhala, Ethiopic (Amharic and Tigrinya, spoken by many children who came here
    alone), Burmese, Khmer and the other scripts below still printed as nothing readable: no font
    installed had their letters. Set-up installs Debian's Noto fonts, which have them."""
    worries = "Her relatives: " + ", ".join(NAMES_IN_OTHER_SCRIPTS) + "."
    printed = printed_text_of(app, signed_in, user_id, {"concerns": {"worries": worries}})
    for name in NAMES_IN_OTHER_SCRIPTS:
        assert name in printed, name


def test_hostile_answers_come_out_as_inert_text(app, signed_in, user_id):
    answers = complete_answers({"concerns": {"worries": HOSTILE[0], "what_changed": HOSTILE[1],
                                             "impact": HOSTILE[2]}})
    with app.app_context():
        draft_id = make_draft(user_id, answers)
    assert submit(signed_in, draft_id).status_code == 302
    with app.app_context():
        assert rendering.render_pending_pdfs() == 1
        version = db.session.scalar(select(SubmissionVersion))
        data = version.pdf
    text = pdf_text(data)
    for value in HOSTILE:
        assert normalise(value) in text
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for annot in (page.get("/Annots") or []):
            annot = annot.get_object()
            assert annot.get("/Subtype") != "/FileAttachment"
            assert "javascript" not in str(annot.get("/A", {})).lower()
    assert b"/EmbeddedFiles" not in data and b"/Launch" not in data
    # The HTML view escapes the same text.
    html = signed_in.get(f"/submitted/{version.submission_id}").get_data(as_text=True)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html and '<img src="file:' not in html


def test_failed_render_is_recorded_and_not_retried_at_once(app, signed_in, draft_id, monkeypatch):
    assert submit(signed_in, draft_id).status_code == 302

    def broken(html):
        raise rendering.pdf.PdfRenderError("PDF render took longer than 30 s")

    monkeypatch.setattr(rendering.pdf, "render_pdf", broken)
    with app.app_context():
        assert rendering.render_pending_pdfs() == 0
        version = db.session.scalar(select(SubmissionVersion))
        assert version.pdf is None and version.pdf_error and version.pdf_rendered_at
        submission_id = version.submission_id
        assert rendering.render_pending_pdfs() == 0  # waits RETRY_AFTER before trying again
    html = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    assert "being prepared" in html


def test_submit_kicks_a_background_render(app_factory, make_user):
    from tests.conftest import sign_in

    app = app_factory(PDF_RENDER_AFTER_SUBMIT=True)
    client = app.test_client()
    user_id = make_user()
    with app.app_context():
        draft_id = make_draft(user_id)
    sign_in(client)
    started = []
    original = rendering.kick_render

    def spy(flask_app):
        thread = original(flask_app)
        started.append(thread)
        return thread

    rendering_kick = "webapp.submissions.rendering.kick_render"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rendering_kick, spy)
        assert submit(client, draft_id).status_code == 302
    assert started and started[0] is not None
    started[0].join(60)
    with app.app_context():
        version = db.session.scalar(select(SubmissionVersion))
        assert version.pdf is not None and version.pdf.startswith(b"%PDF-")
        assert services.version_reference(version.submission.reference, 1) == version.submission.reference


def test_a_burst_of_submits_is_rendered_by_one_thread(app_factory, make_user, monkeypatch):
    """A render holds a database connection while it waits for the one PDF worker: a thread per
    submit let a burst take every pooled connection, and the worker's pages stalled then failed."""
    from tests.conftest import sign_in

    app = app_factory(PDF_RENDER_AFTER_SUBMIT=True)
    client = app.test_client()
    user_id = make_user()
    with app.app_context():
        draft_ids = [make_draft(user_id) for _ in range(5)]
    sign_in(client)
    first_render_may_finish = threading.Event()

    def slow_render(version):
        first_render_may_finish.wait(30)
        return b"%PDF-1.7 rendered for " + version.id.encode()

    monkeypatch.setattr(rendering, "render_version_pdf", slow_render)
    before = set(threading.enumerate())
    for draft_id in draft_ids:  # each submit while the first render is still running
        assert submit(client, draft_id).status_code == 302
    renderers = [t for t in threading.enumerate() if t.name == "pdf-render" and t not in before]
    first_render_may_finish.set()
    assert len(renderers) == 1
    renderers[0].join(30)
    assert not renderers[0].is_alive()
    with app.app_context():
        versions = db.session.scalars(select(SubmissionVersion)).all()
        assert len(versions) == 5
        assert all(v.pdf == b"%PDF-1.7 rendered for " + v.id.encode() for v in versions)


# A worker process that is exiting: its main thread has ended and a thread still asks for renders.
EXITING_WORKER = """
import sys, threading
from webapp import create_app
from webapp.submissions import rendering

app = create_app("test", SQLALCHEMY_DATABASE_URI=sys.argv[1])

def render_after_the_main_thread_ends():
    threading.main_thread().join()
    with app.app_context():
        print(rendering.render_pending_pdfs())

threading.Thread(target=render_after_the_main_thread_ends).start()
"""


def test_renders_asked_for_while_a_worker_exits_are_left_for_the_next_job(app, signed_in, draft_id):
    """A restart must not record the PDFs still to render as failed (they would wait RETRY_AFTER)."""
    assert submit(signed_in, draft_id).status_code == 302
    root = Path(__file__).resolve().parents[3]
    exiting = subprocess.run([sys.executable, "-c", EXITING_WORKER, app.config["SQLALCHEMY_DATABASE_URI"]],
                             cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True,
                             text=True, timeout=120)
    assert exiting.returncode == 0, exiting.stderr
    assert exiting.stdout.strip() == "0"
    with app.app_context():
        version = db.session.scalar(select(SubmissionVersion))
        assert version.pdf is None and version.pdf_error is None  # not marked: the next job renders it
        assert rendering.render_pending_pdfs() == 1
