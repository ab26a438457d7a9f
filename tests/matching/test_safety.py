"""The safety path reaches a human: whom to call now, the guidance kept while a concern is
open, no contact ended without naming its open concern."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from intake.models import SupportRequest
from matching.models import Assignment, SafetyConcern
from matching.services import (
    MatchingRefused,
    close_request,
    flag_safety_concern,
    hand_back,
    mark_safety_concern_handled,
)
from tests.matching.conftest import TUESDAY

pytestmark = pytest.mark.django_db

PORTAL = "/portal/"
WEDNESDAY = TUESDAY + timedelta(days=1)
URGENT = "604 555 0199"


@pytest.fixture(autouse=True)
def _on_wednesday() -> Iterator[None]:
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def signed_in(client: Client, supporter: User) -> Client:
    client.force_login(supporter)
    return client


@pytest.fixture
def flagged(assignment: Assignment, supporter: User) -> SafetyConcern:
    concern, _created = flag_safety_concern(
        assignment=assignment, raised_by=supporter, now=TUESDAY + timedelta(hours=2)
    )
    return concern


def contact_url(assignment: Assignment) -> str:
    return f"/portal/contacts/{assignment.public_id}/"


def body(response: Any) -> str:
    return str(response.content.decode())


def guidance(page: str) -> str:
    start = page.index('id="safety-guidance"')
    return page[start : page.index("</section>", start)]


# --- Whom to call now ------------------------------------------------------------------


def test_the_flagged_contact_shows_the_urgent_number_as_a_tel_link(
    signed_in: Client, assignment: Assignment, settings: Any
) -> None:
    settings.PROGRAM_URGENT_PHONE = URGENT
    response = signed_in.post(
        contact_url(assignment), {"action": "flag_safety_concern"}, follow=True
    )
    box = guidance(body(response))
    assert "Call now:" in box
    assert f'href="tel:6045550199">{URGENT}</a>' in box
    assert "has not set an urgent number" not in box
    assert "If you need help right now" in body(response)  # the crisis resources beside it


def test_without_an_urgent_number_the_page_says_so_and_shows_the_crisis_resources(
    signed_in: Client, assignment: Assignment, flagged: SafetyConcern, settings: Any
) -> None:
    settings.PROGRAM_URGENT_PHONE = ""
    page = body(signed_in.get(contact_url(assignment)))
    box = guidance(page)
    assert "The program has not set an urgent number to call." in box
    assert "tel:" not in box
    assert "If you need help right now" in page
    assert 'href="tel:988"' in page


def test_the_urgent_number_is_on_no_page_but_the_supporters_own(
    client: Client,
    assignment: Assignment,
    flagged: SafetyConcern,
    settings: Any,
    other_supporter: User,
) -> None:
    settings.PROGRAM_URGENT_PHONE = URGENT
    for path in ("/", "/request/", "/refer/", "/supporters/", "/request/sent/", "/nowhere/"):
        assert URGENT not in body(client.get(path)), path
    client.force_login(other_supporter)
    assert URGENT not in body(client.get(PORTAL))
    assert client.get(contact_url(assignment)).status_code == 404


def test_no_guidance_before_a_concern_is_flagged(
    signed_in: Client, assignment: Assignment, settings: Any
) -> None:
    settings.PROGRAM_URGENT_PHONE = URGENT
    for path in (PORTAL, contact_url(assignment)):
        page = body(signed_in.get(path))
        assert 'id="safety-guidance"' not in page
        assert URGENT not in page


# --- The guidance stays reachable from /portal/ while the concern is open ---------------


def test_the_portal_keeps_the_guidance_while_the_concern_is_open_even_after_the_contact_ends(
    signed_in: Client,
    supporter: User,
    assignment: Assignment,
    flagged: SafetyConcern,
    administrator: User,
    settings: Any,
) -> None:
    settings.PROGRAM_URGENT_PHONE = URGENT
    code = assignment.request.case_code
    page = body(signed_in.get(PORTAL))
    box = guidance(page)
    assert code in box and "Tue 10 Mar" in box
    assert f'href="{contact_url(assignment)}"' in box
    assert f'href="{contact_url(assignment)}#safety-guidance"' in page

    close_request(
        assignment=assignment,
        outcome="unreachable",
        closed_by=supporter,
        open_concern_confirmed=True,
        now=WEDNESDAY,
    )
    box = guidance(body(signed_in.get(PORTAL)))
    assert code in box and 'href="tel:6045550199"' in box
    assert contact_url(assignment) not in box  # the contact page is a 404 now

    mark_safety_concern_handled(concern=flagged, handled_by=administrator, now=WEDNESDAY)
    assert 'id="safety-guidance"' not in body(signed_in.get(PORTAL))


def test_another_supporters_open_concern_is_not_on_my_portal(
    client: Client, other_supporter: User, flagged: SafetyConcern
) -> None:
    client.force_login(other_supporter)
    page = body(client.get(PORTAL))
    assert 'id="safety-guidance"' not in page
    assert flagged.assignment.request.case_code not in page


# --- Close and hand back name the open concern -----------------------------------------

ENDINGS = {
    "close": {"close-outcome": "unreachable"},
    "hand_back": {"hand_back-reason": "no_capacity"},
}


@pytest.mark.parametrize("action", ["close", "hand_back"])
def test_ending_a_contact_with_an_open_concern_needs_a_confirmation_naming_it(
    signed_in: Client, assignment: Assignment, flagged: SafetyConcern, action: str
) -> None:
    code = assignment.request.case_code
    page = body(signed_in.get(contact_url(assignment)))
    label = re.search(
        rf'<input[^>]*name="{action}-confirm_open_concern"[^>]*>\s*<label[^>]*>([^<]*)', page
    )
    assert label is not None, page
    assert code in label.group(1)
    assert "Tuesday 10 March 2026 at noon" in label.group(1)

    response = signed_in.post(contact_url(assignment), {"action": action, **ENDINGS[action]})
    assert response.status_code == 200
    assert f"The safety concern on {code} is still open" in body(response)
    assert f'href="#id_{action}-confirm_open_concern"' in body(response)
    assert Assignment.objects.get(pk=assignment.pk).ended_at is None

    response = signed_in.post(
        contact_url(assignment),
        {"action": action, **ENDINGS[action], f"{action}-confirm_open_concern": "on"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).ended_at is not None
    # Ending the contact does not handle the concern.
    assert SafetyConcern.objects.get(pk=flagged.pk).handled_at is None


@pytest.mark.parametrize("action", ["close", "hand_back"])
def test_without_an_open_concern_no_confirmation_is_asked(
    signed_in: Client, assignment: Assignment, administrator: User, action: str
) -> None:
    concern, _ = flag_safety_concern(
        assignment=assignment, raised_by=assignment.supporter.user, now=TUESDAY
    )
    mark_safety_concern_handled(concern=concern, handled_by=administrator, now=TUESDAY)
    assert "confirm_open_concern" not in body(signed_in.get(contact_url(assignment)))
    response = signed_in.post(contact_url(assignment), {"action": action, **ENDINGS[action]})
    assert response.status_code == 302


def test_the_services_refuse_to_end_a_contact_with_an_open_concern_unconfirmed(
    supporter: User, assignment: Assignment, flagged: SafetyConcern
) -> None:
    code = assignment.request.case_code
    with pytest.raises(MatchingRefused, match=f"safety concern you flagged on {code}"):
        close_request(assignment=assignment, outcome="declined", closed_by=supporter, now=WEDNESDAY)
    with pytest.raises(MatchingRefused, match="before handing the contact back"):
        hand_back(assignment=assignment, reason="other", handed_back_by=supporter, now=WEDNESDAY)
    assert SupportRequest.objects.get(pk=assignment.request_id).status == "matched"
    hand_back(
        assignment=assignment,
        reason="other",
        handed_back_by=supporter,
        open_concern_confirmed=True,
        now=WEDNESDAY,
    )
    assert SupportRequest.objects.get(pk=assignment.request_id).status == "waiting"
