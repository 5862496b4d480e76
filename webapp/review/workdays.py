"""Working-day arithmetic for the one-working-day acknowledgement target.

Weekends do not count; bank holidays are not modelled yet (a submission made before a bank holiday
shows as overdue a day early, which errs on the side of looking at it).
"""

from datetime import datetime, timedelta

MAX_COUNTED_DAYS = 400


def _is_weekend(moment: datetime) -> bool:
    return moment.weekday() >= 5


def working_start(moment: datetime) -> datetime:
    """A referral sent at the weekend starts its clock at midnight on Monday."""
    if not _is_weekend(moment):
        return moment
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    while _is_weekend(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    moment = working_start(start)
    for _ in range(days):
        moment += timedelta(days=1)
        while _is_weekend(moment):
            moment += timedelta(days=1)
    return moment


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days elapsed from start to end (0 if less than one)."""
    moment = working_start(start)
    count = 0
    while count < MAX_COUNTED_DAYS:
        moment += timedelta(days=1)
        while _is_weekend(moment):
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
