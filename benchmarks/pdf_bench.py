"""PDF of a submitted form: how long rendering takes, and how long opening a stored one takes.

The render runs off the request path (scheduler job / post-submit thread), so its time is what a
submitter waits before "Open PDF" appears; opening a stored PDF is a database read on the request path.

    python -m benchmarks pdf_bench          # or: python benchmarks/pdf_bench.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import fresh_app, print_table, write_result  # noqa: E402

RENDER_RUNS = 5
OPEN_RUNS = 20
IMAGES = 3
PASSWORD = "correct horse battery staple"


def _seed(app) -> tuple[str, str, str]:
    """A professional's full safeguarding concern with 3 photo attachments, submitted; returns
    (email, submission id, version id)."""
    from tests.functional.submissions.factory import attach, make_draft
    from tests.unit.pdf.samples import sample_jpeg
    from webapp.accounts.models import User
    from webapp.accounts.passwords import hash_password
    from webapp.clock import utcnow
    from webapp.extensions import db
    from webapp.submissions import services

    with app.test_request_context():
        user = User(email="bench@example.gov.uk", password_hash=hash_password(PASSWORD), first_name="Bea",
                    surname="Bench", is_professional=True, email_verified_at=utcnow(),
                    terms_version=app.config["TERMS_VERSION"], terms_accepted_at=utcnow())
        db.session.add(user)
        db.session.commit()
        draft_id = make_draft(user.id)
        for i in range(IMAGES):
            attach(draft_id, user.id, f"photo-{i + 1}.jpg", sample_jpeg(seed=i))
        result = services.submit_draft(draft_id, user.id)
        version = services.get_version(db.session.get(services.Submission, result.submission_id), 1)
        return user.email, result.submission_id, version.id


def run() -> dict:
    from pypdf import PdfReader

    from tests.support import csrf_token
    from webapp import pdf
    from webapp.extensions import db
    from webapp.submissions import rendering
    from webapp.submissions.models import SubmissionVersion

    app = fresh_app(PDF_RENDER_AFTER_SUBMIT=False)
    email, submission_id, version_id = _seed(app)

    with app.app_context():
        version = db.session.get(SubmissionVersion, version_id)
        html = pdf.build_submission_html(rendering.pdf_context(version))
        started = time.perf_counter()
        first = pdf.render_pdf(html)  # includes starting the worker process and importing WeasyPrint
        cold = time.perf_counter() - started
        renders = []
        for _ in range(RENDER_RUNS):
            started = time.perf_counter()
            rendering.render_version_pdf(version)  # context (images re-checked) + HTML + render
            renders.append(time.perf_counter() - started)
        assert rendering.render_pending_pdfs() == 1
        reader = PdfReader(io.BytesIO(first))
        pages = len(reader.pages)
        # WeasyPrint shares one resource dictionary between pages: count distinct images.
        images = len({hash(image.data) for page in reader.pages for image in page.images})

    client = app.test_client()
    page = client.get("/sign-in")
    client.post("/sign-in", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": email,
                                  "password": PASSWORD})
    url = f"/submitted/{submission_id}/v1.pdf"
    opens = []
    size = 0
    for _ in range(OPEN_RUNS):
        started = time.perf_counter()
        response = client.get(url)
        opens.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.mimetype == "application/pdf", response.status
        size = len(response.data)
    pdf.shutdown()

    figures = {
        "render_median_s": round(statistics.median(renders), 3),
        "render_min_s": round(min(renders), 3),
        "render_max_s": round(max(renders), 3),
        "render_runs": RENDER_RUNS,
        "render_cold_first_s": round(cold, 3),
        "open_stored_median_ms": round(statistics.median(opens) * 1000, 2),
        "open_stored_max_ms": round(max(opens) * 1000, 2),
        "open_runs": OPEN_RUNS,
        "pdf_bytes": size,
        "pdf_pages": pages,
        "images_embedded": images,
        "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0],
    }
    print_table("PDF of a full safeguarding concern with 3 photos", [
        ("render (median of 5, warm worker)", f"{figures['render_median_s']} s"),
        ("render (first, cold worker)", f"{figures['render_cold_first_s']} s"),
        ("open stored PDF (median of 20, GET)", f"{figures['open_stored_median_ms']} ms"),
        ("PDF size / pages / images", f"{size} bytes / {pages} / {images}"),
    ], ("measure", "figure"))
    write_result("pdf", figures)
    return figures


if __name__ == "__main__":
    run()
