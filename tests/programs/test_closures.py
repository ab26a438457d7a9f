"""The closure notice: a holiday or closure day today or before the next business day."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from programs.business_days import Calendar
from programs.closures import Closure, closure_ahead
from programs.models import ClosureDay

VANCOUVER = ZoneInfo("America/Vancouver")


def calendar(*closure_days: date) -> Calendar:
    return Calendar(
        time_zone=VANCOUVER, country="CA", subdiv="BC", closure_days=frozenset(closure_days)
    )


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VANCOUVER)


def test_on_new_years_day_the_program_is_closed_until_monday() -> None:
    closure = closure_ahead(at(2027, 1, 1), calendar=calendar())
    assert closure == Closure(
        is_today=True, closed_from=date(2027, 1, 1), reopens_on=date(2027, 1, 4)
    )
    assert closure.words == "We are closed until Monday 4 January 2027."


def test_the_day_before_a_holiday_says_the_closure_is_coming() -> None:
    closure = closure_ahead(at(2026, 12, 31, 16), calendar=calendar())
    assert closure is not None and not closure.is_today
    assert closure.words == "We are closed from Friday 1 January 2027 until Monday 4 January 2027."


def test_midnight_on_the_programs_clock_decides_the_day() -> None:
    # 23:59 on Thursday in Vancouver is already Friday in UTC: still "closing", not "closed".
    before = closure_ahead(at(2026, 12, 31, 23, 59), calendar=calendar())
    after = closure_ahead(at(2027, 1, 1, 0, 0), calendar=calendar())
    assert before is not None and not before.is_today
    assert after is not None and after.is_today


def test_a_weekend_alone_is_no_closure() -> None:
    assert closure_ahead(at(2026, 3, 13), calendar=calendar()) is None  # a Friday
    assert closure_ahead(at(2026, 3, 14), calendar=calendar()) is None  # a Saturday
    assert closure_ahead(at(2027, 1, 2), calendar=calendar()) is None  # after New Year's


def test_an_ordinary_weekday_is_no_closure() -> None:
    assert closure_ahead(at(2026, 3, 10), calendar=calendar()) is None


def test_a_weekend_before_a_holiday_monday_is_a_closure() -> None:
    # Family Day in BC: Monday 16 February 2026.
    closure = closure_ahead(at(2026, 2, 14), calendar=calendar())
    assert closure == Closure(
        is_today=True, closed_from=date(2026, 2, 14), reopens_on=date(2026, 2, 17)
    )
    friday = closure_ahead(at(2026, 2, 13), calendar=calendar())
    assert friday is not None and friday.closed_from == date(2026, 2, 14)


def test_the_programs_own_closure_days_count() -> None:
    wednesday = date(2026, 3, 11)
    closure = closure_ahead(at(2026, 3, 11), calendar=calendar(wednesday))
    assert closure is not None and closure.is_today and closure.reopens_on == date(2026, 3, 12)
    before = closure_ahead(at(2026, 3, 10), calendar=calendar(wednesday))
    assert before is not None and before.closed_from == wednesday


# --- On the pages ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_forms_and_the_confirmation_say_so_on_a_closure_day(client: Client) -> None:
    ClosureDay.objects.create(date=date(2026, 3, 11), label="Program retreat")
    with time_machine.travel(at(2026, 3, 11), tick=False):
        pages = {path: client.get(path).content.decode() for path in ("/request/", "/refer/")}
        client.post(
            "/request/",
            {
                "name": "Sam",
                "email": "sam@example.org",
                "preferred_contact": "email",
                "modality": "phone",
                "language": "en",
                "acknowledge": "on",
            },
        )
        pages["confirmation"] = client.get("/request/sent/").content.decode()
    for name, page in pages.items():
        notice = page[page.index('class="alert alert-warning closure-notice"') :]
        notice = notice[: notice.index("</section>")]
        assert "The program is closed today" in notice, name
        assert "We are closed until Thursday 12 March 2026." in notice, name
        assert "If you are in crisis, do not wait:" in notice, name
        assert 'href="tel:988"' in notice, name


@pytest.mark.django_db
def test_no_notice_on_an_ordinary_day(client: Client) -> None:
    with time_machine.travel(at(2026, 3, 10), tick=False):
        for path in ("/request/", "/refer/", "/request/sent/"):
            assert "closure-notice" not in client.get(path).content.decode()
