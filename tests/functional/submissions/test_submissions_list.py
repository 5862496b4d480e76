"""Submitted Forms: the two tables, the 30-day view, the HTML view and who may open what."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import PASSWORD, sign_in
from tests.functional.submissions.factory import attach, make_draft, return_for_information, submit
from tests.support import csrf_token, statements_for
from tests.tables import assert_rows_read_as_labelled_cards, read_table
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.submissions import services
from webapp.submissions.models import Submission


def submitted(app, client, draft_id):
    response = submit(client, draft_id)
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(select(Submission)).id


def test_empty_list(signed_in):
    html = signed_in.get("/submitted").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Submitted Forms</h1>" in html
    assert "Recently Submitted Forms (Last 30 Days)" in html
    assert "You have not submitted any forms in the last 30 days." in html
    assert "Forms requesting more information" not in html


def test_list_shows_details_name_date_response_reference(app, signed_in, draft_id):
    submission_id = submitted(app, signed_in, draft_id)
    html = signed_in.get("/submitted").get_data(as_text=True)
    for heading in ("Details", "Name", "Date", "Response", "Reference"):
        assert f'class="govuk-table__header" role="columnheader">{heading}</th>' in html
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        reference = submission.reference
    assert f'href="/submitted/{submission_id}"' in html
    assert "Child/Young Person Safeguarding Concern" in html and "Jordan Ellison-Hart" in html
    assert "No response posted" in html and reference in html
    with app.app_context():
        db.session.get(Submission, submission_id).response_text = "Accepted – passed to the Hub"
        db.session.commit()
    html = signed_in.get("/submitted").get_data(as_text=True)
    assert "Accepted – passed to the Hub" in html and "No response posted" not in html


def test_page_and_htmx_fragment(app, signed_in, draft_id):
    submitted(app, signed_in, draft_id)
    page = signed_in.get("/submitted")
    fragment = signed_in.get("/submitted", headers={"HX-Request": "true"})
    assert "<html" in page.get_data(as_text=True)
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="submitted-forms">') and "<html" not in html
    assert "Vary" in fragment.headers and "HX-Request" in fragment.headers["Vary"]
    assert len(fragment.data) < 4096


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"])
def test_on_a_phone_each_form_reads_as_a_card_and_its_response_is_labelled(app, signed_in, draft_id,
                                                                           user_id, headers):
    """At 320 pixels the Response column (has the council answered?) was off to the right, in a box that
    scrolled sideways; below the tablet breakpoint each row is now a card, each cell led by its column's
    name. The "Previous Form" link names itself, as its column's heading is hidden."""
    answered = submitted(app, signed_in, draft_id)
    with app.app_context():
        db.session.get(Submission, answered).response_text = "Accepted – passed to the Hub"
        db.session.commit()
        returned = services.submit_draft(make_draft(user_id), user_id).submission_id
    return_for_information(app, returned, comments="Has Jordan seen a GP?")
    html = signed_in.get("/submitted", headers=headers).get_data(as_text=True)
    recent = assert_rows_read_as_labelled_cards(html, "Recently Submitted Forms (Last 30 Days)")
    assert recent.headers == ["Details", "Name", "Date", "Response", "Reference"]
    assert len(recent.rows) == 2
    returned_table = assert_rows_read_as_labelled_cards(html, "Forms requesting more information")
    assert returned_table.headers[-1] == ""  # Previous Form, a link that says what it is
    assert 'aria-hidden="true">Response: </span>Accepted – passed to the Hub</td>' in html
    assert 'aria-hidden="true">Response: </span>Returned to you for more information</td>' in html


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"])
def test_each_table_is_named_by_its_heading_not_by_the_same_words_again(app, signed_in, draft_id, user_id,
                                                                        headers):
    """A screen reader said "Recently Submitted Forms (Last 30 Days)" three times over: the heading, the
    label of the box the table scrolls in, and a hidden caption. The words are now written once, in the
    heading, and the box and the table are named by it (aria-labelledby): heard as the heading, and as
    the table's name. The same for "Forms requesting more information"."""
    submitted(app, signed_in, draft_id)
    with app.app_context():
        returned = services.submit_draft(make_draft(user_id), user_id).submission_id
    return_for_information(app, returned)
    html = signed_in.get("/submitted", headers=headers).get_data(as_text=True)
    for name, heading_id in (("Forms requesting more information", "returned-forms-heading"),
                             ("Recently Submitted Forms (Last 30 Days)", "recent-forms-heading")):
        assert html.count(name) == 1, name
        assert f'<h2 class="govuk-heading-m" id="{heading_id}">{name}</h2>' in html
        assert f'role="region" aria-labelledby="{heading_id}"' in html
        table = read_table(html, name)
        assert table.labelled_by == heading_id and "<caption" not in table.markup


def test_thirty_day_boundary(app, signed_in, draft_id):
    submission_id = submitted(app, signed_in, draft_id)
    with app.app_context():
        # Stored as naive UTC; time-machine reads a naive time as local, so say it is UTC.
        sent = db.session.get(Submission, submission_id).last_submitted_at.replace(tzinfo=UTC)
    # The session would have idled out by then: sign in again at each point in time.
    with time_machine.travel(sent + timedelta(days=30) - timedelta(seconds=1), tick=False):
        sign_in(signed_in)
        assert f'href="/submitted/{submission_id}"' in signed_in.get("/submitted").get_data(as_text=True)
        assert signed_in.get(f"/submitted/{submission_id}").status_code == 200
    with time_machine.travel(sent + timedelta(days=30), tick=False):
        sign_in(signed_in)
        html = signed_in.get("/submitted").get_data(as_text=True)
        assert f'href="/submitted/{submission_id}"' not in html
        assert signed_in.get(f"/submitted/{submission_id}").status_code == 404
        assert signed_in.get(f"/submitted/{submission_id}/v1.pdf").status_code == 404
    with app.app_context():  # only the submitter's view ends: the council's copy is kept
        assert db.session.get(Submission, submission_id) is not None


@pytest.mark.parametrize("corrected", [False, True])
def test_a_response_posted_after_thirty_days_can_be_read_for_thirty_days_more(app, signed_in, draft_id,
                                                                              corrected):
    """The submitter is emailed to read a response in Submitted Forms; one posted (or corrected) to a
    form sent over 30 days before was in neither Submitted Forms nor at the form's address."""
    submission_id = submitted(app, signed_in, draft_id)
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        sent = submission.last_submitted_at.replace(tzinfo=UTC)
        answered = sent + timedelta(days=40)
        submission.status, submission.response_text = "responded", "Passed to the Early Help team"
        submission.responded_at = (sent + timedelta(days=10) if corrected else answered).replace(tzinfo=None)
        submission.response_corrected_at = answered.replace(tzinfo=None) if corrected else None
        db.session.commit()
    with time_machine.travel(answered + timedelta(days=30) - timedelta(seconds=1), tick=False):
        sign_in(signed_in)
        html = signed_in.get("/submitted").get_data(as_text=True)
        assert f'href="/submitted/{submission_id}"' in html and "Passed to the Early Help team" in html
        assert signed_in.get(f"/submitted/{submission_id}").status_code == 200
    with time_machine.travel(answered + timedelta(days=30), tick=False):
        sign_in(signed_in)
        assert f'href="/submitted/{submission_id}"' not in signed_in.get("/submitted").get_data(as_text=True)
        assert signed_in.get(f"/submitted/{submission_id}").status_code == 404


def test_other_accounts_get_404(app, client, make_user, user_id):
    with app.app_context():
        draft_id = make_draft(user_id)
    sign_in(client)
    submission_id = submitted(app, client, draft_id)
    other = app.test_client()
    make_user(email="other@example.com")
    sign_in(other, "other@example.com", PASSWORD)
    for url in (f"/submitted/{submission_id}", f"/submitted/{submission_id}/v1.pdf",
                f"/submitted/{submission_id}/thank-you?v=1", f"/submitted/{submission_id}/v2.pdf"):
        assert other.get(url).status_code == 404, url
    assert submission_id not in other.get("/submitted").get_data(as_text=True)
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert services.can_view_as_submitter(submission, user_id)
        assert not services.can_view_as_submitter(submission, user_id + 1)
        assert not services.can_view_as_submitter(None, user_id)
    anonymous = app.test_client()
    response = anonymous.get(f"/submitted/{submission_id}/v1.pdf")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_html_view_of_the_answers_says_the_pdf_is_being_prepared(app, signed_in, draft_id):
    submission_id = submitted(app, signed_in, draft_id)
    response = signed_in.get(f"/submitted/{submission_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Child / Young Person&#39;s Details" in html and "Ellison-Hart" in html
    assert "The PDF of this form is being prepared" in html
    assert f'hx-get="/submitted/{submission_id}?v=1"' in html
    fragment = signed_in.get(f"/submitted/{submission_id}?v=1", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="pdf-status"') and "<html" not in text
    # Until it is rendered, the PDF address leads back to the HTML view.
    pdf = signed_in.get(f"/submitted/{submission_id}/v1.pdf")
    assert pdf.status_code == 302 and pdf.headers["Location"] == f"/submitted/{submission_id}?v=1"


def test_the_submitter_downloads_the_files_they_sent_while_they_may_see_the_form(
        app, signed_in, user_id, draft_id, make_user):
    document = b"%PDF-1.4 the school's notes"
    with app.app_context():
        file_id = attach(draft_id, user_id, "Notes about Sam.pdf", document, kind="pdf",
                         content_type="application/pdf")
    submission_id = submitted(app, signed_in, draft_id)
    html = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    link = f'href="/submitted/{submission_id}/files/{file_id}">Download Notes about Sam.pdf</a>'
    assert link in html

    response = signed_in.get(f"/submitted/{submission_id}/files/{file_id}")
    assert response.status_code == 200 and response.data == document
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Notes about Sam.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]

    make_user(email="other@example.com")
    other = app.test_client()
    sign_in(other, "other@example.com", PASSWORD)
    assert other.get(f"/submitted/{submission_id}/files/{file_id}").status_code == 404
    with app.app_context():
        own_draft = make_draft(user_id)
        other_file = attach(own_draft, user_id, "draft.pdf", document, kind="pdf",
                            content_type="application/pdf")
    # A file of a draft (even the submitter's own) is not a file of this submission.
    assert signed_in.get(f"/submitted/{submission_id}/files/{other_file}").status_code == 404

    with app.app_context():
        sent = db.session.get(Submission, submission_id).last_submitted_at.replace(tzinfo=UTC)
    with time_machine.travel(sent + timedelta(days=30), tick=False):
        sign_in(signed_in)
        assert signed_in.get(f"/submitted/{submission_id}/files/{file_id}").status_code == 404


def test_the_submitter_sees_what_each_file_is_as_they_described_it(app, signed_in, user_id, draft_id):
    """The Local Authority saw each file's "What is this document?"; the submitter's own copy did not."""
    with app.app_context():
        attach(draft_id, user_id, "chronology.pdf", b"%PDF-1.4 notes", kind="pdf",
               content_type="application/pdf", description='Chronology <b>since</b> March & "the visit"')
        attach(draft_id, user_id, "photo.jpg", b"\xff\xd8\xff not really")
    submission_id = submitted(app, signed_in, draft_id)
    html = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    files = html[html.index("<h2 class=\"govuk-heading-m\">Supporting Documentation</h2>"):]
    files = files[:files.index("</ul>")]
    chronology, photo = files.split("<li>")[1:]
    assert "Download chronology.pdf" in chronology
    assert "Chronology &lt;b&gt;since&lt;/b&gt; March &amp; &#34;the visit&#34;" in chronology
    assert "<b>since</b>" not in html
    assert "Download photo.jpg" in photo and "Chronology" not in photo


def test_after_sign_in_with_forms_waiting_goes_to_submitted_forms(app, client, user_id):
    with app.app_context():
        draft_id = make_draft(user_id)
    assert sign_in(client).headers["Location"] == "/"
    submission_id = submitted(app, client, draft_id)
    return_for_information(app, submission_id)
    fresh = app.test_client()
    assert sign_in(fresh).headers["Location"] == "/submitted"
    # Someone who asked for a particular page still goes there.
    from tests.conftest import post_form

    other = app.test_client()
    response = post_form(other, "/sign-in?next=/my-account", {"email": "teacher@example.com",
                                                               "password": PASSWORD})
    assert response.headers["Location"] == "/my-account"


def cell_texts(row_html: str) -> list[str]:
    """What a sighted user reads in each cell of a table row, left to right, on a wide screen (where the
    label each cell has for a narrow one is hidden)."""
    hidden = re.compile(
        r'<span class="(?:govuk-visually-hidden|app-responsive-table__label)"[^>]*>.*?</span>', flags=re.S)
    visible = [hidden.sub("", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, flags=re.S)]
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in visible]


def test_returned_form_name_is_on_the_far_left_with_the_childs_name_beside_it(app, signed_in, draft_id):
    """The guide (2.3): "select the form name on the far left", then the reason, the comments next to it
    and "Previous Form" on the far right. The child's name is shown too, so the right form can be picked
    without opening each one."""
    submission_id = submitted(app, signed_in, draft_id)
    return_for_information(app, submission_id, reason="Insufficient detail",
                           comments="Please tell us more about the bruising.")
    html = signed_in.get("/submitted").get_data(as_text=True)
    table = read_table(html, "Forms requesting more information").markup
    headers = [" ".join(re.sub(r"<[^>]+>", " ", h).split())
               for h in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)]
    assert headers == ["Form Name", "Name", "Date", "Requested Detail", "Comments", "Previous Form"]
    row = table.split('<tbody class="govuk-table__body" role="rowgroup">', 1)[1]
    cells = cell_texts(row)
    assert cells[0] == "Child/Young Person Safeguarding Concern"
    first_cell = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[0]
    assert f'action="/submitted/{submission_id}/reopen"' in first_cell
    assert cells[1] == "Jordan Ellison-Hart"
    assert cells[3:] == ["Insufficient detail", "Please tell us more about the bruising.", "Previous Form"]


def test_returned_comments_keep_their_line_breaks_and_stay_escaped(app, signed_in, draft_id):
    """Caseworkers write comments in paragraphs; run together, two questions read as one."""
    submission_id = submitted(app, signed_in, draft_id)
    return_for_information(app, submission_id,
                           comments="Has Jordan seen a GP?\n<b>Also</b> confirm the surname.")
    html = signed_in.get("/submitted").get_data(as_text=True)
    assert "Has Jordan seen a GP?<br>&lt;b&gt;Also&lt;/b&gt; confirm the surname." in html


def test_a_returned_form_s_response_column_says_it_was_returned_not_that_nothing_was_posted(
        app, signed_in, draft_id):
    submission_id = submitted(app, signed_in, draft_id)
    return_for_information(app, submission_id)
    html = signed_in.get("/submitted").get_data(as_text=True)
    recent = html.split("Recently Submitted Forms (Last", 1)[1]
    assert "Returned to you for more information" in recent and "No response posted" not in recent


def test_a_returned_form_s_own_page_says_what_was_asked_and_opens_it_to_update(app, signed_in, draft_id):
    """From Recently Submitted Forms a returned form's page said only "Returned for more information":
    not what the Local Authority asked for, nor a way to answer it. Now it says both, in UK time."""
    submission_id = submitted(app, signed_in, draft_id)
    with time_machine.travel(datetime(2026, 7, 1, 16, 5, tzinfo=UTC), tick=False):
        return_for_information(app, submission_id, reason="insufficient_detail",
                               comments="Has Jordan seen a GP?\n<b>Also</b> confirm the surname.")
    html = signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)
    banner = html.split('id="return-request"', 1)[1].split("</form>", 1)[0]
    assert "returned this form to you on 1 July 2026 at 5:05pm: Insufficient detail" in banner
    assert "Has Jordan seen a GP?<br>&lt;b&gt;Also&lt;/b&gt; confirm the surname." in banner
    assert "<li>Concerns</li>" in banner
    assert f'action="/submitted/{submission_id}/reopen"' in banner
    assert "Update and resubmit this form" in banner
    response = signed_in.post(f"/submitted/{submission_id}/reopen", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/concerns")
    # A form not waiting for the submitter has no such notice.
    with app.app_context():
        db.session.get(Submission, submission_id).status = "resubmitted"
        db.session.commit()
    assert 'id="return-request"' not in signed_in.get(f"/submitted/{submission_id}").get_data(as_text=True)


def test_returned_forms_are_listed_first(app, signed_in, draft_id):
    submission_id = submitted(app, signed_in, draft_id)
    return_for_information(app, submission_id, reason="insufficient_detail")
    html = signed_in.get("/submitted").get_data(as_text=True)
    assert html.index("Forms requesting more information") < html.index("Recently Submitted Forms")
    for heading in ("Form Name", "Name", "Date", "Requested Detail", "Comments"):
        assert f'class="govuk-table__header" role="columnheader">{heading}</th>' in html
    assert "Insufficient detail" in html and "Please tell us more about the bruising." in html
    assert f'action="/submitted/{submission_id}/reopen"' in html
    assert f'href="/submitted/{submission_id}/v1.pdf">Previous Form' in html
    # A returned form stays visible to its submitter past 30 days: they must be able to answer it.
    with time_machine.travel(utcnow().replace(tzinfo=UTC) + timedelta(days=45), tick=False):
        sign_in(signed_in)
        html = signed_in.get("/submitted").get_data(as_text=True)
        assert f'action="/submitted/{submission_id}/reopen"' in html


def test_a_form_returned_at_version_2_is_named_by_that_version_to_screen_readers(app, signed_in, user_id):
    """A form returned at v2: its Previous Form link opens v2's PDF and the reopened form's notice says
    "CP-2026-000007-v2", but the links' hidden words named "CP-2026-000007", the first version's
    reference ("Previous Form (CP-2026-000007, PDF)"). They name the version now, as the Reference
    column does; a form returned at v1 keeps its plain reference."""
    from tests.functional.review.builders import answers, make_submission
    from webapp.submissions.models import ReturnRequest

    with app.app_context():
        for reference, count in (("CP-2026-000007", 2), ("CP-2026-000008", 1)):
            versions = [answers() for _ in range(count)]
            submission_id = make_submission(user_id, reference=reference, status="returned",
                                            versions=versions)
            db.session.add(ReturnRequest(submission_id=submission_id, version_number=len(versions),
                                         reason="insufficient_detail", comments="Tell us more",
                                         sections=["concerns"]))
            db.session.commit()
    html = signed_in.get("/submitted").get_data(as_text=True)
    returned = read_table(html, "Forms requesting more information").markup
    hidden = re.findall(r'<span class="govuk-visually-hidden">([^<]*)</span>', returned)
    assert " for Jordan Ellison, reference CP-2026-000007-v2: update and resubmit" in hidden
    assert " (CP-2026-000007-v2, PDF)" in hidden
    assert re.search(r'/v2\.pdf">Previous Form<span class="govuk-visually-hidden"> '
                     r'\(CP-2026-000007-v2, PDF\)', returned)
    assert " for Jordan Ellison, reference CP-2026-000008: update and resubmit" in hidden
    assert " (CP-2026-000008, PDF)" in hidden
    assert not any("CP-2026-000007," in text or "CP-2026-000007:" in text for text in hidden)
    recent = read_table(html, "Recently Submitted Forms (Last 30 Days)").markup
    hidden = re.findall(r'<span class="govuk-visually-hidden">([^<]*)</span>', recent)
    assert ", CP-2026-000007-v2" in hidden and ", CP-2026-000008" in hidden


def _sent_forms(user_id: int, count: int, start: int) -> None:
    """`count` forms sent today: every third returned (with its request), every other one in two versions."""
    from tests.functional.review.builders import answers, make_submission
    from webapp.submissions.models import ReturnRequest

    for n in range(start, start + count):
        versions = [answers(), answers()] if n % 2 else [answers()]
        submission_id = make_submission(user_id, reference=f"CP-2026-{n:06d}", child_name=f"Child {n}",
                                        status="returned" if n % 3 == 0 else "submitted", versions=versions,
                                        submitted_at=utcnow() - timedelta(minutes=n))
        if n % 3 == 0:
            db.session.add(ReturnRequest(submission_id=submission_id, version_number=len(versions),
                                         reason="insufficient_detail", comments=f"Tell us more about {n}",
                                         sections=["concerns"]))
            db.session.commit()


def test_submitted_forms_sends_as_many_statements_for_forty_forms_as_for_four(app, signed_in, user_id):
    """Each listed form cost its own queries: its versions (answers and all) to print "-v2", and for
    a returned one its open request. A safeguarding lead with dozens of forms waited for dozens of
    round trips; the page now reads the versions' numbers and the open requests once for all forms."""
    with app.app_context():
        _sent_forms(user_id, 4, start=1)
    few = statements_for(app, signed_in, "/submitted")
    with app.app_context():
        _sent_forms(user_id, 36, start=5)
    many = statements_for(app, signed_in, "/submitted")
    assert many == few
    html = signed_in.get("/submitted").get_data(as_text=True)
    assert "CP-2026-000001-v2" in html and "CP-2026-000002<" in html and "CP-2026-000002-v2" not in html
    assert "Tell us more about 3" in html and "Tell us more about 39" in html
    assert 'href="/submitted/' in html and "/v2.pdf" in html and "/v1.pdf" in html


def test_recently_submitted_forms_are_listed_25_a_page(app, signed_in, user_id, make_user):
    """Every form of the last 30 days was on one page: a professional sending several a day had a list
    without end. The forms asking for more information stay at the top of every page."""
    import re

    with app.app_context():
        _sent_forms(user_id, 60, start=1)
        other = make_user(email="other@example.com")
        _sent_forms(other, 5, start=201)
        from tests.functional.review.builders import make_submission

        make_submission(user_id, reference="CP-2026-000099", submitted_at=utcnow() - timedelta(days=31))
    pages = [signed_in.get(f"/submitted?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    listed = [re.findall(r'href="/submitted/([0-9a-f]{32})"', html) for html in pages]
    assert [len(ids) for ids in listed] == [25, 25, 10]
    assert len({i for ids in listed for i in ids}) == 60  # each once
    assert "60 forms you sent, or we responded to, in the last 30 days (page 2 of 3)." in pages[1]
    assert 'href="/submitted?page=3"' in pages[1] and 'class="govuk-pagination"' in pages[1]
    assert all("Forms requesting more information" in html and "Tell us more about 3<" in html
               for html in pages)
    assert ">CP-2026-000001" in pages[0] and ">CP-2026-000060" in pages[2]  # newest first
    everything = "".join(pages)
    assert "CP-2026-000099" not in everything and "CP-2026-000201" not in everything
    assert re.findall(r'href="/submitted/([0-9a-f]{32})"',
                      signed_in.get("/submitted?page=99").get_data(as_text=True)) == listed[2]


def test_submitted_forms_with_a_page_number_in_other_digits_shows_the_first_page(app, signed_in, user_id):
    app.testing = False  # an exception becomes the 500 page a person would see
    with app.app_context():
        _sent_forms(user_id, 2, start=1)
    response = signed_in.get("/submitted?page=²")
    assert response.status_code == 200 and "CP-2026-000002" in response.get_data(as_text=True)
