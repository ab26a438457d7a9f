"""The public schedule and its calendar files: only coming sessions for physicians, never
the supporters' supervision group; calendar files that parse, with the right instants
across daylight saving time, and cancelled sessions marked cancelled."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.test import Client

from surveys.groups.services import cancel_group_sessions
from surveys.models import GroupSession
from tests.surveys.conftest import make_session

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
# Monday 2 March 2026, 9:00: the clocks spring forward on Sunday 8 March.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VANCOUVER)
SCHEDULE = "/groups/upcoming/"
FEED = "/groups/upcoming.ics"


def body(response: Any) -> str:
    return str(response.content.decode())


def events(response: Any) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def sessions() -> dict[str, GroupSession]:
    """Past, coming, cancelled, supervision: one of each, on Tuesdays at noon."""
    tuesday = datetime(2026, 3, 3, 12, 0, tzinfo=VANCOUVER)
    made = {
        "past": make_session(starts_at=tuesday - timedelta(days=7), title_en="Last week's group"),
        "before_dst": make_session(starts_at=tuesday, title_en="Group before the change"),
        "after_dst": make_session(
            starts_at=tuesday + timedelta(days=7), title_en="Group after the change"
        ),
        "cancelled": make_session(
            starts_at=tuesday + timedelta(days=14), title_en="Group called off"
        ),
        "supervision": make_session(
            starts_at=tuesday + timedelta(days=1),
            audience="supporters",
            title_en="Supervision and consultation",
            meeting_url="https://meet.example.org/supervision-secret",
        ),
        "write": make_session(
            starts_at=tuesday + timedelta(days=2),
            title_en="Group to write for",
            join_mode="write",
            meeting_url="",
        ),
    }
    cancel_group_sessions(sessions=GroupSession.objects.filter(pk=made["cancelled"].pk))
    return made


def test_the_schedule_shows_coming_public_sessions_only(
    client: Client, sessions: dict[str, GroupSession], django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(2):
        response = client.get(SCHEDULE)
    page = body(response)
    assert response.status_code == 200
    assert "Group before the change" in page and "Group after the change" in page
    assert "Last week&#x27;s group" not in page and "Last week's group" not in page
    assert "Supervision and consultation" not in page
    assert "supervision-secret" not in page
    # A cancelled session stays, marked, so people who saved it learn of it.
    assert "Group called off" in page and "This session will not take place." in page
    # What it is and is not.
    for words in (
        "not therapy",
        "nothing to sign up for",
        "Nobody keeps a list of who came",
        "You don't have to speak or turn your camera on",
        "Chatham House rule",
    ):
        assert words in page
    # When, on the program's clock, and the instant for the reader's own clock.
    assert "Tuesday 3 March 2026, noon to 1 p.m. (PST)" in page
    assert "Tuesday 10 March 2026, noon to 1 p.m. (PDT)" in page
    assert 'datetime="2026-03-03T20:00:00Z"' in page
    assert 'data-starts="2026-03-10T19:00:00Z"' in page
    assert "js/local_times.js" in page
    # How to join: the public link, or write to the program.
    assert 'href="https://meet.example.org/group"' in page
    assert "To join, ask the program for the meeting link." in page
    assert "mailto:program@example.org" in page
    # A calendar file per session, and the feed to subscribe to.
    assert f"/groups/upcoming/{sessions['before_dst'].public_id}.ics" in page
    assert "http://127.0.0.1:8000/groups/upcoming.ics" in page
    assert f"/groups/upcoming/{sessions['supervision'].public_id}.ics" not in page


def test_the_schedule_says_so_when_nothing_is_planned(client: Client) -> None:
    response = client.get(SCHEDULE)
    assert "No session is scheduled right now." in body(response)


def test_the_feed_parses_and_carries_the_right_instants_across_daylight_saving(
    client: Client, sessions: dict[str, GroupSession]
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["America/Vancouver"]
    found = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    # The past week's session stays (a month back), supervision never appears.
    assert set(found) == {
        "Last week's group",
        "Group before the change",
        "Group after the change",
        "Cancelled: Group called off",
        "Group to write for",
    }
    before, after = found["Group before the change"], found["Group after the change"]
    assert before["DTSTART"].params["TZID"] == "America/Vancouver"
    assert before.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    assert after.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    assert after.decoded("DTEND").astimezone(UTC) == datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    assert str(before["STATUS"]) == "CONFIRMED"
    cancelled = found["Cancelled: Group called off"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    assert str(before["UID"]) == f"group-session-{sessions['before_dst'].public_id}@127.0.0.1"
    assert "https://meet.example.org/group" in str(before["DESCRIPTION"])
    assert "write to the program for the link (program@example.org)" in str(
        found["Group to write for"]["DESCRIPTION"]
    )
    assert b"supervision-secret" not in response.content


def test_the_feed_keeps_the_right_instants_when_the_clocks_fall_back(client: Client) -> None:
    # Sunday 1 November 2026: noon on 27 October is 19:00 UTC, on 3 November 20:00 UTC.
    for day in (27, 3):
        month = 10 if day == 27 else 11
        make_session(starts_at=datetime(2026, month, day, 12, 0, tzinfo=VANCOUVER))
    with time_machine.travel(datetime(2026, 10, 20, tzinfo=VANCOUVER), tick=False):
        starts = sorted(
            event.decoded("DTSTART").astimezone(UTC) for event in events(client.get(FEED))
        )
    assert [start.hour for start in starts] == [19, 20]


def test_a_sessions_calendar_file_is_a_download_of_that_session(
    client: Client, sessions: dict[str, GroupSession]
) -> None:
    session = sessions["after_dst"]
    response = client.get(f"/groups/upcoming/{session.public_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="group-session-2026-03-10.ics"'
    )
    [event] = events(response)
    assert str(event["SUMMARY"]) == "Group after the change"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


def test_a_cancelled_sessions_calendar_file_says_cancelled(
    client: Client, sessions: dict[str, GroupSession]
) -> None:
    response = client.get(f"/groups/upcoming/{sessions['cancelled'].public_id}.ics")
    [event] = events(response)
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_supervision_session_has_no_public_calendar_file(
    client: Client, sessions: dict[str, GroupSession]
) -> None:
    response = client.get(f"/groups/upcoming/{sessions['supervision'].public_id}.ics")
    assert response.status_code == 404
    assert client.get("/groups/upcoming/not-a-uuid.ics").status_code == 404


def test_an_empty_feed_still_parses_with_its_time_zone(client: Client) -> None:
    calendar = icalendar.Calendar.from_ical(client.get(FEED).content)
    assert list(calendar.walk("VEVENT")) == []
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["America/Vancouver"]


def test_titles_with_markup_are_escaped_on_the_page_and_in_the_file(client: Client) -> None:
    title = "<script>alert(1)</script>; Group, with commas"
    make_session(starts_at=NOW + timedelta(days=1), title_en=title)
    with time_machine.travel(NOW, tick=False):
        page = body(client.get(SCHEDULE))
        feed = client.get(FEED)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    [event] = events(feed)
    assert str(event["SUMMARY"]) == title
