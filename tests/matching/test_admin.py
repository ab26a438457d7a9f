"""The matching queue, the Match page, safety concerns and debriefs in the admin."""

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format

from intake.models import AccessLog, SupportRequest
from matching.deadlines import contact_deadline
from matching.models import Assignment, DebriefRequest, SafetyConcern
from matching.services import (
    ask_for_debrief,
    assign_supporter,
    flag_safety_concern,
    record_first_contact,
    withdraw_request,
)
from notifications.models import OutgoingEmail
from programs.business_days import load_calendar
from supporters.models import Supporter
from tests.conftest import SignInClient
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.matching.conftest import TUESDAY, VANCOUVER

pytestmark = pytest.mark.django_db

QUEUE = "/admin/matching/queuedrequest/"
FRIDAY_BEFORE = datetime(2026, 3, 6, 10, 0, tzinfo=VANCOUVER)
MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=VANCOUVER)
DUE_FRIDAY = datetime(2026, 3, 13, 10, 0, tzinfo=VANCOUVER)
NEXT_MONDAY = datetime(2026, 3, 16, 10, 0, tzinfo=VANCOUVER)


def match_url(support_request: SupportRequest) -> str:
    return reverse("admin:matching_queuedrequest_match", args=[support_request.public_id])


def profile(user: Any) -> Supporter:
    return Supporter.objects.get(user=user)


def body(response: Any) -> str:
    return str(response.content.decode())


def between(text: str, start: str, end: str | None = None) -> str:
    """Return the part of a page from `start` up to `end` (or to the end)."""
    tail = text[text.index(start) :]
    return tail[: tail.index(end)] if end and end in tail else tail


def in_order(text: str, *needles: str) -> bool:
    positions = [text.index(needle) for needle in needles]
    return positions == sorted(positions)


def post_action(client: Client, support_request: SupportRequest, **data: str) -> Any:
    return client.post(match_url(support_request), data, follow=True)


# --- The queue -----------------------------------------------------------------------


def test_queue_lists_waiting_oldest_first_then_matched_then_in_contact(
    client: Client, administrator: Any, supporter: Any, other_supporter: Any
) -> None:
    newer = SupportRequestFactory(submitted_at=TUESDAY - timedelta(hours=1), name="Newer Person")
    older = SupportRequestFactory(submitted_at=FRIDAY_BEFORE, name="Older Person")
    matched = SupportRequestFactory(submitted_at=FRIDAY_BEFORE - timedelta(days=3))
    assign_supporter(
        request=matched, supporter=profile(supporter), assigned_by=administrator, now=TUESDAY
    )
    in_contact = SupportRequestFactory(submitted_at=FRIDAY_BEFORE - timedelta(days=4))
    contacted = assign_supporter(
        request=in_contact,
        supporter=profile(other_supporter),
        assigned_by=administrator,
        now=MONDAY,
    )
    record_first_contact(
        assignment=contacted, contacted_at=MONDAY, means="phone", now=MONDAY + timedelta(hours=1)
    )
    withdrawn = SupportRequestFactory(submitted_at=FRIDAY_BEFORE - timedelta(days=9))
    withdraw_request(request=withdrawn, reason="spam", withdrawn_by=administrator, now=MONDAY)

    with time_machine.travel(TUESDAY + timedelta(hours=1), tick=False):
        client.force_login(administrator)
        response = client.get(QUEUE)

    assert response.status_code == 200
    page = body(response)
    assert in_order(page, older.case_code, newer.case_code, matched.case_code, in_contact.case_code)
    assert withdrawn.case_code not in page
    assert "Waiting 2 business days" in page  # Friday → Monday, Tuesday
    assert "Waiting since today" in page
    assert "Dr. Sam Lee" in page and "Dr. Sky Park" in page
    assert f'href="{match_url(older)}"' in page
    assert "Newer Person" not in page and "Older Person" not in page
    assert older.email not in page


@pytest.mark.parametrize(
    ("now", "badge"),
    [
        (TUESDAY + timedelta(hours=1), "Due in 3 business days"),
        (DUE_FRIDAY - timedelta(days=1), "Due in 1 business day"),
        (DUE_FRIDAY, "Due today"),
        (NEXT_MONDAY, "Overdue since Fri 13 Mar"),
    ],
)
def test_queue_badges_say_when_first_contact_is_due(
    client: Client, administrator: Any, assignment: Assignment, now: datetime, badge: str
) -> None:
    with time_machine.travel(now, tick=False):
        client.force_login(administrator)
        page = body(client.get(QUEUE))
    row = between(page, assignment.request.case_code, "</tr>")
    assert badge in row
    assert "matching-badge" in row


def test_queue_says_reached_once_first_contact_is_recorded(
    client: Client, administrator: Any, assignment: Assignment
) -> None:
    record_first_contact(
        assignment=assignment,
        contacted_at=TUESDAY + timedelta(hours=1),
        means="phone",
        now=TUESDAY + timedelta(hours=2),
    )
    with time_machine.travel(NEXT_MONDAY, tick=False):
        client.force_login(administrator)
        row = between(body(client.get(QUEUE)), assignment.request.case_code, "</tr>")
    assert "Reached" in row
    assert "Overdue" not in row


def test_queue_search_finds_by_case_code_or_public_id_but_not_by_name(
    client: Client, administrator: Any
) -> None:
    found = SupportRequestFactory(name="Findable Person")
    other = SupportRequestFactory()
    client.force_login(administrator)
    by_code = body(client.get(QUEUE, {"q": found.case_code.removeprefix("PS-").lower()}))
    assert found.case_code in by_code and other.case_code not in by_code
    by_id = body(client.get(QUEUE, {"q": str(found.public_id)}))
    assert found.case_code in by_id and other.case_code not in by_id
    by_name = body(client.get(QUEUE, {"q": "Findable"}))
    assert found.case_code not in by_name


def test_queue_has_no_add_and_its_change_url_leads_to_the_match_page(
    client: Client, administrator: Any, waiting_request: SupportRequest
) -> None:
    client.force_login(administrator)
    assert client.get(f"{QUEUE}add/").status_code == 403
    response = client.get(f"{QUEUE}{waiting_request.pk}/change/")
    assert response.status_code == 302
    assert response.headers["Location"] == match_url(waiting_request)
    assert client.get(f"{QUEUE}{waiting_request.pk}/delete/").status_code == 403
    assert client.get(f"{QUEUE}not-a-number/change/").status_code == 404


def _big_roster_and_queue(administrator: Any) -> SupportRequest:
    """50 supporters and 500 requests (100 of them matched), built in bulk."""
    users = UserFactory.build_batch(50)
    for user in users:
        user.set_unusable_password()
    users = list(type(users[0]).objects.bulk_create(users))
    supporters = Supporter.objects.bulk_create(
        [
            SupporterFactory.build(
                user=user,
                display_name=f"Dr. Bulk {number}",
                slug=f"bulk-{number}",
                capacity=10,
                languages=["en", "fr"] if number % 2 else ["en"],
                away_until=date(2026, 4, 1) if number % 7 == 0 else None,
            )
            for number, user in enumerate(users)
        ]
    )
    requests = SupportRequest.objects.bulk_create(
        [
            SupportRequestFactory.build(submitted_at=TUESDAY - timedelta(hours=number + 1))
            for number in range(500)
        ]
    )
    matched = requests[:100]
    for support_request in matched:
        support_request.status = SupportRequest.Status.MATCHED
        support_request.first_matched_at = TUESDAY - timedelta(hours=1)
    SupportRequest.objects.bulk_update(matched, ["status", "first_matched_at"])
    calendar = load_calendar()
    due_at = contact_deadline(TUESDAY - timedelta(hours=1), calendar=calendar)
    Assignment.objects.bulk_create(
        [
            Assignment(
                request=support_request,
                supporter=supporters[number % 50],
                assigned_by=administrator,
                assigned_at=TUESDAY - timedelta(hours=1),
                contact_due_at=due_at,
                remind_at=due_at - timedelta(hours=10),
            )
            for number, support_request in enumerate(matched)
        ]
    )
    target = requests[-1]
    target.avoid_supporters.set(supporters[:5])
    return target


def test_queue_and_match_page_run_a_fixed_number_of_queries_with_500_requests(
    client: Client, administrator: Any, django_assert_max_num_queries: Any
) -> None:
    target = _big_roster_and_queue(administrator)
    client.force_login(administrator)
    # Each count includes the session's second-factor device (django-otp's middleware).
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE)
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(match_url(target))
    assert response.status_code == 200
    page = body(response)
    assert page.count('name="action" value="assign"') > 30
    assert "5 supporters the requester asked to avoid are not shown." in page
    with django_assert_max_num_queries(10):
        assert client.get(QUEUE, {"status": "matched"}).status_code == 200


# --- The Match page ------------------------------------------------------------------


def test_match_page_ranks_asked_for_first_and_explains_each_rank(
    client: Client, administrator: Any
) -> None:
    asked = SupporterFactory(display_name="Dr. Asked For", languages=["en"], modalities=["video"])
    french = SupporterFactory(
        display_name="Dr. French Speaker", languages=["fr", "en"], modalities=["phone"]
    )
    english = SupporterFactory(
        display_name="Dr. English Only",
        languages=["en"],
        modalities=["phone"],
        career_stage="late",
        specialty_group="surgery",
    )
    support_request = SupportRequestFactory(
        language="fr", modality="phone", preferred_supporter=asked
    )
    client.force_login(administrator)
    response = client.get(match_url(support_request))
    assert response.status_code == 200
    page = body(response)
    suggestions = between(page, 'id="matching-suggestions"', "</table>")
    assert in_order(suggestions, asked.display_name, french.display_name, english.display_name)
    asked_row = between(suggestions, asked.display_name, "</tr>")
    assert "Asked for by name" in asked_row and "Does not speak French" in asked_row
    french_row = between(suggestions, french.display_name, "</tr>")
    assert "Speaks French" in french_row and "Offers phone" in french_row
    assert "0 active contacts of 3" in french_row
    assert "Never assigned" in french_row
    english_row = between(suggestions, english.display_name, "</tr>")
    assert "Similar career stage" in english_row
    assert "Does not speak French" in english_row
    # The hints: what the request asked for, by label.
    assert "French" in between(page, "What the requester asked for", "</dl>")
    assert "Dr. Asked For" in between(page, "What the requester asked for", "</dl>")


def test_match_page_leaves_out_the_supporters_the_requester_avoids(
    client: Client, administrator: Any
) -> None:
    avoided = SupporterFactory(display_name="Dr. Not This One")
    kept = SupporterFactory(display_name="Dr. Fine Choice")
    away_and_avoided = SupporterFactory(
        display_name="Dr. Away Avoided", away_until=date(2026, 12, 31)
    )
    support_request = SupportRequestFactory(avoid=[avoided, away_and_avoided])
    client.force_login(administrator)
    page = body(client.get(match_url(support_request)))
    assert kept.display_name in page
    assert avoided.display_name not in page
    assert away_and_avoided.display_name not in page
    assert "2 supporters the requester asked to avoid are not shown." in page


def test_unavailable_supporters_are_greyed_with_their_reason(
    client: Client, administrator: Any
) -> None:
    away = SupporterFactory(display_name="Dr. Away Now", away_until=date(2026, 3, 20))
    full = SupporterFactory(display_name="Dr. Full Up", capacity=1)
    untrained = SupporterFactory(display_name="Dr. Not Trained", trained_on=None)
    paused = SupporterFactory(display_name="Dr. Paused", accepts_new=False)
    available = SupporterFactory(display_name="Dr. Free Now")
    assign_supporter(
        request=SupportRequestFactory(submitted_at=MONDAY),
        supporter=full,
        assigned_by=administrator,
        now=MONDAY,
    )
    support_request = SupportRequestFactory(submitted_at=TUESDAY)
    with time_machine.travel(TUESDAY, tick=False):
        client.force_login(administrator)
        page = body(client.get(match_url(support_request)))
    suggestions = between(page, 'id="matching-suggestions"', "</table>")
    unavailable = between(page, 'id="matching-unavailable"', "</table>")
    assert available.display_name in suggestions
    assert "matching-unavailable-row" in unavailable
    expected = {
        away: f"Away until {date_format(date(2026, 3, 20), 'DATE_FORMAT')}",
        full: "At capacity",
        untrained: "Not ready: training or agreement not recorded",
        paused: "Not taking new requests",
    }
    for supporter, reason in expected.items():
        assert supporter.display_name not in suggestions
        assert reason in between(unavailable, supporter.display_name, "</tr>")
    assert "1 of 1" in between(unavailable, full.display_name, "</tr>")


def test_assigning_matches_the_request_and_names_the_deadline(
    client: Client, administrator: Any, supporter: Any, waiting_request: SupportRequest
) -> None:
    sam = profile(supporter)
    with time_machine.travel(TUESDAY, tick=False):
        client.force_login(administrator)
        response = post_action(client, waiting_request, action="assign", supporter=str(sam.pk))
    assert response.redirect_chain == [(match_url(waiting_request), 302)]
    assert (
        "Assigned to Dr. Sam Lee. First contact is due by the end of Friday 13 March 2026."
        in body(response)
    )
    waiting_request.refresh_from_db()
    assert waiting_request.status == "matched"
    assignment = Assignment.objects.get(request=waiting_request)
    assert (assignment.supporter, assignment.assigned_by) == (sam, administrator)
    assert assignment.assigned_at == TUESDAY
    kinds = set(OutgoingEmail.objects.values_list("kind", "to_address"))
    assert ("new_contact", "sam@example.org") in kinds
    assert ("requester_matched", waiting_request.email) in kinds


def test_assigning_an_already_matched_request_is_refused_without_a_second_row(
    client: Client, administrator: Any, other_supporter: Any, assignment: Assignment
) -> None:
    client.force_login(administrator)
    response = post_action(
        client,
        assignment.request,
        action="assign",
        supporter=str(profile(other_supporter).pk),
    )
    assert response.status_code == 200
    assert "is no longer waiting" in body(response)
    assert Assignment.objects.filter(request=assignment.request).count() == 1
    assert "messagelist" in body(response)


def test_reassigning_ends_the_old_assignment_and_starts_a_new_one(
    client: Client, administrator: Any, other_supporter: Any, assignment: Assignment
) -> None:
    sky = profile(other_supporter)
    client.force_login(administrator)
    page = body(client.get(match_url(assignment.request)))
    suggestions = between(page, 'id="matching-suggestions"', "</table>")
    assert 'value="reassign"' in suggestions
    # The current supporter is not offered again.
    assert "Dr. Sam Lee" not in suggestions
    assert "Dr. Sam Lee" in between(page, "Current assignment", "</dl>")

    response = post_action(client, assignment.request, action="reassign", supporter=str(sky.pk))
    assert "Reassigned to Dr. Sky Park. First contact is due by the end of" in body(response)
    assignment.refresh_from_db()
    assert assignment.end_reason == "reassigned"
    assert assignment.ended_by == administrator
    current = Assignment.objects.get(request=assignment.request, ended_at__isnull=True)
    assert (current.supporter, current.assigned_by) == (sky, administrator)


@pytest.mark.parametrize("matched", [False, True])
def test_withdrawing_a_waiting_or_matched_request(
    client: Client,
    administrator: Any,
    supporter: Any,
    waiting_request: SupportRequest,
    matched: bool,
) -> None:
    if matched:
        assign_supporter(
            request=waiting_request,
            supporter=profile(supporter),
            assigned_by=administrator,
            now=TUESDAY,
        )
    client.force_login(administrator)
    assert 'name="reason"' in body(client.get(match_url(waiting_request)))
    response = post_action(client, waiting_request, action="withdraw", reason="duplicate")
    assert f"{waiting_request.case_code} is withdrawn" in body(response)
    waiting_request.refresh_from_db()
    assert (waiting_request.status, waiting_request.withdrawal_reason) == (
        "withdrawn",
        "duplicate",
    )
    assert not Assignment.objects.filter(request=waiting_request, ended_at__isnull=True).exists()
    # A withdrawn request shows its status and offers nothing more.
    after = body(client.get(match_url(waiting_request)))
    assert "Withdrawn" in after
    assert 'name="action"' not in after


def test_withdrawing_without_a_reason_is_refused(
    client: Client, administrator: Any, waiting_request: SupportRequest
) -> None:
    client.force_login(administrator)
    response = post_action(client, waiting_request, action="withdraw", reason="")
    assert "Choose a reason for withdrawing the request." in body(response)
    waiting_request.refresh_from_db()
    assert waiting_request.status == "waiting"


def test_a_request_in_contact_cannot_be_withdrawn(
    client: Client, administrator: Any, other_supporter: Any, assignment: Assignment
) -> None:
    record_first_contact(
        assignment=assignment,
        contacted_at=TUESDAY + timedelta(hours=1),
        means="phone",
        now=TUESDAY + timedelta(hours=2),
    )
    client.force_login(administrator)
    page = body(client.get(match_url(assignment.request)))
    assert 'value="withdraw"' not in page
    assert 'value="reassign"' in page
    response = post_action(client, assignment.request, action="withdraw", reason="spam")
    assert "cannot be withdrawn" in body(response)
    assignment.request.refresh_from_db()
    assert assignment.request.status == "in_contact"


@pytest.mark.parametrize("value", ["", "abc", "999999", "1 OR 1=1", "²", "-1", "9" * 30, None])
def test_a_bad_supporter_id_gives_a_message_not_an_error(
    client: Client, administrator: Any, waiting_request: SupportRequest, value: str | None
) -> None:
    client.force_login(administrator)
    data = {"action": "assign"} if value is None else {"action": "assign", "supporter": value}
    response = post_action(client, waiting_request, **data)
    assert response.status_code == 200
    assert "Choose a supporter from the list; nothing was changed." in body(response)
    assert not Assignment.objects.exists()


def test_an_unknown_action_gives_a_message(
    client: Client, administrator: Any, waiting_request: SupportRequest
) -> None:
    client.force_login(administrator)
    response = post_action(client, waiting_request, action="delete")
    assert "Choose an action on the page." in body(response)


def test_a_post_without_the_csrf_token_is_refused(
    administrator: Any, supporter: Any, waiting_request: SupportRequest
) -> None:
    client = SignInClient(enforce_csrf_checks=True)
    client.force_login(administrator)
    response = client.post(
        match_url(waiting_request), {"action": "assign", "supporter": profile(supporter).pk}
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_opening_the_match_page_writes_an_access_log_row(
    client: Client, administrator: Any, waiting_request: SupportRequest
) -> None:
    client.force_login(administrator)
    assert client.get(match_url(waiting_request)).status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.request, log.view) == (administrator, waiting_request, "match page")


def test_an_unknown_request_is_a_404_and_logs_nothing(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    url = reverse("admin:matching_queuedrequest_match", args=[uuid.uuid4()])
    assert client.get(url).status_code == 404
    assert not AccessLog.objects.exists()


def test_a_closed_request_shows_its_status_and_no_actions(
    client: Client, administrator: Any, waiting_request: SupportRequest
) -> None:
    withdraw_request(
        request=waiting_request, reason="spam", withdrawn_by=administrator, now=TUESDAY
    )
    client.force_login(administrator)
    response = client.get(match_url(waiting_request))
    assert response.status_code == 200
    page = body(response)
    assert "Withdrawn" in page
    assert '<form method="post"' not in between(page, 'id="content-main"')
    response = post_action(client, waiting_request, action="assign", supporter="1")
    assert waiting_request.case_code in body(response)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "supporter", "lead"])
def test_people_without_the_admin_role_cannot_match(
    client: Client, persona: str, request: Any, waiting_request: SupportRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for response in (
        client.get(QUEUE),
        client.get(match_url(waiting_request)),
        client.post(match_url(waiting_request), {"action": "withdraw", "reason": "spam"}),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")
    waiting_request.refresh_from_db()
    assert waiting_request.status == "waiting"
    assert not AccessLog.objects.exists()


def test_staff_without_the_matching_permission_get_403(
    client: Client, waiting_request: SupportRequest
) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(match_url(waiting_request)).status_code == 403
    assert client.post(match_url(waiting_request), {"action": "withdraw"}).status_code == 403
    assert not AccessLog.objects.exists()


def test_staff_emails_carry_no_requester_name_email_or_reason(
    client: Client, administrator: Any, supporter: Any, other_supporter: Any
) -> None:
    support_request = SupportRequestFactory(
        name="Quiet Person", email="quiet.person@example.org", reasons=["complaint"]
    )
    client.force_login(administrator)
    post_action(client, support_request, action="assign", supporter=str(profile(supporter).pk))
    post_action(
        client, support_request, action="reassign", supporter=str(profile(other_supporter).pk)
    )
    assignment = Assignment.objects.get(request=support_request, ended_at__isnull=True)
    flag_safety_concern(assignment=assignment, raised_by=other_supporter)
    post_action(client, support_request, action="withdraw", reason="requester_asked")
    staff_emails = OutgoingEmail.objects.exclude(to_address=support_request.email)
    assert {email.kind for email in staff_emails} >= {
        "new_contact",
        "contact_moved",
        "safety_concern",
    }
    for email in staff_emails:
        text = f"{email.subject}\n{email.body_text}\n{email.body_html}"
        assert "Quiet Person" not in text
        assert "quiet.person@example.org" not in text
        assert "complaint" not in text.lower()


# --- Safety concerns, debriefs and assignments ---------------------------------------


def test_the_safety_banner_links_to_the_open_concern_until_marked_handled(
    client: Client, administrator: Any, supporter: Any, assignment: Assignment
) -> None:
    concern, _created = flag_safety_concern(
        assignment=assignment, raised_by=supporter, now=TUESDAY + timedelta(hours=1)
    )
    client.force_login(administrator)
    code = assignment.request.case_code
    concern_url = reverse("admin:matching_safetyconcern_change", args=[concern.pk])
    for url in ("/admin/", QUEUE, match_url(assignment.request)):
        page = body(client.get(url))
        banner = between(page, 'role="alert"', "</div>")
        assert f"A supporter needs you about request {code}" in banner
        assert f'href="{concern_url}"' in banner
    listing = body(client.get(reverse("admin:matching_safetyconcern_changelist")))
    assert code in listing and "Open" in listing

    response = client.post(concern_url, {"_mark_handled": "1"}, follow=True)
    assert response.redirect_chain == [(concern_url, 302)]
    assert "Marked handled." in body(response)
    concern.refresh_from_db()
    assert concern.handled_by == administrator
    assert concern.handled_at is not None
    assert 'role="alert"' not in body(client.get("/admin/"))


def test_a_debrief_is_marked_handled_from_its_own_page(
    client: Client, administrator: Any, supporter: Any
) -> None:
    Supporter.objects.filter(user=supporter).update(phone="604 555 0142")
    debrief, _created = ask_for_debrief(supporter=profile(supporter), now=TUESDAY)
    client.force_login(administrator)
    url = reverse("admin:matching_debriefrequest_change", args=[debrief.pk])
    page = body(client.get(url))
    assert "Dr. Sam Lee" in page and "Mark handled" in page
    assert 'href="tel:6045550142">604 555 0142</a>' in page
    response = client.post(url, {"_mark_handled": "1"}, follow=True)
    assert "Marked handled." in body(response)
    debrief.refresh_from_db()
    assert debrief.handled_by == administrator
    # A second time tells the administrator it was already done, and by whom.
    response = client.post(url, {"_mark_handled": "1"}, follow=True)
    assert "This was already marked handled: Handled" in body(response)
    assert "by Alice Admin" in body(response)
    assert 'name="_mark_handled"' not in body(response)


def test_safety_concerns_and_debriefs_cannot_be_added_edited_or_deleted(
    client: Client, administrator: Any, supporter: Any, assignment: Assignment
) -> None:
    concern, _created = flag_safety_concern(assignment=assignment, raised_by=supporter)
    debrief, _created = ask_for_debrief(supporter=profile(supporter))
    client.force_login(administrator)
    for model, obj in (("safetyconcern", concern), ("debriefrequest", debrief)):
        assert client.get(f"/admin/matching/{model}/add/").status_code == 403
        assert client.get(f"/admin/matching/{model}/{obj.pk}/delete/").status_code == 403
        assert client.post(f"/admin/matching/{model}/{obj.pk}/change/", {}).status_code == 403
    assert SafetyConcern.objects.filter(handled_at__isnull=True).count() == 1
    assert DebriefRequest.objects.filter(handled_at__isnull=True).count() == 1


def test_assignments_are_listed_read_only(
    client: Client, administrator: Any, assignment: Assignment
) -> None:
    client.force_login(administrator)
    listing = body(client.get("/admin/matching/assignment/"))
    assert assignment.request.case_code in listing and "Dr. Sam Lee" in listing
    assert assignment.request.name not in listing
    search = body(client.get("/admin/matching/assignment/", {"q": assignment.request.case_code}))
    assert "Dr. Sam Lee" in search
    assert client.get("/admin/matching/assignment/add/").status_code == 403
    change = f"/admin/matching/assignment/{assignment.pk}/change/"
    assert client.get(change).status_code == 200
    assert client.post(change, {"supporter": 1}).status_code == 403
    assert client.get(f"/admin/matching/assignment/{assignment.pk}/delete/").status_code == 403


def test_scratch_notes_are_not_in_the_admin(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    assert client.get("/admin/matching/scratchnote/").status_code == 404
    assert not re.search(r"scratch", body(client.get("/admin/")), re.IGNORECASE)


def test_match_page_shows_each_supporters_recent_time_to_first_contact(
    client: Client, administrator: Any, supporter: Any
) -> None:
    earlier = SupportRequestFactory(submitted_at=TUESDAY - timedelta(days=7))
    assignment = assign_supporter(
        request=earlier,
        supporter=profile(supporter),
        assigned_by=administrator,
        now=TUESDAY - timedelta(days=7),
    )
    record_first_contact(
        assignment=assignment,
        contacted_at=assignment.assigned_at + timedelta(hours=5),
        means="phone",
        now=TUESDAY,
    )
    SupporterFactory(display_name="Dr. New Colleague")
    waiting = SupportRequestFactory(submitted_at=TUESDAY)
    client.force_login(administrator)
    with time_machine.travel(TUESDAY, tick=False):
        page = body(client.get(match_url(waiting)))
    suggestions = between(page, 'id="matching-suggestions"', "</table>")
    assert "<td>5 hours</td>" in between(suggestions, "Dr. Sam Lee", "</tr>")
    assert "<td>—</td>" in between(suggestions, "Dr. New Colleague", "</tr>")
