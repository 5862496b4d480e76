"""Every route the app serves is classified here, and each class is checked the way an attacker would
probe it: signed out, signed in as a member of the public poking at the back office, and signed in as
another account guessing (or having been sent) someone else's record ids.

A new route fails test_every_route_is_classified until it is added to ROUTES: deciding who may see
it is part of adding it.
"""

import re

import pytest

from tests.conftest import sign_in
from tests.functional.review.builders import make_submission
from tests.functional.submissions.factory import attach, make_draft, return_for_information
from tests.security.conftest import session_handle, snapshot
from tests.support import csrf_token
from webapp import create_app
from webapp.accounts import devices
from webapp.attachments.models import Attachment
from webapp.extensions import db
from webapp.submissions.models import Submission

PUBLIC = "public"  # anyone, signed in or not
CITIZEN = "citizen"  # a signed-in member of the public or professional
STAFF = "staff"  # a Local Authority caseworker signed in at /la/ with both factors
DEV = "dev"  # registered only when DEV_MAILBOX is set (development)
ASSET = "asset"  # fingerprinted static files

ROUTES = {
    "/": PUBLIC,
    "/healthz": PUBLIC,
    "/accessibility": PUBLIC,
    "/cookies": PUBLIC,
    "/privacy": PUBLIC,
    "/professional": PUBLIC,
    "/public": PUBLIC,
    "/forms/<form_id>": PUBLIC,
    "/forms/<form_id>/login-or-register": PUBLIC,
    "/sign-in": PUBLIC,
    "/sign-out": PUBLIC,
    "/register": PUBLIC,
    "/register/account": PUBLIC,
    "/register/cancel": PUBLIC,
    "/register/verify": PUBLIC,
    "/register/verify/resend": PUBLIC,
    "/forgotten-password": PUBLIC,
    "/forgotten-password/code": PUBLIC,
    "/la/sign-in": PUBLIC,
    "/la/sign-in/code": PUBLIC,
    "/la/sign-in/code/resend": PUBLIC,
    "/terms": CITIZEN,
    "/session/extend": CITIZEN,
    "/account": CITIZEN,
    "/account/email": CITIZEN,
    "/account/email/code": CITIZEN,
    "/account/password": CITIZEN,
    "/account/update": CITIZEN,
    "/account/devices": CITIZEN,
    "/account/devices/sign-out-all": CITIZEN,
    "/account/devices/<handle>/sign-out": CITIZEN,
    "/forms/<form_id>/start": CITIZEN,
    "/drafts": CITIZEN,
    "/drafts/<draft_id>/<section_id>": CITIZEN,
    "/drafts/<draft_id>/<section_id>/autosave": CITIZEN,
    "/drafts/<draft_id>/<section_id>/validate": CITIZEN,
    "/drafts/<draft_id>/<section_id>/validate/<field_name>": CITIZEN,
    "/drafts/<draft_id>/attachments": CITIZEN,
    "/drafts/<draft_id>/attachments/<attachment_id>/describe": CITIZEN,
    "/drafts/<draft_id>/attachments/<attachment_id>/remove": CITIZEN,
    "/drafts/<draft_id>/cancel": CITIZEN,
    "/drafts/<draft_id>/check": CITIZEN,
    "/drafts/<draft_id>/confirm": CITIZEN,
    "/drafts/<draft_id>/declaration": CITIZEN,
    "/drafts/<draft_id>/saved": CITIZEN,
    "/drafts/<draft_id>/submit": CITIZEN,
    "/attachments/<attachment_id>": CITIZEN,
    "/submitted": CITIZEN,
    "/submitted/<submission_id>": CITIZEN,
    "/submitted/<submission_id>/files/<attachment_id>": CITIZEN,
    "/submitted/<submission_id>/reopen": CITIZEN,
    "/submitted/<submission_id>/thank-you": CITIZEN,
    "/submitted/<submission_id>/v<int:number>.pdf": CITIZEN,
    "/la/": STAFF,
    "/la/queue": STAFF,
    "/la/submissions/<submission_id>": STAFF,
    "/la/submissions/<submission_id>/audit": STAFF,
    "/la/submissions/<submission_id>/files/<attachment_id>": STAFF,
    "/la/submissions/<submission_id>/respond": STAFF,
    "/la/submissions/<submission_id>/<any(return, respond, response):purpose>/keep": STAFF,
    "/la/submissions/<submission_id>/<any(return, respond, response):purpose>/discard": STAFF,
    "/la/submissions/<submission_id>/response": STAFF,
    "/la/devices": STAFF,
    "/la/devices/sign-out-all": STAFF,
    "/la/devices/<handle>/sign-out": STAFF,
    "/la/password": STAFF,
    "/la/submissions/<submission_id>/return": STAFF,
    "/la/submissions/<submission_id>/v<int:number>.pdf": STAFF,
    "/dev/mailbox": DEV,
    "/assets/<digest>/<path:path>": ASSET,
}

#: Later steps of a signed-out journey: without the earlier step they send the visitor back to it.
PUBLIC_STEPS = {
    "/register/account": "/register?resume=1",
    "/register/verify": "/register?resume=1",
    "/register/verify/resend": "/register?resume=1",
    "/register/cancel": "/register?resume=1",
    "/forgotten-password/code": "/forgotten-password",
    "/la/sign-in/code": "/la/sign-in",
    "/la/sign-in/code/resend": "/la/sign-in",
}

SIGN_IN = {CITIZEN: "/sign-in", STAFF: "/la/sign-in"}
HX = {"HX-Request": "true"}
VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
ID_VARIABLES = {"draft_id", "attachment_id", "submission_id", "handle"}


def all_rules(tmp_path) -> dict[str, set[str]]:
    """{rule: methods} of the test app plus the development-only ones.

    Built on a database of its own: app_factory would empty the shared PostgreSQL test database.
    """
    rules = {}
    dev = create_app("test", DEV_MAILBOX=True, DEV_MAILBOX_DIR=str(tmp_path / "mailbox"),
                     SQLALCHEMY_DATABASE_URI="sqlite://", SQLALCHEMY_ENGINE_OPTIONS={},
                     SCHEDULER_ENABLED=False)
    for rule in dev.url_map.iter_rules():
        rules[rule.rule] = rules.get(rule.rule, set()) | (rule.methods - {"HEAD", "OPTIONS"})
    return rules


def url(rule: str, values: dict) -> str:
    return VARIABLE.sub(lambda m: str(values[m.group(1)]), rule)


def fresh_token(client) -> str:
    """A valid token of this client's session, taken from another page (the forgotten password page,
    which shows its form signed in or not)."""
    return csrf_token(client.get("/forgotten-password").get_data(as_text=True))


def sent_to_sign_in(fragment, kind: str) -> bool:
    """Convention 7: htmx is told where to go (401 + HX-Redirect), never handed a sign-in page."""
    return (fragment.status_code == 401
            and fragment.headers.get("HX-Redirect", "").split("?")[0] == SIGN_IN[kind])


def asset_values(client) -> dict:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'href="/assets/([^/"]+)/([^"]+\.css)"', html)
    assert match, "no fingerprinted stylesheet on the home page"
    return {"digest": match.group(1), "path": match.group(2)}


@pytest.fixture
def victim(app, make_user):
    """Another account's draft (with a file), and a returned submission (with a file and a PDF)."""
    user_id = make_user("victim@example.com", first_name="Vera", surname="Victim")
    with app.app_context():
        draft_id = make_draft(user_id)
        attachment_id = attach(draft_id, user_id, "Victim notes.pdf", b"%PDF-1.7 victim", kind="pdf",
                               content_type="application/pdf")
        submission_id = make_submission(user_id, reference="CP-2026-900001",
                                        files=[("Visit notes.pdf", "application/pdf", b"%PDF-1.7 visit")])
        version_id = db.session.get(Submission, submission_id).latest.id
        file_id = db.session.query(Attachment.id).filter_by(version_id=version_id).scalar()
    return_for_information(app, submission_id)
    return {"user_id": user_id, "draft_id": draft_id, "attachment_id": attachment_id,
            "submission_id": submission_id, "file_id": file_id, "handle": session_handle(app, user_id)}



def test_every_route_is_classified(tmp_path):
    rules = all_rules(tmp_path)
    unclassified = sorted(set(rules) - set(ROUTES))
    assert not unclassified, f"classify these routes in ROUTES: {unclassified}"
    stale = sorted(set(ROUTES) - set(rules))
    assert not stale, f"ROUTES names routes the app no longer has: {stale}"
    assert set(PUBLIC_STEPS) <= {r for r, kind in ROUTES.items() if kind == PUBLIC}


def test_development_routes_exist_only_in_development(app, tmp_path):
    dev_rules = [r for r, kind in ROUTES.items() if kind == DEV]
    test_rules = {r.rule for r in app.url_map.iter_rules()}
    assert not set(dev_rules) & test_rules
    for rule in dev_rules:
        assert app.test_client().get(rule).status_code == 404
    production = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.db'}",
                            SECRET_KEY="x" * 32, SCHEDULER_ENABLED=False)
    assert not set(dev_rules) & {r.rule for r in production.url_map.iter_rules()}


def test_signed_out_visitors_reach_public_pages_only(app, tmp_path, victim):
    rules = all_rules(tmp_path)
    client = app.test_client()
    values = {"form_id": "safeguarding-concern", "section_id": "child", "field_name": "first_name",
              "draft_id": victim["draft_id"], "attachment_id": victim["attachment_id"],
              "submission_id": victim["submission_id"], "handle": victim["handle"], "number": 1,
              "purpose": "respond",
              **asset_values(client)}
    before = snapshot(app)
    checked = 0
    problems = []
    for rule, methods in sorted(rules.items()):
        kind = ROUTES[rule]
        if kind == DEV:
            continue
        path = url(rule, values)
        if kind == STAFF and "attachment_id" in rule:
            path = url(rule, {**values, "attachment_id": victim["file_id"]})
        if "GET" in methods:
            response = client.get(path)
            if kind == ASSET:
                assert response.status_code == 200, path
            elif kind == PUBLIC and rule in PUBLIC_STEPS:
                assert response.status_code in (302, 303), path
                assert response.headers["Location"] == PUBLIC_STEPS[rule], path
            elif kind == PUBLIC:
                assert response.status_code == 200, path
            else:
                assert response.status_code in (302, 303), path
                assert response.headers["Location"].split("?")[0] == SIGN_IN[kind], path
                fragment = client.get(path, headers=HX)
                if not sent_to_sign_in(fragment, kind):
                    problems.append(("GET", path, fragment.status_code))
            checked += 1
        if "POST" in methods:
            response = client.post(path, data={"csrf_token": fresh_token(client)})
            assert response.status_code < 500 and response.status_code != 400, (path, response.status_code)
            if kind == PUBLIC and rule in PUBLIC_STEPS:
                assert response.headers["Location"] == PUBLIC_STEPS[rule], path
            elif kind in SIGN_IN:
                assert response.status_code in (302, 303), path
                assert response.headers["Location"].split("?")[0] == SIGN_IN[kind], path
                token = fresh_token(client)
                fragment = client.post(path, data={"csrf_token": token},
                                       headers={**HX, "X-CSRFToken": token})
                if not sent_to_sign_in(fragment, kind):
                    problems.append(("POST", path, fragment.status_code))
            checked += 1
    assert not problems, problems
    assert checked > 60
    assert snapshot(app) == before


def test_a_member_of_the_public_finds_no_back_office_and_no_other_accounts_records(
        app, tmp_path, make_user, victim):
    rules = all_rules(tmp_path)
    attacker_id = make_user("attacker@example.com", first_name="Ash", surname="Taker")
    with app.app_context():
        own_draft = make_draft(attacker_id)
    client = app.test_client()
    sign_in(client, "attacker@example.com")
    values = {"form_id": "safeguarding-concern", "section_id": "child", "field_name": "first_name",
              "draft_id": victim["draft_id"], "attachment_id": victim["attachment_id"],
              "submission_id": victim["submission_id"], "handle": victim["handle"], "number": 1,
              "purpose": "respond"}
    attempts = []
    for rule, methods in sorted(rules.items()):
        kind = ROUTES[rule]
        back_office = rule.startswith("/la/") and kind != PUBLIC
        foreign = kind == CITIZEN and ID_VARIABLES & set(VARIABLE.findall(rule))
        if not (back_office or foreign):
            continue
        attempts += [(rule, m, url(rule, values)) for m in sorted(methods)]
        if "attachment_id" in rule and "draft_id" in rule:  # my own draft, their file
            attempts += [(rule, m, url(rule, {**values, "draft_id": own_draft})) for m in sorted(methods)]
        if "submission_id" in rule and "attachment_id" in rule:  # their submission, its file
            attempts += [(rule, m, url(rule, {**values, "attachment_id": victim["file_id"]}))
                         for m in sorted(methods)]
    assert {rule for rule, _, _ in attempts} >= {r for r, k in ROUTES.items() if k == STAFF}
    assert len(attempts) > 30

    before = snapshot(app)
    for rule, method, path in attempts:
        if method == "GET":
            for headers in ({}, HX):
                response = client.get(path, headers=headers)
                assert response.status_code == 404, (path, headers, response.status_code)
                # A draft's address says the form is no longer here, as it does for a deleted one; a
                # file's address on my own draft, that the file is not on it, as for one I removed.
                said = "This form is no longer here" if path.startswith("/drafts/") else "Page not found"
                if path.startswith(f"/drafts/{own_draft}/"):
                    said = "That file is no longer attached to this form"
                assert said in response.get_data(as_text=True), path
        else:
            token = fresh_token(client)
            data = {"csrf_token": token, "declaration": "y", "confirm": "yes", "description": "mine now",
                    "first_name": "Changed", "action": "next", "reason": "Other", "comments": "x",
                    "response": "x", "draft_version": "1"}
            response = client.post(path, data=data)
            if rule.startswith("/account/devices/"):
                # Ending another device answers every handle that is not one of this account's other
                # sessions alike (it may have just ended): back to the list, with nothing ended.
                assert response.headers["Location"] == "/account/devices", path
                continue
            assert response.status_code == 404, (path, method, response.status_code)
            response = client.post(path, data=data, headers={**HX, "X-CSRFToken": token})
            assert response.status_code == 404, (path, "htmx", response.status_code)
    assert snapshot(app) == before
    with app.app_context():  # (sessions are not in the snapshot)
        assert victim["handle"] in [d.handle for d in devices.signed_in_devices(victim["user_id"], None)]

    # The ids were real: their owner opens every one of them.
    owner = app.test_client()
    sign_in(owner, "victim@example.com")
    for path in (f"/drafts/{victim['draft_id']}/child", f"/drafts/{victim['draft_id']}/check",
                 f"/attachments/{victim['attachment_id']}", f"/submitted/{victim['submission_id']}",
                 f"/submitted/{victim['submission_id']}/v1.pdf",
                 f"/submitted/{victim['submission_id']}/files/{victim['file_id']}",
                 f"/drafts/{victim['draft_id']}/attachments/{victim['attachment_id']}/describe",
                 f"/account/devices/{victim['handle']}/sign-out"):
        assert owner.get(path).status_code == 200, path
