"""Dates, times, counts and file sizes as UK readers expect them: UK time, GOV.UK style.

Stored times are naive UTC (webapp.clock); people read "13 January 2026 at 11:29am" in London time,
the GOV.UK style. One set of filters serves every page, so a date (or a file's size) reads the same
everywhere.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask

LONDON = ZoneInfo("Europe/London")


def uk_local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(LONDON)


def uk_time(value: datetime | None) -> str:
    """"5:30pm"; "midnight" and "midday" rather than 12am and 12pm, which readers mix up (GOV.UK style)."""
    if value is None:
        return ""
    local = uk_local(value)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def uk_date(value: datetime | None) -> str:
    if value is None:
        return ""
    local = uk_local(value)
    return f"{local.day} {local:%B %Y}"


def uk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{uk_date(value)} at {uk_time(value)}"


def thousands(value: int) -> str:
    """12,299 rather than 12299: GOV.UK style puts commas in numbers over 999 (a team's queue counts
    submissions in the thousands)."""
    return f"{value:,}"


def file_size(size: int) -> str:
    """"1.2 MB", "340 KB", "12 bytes", as the GOV.UK file list pattern shows sizes. One function for the
    submitter's pages, the back office and the PDF: a 70-byte photo read "70 bytes" to its sender and
    "1 KB" to the caseworker."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} bytes"


def init_app(app: Flask) -> None:
    for function in (uk_date, uk_time, uk_datetime, thousands, file_size):
        app.add_template_filter(function)
