"""Working-day arithmetic for the one-working-day acknowledgement target.

Weekends and England's bank holidays do not count (the `holidays` package knows them, substitute
days included), so a referral sent on Christmas Eve is not shown as overdue on Boxing Day.
"""

import functools
from datetime import date, datetime, timedelta

import holidays

MAX_COUNTED_DAYS = 400
BANK_HOLIDAYS = {"country": "GB", "subdiv": "ENG"}


@functools.lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(years=year, **BANK_HOLIDAYS))


def _is_day_off(moment: datetime) -> bool:
    """Not a working day: a Saturday, a Sunday or a bank holiday."""
    return moment.weekday() >= 5 or moment.date() in _bank_holidays(moment.year)


def working_start(moment: datetime) -> datetime:
    """A referral sent on a day off starts its clock at midnight on the next working day."""
    if not _is_day_off(moment):
        return moment
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    while _is_day_off(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    moment = working_start(start)
    for _ in range(days):
        moment += timedelta(days=1)
        while _is_day_off(moment):
            moment += timedelta(days=1)
    return moment


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days elapsed from start to end (0 if less than one)."""
    moment = working_start(start)
    count = 0
    while count < MAX_COUNTED_DAYS:
        moment += timedelta(days=1)
        while _is_day_off(moment):
            moment += timedelta(days=1)
        if moment > end:
            break
        count += 1
    return count


def age_label(days: int) -> str:
    if days == 0:
        return "Less than 1 working day"
    if days >= MAX_COUNTED_DAYS:
        return f"More than {MAX_COUNTED_DAYS} working days"
    return "1 working day" if days == 1 else f"{days} working days"
