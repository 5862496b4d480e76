"""The one-working-day acknowledgement clock, and the field-by-field difference."""

from datetime import datetime, timedelta

import pytest

from webapp.review.answers import difference
from webapp.review.workdays import add_working_days, age_label, working_days_between

MON, FRI, SAT, SUN = (datetime(2026, 3, d, 10, 0) for d in (2, 6, 7, 8))


@pytest.mark.parametrize("start, due", [
    (MON, datetime(2026, 3, 3, 10, 0)),
    (FRI, datetime(2026, 3, 9, 10, 0)),
    (SAT, datetime(2026, 3, 10, 0, 0)),  # the clock starts on Monday at midnight
    (SUN, datetime(2026, 3, 10, 0, 0)),
])
def test_one_working_day_skips_weekends(start, due):
    assert add_working_days(start, 1) == due


@pytest.mark.parametrize("start, end, days", [
    (MON, datetime(2026, 3, 3, 9, 59), 0),
    (MON, datetime(2026, 3, 3, 10, 0), 1),
    (FRI, datetime(2026, 3, 8, 23, 0), 0),
    (FRI, datetime(2026, 3, 13, 10, 0), 5),
    (MON, MON, 0),
])
def test_working_days_between(start, end, days):
    assert working_days_between(start, end) == days


@pytest.mark.parametrize("start, due", [
    # Christmas Day is a Friday, Boxing Day a Saturday: its substitute is Monday 28 December
    (datetime(2026, 12, 24, 10, 0), datetime(2026, 12, 29, 10, 0)),
    (datetime(2026, 12, 25, 10, 0), datetime(2026, 12, 30, 0, 0)),  # sent on a bank holiday
    (datetime(2027, 3, 25, 16, 0), datetime(2027, 3, 30, 16, 0)),  # Good Friday and Easter Monday
    (datetime(2026, 8, 28, 9, 0), datetime(2026, 9, 1, 9, 0)),  # the August bank holiday
])
def test_bank_holidays_are_not_working_days(start, due):
    assert add_working_days(start, 1) == due
    assert working_days_between(start, due - timedelta(minutes=1)) == 0


def test_a_referral_sent_on_christmas_eve_is_three_working_days_old_on_new_years_eve():
    assert working_days_between(datetime(2026, 12, 24, 10, 0), datetime(2026, 12, 31, 12, 0)) == 3


def test_age_labels():
    assert age_label(0) == "Less than 1 working day"
    assert age_label(1) == "1 working day"
    assert age_label(3) == "3 working days"


def section(title, **rows):
    return {"title": title, "rows": [{"label": k, "value": v} for k, v in rows.items()]}


def test_difference_lists_changed_added_and_removed_answers():
    old = [section("Child", First="Jo", Last="Bloggs", School="Meadow"), section("Consent", Agreed="Yes")]
    new = [section("Child", First="Jo", Last="Blogs", School="Not answered", GP="Dr Who"),
           section("Consent", Agreed="Yes")]
    changes = difference(old, new)
    assert [(c.section, c.label, c.old, c.new, c.kind) for c in changes] == [
        ("Child", "Last", "Bloggs", "Blogs", "changed"),
        ("Child", "School", "Meadow", "", "removed"),
        ("Child", "GP", "", "Dr Who", "added"),
    ]


def test_difference_keeps_repeated_labels_apart():
    old = [{"title": "S", "rows": [{"label": "Name", "value": "A"}, {"label": "Name", "value": "B"}]}]
    new = [{"title": "S", "rows": [{"label": "Name", "value": "A"}, {"label": "Name", "value": "C"}]}]
    assert [(c.label, c.old, c.new) for c in difference(old, new)] == [("Name (2)", "B", "C")]


def test_no_difference_between_equal_versions():
    assert difference([section("A", x="1")], [section("A", x="1")]) == []


def test_the_queue_counts_working_days_on_the_uk_calendar():
    """Sent at 00:30 on Saturday 4 July in the UK (23:30 on the Friday in UTC, as stored): the clock
    starts on Monday, so at 00:15 on Tuesday it is a working day old and overdue. Counted in UTC it
    was sent on a working day, and was not yet due."""
    from types import SimpleNamespace

    from webapp.review.services import queue_row

    sent = SimpleNamespace(last_submitted_at=datetime(2026, 7, 3, 23, 30), status="submitted")
    row = queue_row(sent, now=datetime(2026, 7, 6, 23, 15))
    assert (row.age_label, row.overdue) == ("1 working day", True)
