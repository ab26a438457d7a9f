"""The safety path reaches a human: whom to call now, the guidance kept while a concern is
open, no contact ended without naming its open concern."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching import tasks
from matching.models import Assignment, SafetyConcern
from matching.services import (
    MatchingRefused,
    ask_for_debrief,
    assign_supporter,
    close_request,
    flag_safety_concern,
    hand_back,
    mark_safety_concern_handled,
)
from notifications.models import OutgoingEmail
from peersupport.celery import app
from supporters.models import Supporter
from tests.conftest import SignInClient
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.helpers import wait_for
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


def profile(user: User) -> Supporter:
    return Supporter.objects.get(user=user)


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


# --- The administrator's page of a concern ----------------------------------------------


def concern_url(concern: SafetyConcern) -> str:
    return reverse("admin:matching_safetyconcern_change", args=[concern.pk])


def test_the_concern_page_shows_who_raised_it_with_their_phone_the_request_and_a_button(
    client: Client, administrator: User, supporter: User, flagged: SafetyConcern
) -> None:
    Supporter.objects.filter(user=supporter).update(phone="604 555 0142")
    support_request = flagged.assignment.request
    client.force_login(administrator)
    page = body(client.get(concern_url(flagged)))
    assert "Dr. Sam Lee" in page
    assert 'href="tel:6045550142">604 555 0142</a>' in page
    match = reverse("admin:matching_queuedrequest_match", args=[support_request.public_id])
    assert f'href="{match}"' in page and support_request.case_code in page
    assert "Matched" in page  # the request's state now
    assert 'name="_mark_handled"' in page
    for identifier in (support_request.name, support_request.email, support_request.phone):
        assert identifier not in page


def test_the_concern_page_says_when_the_supporter_has_no_phone_and_where_to_add_it(
    client: Client, administrator: User, supporter: User, flagged: SafetyConcern
) -> None:
    client.force_login(administrator)
    page = body(client.get(concern_url(flagged)))
    assert "No phone on file." in page
    change = reverse("admin:supporters_supporter_change", args=[profile(supporter).pk])
    assert f'href="{change}"' in page


def test_marking_handled_records_who_and_when_and_the_button_goes(
    client: Client, administrator: User, flagged: SafetyConcern
) -> None:
    client.force_login(administrator)
    with time_machine.travel(WEDNESDAY + timedelta(minutes=5), tick=False):
        response = client.post(concern_url(flagged), {"_mark_handled": "1"}, follow=True)
    page = body(response)
    assert "Marked handled." in page
    assert "Handled on 11 Mar 2026, 10:05 by Alice Admin." in page
    assert 'name="_mark_handled"' not in page
    flagged.refresh_from_db()
    assert (flagged.handled_by, flagged.handled_at) == (
        administrator,
        WEDNESDAY + timedelta(minutes=5),
    )


def test_mark_handled_is_a_button_not_an_entry_of_the_actions_menu(
    client: Client, administrator: User, flagged: SafetyConcern
) -> None:
    client.force_login(administrator)
    listing = body(client.get(reverse("admin:matching_safetyconcern_changelist")))
    assert 'name="action"' not in listing
    assert flagged.assignment.request.case_code in listing


def test_only_administrators_may_mark_a_concern_handled(
    client: Client, supporter: User, outsider: User, flagged: SafetyConcern
) -> None:
    client.force_login(UserFactory(is_staff=True))  # staff, but not an administrator
    assert client.post(concern_url(flagged), {"_mark_handled": "1"}).status_code == 403
    for person in (supporter, outsider):
        client.force_login(person)
        response = client.post(concern_url(flagged), {"_mark_handled": "1"})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")
    assert SafetyConcern.objects.get(pk=flagged.pk).handled_at is None


def test_marking_handled_needs_the_csrf_token_and_an_existing_concern(
    administrator: User, flagged: SafetyConcern
) -> None:
    strict = SignInClient(enforce_csrf_checks=True)
    strict.force_login(administrator)
    assert strict.post(concern_url(flagged), {"_mark_handled": "1"}).status_code == 403
    assert SafetyConcern.objects.get(pk=flagged.pk).handled_at is None
    client = SignInClient()
    client.force_login(administrator)
    missing = reverse("admin:matching_safetyconcern_change", args=[flagged.pk + 1000])
    assert client.post(missing, {"_mark_handled": "1"}).status_code == 404
    assert client.post(concern_url(flagged), {"anything": "else"}).status_code == 403


# --- The emails about a concern or a debrief ---------------------------------------------


def test_the_concern_and_debrief_emails_link_to_them_with_the_urgent_number_and_no_name(
    administrator: User, supporter: User, assignment: Assignment, settings: Any
) -> None:
    settings.PROGRAM_URGENT_PHONE = URGENT
    concern, _ = flag_safety_concern(assignment=assignment, raised_by=supporter, now=TUESDAY)
    debrief, _ = ask_for_debrief(supporter=profile(supporter), now=TUESDAY)
    support_request = assignment.request
    for kind, link in (
        ("safety_concern", concern_url(concern)),
        ("debrief_requested", reverse("admin:matching_debriefrequest_change", args=[debrief.pk])),
    ):
        email = OutgoingEmail.objects.get(kind=kind)
        assert email.to_address == administrator.email
        for text in (email.body_text, email.body_html):
            assert f"http://127.0.0.1:8000{link}" in text
            assert URGENT in text
        everything = email.subject + email.body_text + email.body_html
        for identifier in (support_request.name, support_request.email, "Sam", "burnout"):
            assert identifier not in everything


# --- Re-escalation of a concern nobody handles --------------------------------------------

RAISED = TUESDAY + timedelta(hours=2)


def run_at(moment: Any) -> int:
    with time_machine.travel(moment, tick=False):
        return int(tasks.reescalate_safety_concerns())


def test_an_unhandled_concern_is_escalated_again_once_after_the_delay(
    administrator: User, flagged: SafetyConcern, settings: Any
) -> None:
    second = UserFactory(email="bob@example.org", role=ADMINISTRATORS)
    settings.PROGRAM_URGENT_PHONE = URGENT
    assert run_at(RAISED + timedelta(minutes=59, seconds=59)) == 0
    assert run_at(RAISED + timedelta(minutes=60)) == 1
    for later in (RAISED + timedelta(minutes=61), RAISED + timedelta(days=2)):
        assert run_at(later) == 0
    emails = OutgoingEmail.objects.filter(kind="safety_concern_reescalated").order_by("pk")
    assert [email.to_address for email in emails] == [administrator.email, second.email]
    email = emails[0]
    code = flagged.assignment.request.case_code
    assert code in email.subject and "still open" in email.subject
    assert "more than 60 minutes ago" in email.body_text
    assert f"http://127.0.0.1:8000{concern_url(flagged)}" in email.body_text
    assert URGENT in email.body_text
    assert flagged.assignment.request.name not in email.subject + email.body_text
    assert SafetyConcern.objects.get(pk=flagged.pk).reescalated_at == RAISED + timedelta(minutes=60)


def test_a_concern_handled_in_time_is_never_escalated_again(
    administrator: User, flagged: SafetyConcern
) -> None:
    mark_safety_concern_handled(
        concern=flagged, handled_by=administrator, now=RAISED + timedelta(minutes=30)
    )
    for later in (RAISED + timedelta(minutes=60), RAISED + timedelta(days=1)):
        assert run_at(later) == 0
    assert not OutgoingEmail.objects.filter(kind="safety_concern_reescalated").exists()
    assert SafetyConcern.objects.get(pk=flagged.pk).reescalated_at is None


def test_the_delay_follows_the_setting(
    administrator: User, flagged: SafetyConcern, settings: Any
) -> None:
    settings.SAFETY_REESCALATE_MINUTES = 15
    assert run_at(RAISED + timedelta(minutes=14)) == 0
    assert run_at(RAISED + timedelta(minutes=15)) == 1


def test_the_concern_page_and_list_show_that_it_was_emailed_again(
    client: Client, administrator: User, flagged: SafetyConcern
) -> None:
    run_at(RAISED + timedelta(hours=1))
    client.force_login(administrator)
    for url in (concern_url(flagged), reverse("admin:matching_safetyconcern_changelist")):
        assert "10 Mar 2026, 13:00" in body(client.get(url))


def test_the_reescalation_is_on_the_beat_every_minute(settings: Any) -> None:
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "matching.tasks.reescalate_safety_concerns"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"] == timedelta(minutes=1)
    assert "matching.tasks.reescalate_safety_concerns" in app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_reescalates_a_concern_sent_through_the_broker(_test_redis: str) -> None:
    administrator = UserFactory(email="alice@example.org", role=ADMINISTRATORS)
    supporter = SupporterFactory()
    two_hours_ago = timezone.now() - timedelta(hours=2)
    assignment = assign_supporter(
        request=SupportRequestFactory(submitted_at=two_hours_ago),
        supporter=supporter,
        assigned_by=administrator,
        now=two_hours_ago,
    )
    concern, _ = flag_safety_concern(
        assignment=assignment, raised_by=supporter.user, now=two_hours_ago
    )

    def reescalated() -> bool:
        return SafetyConcern.objects.filter(pk=concern.pk, reescalated_at__isnull=False).exists()

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        tasks.reescalate_safety_concerns.delay()
        assert wait_for(reescalated)

    assert OutgoingEmail.objects.filter(kind="safety_concern_reescalated").count() == 1
