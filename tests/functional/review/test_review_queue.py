"""The team queue: only the team's submissions, status filter, search, pagination, overdue highlight,
the full page without JavaScript and the same table as an htmx fragment."""

import re
from datetime import datetime

import pytest
import time_machine

from tests.functional.review.builders import make_submission

HX = {"HX-Request": "true"}


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
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers.get("Vary", "")


def test_full_page_and_fragment_come_from_one_partial(app, people, staff_client):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000201")
    page = staff_client.get("/la/queue").get_data(as_text=True)
    fragment = staff_client.get("/la/queue", headers=HX)
    fragment_html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert fragment_html.lstrip().startswith('<div id="queue-table"')
    assert "<html" not in fragment_html and "<form" not in fragment_html
    assert fragment_html.strip() in page
    assert "HX-Request" in fragment.headers["Vary"]
    # The filter form works without JavaScript (GET with action) and is enhanced with hx-get.
    assert 'method="get" action="/la/queue"' in page
    assert 'hx-get="/la/queue"' in page and 'hx-target="#queue-table"' in page


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
    get = lambda q: references(staff_client.get("/la/queue", query_string={"q": q},  # noqa: E731
                                                headers=headers).get_data(as_text=True))
    assert get("cp-2026-000402") == ["CP-2026-000402"]
    assert get("ellison") == ["CP-2026-000401"]
    assert get("  O'BRIEN ") == ["CP-2026-000402"]
    assert get("%") == ["CP-2026-000403"]  # LIKE wildcards are literal
    assert get("_") == ["CP-2026-000403"]
    assert get("nobody") == []
    assert get("elli\x00son") == ["CP-2026-000401"]  # a NUL (PostgreSQL refuses one) is dropped
    html = staff_client.get("/la/queue?q=nobody", headers=headers).get_data(as_text=True)
    assert "No submissions" in html


def test_search_and_filter_combine(app, people, staff_client):
    with app.app_context():
        make_submission(people["submitter"], reference="CP-2026-000501", child_name="Jordan A",
                        status="returned")
        make_submission(people["submitter"], reference="CP-2026-000502", child_name="Jordan B")
    html = staff_client.get("/la/queue?q=jordan&status=submitted").get_data(as_text=True)
    assert references(html) == ["CP-2026-000502"]


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
    html = staff_client.get("/la/queue?q=jones&status=submitted").get_data(as_text=True)
    assert "/la/queue?page=2&amp;status=submitted&amp;q=jones" in html


def test_overdue_after_one_working_day_skipping_weekends(app, people, staff_client):
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
        html = staff_client.get("/la/queue").get_data(as_text=True)
        rows = {ref: row for ref, row in re.findall(r"(CP-2026-\d{6})</a>(.*?)</tr>", html, re.S)}
        assert "govuk-tag--red" in rows["CP-2026-000801"] and "Overdue" in rows["CP-2026-000801"]
        assert "Overdue" in rows["CP-2026-000803"]
        assert "Overdue" not in rows["CP-2026-000802"]  # answered: nothing to acknowledge
        assert "1 working day" in rows["CP-2026-000801"]
