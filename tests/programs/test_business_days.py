"""Business-day arithmetic: weekends, holidays as the `holidays` package gives them,
closure days, the program's time zone and its clock changes."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from programs.business_days import Calendar, load_calendar
from programs.models import ClosureDay

VANCOUVER = ZoneInfo("America/Vancouver")
TORONTO = ZoneInfo("America/Toronto")

BC = Calendar(time_zone=VANCOUVER, country="CA", subdiv="BC")
ON = Calendar(time_zone=TORONTO, country="CA", subdiv="ON")


def at(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, *, tz: ZoneInfo = VANCOUVER
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def end_of(year: int, month: int, day: int, *, tz: ZoneInfo = VANCOUVER) -> datetime:
    return datetime.combine(date(year, month, day), time.max, tzinfo=tz)


# Weekends. January 2026 has no holidays after New Year's Day: Mon 12 ... Sun 18.


def test_monday_start_makes_thursday_the_third_business_day() -> None:
    assert BC.deadline_after(at(2026, 1, 12, 9), 3) == end_of(2026, 1, 15)


def test_friday_afternoon_start_counts_monday_as_day_one() -> None:
    assert BC.deadline_after(at(2026, 1, 16, 15), 1) == end_of(2026, 1, 19)
    assert BC.deadline_after(at(2026, 1, 16, 15), 3) == end_of(2026, 1, 21)


@pytest.mark.parametrize("weekend_day", [17, 18])
def test_weekend_start_counts_monday_as_day_one(weekend_day: int) -> None:
    assert BC.deadline_after(at(2026, 1, weekend_day), 1) == end_of(2026, 1, 19)
    assert BC.deadline_after(at(2026, 1, weekend_day), 3) == end_of(2026, 1, 21)


def test_deadline_is_the_last_microsecond_of_the_local_day() -> None:
    deadline = BC.deadline_after(at(2026, 1, 12), 3)

    assert deadline.tzinfo == VANCOUVER
    assert deadline.time() == time(23, 59, 59, 999999)


def test_start_one_second_before_midnight_still_counts_from_that_day() -> None:
    start = datetime(2026, 1, 12, 23, 59, 59, tzinfo=VANCOUVER)

    assert BC.deadline_after(start, 3) == end_of(2026, 1, 15)


def test_start_at_local_midnight_counts_from_the_new_day() -> None:
    start = datetime(2026, 1, 13, 0, 0, tzinfo=VANCOUVER)

    assert BC.deadline_after(start, 3) == end_of(2026, 1, 16)


def test_start_is_read_in_the_program_time_zone_not_utc() -> None:
    # 06:00 UTC on Tuesday is still 22:00 on Monday in Vancouver.
    start = datetime(2026, 1, 13, 6, 0, tzinfo=UTC)

    assert BC.deadline_after(start, 3) == end_of(2026, 1, 15)


# Long weekends and holidays.


def test_family_day_long_weekend_is_skipped() -> None:
    # Family Day in BC is the third Monday of February: 16 February 2026.
    assert not BC.is_business_day(date(2026, 2, 16))
    assert BC.deadline_after(at(2026, 2, 13, 16), 3) == end_of(2026, 2, 19)


def test_bc_day_long_weekend_is_skipped_in_bc_only() -> None:
    # BC Day is the first Monday of August: 3 August 2026. Ontario's Civic Holiday is
    # not in the package's default category, so there it is a business day.
    assert not BC.is_business_day(date(2026, 8, 3))
    assert BC.deadline_after(at(2026, 7, 31, 16), 3) == end_of(2026, 8, 6)
    assert ON.is_business_day(date(2026, 8, 3))


def test_truth_and_reconciliation_day_is_a_holiday_in_bc_from_2023() -> None:
    # The package makes 30 September a BC holiday from 2023 on, not before.
    assert BC.is_business_day(date(2022, 9, 30))
    assert not BC.is_business_day(date(2025, 9, 30))
    assert not BC.is_business_day(date(2026, 9, 30))
    assert BC.deadline_after(at(2026, 9, 29), 1) == end_of(2026, 10, 1)


def test_canada_day_on_a_sunday_is_observed_on_monday_in_bc() -> None:
    # 1 July 2029 is a Sunday; the package observes it on Monday 2 July in BC.
    assert not BC.is_business_day(date(2029, 7, 2))
    assert BC.deadline_after(at(2029, 6, 29, 16), 1) == end_of(2029, 7, 3)


def test_christmas_to_new_year_in_bc_keeps_boxing_day_as_a_business_day() -> None:
    # The package's default category for BC has no Boxing Day (it is not a BC statutory
    # holiday); a program closing that day adds a ClosureDay row.
    assert BC.is_business_day(date(2025, 12, 26))
    assert BC.deadline_after(at(2025, 12, 24), 3) == end_of(2025, 12, 30)
    # New Year's Day 2026 is a Thursday: Wed 31, Fri 2, Mon 5.
    assert BC.deadline_after(at(2025, 12, 30), 3) == end_of(2026, 1, 5)


def test_christmas_to_new_year_in_ontario_skips_boxing_day() -> None:
    # Boxing Day is a statutory holiday in Ontario, so the package includes it there.
    assert not ON.is_business_day(date(2025, 12, 26))
    assert ON.deadline_after(at(2025, 12, 24, tz=TORONTO), 3) == end_of(2025, 12, 31, tz=TORONTO)


def test_boxing_day_on_a_saturday_is_observed_on_monday_in_ontario() -> None:
    # 26 December 2026 is a Saturday; the package observes it on Monday 28 in Ontario.
    assert not ON.is_business_day(date(2026, 12, 28))
    assert ON.deadline_after(at(2026, 12, 24, tz=TORONTO), 3) == end_of(2026, 12, 31, tz=TORONTO)
    assert BC.deadline_after(at(2026, 12, 24), 3) == end_of(2026, 12, 30)


# Clock changes in Vancouver: 8 March 2026 (PST to PDT) and 1 November 2026 (back).


def test_deadline_after_spring_forward_is_end_of_day_in_daylight_time() -> None:
    deadline = BC.deadline_after(at(2026, 3, 6, 16), 3)

    assert deadline == end_of(2026, 3, 11)
    assert deadline.utcoffset() == timedelta(hours=-7)
    assert deadline.astimezone(UTC) == datetime(2026, 3, 12, 6, 59, 59, 999999, tzinfo=UTC)


def test_deadline_after_fall_back_is_end_of_day_in_standard_time() -> None:
    deadline = BC.deadline_after(at(2026, 10, 30, 16), 3)

    assert deadline == end_of(2026, 11, 4)
    assert deadline.utcoffset() == timedelta(hours=-8)
    assert deadline.astimezone(UTC) == datetime(2026, 11, 5, 7, 59, 59, 999999, tzinfo=UTC)


def test_start_during_the_repeated_hour_counts_from_that_sunday() -> None:
    # 01:30 happens twice on 1 November 2026; either way the local date is Sunday.
    for fold in (0, 1):
        start = datetime(2026, 11, 1, 1, 30, tzinfo=VANCOUVER, fold=fold)
        assert BC.deadline_after(start, 1) == end_of(2026, 11, 2)


# Waiting times.


def test_request_submitted_friday_has_waited_one_business_day_on_monday() -> None:
    assert BC.business_days_between(at(2026, 1, 16, 16), at(2026, 1, 19, 9)) == 1


def test_no_business_days_have_passed_on_the_same_day_or_earlier() -> None:
    assert BC.business_days_between(at(2026, 1, 12, 9), at(2026, 1, 12, 17)) == 0
    assert BC.business_days_between(at(2026, 1, 13), at(2026, 1, 12)) == 0


def test_weekend_days_do_not_count_as_waiting() -> None:
    assert BC.business_days_between(at(2026, 1, 16), at(2026, 1, 18)) == 0


def test_a_week_of_waiting_is_five_business_days() -> None:
    assert BC.business_days_between(at(2026, 1, 12), at(2026, 1, 19)) == 5


def test_waiting_skips_holidays_and_agrees_with_the_deadline() -> None:
    start = at(2026, 2, 13, 16)
    deadline = BC.deadline_after(start, 3)

    assert BC.business_days_between(start, at(2026, 2, 16)) == 0
    assert BC.business_days_between(start, deadline) == 3
    assert BC.business_days_between(start, deadline + timedelta(microseconds=1)) == 4


def test_waiting_counts_local_dates_across_midnight() -> None:
    start = datetime(2026, 1, 16, 23, 59, 59, tzinfo=VANCOUVER)
    end = datetime(2026, 1, 19, 0, 0, tzinfo=VANCOUVER)

    assert BC.business_days_between(start, end) == 1


# Bad input.


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 1, 12, 9)  # noqa: DTZ001 -- the naive value under test

    with pytest.raises(ValueError, match="aware"):
        BC.deadline_after(naive, 3)
    with pytest.raises(ValueError, match="aware"):
        BC.business_days_between(naive, at(2026, 1, 13))
    with pytest.raises(ValueError, match="aware"):
        BC.business_days_between(at(2026, 1, 12), naive)


def test_fewer_than_one_business_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BC.deadline_after(at(2026, 1, 12), 0)


# The program's calendar from settings and the database.


@pytest.mark.django_db
def test_closure_day_is_skipped_like_a_holiday() -> None:
    ClosureDay.objects.create(date=date(2025, 12, 26), label="Boxing Day")

    calendar = load_calendar()

    assert not calendar.is_business_day(date(2025, 12, 26))
    assert calendar.deadline_after(at(2025, 12, 24), 3) == end_of(2025, 12, 31)
    assert calendar.business_days_between(at(2025, 12, 24), at(2025, 12, 29)) == 1


@pytest.mark.django_db
def test_another_province_comes_from_settings(settings: Any) -> None:
    settings.HOLIDAYS_SUBDIV = "ON"
    settings.PROGRAM_TIME_ZONE = "America/Toronto"

    calendar = load_calendar()
    deadline = calendar.deadline_after(at(2025, 12, 24, tz=TORONTO), 3)

    assert calendar.time_zone == TORONTO
    assert deadline == end_of(2025, 12, 31, tz=TORONTO)
    assert deadline.utcoffset() == timedelta(hours=-5)


@pytest.mark.django_db
def test_calendar_loads_in_one_query_and_then_computes_without_any(
    django_assert_num_queries: Any,
) -> None:
    ClosureDay.objects.create(date=date(2025, 12, 26), label="Boxing Day")
    ClosureDay.objects.create(date=date(2025, 12, 29), label="Year-end")

    with django_assert_num_queries(1):
        calendar = load_calendar()
    with django_assert_num_queries(0):
        for offset in range(100):
            start = at(2025, 12, 1) + timedelta(days=offset)
            calendar.deadline_after(start, 3)
            calendar.business_days_between(start, start + timedelta(days=10))

    assert calendar.closure_days == {date(2025, 12, 26), date(2025, 12, 29)}


@pytest.mark.django_db
def test_closure_day_changes_show_on_the_next_load() -> None:
    assert load_calendar().is_business_day(date(2026, 1, 2))

    ClosureDay.objects.create(date=date(2026, 1, 2), label="Winter break")

    assert not load_calendar().is_business_day(date(2026, 1, 2))


# Admin.


def test_administrator_sees_closure_days_in_the_admin(client: Any, administrator: Any) -> None:
    ClosureDay.objects.create(date=date(2026, 12, 24), label="Christmas Eve")
    client.force_login(administrator)

    response = client.get("/admin/programs/closureday/")

    assert response.status_code == 200
    assert "Christmas Eve" in response.content.decode()
