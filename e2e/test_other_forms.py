"""Early Help, LADO, 'Worried about a child' and 'Request Early Help for my family' in Chromium, with
JavaScript on and off, each by the kind of account it is for: every section answered by label (every
revealed question, every add-another group twice), one section's errors, Check your answers, the
declaration and Thank You. axe-core checks every section, the error state, the check and Thank You."""

import re
import secrets
from html import unescape

import pytest
from playwright.sync_api import expect

from tests.functional.submissions.other_forms_data import ACCOUNTS, ANSWERS, expected_texts
from webapp import formdefs
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.extensions import db

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
CATALOGUE = formdefs.load_catalogue()


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


def answer(scope, f, data: dict, prefix: str = ""):
    """Answer one question from posted-style data ("name", "name-day", "group-0-name"), by its label."""
    key = prefix + f.name
    if f.type == "repeat":
        count = 1 + max((int(k.split("-")[1]) for k in data if k.startswith(f"{key}-")), default=0)
        for index in range(count):
            if index:
                scope.get_by_role("button", name=f"Add another {f.item_label}").click()
            item = scope.get_by_role("group", name=f"{f.item_label[0].upper()}{f.item_label[1:]} {index + 1}",
                                     exact=True)
            expect(item).to_be_visible()
            for sub in f.fields:
                answer(item, sub, data, f"{key}-{index}-")
    elif f.type in ("date", "address"):
        group = scope.get_by_role("group", name=named(f.label))
        if f"{key}-not_known" in data:  # the box is below the question's own inputs
            scope.get_by_label(f.not_known, exact=True).check()
        elif f.type == "date" and f"{key}-day" in data:
            for part in ("day", "month", "year"):
                group.get_by_label(part.title(), exact=True).fill(data[f"{key}-{part}"])
        elif f"{key}-line1" in data:
            group.get_by_label("Address line 1").fill(data[f"{key}-line1"])
            group.get_by_label("Town or city").fill(data[f"{key}-town"])
            group.get_by_label("Postcode").fill(data[f"{key}-postcode"])
    elif key not in data:
        return
    elif f.type in ("radios", "checkboxes"):
        group = scope.get_by_role("group", name=named(f.label))
        chosen = data[key] if isinstance(data[key], list) else [data[key]]
        for option in (o for o in f.options if o.value in chosen):
            group.get_by_label(option.label, exact=True).check()
    elif f.type == "select":
        scope.get_by_role("combobox", name=named(f.label)).select_option(data[key])
    else:
        scope.get_by_role("textbox", name=named(f.label)).fill(data[key])


def sections_after(definition, section_id: str) -> str:
    """The title of the section of questions that follows this one."""
    ids = [s.id for s in definition.sections]
    return definition.sections[ids.index(section_id) + 1].title


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name, exact=True)


@pytest.mark.parametrize("form_id", list(ANSWERS))
def test_fill_check_and_submit(journey_page, js_mode, live_server, check_a11y, form_id):
    page = journey_page
    definition = CATALOGUE.get(form_id)
    page.goto(f"{live_server.url}/sign-in?next=/forms/{form_id}")
    page.get_by_label("Email address").fill(make_account(live_server.app, ACCOUNTS[form_id]))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page, "Overview")).to_be_visible()
    check_a11y(page, f"{form_id} overview")
    page.get_by_role("button", name="Next").click()

    sections = [s for s in definition.sections if s.kind == "questions"]
    for index, section in enumerate(sections):
        expect(heading(page, section.title)).to_be_visible()
        if index == 1:  # one section's error state: nothing answered
            page.get_by_role("button", name="Next", exact=True).click()
            summary = page.get_by_role("alert").filter(has_text="There is a problem")
            expect(summary).to_be_visible()
            check_a11y(page, f"{form_id} {section.id} with errors")
        for f in section.fields:
            answer(page, f, ANSWERS[form_id][section.id])
        check_a11y(page, f"{form_id} {section.id}")
        page.get_by_role("button", name="Next", exact=True).click()

    expect(heading(page, "Supporting Documentation")).to_be_visible()
    check_a11y(page, f"{form_id} supporting documentation")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(heading(page, "Check your answers before you submit")).to_be_visible()
    shown = unescape(page.locator("main").inner_html())
    for section in sections:
        for text in expected_texts(section, ANSWERS[form_id][section.id]):
            assert text in shown, (section.id, text)
    check_a11y(page, f"{form_id} check your answers")
    page.get_by_role("button", name="Continue to Declaration & Submit").click()

    expect(heading(page, "Declaration & Submit")).to_be_visible()
    page.wait_for_load_state("load")  # with JavaScript, submit.js asks in a dialog: wait for it to run
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_role("button", name="Submit to Local Authority").click()
    if js_mode == "js":
        page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    else:
        expect(heading(page, "Submit this form to the Local Authority?")).to_be_visible()
        page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", name="Thank You")).to_be_visible()
    assert re.fullmatch(r"CP-\d{4}-\d{6}", page.locator(".govuk-panel__body strong").inner_text())
    check_a11y(page, f"{form_id} thank you")


def open_early_help_consent(page, live_server):
    """A professional's new Early Help form, open at Consent."""
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/sign-in?next=/forms/early-help")
    page.get_by_label("Email address").fill(make_account(live_server.app, "professional"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Next").click()
    expect(heading(page, "Professional's Details")).to_be_visible()
    page.goto(re.sub(r"/[^/]+$", "/consent", page.url))
    expect(heading(page, "Consent")).to_be_visible()


def on_a_slow_connection_the_agencies(page):
    """Every request from now on answered 1.2 s late; the "Select all that apply" question of Consent."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 1200, "downloadThroughput": -1, "uploadThroughput": -1})
    return page.get_by_role("group", name=named("Which agencies has the family agreed we can share "
                                                "information with?"))


def test_boxes_ticked_while_an_inline_check_is_on_its_way_stay_ticked(page, live_server):
    """On a slow connection the check sent for the first box ticked came back after the person had
    ticked the next ones, and replaced the question with the boxes the server had seen: the later
    ticks (and the question 'Other' reveals) were silently undone."""
    open_early_help_consent(page, live_server)

    agencies = on_a_slow_connection_the_agencies(page)
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


def test_next_selected_while_inline_checks_wait_their_turn_goes_on_to_the_next_section(page, live_server):
    """A check waiting behind another check of the same question went with the question it was sent
    from, replaced by the first check's answer; htmx then never sent what was waiting behind it, and
    Next, selected meanwhile, did nothing at all (CI's run: the page stayed where it was)."""
    open_early_help_consent(page, live_server)
    section = CATALOGUE.get("early-help").section("consent")
    for f in section.fields:
        if not f.name.startswith("sharing_"):  # the question this test is about, and its follow-up
            answer(page, f, ANSWERS["early-help"]["consent"])

    agencies = on_a_slow_connection_the_agencies(page)
    agencies.get_by_label("Housing", exact=True).check()
    page.wait_for_timeout(400)  # the check for Housing is on its way
    agencies.get_by_label("Police", exact=True).check()
    page.wait_for_timeout(400)  # the check for Police follows it (it waited behind it, in the form's queue)
    page.get_by_role("button", name="Next", exact=True).click()
    after_consent = sections_after(CATALOGUE.get("early-help"), "consent")
    expect(heading(page, after_consent)).to_be_visible(timeout=10_000)


def test_the_other_kind_of_account_is_told_the_form_is_not_theirs(page, live_server, check_a11y):
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/sign-in?next=/forms/lado")
    page.get_by_label("Email address").fill(make_account(live_server.app, "public"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This form is for professionals.")).to_be_visible()
    expect(page.get_by_role("button", name="Next")).to_have_count(0)
    check_a11y(page, "a professional's form, signed in as a member of the public")
    page.get_by_role("link", name="forms for members of the public").click()
    expect(heading(page, "Forms for members of the public")).to_be_visible()
