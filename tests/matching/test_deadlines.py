"""The first-contact deadline and its words, in one module: what the admin, the portal,
the emails and the sweeps all show."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from matching.deadlines import (
    contact_deadline,
    deadline_of,
    due_date_words,
    remind_time,
    waiting_words,
)
from programs.business_days import Calendar, load_calendar

VANCOUVER = ZoneInfo("America/Vancouver")
BC = Calendar(time_zone=VANCOUVER, country="CA", subdiv="BC")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=VANCOUVER)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day), time.max, tzinfo=VANCOUVER)


@pytest.mark.django_db
def test_contact_deadline_uses_the_configured_number_of_business_days(settings: Any) -> None:
    calendar = load_calendar()
    assert contact_deadline(at(2026, 1, 12), calendar=calendar) == end_of(2026, 1, 15)

    settings.CONTACT_DEADLINE_BUSINESS_DAYS = 1
    assert contact_deadline(at(2026, 1, 12), calendar=calendar) == end_of(2026, 1, 13)


def test_the_supporter_is_reminded_at_nine_on_the_deadlines_morning() -> None:
    assert remind_time(end_of(2026, 1, 15), calendar=BC) == at(2026, 1, 15, 9)


@pytest.mark.parametrize(
    ("now", "words", "queue_words", "state"),
    [
        (at(2026, 1, 12), "3 business days left", "Due in 3 business days", "later"),
        (at(2026, 1, 14), "1 business day left", "Due in 1 business day", "later"),
        (at(2026, 1, 15), "Due today", "Due today", "today"),
        (at(2026, 1, 16), "Overdue", "Overdue since Thu 15 Jan", "overdue"),
    ],
)
def test_a_deadline_says_where_a_contact_stands_to_the_supporter_and_to_the_administrator(
    now: datetime, words: str, queue_words: str, state: str
) -> None:
    with translation.override("en"):
        deadline = deadline_of(end_of(2026, 1, 15), now=now, calendar=BC)
        assert (deadline.words, deadline.queue_words, deadline.state) == (
            words,
            queue_words,
            state,
        )


def test_a_reached_contact_reads_reached_even_past_its_deadline() -> None:
    deadline = deadline_of(
        end_of(2026, 1, 15), first_contact_at=at(2026, 1, 13), now=at(2026, 1, 20), calendar=BC
    )
    assert deadline.is_reached and deadline.state == "reached"
    with translation.override("en"):
        assert deadline.queue_words == "Reached"


def test_waiting_is_counted_in_business_days_over_a_weekend() -> None:
    friday = at(2026, 1, 16)
    with translation.override("en"):
        assert waiting_words(friday, now=friday + timedelta(hours=2), calendar=BC) == (
            "Waiting since today"
        )
        assert waiting_words(friday, now=at(2026, 1, 19), calendar=BC) == ("Waiting 1 business day")
        assert waiting_words(friday, now=at(2026, 1, 20), calendar=BC) == (
            "Waiting 2 business days"
        )


def test_the_due_date_is_written_out_in_the_readers_language() -> None:
    assert due_date_words(end_of(2026, 3, 13), calendar=BC, language="en") == (
        "Friday 13 March 2026"
    )
