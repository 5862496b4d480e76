"""Save and resume (seed 2.2): Recover a Form, days left, cancel, check your answers."""

import re
from datetime import UTC, datetime, timedelta

import time_machine

from tests import samples
from tests.functional.attachments.conftest import upload
from tests.functional.drafts.conftest import CHILD, HX
from tests.support import csrf_token
from tests.tables import assert_rows_read_as_labelled_cards
from webapp.drafts.models import Draft
from webapp.extensions import db

#: The label a cell carries for a narrow screen, where each row reads as a card ("Days left: 30 days").
LABEL = re.compile(r'<span class="app-responsive-table__label" aria-hidden="true">[^<]*</span>')


def test_recover_lists_drafts_with_description_and_days_left(runner):
    first = runner.start()
    runner.post(first, "child", CHILD)
    second = runner.start("lado")
    page = runner.client.get("/drafts")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Recover a Form" in html
    assert "Child/Young Person Safeguarding Concern – Sam Jones" in html
    assert "LADO" in html
    assert html.count("30 days") >= 2
    assert f"/drafts/{first}/professional" in html  # Resume: the first section not yet completed
    assert f"/drafts/{second}/cancel" in html

    fragment = runner.client.get("/drafts", headers=HX)
    assert fragment.status_code == 200
    fragment_html = fragment.get_data(as_text=True)
    assert "<html" not in fragment_html and 'id="recover-forms"' in fragment_html


def test_two_forms_of_one_kind_have_resume_links_of_their_own_names(app, runner):
    """Two LADO referrals with no name yet were two links, each "Resume LADO Referral", in a screen
    reader's list of links; each is named with when it was started too."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 14, tzinfo=UTC), tick=False):
        first = runner.start("lado")
    with app.app_context():  # something saved in it (no name), so the next start is a form of its own
        db.session.get(Draft, first).version = 2
        db.session.commit()
    with time_machine.travel(datetime(2026, 11, 3, 15, 40, tzinfo=UTC), tick=False):
        runner.start("lado")
        html = runner.client.get("/drafts").get_data(as_text=True)
    names = re.findall(r'>Resume<span class="govuk-visually-hidden"> ([^<]*)</span>', html)
    assert len(names) == 2 and len(set(names)) == 2
    assert all(", started " in name for name in names)
    assert any("2 November 2026" in name for name in names)


def test_a_form_started_with_nothing_answered_says_so_and_each_row_leads_with_the_form(runner):
    """Next on an Overview starts a draft; several started and left looked the same in Recover a Form.
    On a phone the table scrolls sideways and Resume was its last column, off screen."""
    answered = runner.start()
    runner.post(answered, "child", CHILD)
    untouched = runner.start()
    html = runner.client.get("/drafts").get_data(as_text=True)
    rows = re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', html, flags=re.S)[1:]
    cells = {draft_id: [LABEL.sub("", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
             for row in rows for draft_id in (answered, untouched) if f"/drafts/{draft_id}/cancel" in row}
    assert "Not started: nothing saved yet" in cells[untouched][0]
    assert "Not started" not in cells[answered][0]
    # Its Last saved no longer gives a time beside "nothing saved yet".
    assert cells[untouched][3] == "Not saved yet" and cells[answered][3] != "Not saved yet"
    assert cells[answered][0].startswith("Child/Young Person Safeguarding Concern – Sam Jones")
    assert ">Resume<" in cells[answered][1]


def _saved_form_cells(html: str, draft_id: str) -> list[str]:
    """The cells of the draft's row in Recover a Form, as the eye reads them (without the phone labels)."""
    rows = re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', html, flags=re.S)
    row = next(row for row in rows if f"/drafts/{draft_id}/cancel" in row)
    return [LABEL.sub("", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


def section_tag(html: str, title: str) -> str:
    """A section's status tag in the form's section list."""
    tag = re.search(rf'>{re.escape(title)}</(?:a|button)>\s*'
                    r'<strong class="govuk-tag[^"]*"[^>]*>([^<]*)</strong>', html)
    assert tag, f"no status for {title!r}"
    return tag.group(1)


def test_a_form_holding_only_a_file_says_so_rather_than_not_started(runner):
    """A form whose only content was a file uploaded to Supporting Documentation said "Not started:
    nothing saved yet" and "Not saved yet" in Recover a Form, and could be deleted as empty, file and
    all. It now says it holds the file and when it was last saved; its own section list says
    Supporting Documentation is in progress."""
    draft_id = runner.start()
    assert upload(runner.client, draft_id, "notes.docx", samples.docx()).status_code == 303
    for headers in ({}, HX):
        cells = _saved_form_cells(runner.client.get("/drafts", headers=headers).get_data(as_text=True),
                                  draft_id)
        assert "Not started" not in cells[0] and "nothing saved" not in cells[0]
        assert "Started: 1 file attached, no answers saved yet" in cells[0]
        assert cells[3] != "Not saved yet"
    assert upload(runner.client, draft_id, "report.pdf", samples.pdf()).status_code == 303
    cells = _saved_form_cells(runner.client.get("/drafts").get_data(as_text=True), draft_id)
    assert "Started: 2 files attached, no answers saved yet" in cells[0]

    for page in (runner.page(draft_id, "child"), runner.client.get(f"/drafts/{draft_id}/check")):
        html = page.get_data(as_text=True)
        assert section_tag(html, "Supporting Documentation") == "In progress"
        assert section_tag(html, "Concerns") == "Not started"


def test_on_a_phone_each_saved_form_reads_as_a_card_of_labelled_cells(runner):
    """At 320 pixels Days left was off to the right, in a box that scrolled sideways; below the tablet
    breakpoint each row is now a card, each cell led by its column's name, Resume and Cancel unlabelled
    (their column's heading is hidden; the links say what they do)."""
    runner.start()
    runner.start("lado")
    for headers in ({}, HX):
        html = runner.client.get("/drafts", headers=headers).get_data(as_text=True)
        table = assert_rows_read_as_labelled_cards(html, "Saved Forms")
        assert table.headers == ["Description", "", "Start date", "Last saved", "Days left"]
        assert len(table.rows) == 2
        assert html.count('aria-hidden="true">Days left: </span>30 days</td>') == 2


def test_days_left_counts_down_from_the_last_save(runner):
    draft_id = runner.start()
    with time_machine.travel(datetime.now(UTC) + timedelta(days=10, hours=1), tick=False):
        # A fresh sign-in: the old session would have idled out ten days later.
        from tests.conftest import sign_in

        runner.client.cookie_jar.clear() if hasattr(runner.client, "cookie_jar") else None
        fresh = runner.client.application.test_client()
        sign_in(fresh)
        html = fresh.get("/drafts").get_data(as_text=True)
        assert "20 days" in html
        runner.client = fresh
        runner.post(draft_id, "child", {"first_name": "Sam"}, action="save-later")
        assert "30 days" in fresh.get("/drafts").get_data(as_text=True)


def test_a_form_with_less_than_a_day_left_says_when_it_will_be_deleted(app, runner):
    """Days left are rounded up, so a form to be deleted within the hour said "1 day"."""
    from webapp.web.dates import uk_date, uk_time

    draft_id = runner.start()
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.expires_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(hours=1)
        expires_at = draft.expires_at
        db.session.commit()
    html = runner.client.get("/drafts").get_data(as_text=True)
    assert ('Days left: </span>Less than a day<br><span class="govuk-hint govuk-!-margin-bottom-0">'
            f"Deleted at {uk_time(expires_at)} on {uk_date(expires_at)}</span></td>") in html
    assert "1 day" not in html


def test_expired_drafts_are_not_listed_or_opened(app, runner):
    draft_id = runner.start()
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.expires_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
        db.session.commit()
    assert "You have no saved forms" in runner.client.get("/drafts").get_data(as_text=True)
    assert runner.page(draft_id, "child").status_code == 404


def test_cancel_asks_then_deletes_the_draft_and_its_files(app, runner):
    from webapp.attachments.models import Attachment

    draft_id = runner.start()
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        db.session.add(Attachment(user_id=draft.user_id, draft_id=draft_id, display_name="a.pdf", kind="pdf",
                                  content_type="application/pdf", size=3, data=b"abc"))
        db.session.commit()
    page = runner.client.get(f"/drafts/{draft_id}/cancel")
    html = page.get_data(as_text=True)
    assert "Are you sure you want to delete this saved form?" in html
    response = runner.client.post(f"/drafts/{draft_id}/cancel", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 303 and response.headers["Location"] == "/drafts"
    assert "Your saved form has been deleted" in runner.client.get("/drafts").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Draft, draft_id) is None
        assert db.session.query(Attachment).filter_by(draft_id=draft_id).count() == 0
    assert runner.client.get(f"/drafts/{draft_id}/cancel").status_code == 404


def test_an_old_address_of_a_deleted_draft_says_the_form_is_no_longer_here(app, runner):
    """A bookmark or the browser's history led to "Page not found ... check the web address", which
    did not say the form had gone nor where saved and sent forms are. Any draft address that finds no
    draft of this account says the same, so it tells nobody whether another account's draft exists."""
    draft_id = runner.start()
    page = runner.client.get(f"/drafts/{draft_id}/cancel").get_data(as_text=True)
    runner.client.post(f"/drafts/{draft_id}/cancel", data={"csrf_token": csrf_token(page)})
    pages = [runner.client.get(f"/drafts/{draft_id}/{page}") for page in ("child", "check", "declaration")]
    pages.append(runner.client.get(f"/drafts/{'0' * 32}/child"))
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "<title>This form is no longer here" in html
        assert "It may have been submitted, deleted, or removed because it was not saved for 30 days." in html
        assert '<a class="govuk-link" href="/drafts">Your saved forms (Recover a Form)</a>' in html
        assert '<a class="govuk-link" href="/submitted">Forms you have sent (Submitted Forms)</a>' in html
    # Anywhere else, a page that does not exist is still "Page not found".
    assert "Page not found" in runner.client.get("/no-such-page").get_data(as_text=True)


def test_a_page_left_open_on_a_deleted_draft_says_the_form_has_gone_not_try_again(app, runner):
    """The form was deleted (or submitted) in another tab; this tab's Next and autosave were answered
    "Sorry, something went wrong. Try again", which could never work. Both now say the form has gone,
    and that what was sent was not saved; htmx's answer carries a mark portal.js says this from."""
    draft_id = runner.start()
    section = runner.page(draft_id, "child").get_data(as_text=True)
    page = runner.client.get(f"/drafts/{draft_id}/cancel").get_data(as_text=True)
    runner.client.post(f"/drafts/{draft_id}/cancel", data={"csrf_token": csrf_token(page)})
    typed = {"csrf_token": csrf_token(section), "draft_version": "1", "first_name": "Typed"}
    for path, headers in (("", {}), ("", {"HX-Request": "true"}), ("/autosave", {"HX-Request": "true"})):
        response = runner.client.post(f"/drafts/{draft_id}/child{path}", data=typed, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 404 and response.headers["X-Portal-Gone"] == "draft"
        assert "This form is no longer here" in html
        assert "What you sent was not saved. Go back to copy anything you typed." in html
    assert "X-Portal-Gone" not in runner.client.post("/no-such-page", data=typed).headers


def test_check_answers_lists_missing_answers_and_change_links(runner):
    draft_id = runner.start()
    runner.post(draft_id, "child", CHILD)
    page = runner.client.get(f"/drafts/{draft_id}/check")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Check your answers before you submit" in html
    assert "Sam" in html and "2 Mill Street" in html
    assert f'href="/drafts/{draft_id}/child?return=check#first_name"' in html
    assert "before you can submit" in html
    assert "<title>Error: Check your answers – " in html, "the page shows an error summary (GOV.UK)"
    assert f'href="/drafts/{draft_id}/consent?return=check#parents_aware' in html
    assert "Continue to Declaration" not in html

    fragment = runner.client.get(f"/drafts/{draft_id}/check", headers=HX)
    assert "<html" not in fragment.get_data(as_text=True)


def test_a_problem_in_an_add_another_item_says_which_item_and_leads_to_its_question(runner):
    """Check your answers linked every problem of "Parent or carer 1" to its full name, and said
    "Enter their relationship to the child" without saying whose: as the section's own summary does,
    it now names the item and leads to the question."""
    draft_id = runner.start()
    runner.post(draft_id, "additional", {"parents-0-name": "Sara Khan"}, action="save-later")
    html = runner.client.get(f"/drafts/{draft_id}/check").get_data(as_text=True)
    link = f'/drafts/{draft_id}/additional?return=check#parents-0-relationship'
    assert (f'<a href="{link}">Additional Child / Young Person&#39;s Information: Parent or carer 1: Enter '
            "their relationship to the child</a>") in html
    assert "?return=check#parents-0-parental_responsibility\">" in html
    declaration = runner.client.get(f"/drafts/{draft_id}/declaration").get_data(as_text=True)
    assert "Parent or carer 1: Enter their relationship to the child" in declaration


def test_each_change_link_on_the_check_says_which_section_it_changes(runner):
    """Both the professional's and the child's details have a 'First name': a screen reader's list of
    links read 'Change first name' twice, for two different questions (GOV.UK summary cards name
    their card in the hidden text for this reason)."""
    draft_id = runner.start()
    html = runner.client.get(f"/drafts/{draft_id}/check").get_data(as_text=True)
    links = re.findall(r'<a class="govuk-link" href="([^"]+)">\s*Change'
                       r'<span class="govuk-visually-hidden">([^<]*)</span>', html)
    assert links
    destinations: dict[str, set[str]] = {}
    for href, hidden in links:
        destinations.setdefault(" ".join(hidden.split()), set()).add(href)
    assert all(len(hrefs) == 1 for hrefs in destinations.values()), destinations
    assert "first name (Professional&#39;s Details)" in html


def test_check_answers_offers_declaration_when_complete(app, runner):
    draft_id = runner.start()
    answers = {
        "professional": {"first_name": "Priya", "last_name": "Shah", "role": "Teacher",
                         "organisation": "School", "phone": "01942000001", "email": "t@example.com"},
        "child": {"first_name": "Sam", "surname": "Jones", "dob_status": "not_known", "gender": "male",
                  "address": {"not_known": True}},
        "consent": {"parents_aware": "yes", "consent": "yes"},
        "additional": {"parents": [{"name": "Ann", "relationship": "Mother",
                                    "parental_responsibility": "yes"}]},
        "concerns": {"worries": "w", "what_changed": "c", "impact": "i"},
        "contact": {"contact_method": "phone"},
    }
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.answers = answers
        db.session.commit()
    html = runner.client.get(f"/drafts/{draft_id}/check").get_data(as_text=True)
    assert "before you can submit" not in html, html[html.find("govuk-error-summary"):][:800]
    assert "<title>Check your answers – " in html
    if "submissions.declaration" in app.view_functions:
        assert f'href="/drafts/{draft_id}/declaration"' in html


def _saved_drafts(app, user_id: int, count: int, start: int = 0, same_moment: bool = False) -> None:
    """`count` drafts, draft n described "Form n" and saved n minutes ago (or all at one moment)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with app.app_context():
        for n in range(start, start + count):
            saved = now - timedelta(minutes=0 if same_moment else n)
            db.session.add(Draft(user_id=user_id, form_id="safeguarding-concern", form_version=1,
                                 answers={"child": {"first_name": "Sam"}}, description=f"Form {n}",
                                 created_at=saved, saved_at=saved, expires_at=saved + timedelta(days=30)))
        db.session.commit()


def _listed(html: str) -> list[str]:
    not_started = r'(?:<br><span class="govuk-hint[^"]*">[^<]*</span>)?'
    cell = rf'<td class="govuk-table__cell" role="cell">{LABEL.pattern}(Form \d+){not_started}</td>'
    return re.findall(cell, html)


def test_recover_a_form_lists_25_saved_forms_a_page_newest_first(app, runner, professional, make_user):
    """A safeguarding lead with 60 saved forms had them all on one page (54 KB of HTML), each loaded
    with all its answers to show a one-line description; nothing limited how long it could grow."""
    _saved_drafts(app, professional, 60)
    stranger = make_user(email="stranger@example.com")
    _saved_drafts(app, stranger, 30, start=100)
    pages = [runner.client.get(f"/drafts?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    assert [len(_listed(html)) for html in pages] == [25, 25, 10]
    assert _listed(pages[0])[:2] == ["Form 0", "Form 1"]  # the most recently saved first
    assert _listed(pages[1])[0] == "Form 25" and _listed(pages[2])[-1] == "Form 59"
    assert "You have 60 saved forms (page 2 of 3)." in pages[1]
    assert 'href="/drafts?page=3"' in pages[1] and 'class="govuk-pagination"' in pages[1]
    listed = [name for html in pages for name in _listed(html)]
    assert sorted(listed) == sorted(f"Form {n}" for n in range(60))  # each once, and nobody else's
    # Out-of-range and nonsense page numbers land on a real page.
    assert _listed(runner.client.get("/drafts?page=99").get_data(as_text=True)) == _listed(pages[2])
    assert _listed(runner.client.get("/drafts?page=x").get_data(as_text=True)) == _listed(pages[0])


def test_recover_a_form_pages_drafts_saved_at_one_moment_without_repeating_one(app, runner, professional):
    _saved_drafts(app, professional, 30, same_moment=True)
    seen = [name for n in (1, 2)
            for name in _listed(runner.client.get(f"/drafts?page={n}").get_data(as_text=True))]
    assert sorted(seen) == sorted(f"Form {n}" for n in range(30))


def test_recover_a_form_sends_as_many_statements_for_60_drafts_as_for_3(app, runner, professional):
    from tests.support import statements_for

    _saved_drafts(app, professional, 3)
    few = statements_for(app, runner.client, "/drafts")
    _saved_drafts(app, professional, 57, start=3)
    assert statements_for(app, runner.client, "/drafts") == few


def test_recover_a_form_with_a_page_number_in_other_digits_shows_the_first_page(app, runner, professional):
    app.testing = False  # an exception becomes the 500 page a person would see
    _saved_drafts(app, professional, 3)
    assert len(_listed(runner.client.get("/drafts?page=²").get_data(as_text=True))) == 3
