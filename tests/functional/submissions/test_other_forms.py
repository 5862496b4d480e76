"""The four forms other than the safeguarding concern, walked as the right kind of account: Early Help
and LADO by a professional, 'Worried about a child' and 'Request Early Help for my family' by a member
of the public."""

import io
import re
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import post_form, sign_in
from tests.functional.drafts.conftest import Runner
from tests.functional.review.conftest import staff_sign_in
from tests.functional.submissions.factory import printed_lines, submit
from tests.functional.submissions.other_forms_data import ACCOUNTS, ANSWERS, expected_texts
from tests.support import csrf_token
from webapp import formdefs
from webapp.drafts.models import Draft
from webapp.extensions import db
from webapp.notifications.email import send_due
from webapp.submissions import rendering
from webapp.submissions.models import Submission

CATALOGUE = formdefs.load_catalogue()
EMAILS = {"professional": "teacher@example.com", "public": "parent@example.com"}

PROFESSIONAL_FORMS = ["early-help", "lado", "safeguarding-concern"]
#: The team each form goes to, as the council's user guide to the portal names it.
RECEIVED_BY = {"social-care": "Children First Partnership Hub", "early-help": "Early Help",
               "lado": "LADO (Local Authority Designated Officer)"}
PUBLIC_FORMS = ["public-concern", "public-early-help"]


@pytest.fixture
def public_client(app, client, make_user):
    make_user(email="parent@example.com", first_name="Jo", surname="Bloggs", is_professional=False,
              role=None, organisation=None)
    sign_in(client, email="parent@example.com")
    return client


@pytest.fixture
def professional_client(client, make_user):
    make_user()
    sign_in(client)
    return client


def _drafts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Draft))


def _try_to_start(client, form_id):
    html = client.get(f"/forms/{form_id}").get_data(as_text=True)
    return html, client.post(f"/forms/{form_id}/start", data={"csrf_token": csrf_token(html)})


@pytest.mark.parametrize("form_id", PROFESSIONAL_FORMS)
def test_a_member_of_the_public_is_told_a_professional_form_is_not_theirs(app, public_client, form_id):
    """A public account could start a LADO referral or a professional's Early Help request: its
    Professional's Details were blank, and it reached the team as if from a professional."""
    html, response = _try_to_start(public_client, form_id)
    assert f'action="/forms/{form_id}/start"' not in html
    assert "This form is for professionals" in html and 'href="/public"' in html
    assert response.status_code == 403
    assert "This form is for professionals" in response.get_data(as_text=True)
    assert _drafts(app) == 0


@pytest.mark.parametrize("form_id", PUBLIC_FORMS)
def test_a_professional_is_told_a_public_form_is_not_theirs(app, professional_client, form_id):
    html, response = _try_to_start(professional_client, form_id)
    assert f'action="/forms/{form_id}/start"' not in html
    assert "This form is for members of the public" in html and 'href="/professional"' in html
    assert response.status_code == 403
    assert _drafts(app) == 0


@pytest.mark.parametrize(("account", "forms"), [("public_client", PUBLIC_FORMS),
                                                 ("professional_client", PROFESSIONAL_FORMS)])
def test_each_account_starts_its_own_forms(app, request, account, forms):
    client = request.getfixturevalue(account)
    for form_id in forms:
        html, response = _try_to_start(client, form_id)
        assert "This form is for" not in html
        assert response.status_code == 303, form_id
    assert _drafts(app) == len(forms)


# --- Walking each form --------------------------------------------------------------------------------

def _account(request, form_id):
    return request.getfixturevalue(f"{ACCOUNTS[form_id]}_client")


def _question_sections(definition):
    return [s for s in definition.sections if s.kind == "questions"]


def _revealed(section) -> set[str]:
    return {name for f in section.fields for o in f.options for name in o.reveals}


ITEM_PREFIX = re.compile(r"([A-Z][a-z ]+ \d+): ")
SUMMARY = re.compile(r'<div class="govuk-error-summary.*?</ul>', re.S)
SUMMARY_LINK = re.compile(r'<a href="#([^"]+)">([^<]+)</a>')
FIELD_ERROR = re.compile(r'<p id="[^"]*-error" class="govuk-error-message">\s*'
                         r'<span class="govuk-visually-hidden">Error:</span>\s*([^<]+?)\s*</p>')


def _errors(html: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(anchor, message) of each error summary link, and the messages shown next to the fields."""
    summary = SUMMARY.search(html)
    links = [(a, unescape(m)) for a, m in SUMMARY_LINK.findall(summary.group(0))] if summary else []
    return links, [unescape(m) for m in FIELD_ERROR.findall(html)]


def _assert_gov_uk_errors(html: str, where: str):
    """Each error is in the summary, linked to an input on the page, and shown next to that input;
    each is a specific instruction, not a generic 'This field is required'. In an add-another list the
    summary says first which item ("Child 2: "), as the item's heading does beside the field."""
    links, at_fields = _errors(html)
    assert links, f"{where}: no error summary"
    for anchor, message in links:
        assert f'id="{anchor}"' in html, (where, anchor)
        item = ITEM_PREFIX.match(message)
        if item:
            heading = rf"<legend[^>]*>\s*{re.escape(item.group(1))}\s*</legend>"
            assert re.search(heading, html), (where, message)
            message = message[item.end():]
        assert message in at_fields, (where, message)
        assert re.match(r"(Enter|Select|Early Help needs|We can only)", message), (where, message)
        assert "required" not in message.lower() and "not a valid" not in message.lower(), (where, message)
    return links


def _answer_blocks(html: str) -> list[str]:
    """The items of each add-another answer (partials/forms/_answers.html), whitespace aside."""
    return [" ".join(block.split()) for block in
            re.findall(r'<ol class="govuk-list app-answer-items">.*?</ol>', html, re.S)]


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", "", " ".join(page.extract_text() or "" for page in pages))


@pytest.mark.parametrize("form_id", list(ANSWERS))
def test_walk_every_section_check_submit_and_read_it_back(app, request, smtp_sink, make_user, form_id):
    definition = CATALOGUE.get(form_id)
    client = _account(request, form_id)
    runner = Runner(client)
    draft_id = runner.start(form_id)
    sections = _question_sections(definition)
    assert [s.id for s in sections] == list(ANSWERS[form_id]), "every question section has answers here"

    for index, section in enumerate(sections):
        # Nothing filled in: GOV.UK errors, the required questions among them; nothing lost.
        response = runner.post(draft_id, section.id, {})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, section.id
        assert "<title>Error: " in html
        anchors = {a for a, _ in _assert_gov_uk_errors(html, section.id)}
        for f in section.fields:
            if f.required and f.name not in _revealed(section) and f.type != "repeat":
                assert formdefs.input_id(section, f.name) in anchors, (section.id, f.name)

        response = runner.post(draft_id, section.id, ANSWERS[form_id][section.id])
        assert response.status_code == 303, (section.id, _errors(response.get_data(as_text=True)))
        following = sections[index + 1].id if index + 1 < len(sections) else "supporting-documentation"
        assert response.headers["Location"] == f"/drafts/{draft_id}/{following}"
    response = runner.post(draft_id, "supporting-documentation", {})
    assert response.headers["Location"] == f"/drafts/{draft_id}/check"

    # Check your answers: every answer, and a Change link to each question's own input.
    html = unescape(client.get(f"/drafts/{draft_id}/check").get_data(as_text=True))
    assert "before you can submit" not in html and "Continue to Declaration & Submit" in html
    checked_blocks = _answer_blocks(html)
    assert bool(checked_blocks) == any(f.type == "repeat" for s in sections for f in s.fields)
    for section in sections:
        for text in expected_texts(section, ANSWERS[form_id][section.id]):
            assert text in html, (section.id, text)
    changes = re.findall(rf'href="/drafts/{draft_id}/([a-z-]+)\?return=check#([^"]+)">\s*Change', html)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        summary = formdefs.summarise_form(definition, draft.answers)
        rows = {(s.id, row.field_name) for s, section_rows in summary for row in section_rows}
    assert len(changes) == len(rows) + 1, "and one for the files attached (none here)"
    assert ("supporting-documentation", "attachments-heading") in changes
    pages = {}
    for section_id, anchor in changes:
        pages.setdefault(section_id, client.get(f"/drafts/{draft_id}/{section_id}").get_data(as_text=True))
        assert f'id="{anchor}"' in pages[section_id], (section_id, anchor)

    # Declaration and submit; the Thank You page and the reference.
    declaration = client.get(f"/drafts/{draft_id}/declaration").get_data(as_text=True)
    assert "You cannot submit this form yet" not in declaration
    response = submit(client, draft_id)
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"<strong>(CP-\d{4}-\d{6})</strong>", thanks).group(1)
    # Named as the team it went to: an allegation does not go to a "social services department".
    recipient = {"lado": "the Local Authority Designated Officer (LADO)", "early-help": "the Early Help team",
                 "public-early-help": "the Early Help team"}.get(form_id,
                                                                 "the Child Social Services Department")
    assert f"Your information has been submitted to {recipient}." in unescape(thanks)

    child = ANSWERS[form_id][definition.child_name_fields[0].split(".")[0]]
    child_first = next(v for k, v in child.items() if k.endswith("first_name"))
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert (submission.reference, submission.form_id) == (reference, form_id)
        assert submission.team == definition.team
        assert submission.child_name.startswith(child_first)
        assert submission.searched_names.startswith(child_first.lower())  # kept as the search folds it
        assert send_due() == 1
        assert rendering.render_pending_pdfs() == 1
        version = submission.latest
        text = _pdf_text(version.pdf)
        sections_in_pdf = rendering.answer_sections(version)
        submission_id = submission.id

    email = smtp_sink.wait_for(EMAILS[ACCOUNTS[form_id]], "Confirmation of form submission")
    assert reference in email.body and child_first not in email.body
    assert f"Form: {definition.title}\r\nReference number: {reference}\r\n" in email.body
    assert definition.title not in email.subject

    # The PDF: every question and answer.
    squash = lambda value: re.sub(r"\s+", "", value)  # noqa: E731
    assert squash(reference) in text and squash(definition.title) in text
    for section in sections_in_pdf:
        for row in section["rows"]:
            assert squash(row["label"]) in text, row["label"]
            for line in printed_lines(row):
                assert squash(line) in text, (row["label"], line)
    for section in sections:
        for typed in expected_texts(section, ANSWERS[form_id][section.id]):
            assert squash(typed) in text, (section.id, typed)
    # ...and, at its end, the declaration the submitter agreed to, in this form's own words.
    agreed = text[text.rindex(squash("Declaration")):]
    words = [block.text for block in definition.section("declaration").content if block.kind == "paragraph"]
    assert words and all(squash(said) in agreed for said in words), form_id
    assert squash(f"Sent to {RECEIVED_BY[definition.team]}") in text

    # Submitted Forms lists it, with the form's title and the child's name.
    listed = unescape(client.get("/submitted").get_data(as_text=True))
    assert reference in listed and definition.title in listed and child_first in listed
    assert f"/submitted/{submission_id}" in listed
    # Each child or agency reads as it did on Check your answers, item by item.
    mine = unescape(client.get(f"/submitted/{submission_id}").get_data(as_text=True))
    assert _answer_blocks(mine) == checked_blocks
    # ...with, as its PDF gives them, the team it went to and the declaration agreed to, in its own words.
    assert re.search(r"Sent to</dt>\s*<dd[^>]*>" + re.escape(RECEIVED_BY[definition.team]) + "</dd>", mine)
    declared = mine.split('id="declaration"', 1)[1].split("</main>", 1)[0]
    assert all(said in declared for said in words), form_id

    # The back office: the form's own team has it in its queue; another team does not.
    other = next(team for team in ("social-care", "early-help", "lado") if team != definition.team)
    for team, sees in ((definition.team, True), (other, False)):
        staff_email = f"{team}@council.example"
        make_user(staff_email, is_staff=True, team=team, first_name="Sam", surname="Carter",
                  is_professional=False, role=None, organisation=None)
        staff = app.test_client()
        staff_sign_in(staff, smtp_sink, staff_email)
        assert (reference in staff.get("/la/queue").get_data(as_text=True)) is sees, team
        if sees:  # ...and as the caseworker reads it
            page = unescape(staff.get(f"/la/submissions/{submission_id}").get_data(as_text=True))
            assert _answer_blocks(page) == checked_blocks
            declared = page.split('id="declaration"', 1)[1].split('id="returns"', 1)[0]
            assert all(said in declared for said in words), form_id
            # ...and finds it by every name the form gives: the LADO referral's subject, each other child,
            # each parent (only the first child's name was searchable).
            for name in _searched_for(form_id):
                found = post_form(staff, "/la/queue", {"q": name})
                assert reference in staff.get(found.headers["Location"]).get_data(as_text=True), name


def _searched_for(form_id: str) -> list[str]:
    """Names a caseworker would search this form by, other than the first child's."""
    answers = ANSWERS[form_id]
    if form_id == "lado":
        subject = answers["subject"]
        return [f"{subject['surname']} {subject['first_name']}", answers["children"]["children-0-surname"]]
    additional = answers.get("additional", {})
    return [value for key, value in additional.items()
            if key.endswith(("-first_name", "-surname", "-name"))
            and key.startswith(("siblings-", "parents-"))]


@pytest.mark.parametrize("form_id", list(ANSWERS))
def test_every_revealed_question_is_asked_when_its_answer_is_chosen(request, form_id):
    """Each option that reveals a question, chosen with that question left blank: a required one gets
    its own error, linked to it; an optional one is on the page to answer."""
    definition = CATALOGUE.get(form_id)
    runner = Runner(_account(request, form_id))
    draft_id = runner.start(form_id)
    checked = 0
    for section in _question_sections(definition):
        for f in section.fields:
            for option in (o for o in f.options if o.reveals):
                html = runner.post(draft_id, section.id, {f.name: option.value}).get_data(as_text=True)
                anchors = {a for a, _ in _assert_gov_uk_errors(html, f"{section.id} {f.name}={option.value}")}
                for name in option.reveals:
                    revealed = section.field(name)
                    anchor = formdefs.input_id(section, name)
                    assert f'id="{anchor}"' in html, (section.id, name)
                    assert (anchor in anchors) is revealed.required, (section.id, f.name, option.value, name)
                    checked += 1
    assert checked


@pytest.mark.parametrize(("form_id", "section_id", "message"), [
    ("early-help", "consent", "Early Help needs the family&#39;s consent."),
    ("public-early-help", "consent", "We can only offer Early Help if you agree that we can share"),
])
def test_early_help_without_consent_is_refused_with_what_to_do_instead(request, form_id, section_id, message):
    runner = Runner(_account(request, form_id))
    draft_id = runner.start(form_id)
    data = {**ANSWERS[form_id][section_id], "consent": "no"}
    response = runner.post(draft_id, section_id, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count(message) == 2  # the summary and the question
    assert 'href="#consent"' in html


def test_a_lado_referral_about_someone_known_by_first_name_alone_goes_on(request):
    """"Dave, the football coach": the person's last name is often not known to whoever refers them,
    and a referral that cannot go on without one is not made at all."""
    runner = Runner(_account(request, "lado"))
    draft_id = runner.start("lado")
    page = runner.page(draft_id, "subject").get_data(as_text=True)
    assert "Leave blank if you do not know." in page
    response = runner.post(draft_id, "subject", {**ANSWERS["lado"]["subject"], "surname": ""})
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.mark.parametrize("form_id", ["early-help", "safeguarding-concern"])
def test_a_professional_is_told_how_to_name_a_baby_not_born_yet(request, form_id):
    """A pre-birth referral is routine (from a midwife, say), and the child's names are required:
    the questions say what to enter, the way case records name an unborn child."""
    runner = Runner(request.getfixturevalue("professional_client"))
    draft_id = runner.start(form_id)
    page = unescape(runner.page(draft_id, "child").get_data(as_text=True))
    assert "If the baby is not born yet, enter 'Unborn'." in page
    assert "If the baby is not born yet, enter the mother's last name." in page


def test_the_early_help_form_speaks_of_support_agreed_with_the_family(request):
    """A professional's Early Help referral is voluntary and agreed with the family, yet its pages said
    what a safeguarding concern says: the child "you are worried about", and a declaration that the
    referral would be shared with the police "to keep children safe"."""
    runner = Runner(request.getfixturevalue("professional_client"))
    draft_id = runner.start("early-help")
    child = unescape(runner.page(draft_id, "child").get_data(as_text=True))
    assert "the child or young person the family would like support for" in child
    assert "you are worried about" not in child
    declaration = unescape(runner.page(draft_id, "declaration").get_data(as_text=True))
    assert "the family has agreed to this referral" in declaration
    assert "to keep children safe" not in declaration
    assert "complete a Child/Young Person Safeguarding Concern" in declaration


def test_early_help_records_the_young_person_s_own_agreement(app, request):
    """The Consent section said a young person aged 16 or over must agree to Early Help too, and asked
    only about the parents: a referral of a 17-year-old who had refused went in as consented. Version 2
    of the form asks; "No" stops the referral with what to do instead. A draft started on version 1
    goes on as it began."""
    runner = Runner(_account(request, "early-help"))
    draft_id = runner.start("early-help")
    page = unescape(runner.page(draft_id, "consent").get_data(as_text=True))
    assert "Has the young person agreed to this referral too?" in page
    assert "A young person aged 16 or over must agree to Early Help themselves." in page
    assert "Not needed: the child is under 16 or not yet born" in page

    answers = ANSWERS["early-help"]["consent"]
    version_1 = {k: v for k, v in answers.items() if k != "young_person_consent"}
    unanswered = runner.post(draft_id, "consent", version_1)
    assert unanswered.status_code == 422
    required = "Select whether the young person has agreed to this referral"
    assert unanswered.get_data(as_text=True).count(required) == 2
    refused = runner.post(draft_id, "consent", {**answers, "young_person_consent": "no"})
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert html.count("A young person aged 16 or over must agree to Early Help themselves. If you are "
                      "worried about their safety and they will not agree, make a Child/Young Person "
                      "Safeguarding Concern referral instead") == 2
    assert 'href="#young_person_consent"' in html
    assert runner.post(draft_id, "consent", {**answers, "young_person_consent": "yes"}).status_code == 303
    check = unescape(runner.client.get(f"/drafts/{draft_id}/check").get_data(as_text=True))
    assert "Has the young person agreed to this referral too?" in check

    earlier = runner.start("early-help")
    with app.app_context():
        db.session.get(Draft, earlier).form_version = 1
        db.session.commit()
    assert "young person agreed" not in runner.page(earlier, "consent").get_data(as_text=True)
    assert runner.post(earlier, "consent", version_1).status_code == 303
