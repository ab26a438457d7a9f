"""Business-day arithmetic for the program's deadlines and waiting times.

A business day is a weekday that is neither a public holiday of the configured
country/province (the `holidays` package's default category, observed days included)
nor one of the program's own `ClosureDay` rows. All counting happens on local dates in
the program's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.http import HttpRequest
from django.utils import timezone

from .models import ClosureDay
from .program import current

SATURDAY = 5


@dataclass(frozen=True)
class Calendar:
    """The program's working days: weekends, public holidays and closure days off.

    The calendar never queries the database, so load it once (`load_calendar()`) and
    pass it to everything that computes a deadline on the same page or in the same task.
    """

    time_zone: ZoneInfo
    country: str
    subdiv: str | None = None
    closure_days: frozenset[date] = frozenset()
    # One holiday set per year, computed on first use; not part of equality.
    _holidays_by_year: dict[int, frozenset[date]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @classmethod
    def from_settings(cls) -> Calendar:
        """Build the calendar from settings and the closure days, in one query."""
        program = current()
        closure_days = frozenset(ClosureDay.objects.values_list("date", flat=True))
        return cls(
            time_zone=program.time_zone,
            country=program.holidays_country,
            subdiv=program.holidays_subdiv,
            closure_days=closure_days,
        )

    def holidays_in(self, year: int) -> frozenset[date]:
        """Return the public holidays of `year`, observed days included."""
        cached = self._holidays_by_year.get(year)
        if cached is None:
            calendar = holidays.country_holidays(self.country, subdiv=self.subdiv, years=year)
            cached = frozenset(calendar.keys())
            self._holidays_by_year[year] = cached
        return cached

    def is_business_day(self, day: date) -> bool:
        """Return whether `day` is a weekday, not a public holiday and not a closure day."""
        return (
            day.weekday() < SATURDAY
            and day not in self.closure_days
            and day not in self.holidays_in(day.year)
        )

    def local_date(self, moment: datetime) -> date:
        """Return the date of the aware datetime `moment` in the program's time zone."""
        _require_aware(moment)
        return moment.astimezone(self.time_zone).date()

    def end_of_day(self, day: date) -> datetime:
        """Return the last microsecond of `day` in the program's time zone, as aware."""
        # Combining with the zone (rather than adding hours to midnight) keeps the
        # wall-clock time right on the days the clocks change.
        return datetime.combine(day, time.max, tzinfo=self.time_zone)

    def deadline_after(self, start: datetime, business_days: int) -> datetime:
        """Return the end of the `business_days`-th business day after `start`'s local date.

        Day 1 is the first business day strictly after the local date of `start`, so a
        start on Friday afternoon, Saturday or Sunday all make Monday day 1 (when Monday
        is a business day). The result is 23:59:59.999999 local time, aware in the
        program's time zone.
        """
        if business_days < 1:
            raise ValueError(f"business_days must be at least 1, got {business_days}")
        day = self.local_date(start)
        counted = 0
        while counted < business_days:
            day += timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
        return self.end_of_day(day)

    def business_days_between(self, start: datetime, end: datetime) -> int:
        """Return how many business days have passed from `start` to `end`.

        Count the business days strictly after `start`'s local date, up to and including
        `end`'s local date; 0 when `end`'s local date is on or before `start`'s. A request
        submitted on Friday and looked at on Monday has waited 1 business day (Monday),
        the same day 1 that `deadline_after` counts from.
        """
        first = self.local_date(start) + timedelta(days=1)
        last = self.local_date(end)
        count = 0
        day = first
        while day <= last:
            if self.is_business_day(day):
                count += 1
            day += timedelta(days=1)
        return count

    def latest_start_waited(self, now: datetime, business_days: int) -> datetime:
        """Return the latest start for which `business_days_between(start, now)` is at least
        `business_days`: the cutoff a sweep compares a column against, in one query.
        """
        if business_days < 1:
            raise ValueError(f"business_days must be at least 1, got {business_days}")
        day = self.local_date(now)
        counted = 0
        while counted < business_days:
            if self.is_business_day(day):
                counted += 1
            day -= timedelta(days=1)
        return self.end_of_day(day)


def load_calendar() -> Calendar:
    """Return a fresh calendar from settings and the closure days, in exactly one query.

    Nothing is cached between calls, so a closure day added in the admin counts from
    the next request on; within one request or task, load once and pass it along.
    """
    return Calendar.from_settings()


@dataclass(frozen=True)
class Clock:
    """The moment a page is drawn and the calendar it counts with, loaded once per page."""

    now: datetime
    calendar: Calendar


def clock_of(request: HttpRequest) -> Clock:
    """Return the request's clock, loading the calendar on the first call for this request.

    Every column and box of one page then counts business days from the same moment
    with the same calendar, for one query.
    """
    clock: Clock | None = getattr(request, "program_clock", None)
    if clock is None:
        clock = Clock(now=timezone.now(), calendar=load_calendar())
        setattr(request, "program_clock", clock)  # noqa: B010  (not a declared attribute)
    return clock


def _require_aware(moment: datetime) -> None:
    """Raise ValueError for a naive datetime, whose local date would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment!r}")
