"""Malformed requests to every route, from each kind of visitor, never get a server error.

A browser on one of our pages never sends these, but a damaged paste, an old tab, a proxy or an
attacker can, and "the server never answers 500 to a user's input" holds for them too. Every route is
asked with a valid CSRF token (so the request reaches the view), once per malformed body: a NUL in
every field (PostgreSQL refuses one in text), 100 KB in every field, every field sent twice, buttons
and versions the page never offers, a body that is not UTF-8, a body that is not form data, and a file
with a hostile name. The field names are the ones the portal's own pages carry. Each body goes once as
a plain post and once as htmx from a page whose address is not a URL.

Signed out, every route; signed in as a member of the public, every route outside the back office
(on their own draft and submission, so the requests reach the views' logic); signed in as a
caseworker, every back-office route.
"""

import io
import re

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import sign_in
from tests.functional.review.builders import make_submission
from tests.functional.review.conftest import STAFF, staff_sign_in
from tests.functional.submissions.factory import attach, make_draft, return_for_information
from tests.security.test_routes import CITIZEN, DEV, ROUTES, all_rules, fresh_token, url
from webapp.attachments.models import Attachment
from webapp.extensions import db
from webapp.submissions.models import Submission

INPUT_NAME = re.compile(r'<(?:input|textarea|select|button)\b[^>]*?\sname="([^"]+)"')
SECTIONS = ("child", "additional", "concerns", "supporting-documentation", "declaration")
ACTIONS = ("go-to:", "go-to:../../la/queue", "add:", "add:nobody", "remove:parents-99", "remove:parents-x",
           "previous", "upload")
VERSIONS = ("", "-1", "99999999999999999999999", "1e309", "\x00")
# Leaving these out keeps the visitor's own records and session in place for the routes after them.
SKIPPED = ("/sign-out", "/drafts/<draft_id>/cancel")


def malformed_bodies(names: list[str], token: str) -> list[dict]:
    """Keyword arguments for client.open, one request each."""
    def form(values):
        return {"data": MultiDict([("csrf_token", token), *values])}

    return [
        form((name, "Sa\x00m") for name in names),
        form((name, "A" * 100_000) for name in names),
        form(pair for name in names for pair in ((name, "yes"), (name, "no"))),
        *(form([("action", action), ("draft_version", version)]) for action, version in zip(
            ACTIONS, VERSIONS * 2, strict=False)),
        {"data": b"csrf_token=" + token.encode() + b"&\xff\xfe=\xff&action=%ff%fe",
         "content_type": "application/x-www-form-urlencoded"},
        {"data": b'{"csrf_token": "' + token.encode() + b'"}', "content_type": "application/json",
         "headers": {"X-CSRFToken": token}},
        {"data": {"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.7"), "..\\..\\\u202etxt.exe\x00.pdf"),
                  "description": "\x00"}, "content_type": "multipart/form-data"},
    ]


def as_htmx_from_nowhere(body: dict) -> dict:
    return {**body, "headers": {**body.get("headers", {}), "HX-Request": "true",
                                "HX-Current-URL": "http://[::1"}}


def input_names(client, paths: list[str]) -> set[str]:
    names = set()
    for path in paths:
        names |= set(INPUT_NAME.findall(client.get(path).get_data(as_text=True)))
    return names - {"csrf_token"}


def server_errors(client, rules: dict, values: dict, names: list[str], keep_signed_in=None) -> list:
    errors = []
    for rule, methods in sorted(rules.items()):
        if rule in SKIPPED or "POST" not in methods:
            continue
        for section_id in SECTIONS if "<section_id>" in rule else (None,):
            if keep_signed_in:
                keep_signed_in()
            path = url(rule, {**values, "section_id": section_id})
            token = fresh_token(client)
            for htmx in (False, True):  # the bodies are built again: a file is read once
                for body in malformed_bodies(names, token):
                    request = as_htmx_from_nowhere(body) if htmx else body
                    response = client.open(path, method="POST", **request)
                    if response.status_code >= 500:
                        errors.append((path, response.status_code, str(request)[:120]))
    return errors


def submission_with_file(user_id: int, reference: str) -> tuple[str, str]:
    submission_id = make_submission(user_id, reference=reference,
                                    files=[("Visit.pdf", "application/pdf", b"%PDF-1.7 visit")])
    version_id = db.session.get(Submission, submission_id).latest.id
    return submission_id, db.session.query(Attachment.id).filter_by(version_id=version_id).scalar()


@pytest.fixture
def records(app, make_user):
    """Path values for each signed-in visitor: a professional's own draft (with a file) and a
    submission returned to them for more information; a new submission in the caseworker's queue."""
    make_user(STAFF, is_staff=True, team="social-care", is_professional=False, role=None, organisation=None)
    user_id = make_user()
    with app.app_context():
        draft_id = make_draft(user_id)
        attachment_id = attach(draft_id, user_id, "Notes.pdf", b"%PDF-1.7 notes", kind="pdf",
                               content_type="application/pdf")
        returned_id, returned_file_id = submission_with_file(user_id, "CP-2026-910001")
        queued_id, queued_file_id = submission_with_file(user_id, "CP-2026-910002")
    return_for_information(app, returned_id)
    shared = {"form_id": "safeguarding-concern", "field_name": "first_name", "number": 1,
              "purpose": "respond",
              "draft_id": draft_id, "handle": "0" * 20}
    return {"citizen": {**shared, "attachment_id": attachment_id, "submission_id": returned_id},
            "staff": {**shared, "attachment_id": queued_file_id, "submission_id": queued_id}}


def test_malformed_requests_never_get_a_server_error(app, tmp_path, records, smtp_sink):
    app.testing = False  # a view's exception becomes the 500 page a person would see, not a test error
    rules = {rule: methods for rule, methods in all_rules(tmp_path).items() if ROUTES[rule] != DEV}
    citizen_rules = {rule: methods for rule, methods in rules.items() if not rule.startswith("/la/")}
    staff_rules = {rule: methods for rule, methods in rules.items() if rule.startswith("/la/")}

    citizen = app.test_client()
    sign_in(citizen)
    draft = records["citizen"]["draft_id"]
    names = input_names(citizen, ["/account/update", "/account/password", "/account/email",
                                  *(f"/drafts/{draft}/{section}" for section in SECTIONS[:-1]),
                                  f"/drafts/{draft}/declaration"])
    staff = app.test_client()
    staff_sign_in(staff, smtp_sink)
    queued = records["staff"]["submission_id"]
    names |= input_names(staff, [f"/la/submissions/{queued}/return", f"/la/submissions/{queued}/respond"])
    names = sorted(names)
    assert {"first_name", "date_of_birth-day", "worries", "reason", "current_password"} <= set(names)

    def keep_citizen_signed_in():
        if citizen.get("/account").status_code != 200:
            sign_in(citizen)

    def keep_staff_signed_in():
        if staff.get("/la/queue").status_code != 200:
            staff_sign_in(staff, smtp_sink, STAFF)

    errors = server_errors(app.test_client(), rules, records["citizen"], names)
    errors += server_errors(citizen, citizen_rules, records["citizen"], names, keep_citizen_signed_in)
    errors += server_errors(staff, staff_rules, records["staff"], names, keep_staff_signed_in)
    assert not errors, errors
    assert sum(ROUTES[rule] == CITIZEN for rule in citizen_rules) > 20
