"""Early Help, LADO, 'Worried about a child' and 'Request Early Help for my family' in Chromium, with
JavaScript on and off, each by the kind of account it is for: every section answered by label (every
revealed question, every add-another group twice), one section's errors, Check your answers, the
declaration and Thank You. axe-core checks every section, the error state, the check and Thank You."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.extensions import db

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def make_account(app, kind: str) -> str:
    email = f"{kind}-{secrets.token_hex(4)}@example.com"
    details = {"is_professional": False}
    if kind == "professional":
        details = {"is_professional": True, "role": "Teacher", "organisation": "Meadow Primary School"}
    with app.app_context():
        db.session.add(User(email=email, password_hash=hash_password(PASSWORD), first_name="Dana",
                            surname="Okafor", phone="01942 000002", email_verified_at=utcnow(),
                            terms_version=app.config["TERMS_VERSION"], terms_accepted_at=utcnow(), **details))
        db.session.commit()
        db.session.remove()
    return email


def named(label: str):
    """A question's accessible name: its label, and '(required)' for a required one."""
    return re.compile(rf"^{re.escape(label)}( \(required\))?$")


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name, exact=True)


def test_boxes_ticked_while_an_inline_check_is_on_its_way_stay_ticked(page, live_server):
    """On a slow connection the check sent for the first box ticked came back after the person had
    ticked the next ones, and replaced the question with the boxes the server had seen: the later
    ticks (and the question 'Other' reveals) were silently undone."""
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/sign-in?next=/forms/early-help")
    page.get_by_label("Email address").fill(make_account(live_server.app, "professional"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Next").click()
    expect(heading(page, "Professional's Details")).to_be_visible()
    page.goto(re.sub(r"/[^/]+$", "/consent", page.url))
    expect(heading(page, "Consent")).to_be_visible()

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 1200, "downloadThroughput": -1, "uploadThroughput": -1})
    agencies = page.get_by_role("group", name=named("Which agencies has the family agreed we can share "
                                                    "information with?"))
    with page.expect_response(re.compile(r"/validate")):
        agencies.get_by_label("Housing", exact=True).check()
        page.wait_for_timeout(400)  # the check for Housing is on its way
        agencies.get_by_label("Police", exact=True).check()
        agencies.get_by_label("Other", exact=True).check()
    page.wait_for_timeout(300)  # the swap
    expect(agencies.get_by_label("Housing", exact=True)).to_be_checked()
    expect(agencies.get_by_label("Police", exact=True)).to_be_checked()
    expect(agencies.get_by_label("Other", exact=True)).to_be_checked()
    other = page.get_by_role("textbox", name=named("Which other agencies?"))
    expect(other).to_be_visible()
    other.fill("Young carers project")
