"""Dates, times and file sizes read in UK time and the GOV.UK style, whatever the season."""

from datetime import datetime

import pytest

from webapp.web.dates import file_size, uk_date, uk_datetime, uk_time


@pytest.mark.parametrize(("stored_utc", "shown"), [
    (datetime(2026, 1, 13, 11, 29), "13 January 2026 at 11:29am"),  # GMT: UTC as it is
    (datetime(2026, 7, 1, 16, 5), "1 July 2026 at 5:05pm"),  # BST: an hour ahead
    (datetime(2026, 6, 30, 23, 30), "1 July 2026 at 12:30am"),  # already the next day in London
    (datetime(2026, 1, 1, 0, 0), "1 January 2026 at midnight"),
    (datetime(2026, 7, 1, 11, 0), "1 July 2026 at midday"),
    (datetime(2026, 3, 29, 0, 59), "29 March 2026 at 12:59am"),  # the minute before clocks go forward
    (datetime(2026, 3, 29, 1, 0), "29 March 2026 at 2:00am"),  # and the minute they have
])
def test_times_are_shown_in_uk_time_in_the_govuk_style(stored_utc, shown):
    assert uk_datetime(stored_utc) == shown
    assert shown == f"{uk_date(stored_utc)} at {uk_time(stored_utc)}"


def test_nothing_stored_shows_nothing():
    assert uk_date(None) == uk_time(None) == uk_datetime(None) == ""


def test_file_sizes_read_the_same_everywhere():
    """The submitter's pages, the back office and the PDF all say a file's size this way."""
    assert file_size(70) == "70 bytes"
    assert file_size(2048) == "2 KB"
    assert file_size(3 * 1024 * 1024 + 200_000) == "3.2 MB"
    assert file_size(5 * 1024 * 1024) == "5 MB"
