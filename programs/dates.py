"""How the program writes dates and ages on its pages and in its emails: one format each.

Dates are the program's local dates (`Calendar.local_date`); an age is counted in
business days, as the deadlines are.
"""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext, ngettext

LONG_DATE = "l j F Y"  # Friday 13 March 2026: deadlines and emails
SHORT_DATE = "D j M"  # Fri 13 Mar: badges and lists


def long_date(day: date) -> str:
    return formats.date_format(day, LONG_DATE)


def short_date(day: date) -> str:
    return formats.date_format(day, SHORT_DATE)


def age_words(business_days: int) -> str:
    """Return an age in business days, "today" when none has passed."""
    if business_days == 0:
        return gettext("today")
    return ngettext("%(count)d business day", "%(count)d business days", business_days) % {
        "count": business_days
    }
