"""An operator's logs carry no child's name, no answers, no family's email address, no codes or tokens.

A whole journey runs through the portal as browsers would: a parent registers (emailed code), signs in,
fills in and submits a concern with a file, and a caseworker signs in (password, emailed code), reads
it and returns it with comments; the scheduled jobs then send the emails and render the PDF. Every log
record at INFO and above is kept, and so is every URL requested or redirected to, which is what
gunicorn's access log (`%(r)s` request line, `%(f)s` referer) would write.
"""

import logging
from io import BytesIO

from sqlalchemy import select

from tests.conftest import PASSWORD, post_form
from tests.functional.accounts.conftest import Journey
from tests.functional.drafts.conftest import Runner
from tests.functional.review.conftest import staff_sign_in
from tests.functional.submissions.factory import CHILD_FIRST, CHILD_SURNAME, POSTED, submit
from webapp.extensions import db
from webapp.scheduler import run_job
from webapp.scheduler.jobs import JOBS
from webapp.submissions.models import Submission

FAMILY_EMAIL = "jo.family@example.com"
COMMENTS = "Please tell us when Jordan's bruises were first seen."
FILE_NAME = "Jordan bruise photo notes.pdf"
FILE_TEXT = b"%PDF-1.4\n% Jordan Ellison-Hart, notes from the home visit\n"


class RecordingClient:
    """Keeps every URL the browser asked for or was sent to: an access log's request lines and referers."""

    def __init__(self, client, urls: list):
        self._client, self.urls = client, urls

    def __getattr__(self, name):
        return getattr(self._client, name)

    def _record(self, method, url, *args, **kwargs):
        response = getattr(self._client, method)(url, *args, **kwargs)
        query = kwargs.get("query_string")
        self.urls.append(f"{url}?{query}" if query else url)
        if "Location" in response.headers:
            self.urls.append(response.headers["Location"])
        return response

    def get(self, url, *args, **kwargs):
        return self._record("get", url, *args, **kwargs)

    def post(self, url, *args, **kwargs):
        return self._record("post", url, *args, **kwargs)


def test_a_whole_journey_logs_no_personal_data(app, make_user, smtp_sink, caplog):
    caplog.set_level(logging.INFO)
    urls: list[str] = []
    secrets = {FAMILY_EMAIL, CHILD_FIRST, CHILD_SURNAME, COMMENTS, FILE_NAME, PASSWORD, "Jordan"}
    secrets |= {v for section in POSTED.values() for v in section.values() if len(v) > 8 and " " in v}

    family = RecordingClient(app.test_client(), urls)
    journey = Journey(family, smtp_sink)
    journey.to_step3(FAMILY_EMAIL, PASSWORD, is_professional="yes", role="Designated Safeguarding Lead",
                     organisation="Meadow Primary School")
    code = journey.code_for(FAMILY_EMAIL)
    secrets.add(code)
    journey.verify(code)
    journey.accept_terms()
    post_form(family, "/sign-out", {})
    assert post_form(family, "/sign-in", {"email": FAMILY_EMAIL, "password": PASSWORD}).status_code == 302
    secrets.add(family.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)

    runner = Runner(family)
    draft_id = runner.start()
    for section_id, answers in POSTED.items():
        if section_id == "professional":
            answers = {**answers, "email": FAMILY_EMAIL}
        assert runner.post(draft_id, section_id, answers).status_code in (302, 303), section_id
    upload = post_form(family, f"/drafts/{draft_id}/supporting-documentation",
                       {"file": (BytesIO(FILE_TEXT), FILE_NAME), "description": "Notes about Jordan"},
                       post_url=f"/drafts/{draft_id}/attachments", content_type="multipart/form-data")
    assert upload.status_code in (200, 302, 303), upload.get_data(as_text=True)
    submitted = submit(family, draft_id)
    assert submitted.status_code in (302, 303), submitted.get_data(as_text=True)[:2000]
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))

    make_user("caseworker@council.example", is_staff=True, team="social-care", first_name="Sam",
              surname="Carter", is_professional=False, role=None, organisation=None)
    staff = RecordingClient(app.test_client(), urls)
    staff_sign_in(staff, smtp_sink, "caseworker@council.example")
    staff.get("/la/queue")
    post_form(staff, "/la/queue", {"q": CHILD_SURNAME, "status": ""})
    assert CHILD_SURNAME in staff.get(f"/la/submissions/{submission_id}").get_data(as_text=True)
    returned = post_form(staff, f"/la/submissions/{submission_id}/return",
                         {"reason": "insufficient_detail", "comments": COMMENTS, "sections": ["concerns"]})
    assert returned.status_code == 302, returned.get_data(as_text=True)

    for job in JOBS:
        run_job(app, job)
    smtp_sink.wait_for(FAMILY_EMAIL, "Your form needs more information")
    staff_codes = [m.code() for m in smtp_sink.to("caseworker@council.example")]
    secrets |= set(staff_codes)

    # mail.log is the test's own SMTP sink (aiosmtpd), which stands in for the council's mail server.
    lines = [record.getMessage() + (record.exc_text or "") for record in caplog.records
             if record.levelno >= logging.INFO and record.name != "mail.log"]
    assert lines, "the journey logged nothing: the capture is not working"
    for secret in secrets:
        assert not [line for line in lines if secret.lower() in line.lower()], secret
        assert not [url for url in urls if secret.lower() in url.lower()], secret
    assert not [url for url in urls if "@" in url or "%40" in url]
