"""The submission page, its files and PDFs: every answer, versions and their difference, team isolation
and an audit row for every look."""

import re
from datetime import datetime

import pytest

from tests.functional.review.builders import answers, make_submission
from tests.functional.review.conftest import audit_actions
from tests.support import statements_for
from webapp.extensions import db
from webapp.submissions import rendering
from webapp.submissions.models import Submission


def test_submission_page_shows_every_answer_by_section(staff_client, submission):
    response = staff_client.get(f"/la/submissions/{submission}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "CP-2026-000001" in html
    for text in ("Professional&#39;s Details", "Child / Young Person&#39;s Details", "Consent",
                 "Jordan came to school with a bruise", "Meadow Primary School", "14 February 2017",
                 "Flat 4, Orchard Court<br>12 Mill Lane<br>Wigan<br>WN1 2BC"):
        assert text in html, text
    assert "Home visit notes.pdf" in html
    # Its size as the submitter and the PDF give it (a 14-byte file read "1 KB" here alone).
    assert "(14 bytes)" in html
    assert f"/la/submissions/{submission}/v1.pdf" in html
    assert "Version history" in html and "Audit log" in html
    assert "Post a response" in html and "Return for further information" in html


def test_answers_are_escaped(app, people, staff_client):
    with app.app_context():
        worries = "<img src=x onerror=alert(1)>\nline two"
        sid = make_submission(people["submitter"], child_name="<script>alert(1)</script>",
                              versions=[answers(concerns={"worries": worries})])
    html = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<br>line two" in html


def test_the_page_gives_the_declaration_each_version_s_submitter_agreed_to_and_when(app, people,
                                                                                     staff_client):
    """The PDF gave the declaration the submitter agreed to and when; the caseworker's page of the same
    version did not. It gives the form version's own words, as the submitter's page and the PDF do."""
    with app.app_context():
        sid = make_submission(people["submitter"], submitted_at=datetime(2026, 7, 1, 16, 5),
                              versions=[answers(), answers()])
        words = rendering.version_declaration(db.session.get(Submission, sid).latest)
    assert words
    for number, sent in ((2, "1 July 2026 at 5:05pm"), (1, "1 July 2026 at 4:05pm")):
        html = staff_client.get(f"/la/submissions/{sid}?v={number}").get_data(as_text=True)
        assert '<h2 class="govuk-heading-m" id="declaration">Declaration</h2>' in html
        declared = html.split('id="declaration"', 1)[1].split('id="returns"', 1)[0]
        assert (f"Priya Shah agreed to this declaration on {sent}, when the form was submitted, by "
                "selecting “I confirm the declaration above”.") in declared
        for block in words:
            for said in [block["text"], *block["items"]]:
                assert said.replace("'", "&#39;") in declared, said
        assert "If a child is in immediate danger" not in declared
    # An account deleted since: the declaration stays, said of whoever sent it.
    with app.app_context():
        gone = make_submission(None)
    declared = staff_client.get(f"/la/submissions/{gone}").get_data(as_text=True).split('id="declaration"')[1]
    assert "The person who submitted this form agreed to this declaration on" in declared


def test_viewing_is_audited(app, people, staff_client, submission):
    staff_client.get(f"/la/submissions/{submission}")
    staff_client.get(f"/la/submissions/{submission}")
    assert audit_actions(app, submission) == [(people["staff"], "view:1"), (people["staff"], "view:1")]
    html = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    assert "Viewed the submission (version 1)" in html and "Sam Carter (caseworker@council.example)" in html
    assert ("Every time staff open this submission, its PDF or its files, return it, respond to it or "
            "correct the response.") in html


def test_the_audit_log_says_which_version_was_read_and_which_file_downloaded(app, people, staff_client):
    """Before, every file download was logged as 'Downloaded an attached file' and every view as 'Viewed
    the submission': the log could not say who had opened the medical report, or whether anyone had read
    the answers the submitter resubmitted. Entries from before the change keep their general label."""
    from webapp.attachments.models import Attachment
    from webapp.extensions import db
    from webapp.submissions.models import AuditEntry

    with app.app_context():
        sid = make_submission(people["submitter"], versions=[answers(), answers(child={"surname": "Ellis"})],
                              files=[("Medical report.pdf", "application/pdf", b"%PDF-1.7 report"),
                                     ("School notes.pdf", "application/pdf", b"%PDF-1.7 notes")])
        file_id = db.session.query(Attachment.id).filter_by(display_name="Medical report.pdf").scalar()
        db.session.add(AuditEntry(submission_id=sid, user_id=people["staff"], action="download_file"))
        db.session.commit()
    staff_client.get(f"/la/submissions/{sid}?v=1")
    assert staff_client.get(f"/la/submissions/{sid}/files/{file_id}").status_code == 200
    assert audit_actions(app, sid)[1:] == [(people["staff"], "view:1"),
                                           (people["staff"], f"download_file:{file_id}")]
    log = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True).split('id="audit"')[1]
    actions = re.findall(r'<td class="govuk-table__cell">([^<]*)</td>\s*</tr>', log)
    assert actions == ["Viewed the submission (version 2)", "Downloaded Medical report.pdf (version 2)",
                       "Viewed the submission (version 1)", "Downloaded an attached file"]


def test_file_download_is_an_attachment_and_audited(app, people, staff_client, submission):
    from webapp.attachments.models import Attachment
    from webapp.extensions import db

    with app.app_context():
        file_id = db.session.query(Attachment.id).scalar()
    response = staff_client.get(f"/la/submissions/{submission}/files/{file_id}")
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 notes"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Home visit notes.pdf\"; filename*=UTF-8''Home%20visit%20notes.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert audit_actions(app, submission) == [(people["staff"], f"download_file:{file_id}")]


def test_a_file_of_another_submission_is_404(app, people, staff_client, submission):
    from webapp.attachments.models import Attachment
    from webapp.extensions import db

    with app.app_context():
        other = make_submission(people["submitter"], files=[("x.pdf", "application/pdf", b"%PDF other")])
        file_id = db.session.query(Attachment.id).filter(Attachment.display_name == "x.pdf").scalar()
    assert staff_client.get(f"/la/submissions/{submission}/files/{file_id}").status_code == 404
    assert staff_client.get(f"/la/submissions/{other}/files/{file_id}").status_code == 200
    assert staff_client.get(f"/la/submissions/{submission}/files/nonsense").status_code == 404


def test_pdf_opens_inline_and_is_audited(app, people, staff_client, submission):
    response = staff_client.get(f"/la/submissions/{submission}/v1.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="CP-2026-000001-v1.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    assert audit_actions(app, submission) == [(people["staff"], "view_pdf:1")]
    assert "Opened the PDF (version 1)" in staff_client.get(f"/la/submissions/{submission}").get_data(
        as_text=True)
    assert staff_client.get(f"/la/submissions/{submission}/v2.pdf").status_code == 404


def test_pdf_not_rendered_yet_says_so(app, people, staff_client):
    with app.app_context():
        sid = make_submission(people["submitter"], pdf=None)
    response = staff_client.get(f"/la/submissions/{sid}/v1.pdf")
    assert response.status_code == 200
    assert "The PDF is not ready yet" in response.get_data(as_text=True)
    assert "PDF not made yet" in staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)


def test_a_pdf_whose_making_failed_says_so_where_it_is_opened(app, people, staff_client):
    """The submission page said "The PDF could not be made", and the PDF's own address "not ready yet"."""
    with app.app_context():
        sid = make_submission(people["submitter"], pdf=None)
        db.session.get(Submission, sid).latest.pdf_error = "WeasyPrint could not read an image"
        db.session.commit()
    html = staff_client.get(f"/la/submissions/{sid}/v1.pdf").get_data(as_text=True)
    assert "The PDF could not be made" in html and "<title>PDF could not be made" in html
    assert "not ready yet" not in html
    assert "The PDF could not be made" in staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)


@pytest.mark.parametrize("v", ["99999", "0", "x", ""])
def test_a_version_that_cannot_be_is_not_found(staff_client, submission, v):
    """"?v=99999" showed the latest version, as if it had been asked for, where "?v=3" was not found."""
    assert staff_client.get(f"/la/submissions/{submission}?v={v}").status_code == 404


def test_an_earlier_version_s_title_says_which_it_is(app, people, staff_client):
    with app.app_context():
        sid = make_submission(people["submitter"], reference="CP-2026-000901",
                              versions=[answers(), answers()])
    title = re.search(r"<title>(.*?)</title>", staff_client.get(f"/la/submissions/{sid}?v=1").get_data(
        as_text=True), re.S).group(1)
    assert title.startswith("CP-2026-000901 version 1 (not the latest)")
    latest = re.search(r"<title>(.*?)</title>", staff_client.get(f"/la/submissions/{sid}").get_data(
        as_text=True), re.S).group(1)
    assert "version" not in latest


@pytest.mark.parametrize("suffix", ["", "/v1.pdf", "/return", "/respond", "/files/x"])
def test_another_team_gets_404(app, people, lado_client, submission, suffix):
    assert lado_client.get(f"/la/submissions/{submission}{suffix}").status_code == 404
    assert audit_actions(app, submission) == []


def test_another_team_cannot_post_a_return_or_response(app, people, lado_client, staff_client, submission):
    from tests.support import csrf_token

    token = csrf_token(lado_client.get("/la/queue").get_data(as_text=True))
    with app.app_context():
        responded = make_submission(people["submitter"], status="responded", reference="CP-2026-000009")
    for sid, action, data in ((submission, "return", {"reason": "other", "comments": "x"}),
                              (submission, "respond", {"response": "x"}),
                              (responded, "response", {"response": "x", "seen": "x"})):
        response = lado_client.post(f"/la/submissions/{sid}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 404
    assert lado_client.get(f"/la/submissions/{responded}/response").status_code == 404
    assert "Submitted" in staff_client.get("/la/queue").get_data(as_text=True)
    assert audit_actions(app, submission) == []


def test_another_teams_attempt_is_logged_without_the_child(app, people, lado_client, submission, caplog):
    """Before, a LADO officer opening a social-care submission by its address got a 404 and nothing
    anywhere recorded the attempt (OWASP ASVS 16.3.2: log authorisation failures)."""
    caplog.set_level("WARNING", logger="webapp.review.services")
    for suffix in ("", "/v1.pdf", "/return"):
        assert lado_client.get(f"/la/submissions/{submission}{suffix}").status_code == 404
    refusals = [r.getMessage() for r in caplog.records if r.name == "webapp.review.services"]
    assert refusals == [f"access refused: staff user {people['lado']} (team lado) asked for submission "
                        f"{submission} of team social-care"] * 3
    assert not any("Jordan" in m or "Ellison" in m or "CP-2026" in m for m in refusals)
    assert audit_actions(app, submission) == []  # the owning team's log records access, not attempts
    lado_client.get("/la/submissions/no-such-id")
    assert len([r for r in caplog.records if r.name == "webapp.review.services"]) == 3


def test_another_teams_queue_does_not_list_it(lado_client, submission):
    assert "CP-2026-000001" not in lado_client.get("/la/queue").get_data(as_text=True)
    html = lado_client.get("/la/queue?q=CP-2026-000001").get_data(as_text=True)
    assert "No submissions" in html and "CP-2026-000001</a>" not in html


def test_unknown_submission_is_404(staff_client):
    assert staff_client.get("/la/submissions/doesnotexist").status_code == 404


def test_version_difference_field_by_field(app, people, staff_client):
    first = answers()
    second = answers(child={"surname": "Ellis", "school": ""},
                     concerns={"worries": "Jordan had a bruise on his cheek and a cut lip."},
                     consent={"consent": "no", "no_consent_reason": "Asking would put Jordan at risk."})
    with app.app_context():
        sid = make_submission(people["submitter"], status="resubmitted", versions=[first, second])
    html = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    assert "What changed in version 2" in html
    changes = html.split('class="govuk-table app-changes"')[1].split("</table>")[0]
    rows = changes.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 5, rows
    assert "Last name" in changes and "<del>Ellison</del>" in changes and "<ins>Ellis</ins>" in changes
    assert "<del>Jordan came to school with a bruise on his cheek and said he fell.</del>" in changes
    assert "Why have you not got consent?" in changes
    assert "<ins>Asking would put Jordan at risk.</ins>" in changes
    assert "School, nursery or college" in changes  # removed answer
    assert "Consent" in changes and "Child / Young Person&#39;s Details" in changes
    # The earlier version can be shown on its own, with no difference table.
    old = staff_client.get(f"/la/submissions/{sid}?v=1").get_data(as_text=True)
    assert "Answers in version 1" in old and "What changed" not in old
    assert staff_client.get(f"/la/submissions/{sid}?v=3").status_code == 404


def test_an_earlier_version_s_page_sends_the_caseworker_to_the_latest_to_act_on_it(app, people, staff_client):
    """Version 1's page offered "Return for further information" and "Post a response", whose forms act on
    the latest version: a caseworker reading version 1 returned it with comments about answers that
    version 2 had already changed. The earlier version's page now leads to the latest instead."""
    with app.app_context():
        sid = make_submission(people["submitter"], status="resubmitted",
                              versions=[answers(), answers(child={"surname": "Ellis"})])
    old = staff_client.get(f"/la/submissions/{sid}?v=1").get_data(as_text=True)
    assert f"/la/submissions/{sid}/return" not in old and f"/la/submissions/{sid}/respond" not in old
    assert "You are reading version 1. Version 2 was sent on " in old
    assert (f'<a class="govuk-link" href="/la/submissions/{sid}">Read version 2 to return this form or '
            "respond to it</a>") in old
    latest = staff_client.get(f"/la/submissions/{sid}?v=2").get_data(as_text=True)
    assert f"/la/submissions/{sid}/return" in latest and f"/la/submissions/{sid}/respond" in latest
    assert "You are reading version" not in latest


def test_difference_says_when_nothing_changed(app, people, staff_client):
    with app.app_context():
        sid = make_submission(people["submitter"], status="resubmitted", versions=[answers(), answers()])
    assert "No answers or files changed between version 1 and version 2" in staff_client.get(
        f"/la/submissions/{sid}").get_data(as_text=True)


def _two_versions_with_files(people, old_files, new_files, **version_answers) -> str:
    """A resubmitted form whose versions carry these (name, description) files, or (name, description,
    contents) ones (inside an app context). A reopened form's files are copies: each version has its own
    rows, as here."""
    from webapp.attachments.models import Attachment
    from webapp.extensions import db
    from webapp.submissions.models import Submission

    sid = make_submission(people["submitter"], status="resubmitted",
                          versions=[answers(), answers(**version_answers)])
    first, second = db.session.get(Submission, sid).versions
    for version, files in ((first, old_files), (second, new_files)):
        for name, description, *contents in files:
            data = contents[0] if contents else b"%PDF-1.7 " + name.encode()
            db.session.add(Attachment(user_id=people["submitter"], version_id=version.id, display_name=name,
                                      kind="pdf", content_type="application/pdf", size=len(data), data=data,
                                      description=description))
    db.session.commit()
    return sid


def _change_rows(html: str) -> list[list[str]]:
    """Each row of the difference table as the text of its cells (the row header included)."""
    table = html.split('class="govuk-table app-changes"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table.split("<tbody", 1)[1], flags=re.S)
    return [[" ".join(re.sub(r"<[^>]+>", " ", cell).split())
             for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)] for row in rows]


def test_version_difference_lists_the_files_added_and_removed(app, people, staff_client):
    """A file added or taken away on resubmission was not in "What changed in version 2", which listed
    answers only: a caseworker reading it missed the body map the submitter had sent in answer to
    their request. Files are compared by name and description (a reopened form's files are copies); one
    kept as it was is not listed."""
    with app.app_context():
        sid = _two_versions_with_files(
            people,
            old_files=[("Home visit notes.pdf", "Notes from the visit"), ("Old photo.pdf", "")],
            new_files=[("Home visit notes.pdf", "Notes from the visit"),
                       ("Body map.pdf", "Where the bruises <are>")],
            child={"surname": "Ellis"})
    html = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    rows = _change_rows(html)
    assert rows == [
        ["Child / Young Person&#39;s Details", "Last name", "Ellison", "Ellis"],
        ["Supporting Documentation", "Attached file", "Not attached",
         "Body map.pdf (Where the bruises &lt;are&gt;)"],
        ["Supporting Documentation", "Attached file", "Old photo.pdf", "Not attached"],
    ], rows
    changes = html.split('class="govuk-table app-changes"')[1].split("</table>")[0]
    assert "<ins>Body map.pdf (Where the bruises &lt;are&gt;)</ins>" in changes
    assert "<del>Old photo.pdf</del>" in changes
    assert "Home visit notes.pdf" not in changes
    assert "Answers and files changed between version 1 and version 2" in changes  # the table's caption


def test_a_file_added_with_no_answer_changed_is_a_change(app, people, staff_client):
    with app.app_context():
        sid = _two_versions_with_files(people, old_files=[], new_files=[("Body map.pdf", "")])
    html = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    assert "No answers" not in html
    assert _change_rows(html) == [
        ["Supporting Documentation", "Attached file", "Not attached", "Body map.pdf"]]


def test_a_file_described_differently_is_one_taken_away_and_one_added(app, people, staff_client):
    with app.app_context():
        sid = _two_versions_with_files(people, old_files=[("Body map.pdf", "Arms")],
                                       new_files=[("Body map.pdf", "Arms and back")])
    html = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    assert _change_rows(html) == [
        ["Supporting Documentation", "Attached file", "Not attached", "Body map.pdf (Arms and back)"],
        ["Supporting Documentation", "Attached file", "Body map.pdf (Arms)", "Not attached"],
    ]


def test_a_file_replaced_by_another_of_the_same_name_is_a_change(app, people, staff_client):
    """Asked for a clearer photo, the submitter took the first one away and uploaded another, named and
    described as it was: "What changed" said nothing of it."""
    with app.app_context():
        sid = _two_versions_with_files(
            people, old_files=[("Bruise.jpg", "Left arm", b"%PDF-1.7 " + b"x" * 3000),
                               ("Notes.pdf", "", b"%PDF-1.7 notes")],
            new_files=[("Bruise.jpg", "Left arm", b"%PDF-1.7 " + b"y" * 5000),
                       ("Notes.pdf", "", b"%PDF-1.7 notes")])
    html = staff_client.get(f"/la/submissions/{sid}").get_data(as_text=True)
    assert "No answers or files changed" not in html
    assert _change_rows(html) == [
        ["Supporting Documentation", "Attached file", "Not attached", "Bruise.jpg (Left arm), 5 KB"],
        ["Supporting Documentation", "Attached file", "Bruise.jpg (Left arm), 3 KB", "Not attached"],
    ]


def _looked_at(app, submission_id, user_id, times: int, start: int = 0) -> None:
    from datetime import datetime, timedelta

    from webapp.extensions import db
    from webapp.submissions.models import AuditEntry

    with app.app_context():
        base = datetime(2025, 1, 6, 9, 0)
        db.session.add_all(AuditEntry(submission_id=submission_id, user_id=user_id, action="view:1",
                                      at=base + timedelta(hours=n)) for n in range(start, start + times))
        db.session.commit()


def _log_rows(html: str) -> list[str]:
    return re.findall(r'<td class="govuk-table__cell">(\d{1,2} \w+ \d{4}[^<]*)</td>', html)


def test_a_much_opened_submission_shows_its_latest_audit_entries_and_links_to_the_whole_log(
        app, people, staff_client, submission):
    """Every look adds an entry, and the page printed them all: a referral opened daily for two years
    made a page of thousands of rows (2,000 entries: 558 KB of HTML). The page now shows the latest ten
    and links to the whole log, a page of 50 at a time."""
    _looked_at(app, submission, people["staff"], 5)
    few = statements_for(app, staff_client, f"/la/submissions/{submission}")
    _looked_at(app, submission, people["staff"], 300, start=5)
    many = statements_for(app, staff_client, f"/la/submissions/{submission}")
    assert many == few
    html = staff_client.get(f"/la/submissions/{submission}").get_data(as_text=True)
    rows = _log_rows(html.split('id="audit"')[1])
    assert len(rows) == 10
    assert "The latest 10 of 308 entries." in html
    assert f'href="/la/submissions/{submission}/audit"' in html


def test_the_whole_audit_log_pages_50_at_a_time_newest_first(app, people, staff_client, submission):
    # 120 entries an hour apart, and 3 at one moment across the end of page 1 (ties broken by id).
    from datetime import datetime

    from webapp.extensions import db
    from webapp.submissions.models import AuditEntry

    _looked_at(app, submission, people["staff"], 120)
    with app.app_context():
        db.session.add_all(AuditEntry(submission_id=submission, user_id=people["lado"], action="view:1",
                                      at=datetime(2025, 1, 9, 7, 30)) for _ in range(3))
        db.session.commit()
    pages = [staff_client.get(f"/la/submissions/{submission}/audit?page={n}") for n in (1, 2, 3)]
    assert all(p.status_code == 200 for p in pages)
    html = [p.get_data(as_text=True) for p in pages]
    assert "123 entries (page 1 of 3)" in html[0]
    # The page says what it lists: a correction of the response is in it, not only changes of status.
    assert ("Every time staff opened this submission, its PDF or its files, returned it, responded to it or "
            "corrected the response, newest first.") in " ".join(html[0].split())
    assert [len(_log_rows(h)) for h in html] == [50, 50, 23]
    assert _log_rows(html[0])[0] == "11 January 2025 at 8:00am"  # the newest: 119 hours on
    assert _log_rows(html[2])[-1] == "6 January 2025 at 9:00am"  # the oldest
    assert [h.count("Lee Dean") for h in html] == [1, 2, 0]  # the three tied entries: each once, none twice
    assert f'href="/la/submissions/{submission}/audit?page=2"' in html[0]
    assert 'class="govuk-pagination"' in html[0] and 'rel="next"' in html[0]
    assert f'href="/la/submissions/{submission}/audit?page=2"' in html[2] and 'rel="next"' not in html[2]
    # An out-of-range or nonsense page number lands on a real page; another team's log is not found.
    assert _log_rows(staff_client.get(f"/la/submissions/{submission}/audit?page=99").get_data(as_text=True)) \
        == _log_rows(html[2])
    assert staff_client.get(f"/la/submissions/{submission}/audit?page=x").status_code == 200


def test_another_teams_audit_log_is_not_found(app, people, lado_client, submission):
    assert lado_client.get(f"/la/submissions/{submission}/audit").status_code == 404


def test_the_submission_page_does_not_read_each_versions_pdf_to_link_to_it(app, people, staff_client):
    """The version history asked each version for its PDF to decide whether to link to it: one query per
    version, each bringing the whole PDF (megabytes with photos) from the database to test it for None."""
    with app.app_context():
        one = make_submission(people["submitter"], versions=[answers()])
        four = make_submission(people["submitter"], versions=[answers(), answers(), answers(), answers()])
        not_made = make_submission(people["submitter"], versions=[answers(), answers()], pdf=None)
    staff_client.get(f"/la/submissions/{one}")
    staff_client.get(f"/la/submissions/{four}")
    assert statements_for(app, staff_client, f"/la/submissions/{four}") == \
        statements_for(app, staff_client, f"/la/submissions/{one}")
    html = staff_client.get(f"/la/submissions/{four}").get_data(as_text=True)
    assert all(f"/la/submissions/{four}/v{n}.pdf" in html for n in (1, 2, 3, 4))
    html = staff_client.get(f"/la/submissions/{not_made}").get_data(as_text=True)
    assert html.count("PDF not made yet") == 2 and ".pdf" not in html


def test_opening_a_pdf_reads_it_from_the_database_once(app, people, staff_client, submission):
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    pdf_reads = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().startswith("SELECT submission_versions.pdf"):
            pdf_reads.append(statement)

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = staff_client.get(f"/la/submissions/{submission}/v1.pdf")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200 and response.data == b"%PDF-1.7 sample"
    assert len(pdf_reads) == 1


def test_a_version_number_in_other_digits_is_not_a_server_error(app, staff_client, submission):
    """?v=² passed str.isdigit() and then broke int(): a server error. It is no version: not found."""
    app.testing = False  # an exception becomes the 500 page a person would see
    response = staff_client.get(f"/la/submissions/{submission}?v=²")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
