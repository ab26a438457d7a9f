"""The first-contact deadline, in one home: when it falls, when the supporter is reminded,
and the words for where a contact or a waiting request stands.

Built on `programs.business_days` (the arithmetic) and `programs.dates` (the formats).
The Match page, the queue, the portal, the emails and the sweeps all ask here.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import translation
from django.utils.translation import gettext, ngettext

from programs.business_days import Calendar
from programs.dates import long_date, short_date
from programs.program import current

REMINDER_TIME = time(9, 0)
# Administrators hear about a request waiting "more than one business day".
UNMATCHED_AFTER_BUSINESS_DAYS = 2


def contact_deadline(start: datetime, *, calendar: Calendar) -> datetime:
    """Return when first contact is due for an assignment made at `start`: the end of the
    `CONTACT_DEADLINE_BUSINESS_DAYS`-th business day after it."""
    return calendar.deadline_after(start, current().contact_deadline_business_days)


def remind_time(contact_due_at: datetime, *, calendar: Calendar) -> datetime:
    """Return 09:00 local time on the deadline's day: when the supporter is reminded."""
    due_on = calendar.local_date(contact_due_at)
    return datetime.combine(due_on, REMINDER_TIME, tzinfo=calendar.time_zone)


def unmatched_cutoff(now: datetime, *, calendar: Calendar) -> datetime:
    """Return the latest `waiting_since` of a request that has waited too long at `now`."""
    return calendar.latest_start_waited(now, UNMATCHED_AFTER_BUSINESS_DAYS)


@dataclass(frozen=True)
class Deadline:
    """Where a contact stands against its first-contact deadline, in words and as flags."""

    due_on: date
    business_days_left: int
    is_overdue: bool
    is_reached: bool = False

    @property
    def is_due_today(self) -> bool:
        return not self.is_overdue and self.business_days_left == 0

    @property
    def state(self) -> str:
        """One of "reached", "overdue", "today", "later" (a CSS modifier, never shown)."""
        if self.is_reached:
            return "reached"
        if self.is_overdue:
            return "overdue"
        return "today" if self.is_due_today else "later"

    @property
    def words(self) -> str:
        """The supporter's words: the time left."""
        if self.is_overdue:
            return gettext("Overdue")
        if self.is_due_today:
            return gettext("Due today")
        return ngettext(
            "%(count)d business day left",
            "%(count)d business days left",
            self.business_days_left,
        ) % {"count": self.business_days_left}

    @property
    def queue_words(self) -> str:
        """The administrator's words in the queue: reached, or when it is (or was) due."""
        if self.is_reached:
            return gettext("Reached")
        if self.is_overdue:
            return gettext("Overdue since %(date)s") % {"date": short_date(self.due_on)}
        if self.is_due_today:
            return gettext("Due today")
        return ngettext(
            "Due in %(days)d business day", "Due in %(days)d business days", self.business_days_left
        ) % {"days": self.business_days_left}


def deadline_of(
    contact_due_at: datetime,
    *,
    first_contact_at: datetime | None = None,
    now: datetime,
    calendar: Calendar,
) -> Deadline:
    """Return where a contact due at `contact_due_at` stands at `now`, in business days."""
    is_overdue = now > contact_due_at
    return Deadline(
        due_on=calendar.local_date(contact_due_at),
        business_days_left=0 if is_overdue else calendar.business_days_between(now, contact_due_at),
        is_overdue=is_overdue,
        is_reached=first_contact_at is not None,
    )


def waiting_words(waiting_since: datetime, *, now: datetime, calendar: Calendar) -> str:
    """Return how long a request has waited in the queue, in business days."""
    days = calendar.business_days_between(waiting_since, now)
    if days == 0:
        return gettext("Waiting since today")
    return ngettext("Waiting %(days)d business day", "Waiting %(days)d business days", days) % {
        "days": days
    }


def due_date_changed(before: datetime | None, after: datetime, *, calendar: Calendar) -> bool:
    """Return whether a deadline now falls on another local day than it did (None: no date)."""
    return before is None or calendar.local_date(before) != calendar.local_date(after)


def due_date_words(
    contact_due_at: datetime, *, calendar: Calendar, language: str | None = None
) -> str:
    """Return the deadline's local date in words ("Friday 13 March 2026"), in `language`."""
    with translation.override(language or translation.get_language()):
        return long_date(calendar.local_date(contact_due_at))
