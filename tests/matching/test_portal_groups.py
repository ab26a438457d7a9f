"""The portal lists the supporters' next supervision and consultation sessions with how to
join them (their link is shown on signed-in pages only, never on the public schedule)."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from surveys.groups.services import cancel_group_sessions
from surveys.models import GroupSession
from tests.surveys.conftest import make_session

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=VANCOUVER)
THURSDAY = datetime(2026, 5, 7, 18, 0, tzinfo=VANCOUVER)


def supervision(starts_at: datetime, **fields: Any) -> GroupSession:
    defaults = {
        "title_en": "Supervision and consultation",
        "meeting_url": "https://meet.example.org/supervision",
    }
    return make_session(starts_at=starts_at, audience="supporters", **{**defaults, **fields})


def portal(client: Client, user: Any) -> str:
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/portal/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_portal_lists_the_next_supervision_sessions_with_their_link(
    client: Client, supporter: Any
) -> None:
    supervision(THURSDAY - timedelta(days=7), title_en="Last week's supervision")
    sessions = [supervision(THURSDAY + timedelta(days=14 * n)) for n in range(4)]
    cancel_group_sessions(sessions=GroupSession.objects.filter(pk=sessions[1].pk))
    make_session(starts_at=THURSDAY, title_en="Public drop-in")
    page = portal(client, supporter)
    section = page[page.index('id="supervision"') :]
    section = section[: section.index("</section>")]
    assert "Supervision and consultation group" in section
    assert "Thursday 7 May 2026, 6 p.m. to 7 p.m. (PDT)" in section
    assert "Thursday 21 May 2026" in section and "Cancelled" in section
    assert "Thursday 4 June 2026" in section
    assert "Thursday 18 June 2026" not in section  # the next three only
    assert "Last week" not in section and "Public drop-in" not in section
    assert 'href="https://meet.example.org/supervision"' in section
    assert 'href="/groups/"' in section
    assert "js/local_times.js" in page


def test_the_portal_says_when_no_supervision_is_planned(client: Client, supporter: Any) -> None:
    page = portal(client, supporter)
    assert "No session is planned yet" in page
