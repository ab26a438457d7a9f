"""Evaluation's measures of a request, in the program's business days.

Stored on the request by the services when each step first happens, and filled for older
rows by `manage.py backfill_business_days`, so that reports aggregate plain columns. One
home, so that the services, the command and the reports mean the same thing.
"""

from datetime import datetime

from programs.business_days import Calendar


def business_days_to_match(
    confirmed_at: datetime | None, first_matched_at: datetime | None, *, calendar: Calendar
) -> int | None:
    """From entering the queue (confirmed) to the first match; None before either."""
    if confirmed_at is None or first_matched_at is None:
        return None
    return calendar.business_days_between(confirmed_at, first_matched_at)


def business_days_to_first_contact(
    first_matched_at: datetime | None, first_contact_at: datetime | None, *, calendar: Calendar
) -> int | None:
    """From the first match to the person first reached; None before either."""
    if first_matched_at is None or first_contact_at is None:
        return None
    return calendar.business_days_between(first_matched_at, first_contact_at)
