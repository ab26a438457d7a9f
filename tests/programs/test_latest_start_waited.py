"""`Calendar.latest_start_waited`: the cutoff a sweep compares `waiting_since` against,
which must agree exactly with `business_days_between`."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from programs.business_days import Calendar, load_calendar
from programs.models import ClosureDay

VANCOUVER = ZoneInfo("America/Vancouver")
BC = Calendar(time_zone=VANCOUVER, country="CA", subdiv="BC")


def at(month: int, day: int, hour: int = 12, minute: int = 0, *, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VANCOUVER)


def end_of(month: int, day: int, *, year: int = 2026) -> datetime:
    return datetime.combine(date(year, month, day), time.max, tzinfo=VANCOUVER)


def test_two_business_days_before_a_wednesday_start_on_monday_or_earlier() -> None:
    # Wednesday 11 March: Wednesday and Tuesday are the two days; Monday is the cutoff.
    assert BC.latest_start_waited(at(3, 11), 2) == end_of(3, 9)
    assert BC.business_days_between(end_of(3, 9), at(3, 11)) == 2
    assert BC.business_days_between(end_of(3, 9) + timedelta(microseconds=1), at(3, 11)) == 1


def test_the_weekend_is_skipped() -> None:
    # Monday 16 March, one day: Monday itself, so anything up to Sunday's end.
    assert BC.latest_start_waited(at(3, 16), 1) == end_of(3, 15)
    # Monday, two days: Monday and Friday, so up to Thursday's end.
    assert BC.latest_start_waited(at(3, 16), 2) == end_of(3, 12)


def test_on_a_weekend_the_count_starts_from_friday() -> None:
    # Saturday 14 March: no business day today; Friday is day one, Thursday the cutoff.
    assert BC.latest_start_waited(at(3, 14), 1) == end_of(3, 12)
    assert BC.latest_start_waited(at(3, 15, 23, 59), 1) == end_of(3, 12)


def test_family_day_is_skipped() -> None:
    # Tuesday 17 February 2026, after Family Day (Monday 16): Tuesday, then Friday 13.
    assert BC.latest_start_waited(at(2, 17), 2) == end_of(2, 12)
    # Family Day itself counts nothing: Friday 13 is day one.
    assert BC.latest_start_waited(at(2, 16), 1) == end_of(2, 12)


@pytest.mark.django_db
def test_a_closure_day_from_the_database_is_skipped() -> None:
    ClosureDay.objects.create(date=date(2026, 3, 10), label="Program retreat")
    calendar = load_calendar()

    # Wednesday 11 March: Wednesday, then (Tuesday closed) Monday; cutoff Sunday's end.
    assert calendar.latest_start_waited(at(3, 11), 2) == end_of(3, 8)
    assert BC.latest_start_waited(at(3, 11), 2) == end_of(3, 9)


def test_the_cutoff_is_the_last_microsecond_of_a_local_day_in_the_right_offset() -> None:
    # Tuesday 10 March is in daylight time; three days back (Tuesday, Monday, Friday) the
    # cutoff is Thursday 5 March, still in standard time.
    cutoff = BC.latest_start_waited(at(3, 10), 3)

    assert cutoff == end_of(3, 5)
    assert cutoff.time() == time.max
    assert cutoff.utcoffset() == timedelta(hours=-8)
    # Two days back the cutoff is Sunday 8 March, the day the clocks sprang forward.
    cutoff = BC.latest_start_waited(at(3, 10), 2)
    assert cutoff == end_of(3, 8)
    assert cutoff.utcoffset() == timedelta(hours=-7)


def test_now_is_read_in_the_program_time_zone() -> None:
    # 02:00 UTC on Thursday 12 March is still Wednesday 11 in Vancouver.
    now = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)

    assert BC.latest_start_waited(now, 2) == end_of(3, 9)


def test_fewer_than_one_business_day_or_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BC.latest_start_waited(at(3, 11), 0)
    with pytest.raises(ValueError, match="naive"):
        BC.latest_start_waited(datetime(2026, 3, 11, 12, 0), 1)  # noqa: DTZ001  (naive on purpose)


@pytest.mark.parametrize("business_days", [1, 2, 3])
def test_it_agrees_with_business_days_between_for_every_start_and_now(
    business_days: int,
) -> None:
    # Four weeks around Family Day, with a closure day, every six hours: each start is
    # at or before the cutoff exactly when it has waited the number of business days.
    calendar = Calendar(
        time_zone=VANCOUVER,
        country="CA",
        subdiv="BC",
        closure_days=frozenset({date(2026, 2, 24)}),
    )
    moments = [at(2, 2, 0) + timedelta(hours=6 * step) for step in range(4 * 28)]
    for now in moments[40:]:
        cutoff = calendar.latest_start_waited(now, business_days)
        for start in moments:
            if start > now:
                break
            waited = calendar.business_days_between(start, now)
            assert (start <= cutoff) == (waited >= business_days), (start, now)
