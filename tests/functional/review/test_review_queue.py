"""The team queue: only the team's submissions, status filter, search, pagination, overdue highlight,
the full page without JavaScript and the same table as an htmx fragment."""

import re
from datetime import datetime

import pytest
import time_machine

from tests.conftest import post_form
from tests.functional.review.builders import make_submission
from tests.functional.review.conftest import staff_sign_in
from tests.tables import assert_rows_read_as_labelled_cards

HX = {"HX-Request": "true"}


def search(client, q, status="", headers=None):
    """Filter as the form does: POST, then follow the redirect (htmx follows it too, as a fragment)."""
    response = post_form(client, "/la/queue", {"q": q, "status": status})
    assert response.status_code == 303
    assert "q=" not in response.headers["Location"]
    return client.get(response.headers["Location"], headers=headers or {}).get_data(as_text=True)


def references(html: str) -> list[str]:
    return re.findall(r">(CP-\d{4}-\d{6})</a>", html)


def test_queue_shows_the_team_submissions_only(app, people, staff_client):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000101", child_name="Jordan Ellison")
        make_submission(people["submitter"], reference="CP-2026-000102", team="lado", child_name="Ava Lado")
    response = staff_client.get("/la/queue")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert references(html) == ["CP-2026-000101"]
    assert "Jordan Ellison" in html and "Ava Lado" not in html
    assert "Child/Young Person Safeguarding Concern" in html
    assert 'id="queue-table"' in html
    # The date is the latest version's, so named as the submission page names it.
    headers = re.findall(r'<th scope="col" class="govuk-table__header"[^>]*>([^<]*)</th>', html)
    assert headers == ["Reference", "Form", "Child's name", "Last submitted", "Status", "Age"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers.get("Vary", "")


def test_full_page_and_fragment_come_from_one_partial(app, people, staff_client):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000201")
    page = staff_client.get("/la/queue").get_data(as_text=True)
    fragment = staff_client.get("/la/queue", headers=HX)
    fragment_html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    # The page's title (htmx sets it), then the table as the page has it.
    title, table = re.fullmatch(r"\s*(<title>[^<]*</title>)(.*)", fragment_html, re.S).groups()
    assert title == "<title>Submissions \u2013 Wigan Children&#39;s Services Portal</title>" and title in page
    assert table.startswith('<div id="queue-table"')
    assert "<html" not in table and "<form" not in table
    assert table.strip() in page
    assert "HX-Request" in fragment.headers["Vary"]
    # The filter form works without JavaScript (POST with action) and is enhanced with hx-post.
    assert 'method="post" action="/la/queue"' in page
    assert 'hx-post="/la/queue"' in page and 'hx-target="#queue-table"' in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_on_a_phone_each_row_reads_as_a_card_of_labelled_cells(app, people, staff_client, headers):
    """At 320 pixels the queue's Status and Age columns were off to the right, in a box that scrolled
    sideways; below the tablet breakpoint each row is now a card, each cell led by its column's name."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000301", status="returned")
        make_submission(people["submitter"], reference="CP-2026-000302", child_name=None)
    html = staff_client.get("/la/queue", headers=headers).get_data(as_text=True)
    table = assert_rows_read_as_labelled_cards(html, "Submissions for your team")
    assert table.headers == ["Reference", "Form", "Child's name", "Last submitted", "Status", "Age"]
    assert len(table.rows) == 2
    status = re.search(r'aria-hidden="true">Status: </span><strong class="govuk-tag[^"]*">([^<]*)<', html)
    assert status and status.group(1) in ("Returned", "Submitted")
    assert "Child&#39;s name: </span>Not given</td>" in html


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_filter_by_status(app, people, staff_client, headers):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000301", status="submitted")
        make_submission(people["submitter"], reference="CP-2026-000302", status="returned")
        make_submission(people["submitter"], reference="CP-2026-000303", status="responded")
    html = staff_client.get("/la/queue?status=returned", headers=headers).get_data(as_text=True)
    assert references(html) == ["CP-2026-000302"]
    assert "Returned for more information" in html
    # An unknown status is ignored rather than an error.
    html = staff_client.get("/la/queue?status=nonsense", headers=headers).get_data(as_text=True)
    assert len(references(html)) == 3


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_search_by_reference_or_child_name(app, people, staff_client, headers):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000401", child_name="Jordan Ellison")
        make_submission(people["submitter"], reference="CP-2026-000402", child_name="Maisie O'Brien")
        make_submission(people["submitter"], reference="CP-2026-000403", child_name="100% Fake_Name")
    get = lambda q: references(search(staff_client, q, headers=headers))  # noqa: E731
    assert get("cp-2026-000402") == ["CP-2026-000402"]
    assert get("CP2026000402") == ["CP-2026-000402"]  # a reference typed without its hyphens
    assert get("CP 2026 000402-v2") == ["CP-2026-000402"]
    assert get("ellison") == ["CP-2026-000401"]
    assert get("  O'BRIEN ") == ["CP-2026-000402"]
    assert get("%") == ["CP-2026-000403"]  # LIKE wildcards are literal
    assert get("_") == ["CP-2026-000403"]
    assert get("nobody") == []
    assert get("elli\x00son") == ["CP-2026-000401"]  # a NUL (PostgreSQL refuses one) is dropped
    assert "No submissions" in search(staff_client, "nobody", headers=headers)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_search_finds_an_accented_name_whatever_its_case_or_how_it_was_typed(app, people, staff_client,
                                                                           headers):
    """SQLite's lower() folded only A to Z: "zoë" missed "ZOË" on SQLite while PostgreSQL found it; a
    Mac can send "ë" as "e" and a combining mark; and a caseworker types a name as it was heard on the
    phone, without its accents: "Nguyen" missed "Nguyễn", so a second referral about the same child
    looked like the first."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000411", child_name="ZOË ÅBERG")
        make_submission(people["submitter"], reference="CP-2026-000412", child_name="Siân Nguyễn")
    get = lambda q: references(search(staff_client, q, headers=headers))  # noqa: E731
    assert get("zoë") == ["CP-2026-000411"]
    assert get("åberg") == ["CP-2026-000411"]
    assert get("SIÂN") == ["CP-2026-000412"]
    assert get("NGUYỄN") == ["CP-2026-000412"]
    assert get("Zoe\u0308") == ["CP-2026-000411"]
    assert get("zoe aberg") == ["CP-2026-000411"]
    assert get("Sian Nguyen") == ["CP-2026-000412"]
    assert get("nguyen sian") == ["CP-2026-000412"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_search_finds_a_name_with_an_apostrophe_whichever_kind_was_typed(app, people, staff_client, headers):
    """An iPhone types "O’Brien" (a curly apostrophe), a desktop keyboard "O'Brien": neither search found
    the other."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000421", child_name="Maisie O\u2019Brien")
        make_submission(people["submitter"], reference="CP-2026-000422", child_name="Liam O'Connor")
    get = lambda q: references(search(staff_client, q, headers=headers))  # noqa: E731
    assert get("o'brien") == ["CP-2026-000421"]
    assert get("O\u2019Brien") == ["CP-2026-000421"]
    assert get("o\u2019connor") == ["CP-2026-000422"]
    assert get("o'connor") == ["CP-2026-000422"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_search_finds_a_name_with_an_apostrophe_typed_without_one(app, people, staff_client, headers):
    """A caseworker types a name as it was heard on the phone: "zoe obrien" and "obrien" found nothing
    for "Zoë O’Brien" (the apostrophe was kept in the fold, and "obrien" is not part of "o'brien"), so a
    second referral about the same child looked like the first."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000431", child_name="Zoë O\u2019Brien")
        make_submission(people["submitter"], reference="CP-2026-000432", child_name="Liam O'Connor")
        make_submission(people["submitter"], reference="CP-2026-000433", child_name="Jordan Ellison")
    get = lambda q: references(search(staff_client, q, headers=headers))  # noqa: E731
    assert get("zoe obrien") == ["CP-2026-000431"]
    assert get("obrien") == ["CP-2026-000431"]
    assert get("OBrien Zoe") == ["CP-2026-000431"]
    assert get("O'Brien") == ["CP-2026-000431"]
    assert get("zoe o\u2018brien") == ["CP-2026-000431"]
    assert get("o brien") == ["CP-2026-000431"]  # each word anywhere in the names
    assert get("oconnor") == ["CP-2026-000432"]
    assert get("O\u02bcConnor") == ["CP-2026-000432"]
    # A search by reference is as it was, whole or in part.
    assert get("CP-2026-000431") == ["CP-2026-000431"]
    assert sorted(get("2026-00043")) == ["CP-2026-000431", "CP-2026-000432", "CP-2026-000433"]
    assert get("000432") == ["CP-2026-000432"]
    # Nothing but apostrophes leaves no word to look for: nothing found, not every submission.
    assert get("'") == []
    assert "No submissions" in search(staff_client, "\u2019 '", headers=headers)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_search_finds_a_double_barrelled_name_however_it_was_dashed_or_heard(app, people, staff_client,
                                                                             headers):
    """"smith-jones" found nothing for a child sent as "Smith Jones" or with an en dash ("Smith–Jones"),
    and "obrien" nothing for "O´Brien" typed with an accent for its apostrophe."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000441", child_name="Aisha Smith-Jones")
        make_submission(people["submitter"], reference="CP-2026-000442", child_name="Tom Baker–Lee")
        make_submission(people["submitter"], reference="CP-2026-000443", child_name="Ruby Hart Wells")
        make_submission(people["submitter"], reference="CP-2026-000444", child_name="Maisie O\u00b4Brien")
    get = lambda q: sorted(references(search(staff_client, q, headers=headers)))  # noqa: E731
    assert get("smith-jones") == ["CP-2026-000441"]
    assert get("Smith Jones") == ["CP-2026-000441"]
    assert get("smith\u2013jones") == ["CP-2026-000441"]
    assert get("baker-lee") == ["CP-2026-000442"]
    assert get("Baker Lee Tom") == ["CP-2026-000442"]
    assert get("hart-wells") == ["CP-2026-000443"]  # sent without a dash, searched with one
    assert get("obrien") == ["CP-2026-000444"]
    assert get("o\u2019brien maisie") == ["CP-2026-000444"]
    # A dash within a reference still reads as one: part of a reference finds only what contains it.
    assert get("2026-00044") == ["CP-2026-000441", "CP-2026-000442", "CP-2026-000443", "CP-2026-000444"]
    assert get("6-000443") == ["CP-2026-000443"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_search_forgives_punctuation_pasted_with_a_name_or_a_reference(app, people, staff_client, headers):
    """A case system lists a child as "ELLISON, Jordan", and an email ends a sentence with the reference
    ("… reference CP-2026-000451."), or a word processor types its dashes as en dashes: pasted into the
    search, each found nothing, and a second referral about the same child looked like the first."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000451", child_name="Jordan Ellison")
        make_submission(people["submitter"], reference="CP-2026-000452", child_name="Ruby St. John")
    get = lambda q: references(search(staff_client, q, headers=headers))  # noqa: E731
    assert get("Ellison, Jordan") == ["CP-2026-000451"]
    assert get("ELLISON,JORDAN") == ["CP-2026-000451"]
    assert get("Jordan Ellison.") == ["CP-2026-000451"]
    assert get("(Jordan Ellison)") == ["CP-2026-000451"]
    assert get("\u201cEllison\u201d") == ["CP-2026-000451"]
    assert get("CP-2026-000451.") == ["CP-2026-000451"]
    assert get("CP-2026-000451,") == ["CP-2026-000451"]
    assert get("CP\u20132026\u2013000451") == ["CP-2026-000451"]
    assert get("2026\u2013000451") == ["CP-2026-000451"]
    assert get("St John Ruby") == ["CP-2026-000452"]
    assert get("St.John") == ["CP-2026-000452"]
    # Punctuation alone is not a search for everything.
    assert get(", .") == []
    html = search(staff_client, "Ellison, Jordan", headers=headers)
    assert "matching &ldquo;Ellison, Jordan&rdquo;" in html  # as typed


def test_search_and_filter_combine(app, people, staff_client):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000501", child_name="Jordan A",
                        status="returned")
        make_submission(people["submitter"], reference="CP-2026-000502", child_name="Jordan B")
    assert references(search(staff_client, "jordan", status="submitted")) == ["CP-2026-000502"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_pagination_25_a_page(app, people, staff_client, headers):
    with app.app_context():
        base = datetime(2026, 3, 2, 9, 0)
        for n in range(1, 53):
            make_submission(people["submitter"], reference=f"CP-2026-{600 + n:06d}",
                            submitted_at=base.replace(minute=n), pdf=None)
    first = staff_client.get("/la/queue", headers=headers).get_data(as_text=True)
    assert len(references(first)) == 25
    assert references(first)[0] == "CP-2026-000652"  # newest first
    assert "52 submissions" in first and "page 1 of 3" in first
    assert 'href="/la/queue?page=2"' in first
    assert 'hx-get="/la/queue?page=2"' in first
    third = staff_client.get("/la/queue?page=3", headers=headers).get_data(as_text=True)
    assert references(third) == ["CP-2026-000602", "CP-2026-000601"]
    # Out-of-range and nonsense page numbers land on a real page.
    assert references(staff_client.get("/la/queue?page=99").get_data(as_text=True)) == references(third)
    assert len(references(staff_client.get("/la/queue?page=abc").get_data(as_text=True))) == 25


def test_pagination_keeps_the_filter(app, people, staff_client):
    with app.app_context():
        for n in range(30):
            make_submission(people["submitter"], reference=f"CP-2026-{700 + n:06d}", child_name="Sam Jones",
                            pdf=None)
    html = search(staff_client, "jones", status="submitted")
    assert "30 submissions with status Submitted matching &ldquo;jones&rdquo;" in html
    page_two = re.search(r'href="(/la/queue\?page=2&amp;status=submitted&amp;search=[\w-]+)"', html).group(1)
    assert "q=" not in html
    page_two = staff_client.get(page_two.replace("&amp;", "&")).get_data(as_text=True)
    assert "matching &ldquo;jones&rdquo; (page 2 of 2)" in page_two
    # The search is often a child's name: it stays out of the title, which the browser's history keeps.
    title = re.search(r"<title>(.*?)</title>", page_two).group(1)
    assert title.startswith("Submissions: Submitted matching your search (page 2 of 2)")
    assert "jones" not in title.lower()


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_oldest_first_puts_what_has_waited_longest_at_the_top_and_keeps_it_across_pages(
        app, people, staff_client, headers):
    """A MASH triages oldest first: newest first only, the overdue were on the last page."""
    with app.app_context():
        base = datetime(2026, 3, 2, 9, 0)
        for n in range(1, 31):
            make_submission(people["submitter"], reference=f"CP-2026-{800 + n:06d}", child_name="Sam Jones",
                            submitted_at=base.replace(minute=n), pdf=None)
    response = post_form(staff_client, "/la/queue", {"q": "", "status": "", "order": "oldest"})
    assert response.headers["Location"] == "/la/queue?order=oldest"
    html = staff_client.get(response.headers["Location"], headers=headers).get_data(as_text=True)
    assert references(html)[:2] == ["CP-2026-000801", "CP-2026-000802"]
    assert "30 submissions, oldest first (page 1 of 2)." in " ".join(html.split())
    page_two = staff_client.get("/la/queue?page=2&order=oldest", headers=headers).get_data(as_text=True)
    assert 'href="/la/queue?page=1&amp;order=oldest"' in page_two
    assert references(page_two)[-1] == "CP-2026-000830"
    # The fragment brings the page's title with it: htmx sets it, as loading the page would.
    assert "<title>Submissions (page 1 of 2) \u2013" in html
    if not headers:
        assert '<option value="oldest" selected>Oldest first</option>' in html


@pytest.mark.parametrize("typed", ["Harvey  Lomax", "lomax harvey", " LOMAX   Harv "])
def test_search_forgives_doubled_spaces_and_the_surname_first(app, people, staff_client, typed):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000901", child_name="Harvey Lomax")
        make_submission(people["submitter"], reference="CP-2026-000902", child_name="Harvey Smith")
    assert references(search(staff_client, typed)) == ["CP-2026-000901"]


def test_a_shared_search_link_says_the_search_was_not_kept(app, people, staff_client):
    """The search's text stays in the session that made it; a colleague opening the link saw the whole
    queue without being told their search had been dropped."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000903", child_name="Harvey Lomax")
    html = staff_client.get("/la/queue?search=someone-elses").get_data(as_text=True)
    assert "The search in this link is not kept" in html
    assert references(html) == ["CP-2026-000903"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_a_childs_name_searched_for_never_reaches_a_url(app, people, staff_client, smtp_sink, headers):
    """DESIGN.md: no child data in URLs. The search box was a GET form (with hx-push-url), so searching
    for 'Jordan Ellison' put /la/queue?q=Jordan+Ellison in the address bar, the browser's history and
    every access log on the way; the pagination links repeated it. Now the form posts, the text is kept in
    the server-side session under a random key, and the queue's addresses carry only that key."""
    with app.app_context():
        for n in range(30):
            make_submission(people["submitter"], reference=f"CP-2026-{900 + n:06d}",
                            child_name="Jordan Ellison", pdf=None)
        make_submission(people["submitter"], reference="CP-2026-000999", child_name="Ava Brown", pdf=None)
    response = post_form(staff_client, "/la/queue", {"q": "Jordan Ellison", "status": ""},
                         headers=headers)
    location = response.headers["Location"]
    assert response.status_code == 303 and re.fullmatch(r"/la/queue\?search=[\w-]+", location), location
    html = staff_client.get(location, headers=headers).get_data(as_text=True)
    assert "30 submissions matching &ldquo;Jordan Ellison&rdquo;" in html
    for url in re.findall(r'(?:href|hx-get|hx-post|action)="([^"]*)"', html):
        assert "Jordan" not in url and "Ellison" not in url and "q=" not in url, url
    assert f'href="/la/queue?page=2&amp;{location.split("?")[1]}"' in html  # the key, not the name
    # The queue's own address, and a key this session never made, show everything.
    assert "31 submissions" in staff_client.get("/la/queue").get_data(as_text=True)
    assert "31 submissions" in staff_client.get("/la/queue?search=made-up").get_data(as_text=True)
    assert "31 submissions" in search(staff_client, "")
    # Another caseworker cannot use the key: it means something only in the session that made it.
    other = app.test_client()
    staff_sign_in(other, smtp_sink)
    assert "31 submissions" in other.get(location).get_data(as_text=True)


def test_overdue_after_one_working_day_skipping_weekends(app, people, staff_client, smtp_sink):
    # Friday 10:00 UTC: due Monday 10:00.
    friday = datetime(2026, 3, 6, 10, 0)
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000801", submitted_at=friday)
        make_submission(people["submitter"], reference="CP-2026-000802", submitted_at=friday,
                        status="responded")
        make_submission(people["submitter"], reference="CP-2026-000803", submitted_at=friday,
                        status="resubmitted")
    with time_machine.travel(datetime(2026, 3, 9, 9, 0), tick=False):  # Monday 09:00
        html = staff_client.get("/la/queue").get_data(as_text=True)
        assert "Overdue" not in html
        assert "Less than 1 working day" in html
    with time_machine.travel(datetime(2026, 3, 9, 11, 0), tick=False):  # Monday 11:00
        staff_sign_in(staff_client, smtp_sink)  # two hours idle: the 09:00 session has ended
        html = staff_client.get("/la/queue").get_data(as_text=True)
        rows = {ref: row for ref, row in re.findall(r"(CP-2026-\d{6})</a>(.*?)</tr>", html, re.S)}
        assert "govuk-tag--red" in rows["CP-2026-000801"] and "Overdue" in rows["CP-2026-000801"]
        assert "Overdue" in rows["CP-2026-000803"]
        assert "Overdue" not in rows["CP-2026-000802"]  # answered: nothing to acknowledge
        assert "1 working day" in rows["CP-2026-000801"]


def _queue_plans(app, client, url: str) -> list[str]:
    """The database's plan for each statement the queue sends that reads submissions in order."""
    from sqlalchemy import event

    from webapp.extensions import db

    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "ORDER BY" in statement and "FROM submissions" in statement:
            sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", keep)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        assert sent, "the queue read no submissions"
        plans = []
        with engine.connect() as connection:
            postgres = connection.dialect.name == "postgresql"
            if postgres:  # the tables are tiny here: make the planner show what it does with thousands
                connection.exec_driver_sql("ANALYZE submissions")
                connection.exec_driver_sql("SET enable_seqscan = off")
            for statement, parameters in sent:
                explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
                rows = connection.exec_driver_sql(explain + statement, parameters).fetchall()
                plans.append("\n".join(str(row[-1]) for row in rows))
        return plans


@pytest.mark.parametrize("url", ["/la/queue", "/la/queue?status=submitted", "/la/queue?page=2",
                                 "/la/queue?order=oldest", "/la/queue?status=submitted&order=oldest"])
def test_the_queue_reads_its_page_from_an_index_without_sorting_the_teams_submissions(
        app, people, staff_client, url):
    """Every queue page sorted all of the team's submissions to show 25 (on PostgreSQL at 20,000
    submissions: a sequential scan and a sort of 12,000 rows, 13 ms a page and growing with every
    referral). An index on (team, last sent, id), and one on (team, status, last sent, id), hand the
    rows over in the queue's order, and the newest-first order breaks ties by id in the same direction."""
    with app.app_context():
        for n in range(30):
            make_submission(people["submitter"], reference=f"CP-2026-{1100 + n:06d}", pdf=None)
    for plan in _queue_plans(app, staff_client, url):
        assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort" not in plan, plan
        assert "ix_submissions_team" in plan, plan


def test_submissions_sent_at_the_same_moment_each_appear_once_across_pages(app, people, staff_client):
    """A batch keyed in together shares one time to the second: the order falls back on the id, so
    page 2 carries on where page 1 stopped, with nothing repeated or left out."""
    moment = datetime(2026, 3, 2, 9, 0)
    with app.app_context():
        for n in range(60):
            make_submission(people["submitter"], reference=f"CP-2026-{1200 + n:06d}", submitted_at=moment,
                            pdf=None)
    seen = [ref for page in (1, 2, 3)
            for ref in references(staff_client.get(f"/la/queue?page={page}").get_data(as_text=True))]
    assert len(seen) == 60 and len(set(seen)) == 60


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_back_to_submissions_returns_to_the_queue_page_and_search_it_was_opened_from(
        app, people, staff_client, headers):
    """"Back to submissions" always led to the first page of everything: working through page 2 of a
    search, a caseworker lost the search and the page at every submission they opened."""
    with app.app_context():
        for n in range(30):
            make_submission(people["submitter"], reference=f"CP-2026-{1300 + n:06d}", child_name="Sam Jones",
                            pdf=None)
        make_submission(people["submitter"], reference="CP-2026-001399", child_name="Ava Brown", pdf=None)
    first = post_form(staff_client, "/la/queue", {"q": "jones", "status": "submitted"}).headers["Location"]
    page_two = re.search(r'href="(/la/queue\?page=2&amp;[^"]+)"',
                         staff_client.get(first).get_data(as_text=True)).group(1).replace("&amp;", "&")
    html = staff_client.get(page_two, headers=headers).get_data(as_text=True)
    opened = references(html)[0]
    with app.app_context():
        from webapp.extensions import db
        from webapp.submissions.models import Submission

        submission_id = db.session.query(Submission.id).filter_by(reference=opened).scalar()
    page = staff_client.get(f"/la/submissions/{submission_id}").get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">Back to submissions</a>', page).group(1)
    assert back.replace("&amp;", "&") == page_two and "jones" not in back.lower()
    back_page = staff_client.get(back.replace("&amp;", "&")).get_data(as_text=True)
    assert "matching &ldquo;jones&rdquo; (page 2 of 2)" in back_page and opened in references(back_page)


def test_a_resubmissions_reference_as_the_submitter_quotes_it_finds_the_submission(app, people, staff_client):
    """The submitter's confirmation email and Submitted Forms give a resubmission as CP-…-v2; searching
    the queue for what they quote on the phone found nothing."""
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-001401", status="resubmitted",
                        versions=[{}, {}])
        make_submission(people["submitter"], reference="CP-2026-001402")
    html = search(staff_client, "CP-2026-001401-v2")
    assert references(html) == ["CP-2026-001401"]
    assert "matching &ldquo;CP-2026-001401-v2&rdquo;" in html
    assert references(search(staff_client, " cp-2026-001401-V2 ")) == ["CP-2026-001401"]
    assert references(search(staff_client, "CP-2026-001401-v2x")) == []


def test_counts_in_the_thousands_have_commas(app, people, staff_client):
    """GOV.UK style: "1,205 submissions", not "1205 submissions", as a team's queue reads at volume."""
    from sqlalchemy import insert

    from webapp.extensions import db
    from webapp.submissions.models import Submission

    moment = datetime(2026, 3, 2, 9, 0)
    with app.app_context():
        db.session.execute(insert(Submission), [
            {"id": f"{n:032x}", "reference": f"CP-2026-{5000 + n:06d}", "user_id": people["submitter"],
             "form_id": "safeguarding-concern", "form_title": "Child/Young Person Safeguarding Concern",
             "team": "social-care", "child_name": "Sam Jones", "status": "responded",
             "first_submitted_at": moment, "last_submitted_at": moment} for n in range(1205)])
        db.session.commit()
    html = staff_client.get("/la/queue?page=42").get_data(as_text=True)
    assert "1,205 submissions (page 42 of 49)." in html


def test_a_whole_reference_is_found_through_its_index_not_by_reading_the_teams_rows(app, people,
                                                                                  staff_client):
    """Searching for a pasted reference read every one of the team's rows for it (at 20,000
    submissions the slowest queue page, 30 to 80 ms); a whole reference is now looked up by its index."""
    with app.app_context():
        for n in range(30):
            make_submission(people["submitter"], reference=f"CP-2026-{1500 + n:06d}", pdf=None)
    location = post_form(staff_client, "/la/queue", {"q": "cp-2026-001507", "status": ""}).headers["Location"]
    assert references(staff_client.get(location).get_data(as_text=True)) == ["CP-2026-001507"]
    for plan in _queue_plans(app, staff_client, location):
        # SQLite names a unique constraint's index sqlite_autoindex_…; PostgreSQL uq_submissions_reference.
        by_reference = r"(sqlite_autoindex_submissions_\d+ \(reference=\?\)|uq_submissions_reference)"
        assert re.search(by_reference, plan), plan


@pytest.mark.parametrize("number", ["²", "①"])
def test_a_page_number_in_other_digits_shows_the_first_page_not_a_server_error(
        app, people, staff_client, submission, number):
    """str.isdigit() is true of "²" and "①", which int() refuses: ?page=² was a server error."""
    app.testing = False  # an exception becomes the 500 page a person would see
    assert "1 submission" in staff_client.get(f"/la/queue?page={number}").get_data(as_text=True)
    assert staff_client.get(f"/la/submissions/{submission}/audit?page={number}").status_code == 200


@pytest.mark.parametrize("typed", ["3/4/2016", "03-04-16", "12 March 2016"])
def test_a_date_searched_for_says_dates_cannot_be_searched(app, people, staff_client, typed):
    """A date of birth typed in the search found nothing, and nothing said the search looks only in
    references and names."""
    with app.app_context():
        make_submission(people["submitter"])
    for headers in ({}, {"HX-Request": "true"}):
        html = search(staff_client, typed, headers=headers)
        assert "No submissions" in html
        assert "Dates cannot be searched: search by a reference or a name." in html
    assert "Dates cannot be searched" not in search(staff_client, "Nobody")
