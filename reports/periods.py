"""The reports' periods: fixed calendar years, quarters and months, never rolling windows.

Two overlapping rolling windows could be differenced to recover a count hidden in both;
fixed calendar periods nest instead, and a period is written in its URL as `2026`,
`2026-Q3` or `2026-07`.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext

PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    """A calendar year, quarter or month: from `first` to `last`, both inclusive."""

    kind: str  # "year", "quarter" or "month"
    first: date
    last: date

    @property
    def key(self) -> str:
        if self.kind == "year":
            return f"{self.first.year}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.first.year)
        if self.kind == "quarter":
            return gettext("Quarter %(number)d of %(year)d") % {
                "number": (self.first.month - 1) // 3 + 1,
                "year": self.first.year,
            }
        return formats.date_format(self.first, "F Y")

    def start(self, time_zone: ZoneInfo) -> datetime:
        """The period's first moment on the program's clock."""
        return datetime.combine(self.first, time.min, tzinfo=time_zone)

    def end(self, time_zone: ZoneInfo) -> datetime:
        """The first moment after the period, on the program's clock (exclusive)."""
        return datetime.combine(_next_day(self.last), time.min, tzinfo=time_zone)

    def months(self) -> list[date]:
        """The first day of each month of the period."""
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = _add_month(month)
        return months


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def _add_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def year(number: int) -> Period:
    return Period("year", date(number, 1, 1), date(number, 12, 31))


def quarter(number: int, which: int) -> Period:
    first = date(number, 3 * (which - 1) + 1, 1)
    after = _add_month(_add_month(_add_month(first)))
    return Period("quarter", first, date.fromordinal(after.toordinal() - 1))


def month(number: int, which: int) -> Period:
    first = date(number, which, 1)
    return Period("month", first, date.fromordinal(_add_month(first).toordinal() - 1))


def parse(text: str) -> Period | None:
    """Return the period written as `2026`, `2026-Q3` or `2026-07`, or None."""
    found = PATTERN.match(text or "")
    if found is None:
        return None
    number = int(found["year"])
    if not 2000 <= number <= 2100:
        return None
    if found["quarter"]:
        return quarter(number, int(found["quarter"]))
    if found["month"]:
        return month(number, int(found["month"]))
    return year(number)


def default(*, today: date, first_day: date | None) -> Period:
    """The last complete calendar year; the year so far while the program is younger."""
    if first_day is None or first_day.year >= today.year:
        return year(today.year)
    return year(today.year - 1)


def choices(*, today: date, first_day: date | None) -> list[Period]:
    """Every period from the program's first year to today, newest first: years, quarters
    and months that have begun."""
    first_year = first_day.year if first_day else today.year
    periods: list[Period] = []
    for number in range(today.year, first_year - 1, -1):
        periods.append(year(number))
        periods.extend(q for q in (quarter(number, n) for n in (4, 3, 2, 1)) if q.first <= today)
        periods.extend(m for m in (month(number, n) for n in range(12, 0, -1)) if m.first <= today)
    return periods


def previous(period: Period) -> Period:
    """The period of the same kind just before `period` (to say how a figure moved)."""
    if period.kind == "year":
        return year(period.first.year - 1)
    if period.kind == "quarter":
        number = (period.first.month - 1) // 3 + 1
        return quarter(period.first.year - (number == 1), 4 if number == 1 else number - 1)
    return month(
        period.first.year - (period.first.month == 1),
        12 if period.first.month == 1 else period.first.month - 1,
    )
