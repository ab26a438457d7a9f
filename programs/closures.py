"""Whether the program is closed today or before its next business day, in words.

A weekend is no news; a public holiday or one of the program's closure days, today or
before the next business day, is: the forms and the confirmation say when the program
reopens, beside the crisis resources, so nobody waits for an answer that cannot come.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext

from .business_days import SATURDAY, Calendar
from .dates import long_date

# A closure longer than this is not a closure the notice can describe.
LOOKAHEAD_DAYS = 31


@dataclass(frozen=True)
class Closure:
    """The program's coming closure: from which day, and the business day it reopens."""

    is_today: bool
    closed_from: date
    reopens_on: date

    @property
    def words(self) -> str:
        if self.is_today:
            return gettext("We are closed until %(reopens)s.") % {
                "reopens": long_date(self.reopens_on)
            }
        return gettext("We are closed from %(closed)s until %(reopens)s.") % {
            "closed": long_date(self.closed_from),
            "reopens": long_date(self.reopens_on),
        }


def closure_ahead(now: datetime, *, calendar: Calendar) -> Closure | None:
    """Return the closure that starts today or right after it, if a holiday or closure day
    is part of it; None when the program is open today and on the next day, or when only
    a weekend lies ahead."""
    today = calendar.local_date(now)
    first = today if not calendar.is_business_day(today) else today + timedelta(days=1)
    day, has_closure = first, False
    while not calendar.is_business_day(day):
        has_closure = has_closure or day.weekday() < SATURDAY
        day += timedelta(days=1)
        if day > today + timedelta(days=LOOKAHEAD_DAYS):
            return None
    if not has_closure:
        return None
    return Closure(is_today=first == today, closed_from=first, reopens_on=day)
