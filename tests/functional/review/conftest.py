"""Back-office fixtures: caseworkers in two teams, a professional who submits, and a staff sign-in
that goes through both factors (password, then the code read from the real SMTP sink)."""

import pytest

from tests.conftest import PASSWORD, post_form
from tests.functional.review.builders import make_submission

STAFF = "caseworker@council.example"
OTHER_TEAM_STAFF = "lado.officer@council.example"
SUBMITTER = "teacher@example.com"
CODE_SUBJECT = "Your sign-in code"


@pytest.fixture
def people(make_user):
    """Ids of a social-care caseworker, a LADO officer and the professional who submits."""
    return {
        "staff": make_user(STAFF, is_staff=True, team="social-care", first_name="Sam", surname="Carter",
                           is_professional=False, role=None, organisation=None),
        "lado": make_user(OTHER_TEAM_STAFF, is_staff=True, team="lado", first_name="Lee", surname="Dean",
                          is_professional=False, role=None, organisation=None),
        "submitter": make_user(SUBMITTER),
    }


def staff_sign_in(client, sink, email=STAFF, password=PASSWORD, at="/la/sign-in"):
    """Both factors; `at` is the sign-in page's address, with the `next` it was sent to."""
    sink.clear()
    response = post_form(client, at, {"email": email, "password": password})
    assert response.status_code == 302 and response.headers["Location"] == "/la/sign-in/code", \
        response.get_data(as_text=True)
    code = sink.wait_for(email, CODE_SUBJECT).code()
    response = post_form(client, "/la/sign-in/code", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def staff_client(app, people, smtp_sink):
    client = app.test_client()
    staff_sign_in(client, smtp_sink)
    return client


@pytest.fixture
def lado_client(app, people, smtp_sink):
    client = app.test_client()
    staff_sign_in(client, smtp_sink, OTHER_TEAM_STAFF)
    return client


@pytest.fixture
def submission(app, people):
    """A social-care submission with one file, made by the professional."""
    with app.app_context():
        return make_submission(people["submitter"], reference="CP-2026-000001",
                               files=[("Home visit notes.pdf", "application/pdf", b"%PDF-1.7 notes")])


def audit_actions(app, submission_id):
    from webapp.extensions import db
    from webapp.submissions.models import AuditEntry

    with app.app_context():
        return [(e.user_id, e.action) for e in
                db.session.query(AuditEntry).filter_by(submission_id=submission_id).order_by(AuditEntry.id)]
