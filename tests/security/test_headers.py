"""Response headers a browser, a proxy or a shared computer acts on: the CSP, sniffing, referrers,
caching of personal pages, page-or-fragment caching, downloads, assets, and the session cookie."""

import re

import pytest

from tests.conftest import PASSWORD, POSTGRES_URL, post_form, sign_in
from tests.functional.drafts.conftest import Runner
from tests.functional.review.builders import make_submission
from tests.functional.review.conftest import staff_sign_in
from tests.functional.submissions.factory import attach, make_draft
from tests.security.conftest import session_handle
from tests.security.test_routes import CITIZEN, ROUTES, STAFF, VARIABLE, url
from webapp import create_app
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.submissions.models import Submission

HX = {"HX-Request": "true"}
ONE_YEAR = 31536000
STAFF_EMAIL = "caseworker@council.example"


def assert_protected(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (where, csp)
    assert "frame-ancestors" in csp, (where, csp)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), where


def assert_not_stored(response, where: str) -> None:
    cache = response.headers.get("Cache-Control", "")
    assert "no-store" in cache, (where, cache)


def varies_on_htmx(response) -> bool:
    return any(v.strip().lower() == "hx-request"
               for value in response.headers.getlist("Vary") for v in value.split(","))


@pytest.fixture
def records(app, make_user):
    """A professional's draft with a file, and a submission with a file and a PDF."""
    user_id = make_user()
    with app.app_context():
        draft_id = make_draft(user_id)
        attachment_id = attach(draft_id, user_id, "Café notes – visit.pdf", b"%PDF-1.7 notes", kind="pdf",
                               content_type="application/pdf")
        submission_id = make_submission(user_id, files=[("Ünïcode report.pdf", "application/pdf",
                                                         b"%PDF-1.7 report")])
        version_id = db.session.get(Submission, submission_id).latest.id
        file_id = db.session.query(Attachment.id).filter_by(version_id=version_id).scalar()
    return {"user_id": user_id, "draft_id": draft_id, "attachment_id": attachment_id,
            "submission_id": submission_id, "file_id": file_id, "form_id": "safeguarding-concern",
            "section_id": "child", "field_name": "first_name", "number": 1,
            "handle": session_handle(app, user_id)}


def test_page_fragment_error_and_422_headers(app, client, records):
    sign_in(client)
    section = f"/drafts/{records['draft_id']}/child"
    runner = Runner(client)
    responses = {
        "page": client.get(section),
        "fragment": client.get(section, headers=HX),
        "404 page": client.get("/no-such-page"),
        "404 fragment": client.get(f"/drafts/{'0' * 32}/child", headers=HX),
        "422 page": runner.post(records["draft_id"], "child", {"first_name": ""}),
        "422 fragment": runner.post(records["draft_id"], "child", {"first_name": ""}, htmx=True),
    }
    expected = {"page": 200, "fragment": 200, "404 page": 404, "404 fragment": 404, "422 page": 422,
                "422 fragment": 422}
    for where, response in responses.items():
        assert response.status_code == expected[where], where
        assert_protected(response, where)
        assert_not_stored(response, where)
        assert varies_on_htmx(response), where
        assert ("<html" in response.get_data(as_text=True)) == ("page" in where), where
    signed_out = app.test_client().get("/no-such-page")
    assert signed_out.status_code == 404
    assert_protected(signed_out, "signed-out 404")
    refused = post_form(app.test_client(), "/sign-in", {"email": "teacher@example.com", "password": "wrong"})
    assert refused.status_code == 422
    assert_protected(refused, "sign-in 422")
    assert_not_stored(refused, "sign-in 422")


def _signed_in_gets(kind: str, values: dict) -> list[str]:
    paths = []
    for rule, rule_kind in ROUTES.items():
        if rule_kind != kind or "validate" in rule or rule.endswith(("/start", "/submit", "/reopen",
                                                                     "/autosave", "/attachments", "/keep",
                                                                     "/discard")):
            continue  # POST-only rules
        if set(VARIABLE.findall(rule)) - set(values):
            raise AssertionError(f"no value for a variable of {rule}")
        paths.append(url(rule, values))
    return paths


def test_every_signed_in_page_and_fragment_is_kept_out_of_caches(app, client, records, make_user, smtp_sink):
    """Personal data must not sit in a shared or back-button cache; a page and its fragment share a
    URL, so a cache must key on HX-Request."""
    sign_in(client)
    make_user(STAFF_EMAIL, is_staff=True, team="social-care", is_professional=False, role=None,
              organisation=None)
    staff = app.test_client()
    staff_sign_in(staff, smtp_sink, STAFF_EMAIL)
    staff_values = {**records, "attachment_id": records["file_id"]}
    checked = 0
    for who, kind, values in ((client, CITIZEN, records), (staff, STAFF, staff_values)):
        for path in _signed_in_gets(kind, values):
            page = who.get(path)
            fragment = who.get(path, headers=HX)
            for where, response in ((path, page), (f"{path} (htmx)", fragment)):
                assert response.status_code < 500, where
                assert_protected(response, where)
                assert_not_stored(response, where)
            page_html, fragment_html = page.get_data(as_text=True), fragment.get_data(as_text=True)
            if page.status_code == 200 and "<html" in page_html and "<html" not in fragment_html:
                assert varies_on_htmx(page) and varies_on_htmx(fragment), path
            checked += 1
    assert checked > 25


def test_attachment_downloads_and_pdfs(app, client, records, make_user, smtp_sink):
    sign_in(client)
    download = client.get(f"/attachments/{records['attachment_id']}")
    assert download.status_code == 200 and download.data == b"%PDF-1.7 notes"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert "filename*=UTF-8''Caf%C3%A9%20notes%20%E2%80%93%20visit.pdf" in disposition
    assert download.headers["Content-Type"] == "application/pdf"
    pdf = client.get(f"/submitted/{records['submission_id']}/v1.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline;")
    make_user(STAFF_EMAIL, is_staff=True, team="social-care", is_professional=False, role=None,
              organisation=None)
    staff = app.test_client()
    staff_sign_in(staff, smtp_sink, STAFF_EMAIL)
    staff_file = staff.get(f"/la/submissions/{records['submission_id']}/files/{records['file_id']}")
    assert staff_file.status_code == 200
    assert staff_file.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%C3%9Cn%C3%AFcode%20report.pdf" in staff_file.headers["Content-Disposition"]
    staff_pdf = staff.get(f"/la/submissions/{records['submission_id']}/v1.pdf")
    assert staff_pdf.status_code == 200 and staff_pdf.headers["Content-Disposition"].startswith("inline;")
    for where, response in (("download", download), ("pdf", pdf), ("staff file", staff_file),
                            ("staff pdf", staff_pdf)):
        assert_protected(response, where)
        assert response.headers["Cache-Control"] == "no-store", where
        assert "Vary" not in response.headers or not varies_on_htmx(response), where


def test_assets_are_fingerprinted_and_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/assets/[^"]+\.(?:css|js|mjs))"', html)
    assert len(assets) >= 3, assets
    for path in assets:
        response = client.get(path)
        assert response.status_code == 200, path
        cache = response.headers["Cache-Control"]
        assert f"max-age={ONE_YEAR}" in cache and "immutable" in cache and "public" in cache, (path, cache)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert "no-store" not in cache


# --- The session cookie ---------------------------------------------------------------------------------

PRODUCTION_COOKIE = "__Host-portal_session"


def set_cookie(response, name="portal_session") -> dict:
    """The attributes of the one Set-Cookie for `name`: {"value": ..., "httponly": True, ...}."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    first, *attributes = [part.strip() for part in headers[0].split(";")]
    out = {"value": first.split("=", 1)[1]}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        out[key.lower()] = value or True
    return out


def assert_random_token(value: str, user_email: str) -> None:
    assert len(value) < 100
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", value), value  # no signed payload ("x.y.z"), no JSON
    assert user_email.split("@")[0] not in value and "eyJ" not in value


@pytest.fixture
def production(tmp_path):
    uri = POSTGRES_URL or f"sqlite:///{tmp_path / 'production.db'}"
    app = create_app("production", SQLALCHEMY_DATABASE_URI=uri, SECRET_KEY="p" * 40, SCHEDULER_ENABLED=False,
                     RATELIMIT_ENABLED=False)
    with app.app_context():
        db.create_all()
        db.session.query(User).filter_by(email="prod@example.com").delete()
        db.session.add(User(email="prod@example.com", password_hash=hash_password(PASSWORD), first_name="Pat",
                            surname="Lee", email_verified_at=utcnow(), terms_accepted_at=utcnow(),
                            terms_version=app.config["TERMS_VERSION"], is_professional=False))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.query(User).filter_by(email="prod@example.com").delete()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_session_cookie_in_production_is_secure_httponly_lax_and_only_a_token(production):
    client = production.test_client()
    before = set_cookie(client.get("/sign-in"), PRODUCTION_COOKIE)
    assert before["secure"] is True and before["httponly"] is True and before["samesite"] == "Lax"
    assert_random_token(before["value"], "prod@example.com")

    signed_in = sign_in(client, "prod@example.com")
    after = set_cookie(signed_in, PRODUCTION_COOKIE)
    assert after["secure"] is True and after["httponly"] is True and after["samesite"] == "Lax"
    assert_random_token(after["value"], "prod@example.com")
    assert after["value"] != before["value"], "the token must change at sign-in (session fixation)"
    assert client.get("/account").status_code == 200

    # The token planted before sign-in is worth nothing afterwards.
    planted = production.test_client()
    planted.set_cookie(PRODUCTION_COOKIE, before["value"], domain="localhost")
    response = planted.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_session_cookie_in_production_has_the_host_prefix(production):
    """ASVS 5.0 3.3.1 (Level 1) and 3.3.3 (Level 2): a Secure session cookie named __Host-…, so a
    browser takes it only from this host, over HTTPS, for the whole site. It was 'portal_session'."""
    assert production.config["SESSION_COOKIE_NAME"] == PRODUCTION_COOKIE
    cookie = set_cookie(production.test_client().get("/sign-in"), PRODUCTION_COOKIE)
    assert cookie["secure"] is True and cookie["path"] == "/" and "domain" not in cookie
    assert PRODUCTION_COOKIE in production.test_client().get("/cookies").get_data(as_text=True)


def test_session_cookie_over_plain_http_keeps_its_bare_name(tmp_path):
    """The prefix needs Secure: a benchmark over plain HTTP turns Secure off and keeps the name."""
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'plain.db'}",
                     SECRET_KEY="p" * 40, SCHEDULER_ENABLED=False, SESSION_COOKIE_SECURE=False)
    assert app.config["SESSION_COOKIE_NAME"] == "portal_session"


def test_session_cookie_in_test_config_is_still_httponly_and_lax(app, client, make_user):
    make_user()
    cookie = set_cookie(sign_in(client))
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert_random_token(cookie["value"], "teacher@example.com")
