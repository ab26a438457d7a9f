"""The supporter portal: only one's own active contacts, and each action through the page."""

import html
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

from accounts.models import User
from accounts.roles import SUPPORTERS
from intake.models import AccessLog, SupportRequest
from matching.models import (
    Assignment,
    Conversation,
    DebriefRequest,
    SafetyConcern,
    ScratchNote,
)
from matching.services import (
    assign_supporter,
    close_request,
    flag_safety_concern,
    read_note,
    reassign,
    record_first_contact,
    save_note,
)
from notifications.models import OutgoingEmail
from supporters.models import Supporter
from tests.factories import SupportRequestFactory, UserFactory
from tests.matching.conftest import TUESDAY, VANCOUVER

pytestmark = pytest.mark.django_db

PORTAL = "/portal/"
# The assignment fixture is made on TUESDAY, so first contact is due at Friday's end.
WEDNESDAY = TUESDAY + timedelta(days=1)
FRIDAY = datetime(2026, 3, 13, 15, 0, tzinfo=VANCOUVER)
NEXT_MONDAY = datetime(2026, 3, 16, 10, 0, tzinfo=VANCOUVER)

ACTIONS = [
    "record_first_contact",
    "log_conversation",
    "save_note",
    "destroy_note",
    "hand_back",
    "close",
    "flag_safety_concern",
    "ask_for_debrief",
]


@pytest.fixture(autouse=True)
def _on_wednesday() -> Iterator[None]:
    """The pages run on the Wednesday after the assignment, unless a test travels on."""
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def profile(user: User) -> Supporter:
    return Supporter.objects.get(user=user)


def contact_url(assignment: Assignment | uuid.UUID) -> str:
    public_id = assignment.public_id if isinstance(assignment, Assignment) else assignment
    return f"/portal/contacts/{public_id}/"


def body(response: Any) -> str:
    return str(response.content.decode())


def action_data(action: str, **changes: str) -> dict[str, str]:
    """A valid POST for each action on a contact assigned on TUESDAY, seen on WEDNESDAY."""
    data = {
        "record_first_contact": {
            "first_contact-contacted_on": "2026-03-11",
            "first_contact-contacted_time": "09:15",
            "first_contact-means": "phone",
        },
        "log_conversation": {
            "conversation-held_on": "2026-03-11",
            "conversation-minutes": "30",
            "conversation-modality": "phone",
            "conversation-is_follow_up_planned": "yes",
            "conversation-notes_destroyed": "on",
            "conversation-submission_key": str(uuid.uuid4()),
        },
        "save_note": {"note-text": "Ask how the week went."},
        "destroy_note": {},
        "hand_back": {"hand_back-reason": "no_capacity"},
        "close": {"close-outcome": "unreachable"},
        "flag_safety_concern": {},
        "ask_for_debrief": {},
    }[action]
    return {"action": action, **data, **changes}


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def snapshot() -> dict[str, Any]:
    """Everything an action could change, to show that nothing did."""
    return {
        "assignments": list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "ended_at", "end_reason", "first_contact_at", "supporter_id"
            )
        ),
        "requests": list(
            SupportRequest.objects.order_by("pk").values_list(
                "pk", "status", "outcome", "referred_to", "waiting_since"
            )
        ),
        "conversations": Conversation.objects.count(),
        "notes": list(ScratchNote.objects.order_by("pk").values_list("pk", "key_id", "updated_at")),
        "concerns": SafetyConcern.objects.count(),
        "debriefs": DebriefRequest.objects.count(),
        "emails": OutgoingEmail.objects.count(),
        "access": AccessLog.objects.count(),
    }


def assign(user: User, administrator: User, **request_fields: Any) -> Assignment:
    """Assign a new waiting request to `user`'s profile on TUESDAY, through the service."""
    return assign_supporter(
        request=SupportRequestFactory(submitted_at=TUESDAY, **request_fields),
        supporter=profile(user),
        assigned_by=administrator,
        now=TUESDAY,
    )


def reached(assignment: Assignment) -> Assignment:
    return record_first_contact(
        assignment=assignment,
        contacted_at=TUESDAY + timedelta(hours=2),
        means="phone",
        now=TUESDAY + timedelta(hours=2),
    )


@pytest.fixture
def signed_in(client: Client, supporter: User) -> Client:
    client.force_login(supporter)
    return client


# --- Who may open the portal ---------------------------------------------------------------


@pytest.mark.parametrize("path", [PORTAL, contact_url(uuid.UUID(int=1))])
def test_anonymous_visitor_is_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("persona", ["outsider", "lead", "administrator"])
def test_people_who_are_not_supporters_get_403(
    client: Client, persona: str, request: pytest.FixtureRequest, assignment: Assignment
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(PORTAL).status_code == 403
    assert client.get(contact_url(assignment)).status_code == 403
    before = snapshot()
    assert client.post(contact_url(assignment), action_data("hand_back")).status_code == 403
    assert snapshot() == before


def test_a_supporter_account_without_a_profile_gets_403(client: Client) -> None:
    client.force_login(UserFactory(role=SUPPORTERS))
    response = client.get(PORTAL)
    assert response.status_code == 403
    assert "not available to you" in body(response)


def test_home_sends_a_supporter_to_the_portal(signed_in: Client) -> None:
    response = signed_in.get("/accounts/")
    assert response.status_code == 302
    assert response.headers["Location"] == PORTAL


# --- The 404 rule: anything but one's own active contact ------------------------------------


@pytest.fixture
def unreachable_contacts(
    supporter: User, other_supporter: User, administrator: User
) -> dict[str, str]:
    """The contact URLs a supporter must never open, each with what makes it so."""
    others = assign(other_supporter, administrator)
    save_note(assignment=others, text="The other supporter's note", now=TUESDAY)
    moved = assign(supporter, administrator)
    reassign(
        request=moved.request,
        supporter=profile(other_supporter),
        assigned_by=administrator,
        now=TUESDAY + timedelta(hours=1),
    )
    closed = reached(assign(supporter, administrator))
    close_request(
        assignment=closed,
        outcome="completed",
        closed_by=supporter,
        now=TUESDAY + timedelta(hours=3),
    )
    return {
        "another supporter's": contact_url(others),
        "reassigned away": contact_url(moved),
        "closed": contact_url(closed),
        "unknown": contact_url(uuid.uuid4()),
        "not a uuid": "/portal/contacts/not-a-uuid/",
    }


@pytest.mark.parametrize(
    "which", ["another supporter's", "reassigned away", "closed", "unknown", "not a uuid"]
)
def test_a_contact_that_is_not_ones_own_active_one_is_a_404(
    signed_in: Client, unreachable_contacts: dict[str, str], which: str
) -> None:
    before = snapshot()
    response = signed_in.get(unreachable_contacts[which])
    assert response.status_code == 404
    assert "The other supporter's note" not in body(response)
    assert snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "which", ["another supporter's", "reassigned away", "closed", "unknown", "not a uuid"]
)
def test_every_action_on_a_contact_that_is_not_ones_own_is_a_404_and_changes_nothing(
    signed_in: Client, unreachable_contacts: dict[str, str], which: str, action: str
) -> None:
    before = snapshot()
    response = signed_in.post(unreachable_contacts[which], action_data(action))
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_post_from_a_stale_page_after_a_hand_back_is_a_404_and_changes_nothing(
    signed_in: Client, assignment: Assignment, action: str
) -> None:
    response = signed_in.post(contact_url(assignment), action_data("hand_back"))
    assert response.status_code == 302
    before = snapshot()
    response = signed_in.post(contact_url(assignment), action_data(action))
    assert response.status_code == 404
    assert snapshot() == before


def test_an_unknown_action_is_a_bad_request(signed_in: Client, assignment: Assignment) -> None:
    before = snapshot()
    assert signed_in.post(contact_url(assignment), {"action": "delete"}).status_code == 400
    assert snapshot() == before


# --- The list ------------------------------------------------------------------------------


def test_the_portal_lists_the_supporters_own_contacts_with_how_to_reach_them(
    signed_in: Client, supporter: User, other_supporter: User, administrator: User
) -> None:
    mine = assign(
        supporter,
        administrator,
        name="Dr. Robin Hale",
        email="robin@example.org",
        phone="604 555 0199",
        best_times="Tuesday lunch",
        preferred_contact="text",
        modality="video",
        language="fr",
    )
    assign(other_supporter, administrator, name="Dr. Someone Else")
    response = signed_in.get(PORTAL)
    page = body(response)
    assert response.status_code == 200
    for shown in (
        "Dr. Robin Hale",
        "robin@example.org",
        "604 555 0199",
        "Tuesday lunch",
        "Text message",
        "Video",
        "French",
        mine.request.case_code,
        contact_url(mine),
    ):
        assert shown in page, shown
    assert "Dr. Someone Else" not in page


def test_contacts_are_listed_most_urgent_first(
    signed_in: Client, supporter: User, administrator: User
) -> None:
    later = assign_supporter(
        request=SupportRequestFactory(submitted_at=TUESDAY, name="Later Person"),
        supporter=profile(supporter),
        assigned_by=administrator,
        now=WEDNESDAY,
    )
    sooner = assign(supporter, administrator, name="Sooner Person")
    assert later.contact_due_at > sooner.contact_due_at
    page = body(signed_in.get(PORTAL))
    assert page.index("Sooner Person") < page.index("Later Person")


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (WEDNESDAY, "2 business days left"),
        (TUESDAY + timedelta(days=2), "1 business day left"),
        (FRIDAY, "Due today"),
        (NEXT_MONDAY, "Overdue"),
    ],
)
def test_each_contact_shows_the_business_days_left_to_its_deadline(
    signed_in: Client, supporter: User, assignment: Assignment, moment: datetime, words: str
) -> None:
    with time_machine.travel(moment, tick=False):
        signed_in.force_login(supporter)  # a session ends after 30 minutes idle
        page = body(signed_in.get(PORTAL))
    assert words in page
    assert "Friday 13 March" in page
    assert ("portal-overdue" in page) == (words == "Overdue")


def test_a_reached_contact_shows_first_contact_instead_of_a_deadline(
    signed_in: Client, supporter: User, assignment: Assignment
) -> None:
    reached(assignment)
    with time_machine.travel(NEXT_MONDAY, tick=False):
        signed_in.force_login(supporter)  # a session ends after 30 minutes idle
        page = body(signed_in.get(PORTAL))
    assert "First contact recorded on March 10, 2026." in page
    assert "Overdue" not in page


def test_the_portal_shows_the_supporters_load_and_links_to_my_profile(
    signed_in: Client, supporter: User, assignment: Assignment
) -> None:
    Supporter.objects.filter(user=supporter).update(
        accepts_new=False, away_until=WEDNESDAY.date() + timedelta(days=5)
    )
    page = body(signed_in.get(PORTAL))
    assert "1 of 3" in page
    assert "March 16, 2026" in page
    assert 'href="/portal/profile/"' in page


def test_recently_closed_shows_the_case_code_and_outcome_only_for_a_week(
    signed_in: Client, supporter: User, administrator: User
) -> None:
    recent = reached(assign(supporter, administrator, name="Dr. Closed Recently"))
    close_request(
        assignment=recent,
        outcome="referred_on",
        referred_to="eap",
        closed_by=supporter,
        now=TUESDAY + timedelta(hours=5),
    )
    older = reached(assign(supporter, administrator, name="Dr. Closed Long Ago"))
    close_request(
        assignment=older, outcome="completed", closed_by=supporter, now=TUESDAY + timedelta(hours=4)
    )
    with time_machine.travel(TUESDAY + timedelta(days=7, hours=4, minutes=30), tick=False):
        signed_in.force_login(supporter)  # a session ends after 30 minutes idle
        page = body(signed_in.get(PORTAL))
    closed_section = page[page.index("Recently closed") :]
    assert recent.request.case_code in closed_section
    assert "Referred on to another resource (EAP/EFAP)" in closed_section
    assert "Dr. Closed Recently" not in page
    assert recent.request.email not in page
    assert contact_url(recent) not in page
    assert older.request.case_code not in page


def test_the_portal_writes_one_access_log_row_per_listed_request(
    signed_in: Client, supporter: User, administrator: User
) -> None:
    first = assign(supporter, administrator)
    second = assign(supporter, administrator)
    signed_in.get(PORTAL)
    rows = AccessLog.objects.filter(user=supporter, view="portal")
    assert sorted(rows.values_list("request_id", flat=True)) == sorted(
        [first.request_id, second.request_id]
    )
    assert {row.accessed_at for row in rows} == {WEDNESDAY}


def test_portal_pages_are_not_stored_by_the_browser(
    signed_in: Client, assignment: Assignment
) -> None:
    assert "no-store" in signed_in.get(PORTAL).headers["Cache-Control"]
    assert "no-store" in signed_in.get(contact_url(assignment)).headers["Cache-Control"]


def _many_contacts(user: User, administrator: User, count: int) -> Assignment:
    """Give `user` `count` active contacts (past their capacity, made directly), with a note
    and a concern on some, a conversation and a recently closed one; return the first."""
    supporter = profile(user)
    first = None
    for index in range(count):
        support_request = SupportRequestFactory(
            submitted_at=TUESDAY, status="matched", first_matched_at=TUESDAY
        )
        assignment = Assignment.objects.create(
            request=support_request,
            supporter=supporter,
            assigned_by=administrator,
            assigned_at=TUESDAY,
            contact_due_at=TUESDAY + timedelta(days=3, minutes=index),
            remind_at=TUESDAY + timedelta(days=3),
        )
        if index % 3 == 0:
            save_note(assignment=assignment, text="note", now=TUESDAY)
        if index % 5 == 0:
            flag_safety_concern(assignment=assignment, raised_by=user, now=TUESDAY)
        first = first or assignment
    assert first is not None
    Conversation.objects.create(
        assignment=first,
        held_on=TUESDAY.date(),
        minutes=30,
        modality="phone",
        is_follow_up_planned=True,
        logged_at=TUESDAY,
    )
    closed = SupportRequestFactory(
        submitted_at=TUESDAY,
        status="closed",
        first_matched_at=TUESDAY,
        first_contact_at=TUESDAY,
        closed_at=TUESDAY,
        outcome="completed",
    )
    Assignment.objects.create(
        request=closed,
        supporter=supporter,
        assigned_by=administrator,
        assigned_at=TUESDAY - timedelta(days=1),
        contact_due_at=TUESDAY + timedelta(days=2),
        remind_at=TUESDAY + timedelta(days=2),
        ended_at=TUESDAY,
        end_reason="closed",
        ended_by=user,
    )
    return first


# Session, user, second-factor device, roles, profile, contacts, calendar, access log,
# availability, closed, open safety concerns, the supporter's totals of the year (three),
# and the next supervision sessions.
PORTAL_QUERIES = 15
# Session, user, second-factor device, roles, contact, calendar, note, access log,
# conversations.
CONTACT_QUERIES = 9


@pytest.mark.parametrize("count", [3, 30])
def test_the_portal_runs_a_fixed_number_of_queries(
    signed_in: Client,
    supporter: User,
    administrator: User,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    _many_contacts(supporter, administrator, count)
    with django_assert_max_num_queries(PORTAL_QUERIES):
        response = signed_in.get(PORTAL)
    assert len(set(re.findall(r"/portal/contacts/[0-9a-f-]+/", body(response)))) == count


@pytest.mark.parametrize("count", [3, 30])
def test_a_contact_page_runs_a_fixed_number_of_queries(
    signed_in: Client,
    supporter: User,
    administrator: User,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    first = _many_contacts(supporter, administrator, count)
    with django_assert_max_num_queries(CONTACT_QUERIES):
        response = signed_in.get(contact_url(first))
    assert response.status_code == 200
    assert "You flagged a safety concern" in body(response)


# --- One contact ---------------------------------------------------------------------------


def test_a_contact_page_shows_the_contact_and_writes_an_access_log_row(
    signed_in: Client, supporter: User, assignment: Assignment
) -> None:
    response = signed_in.get(contact_url(assignment))
    page = body(response)
    assert response.status_code == 200
    support_request = assignment.request
    for shown in (
        support_request.name,
        support_request.email,
        support_request.phone,
        support_request.best_times,
        support_request.case_code,
    ):
        assert shown in page
    assert "2 business days left" in page
    assert support_request.name not in page[: page.index("</title>")]
    row = AccessLog.objects.get()
    assert (row.user, row.request_id, row.view) == (supporter, support_request.pk, "portal contact")


def test_record_first_contact_moves_the_request_into_contact(
    signed_in: Client, assignment: Assignment
) -> None:
    response = signed_in.post(
        contact_url(assignment), action_data("record_first_contact"), follow=True
    )
    assert response.redirect_chain == [(contact_url(assignment), 302)]
    assert "First contact is recorded. The reminders for it stop." in messages_of(response)
    assignment.refresh_from_db()
    assert assignment.first_contact_at == datetime(2026, 3, 11, 9, 15, tzinfo=VANCOUVER)
    assert assignment.first_contact_means == "phone"
    assert SupportRequest.objects.get(pk=assignment.request_id).status == "in_contact"
    assert "You first reached them on March 11, 2026 at 9:15" in body(response)


def test_recording_first_contact_twice_says_so_and_keeps_the_first(
    signed_in: Client, assignment: Assignment
) -> None:
    signed_in.post(contact_url(assignment), action_data("record_first_contact"))
    before = snapshot()
    response = signed_in.post(
        contact_url(assignment),
        action_data("record_first_contact", **{"first_contact-contacted_time": "09:45"}),
        follow=True,
    )
    assert "First contact is already recorded for this contact." in messages_of(response)
    after = snapshot()
    assert after["assignments"] == before["assignments"]
    assert after["requests"] == before["requests"]


def test_first_contact_in_the_future_is_refused_with_the_services_message(
    signed_in: Client, assignment: Assignment
) -> None:
    before = snapshot()
    response = signed_in.post(
        contact_url(assignment),
        action_data("record_first_contact", **{"first_contact-contacted_time": "11:00"}),
        follow=True,
    )
    assert "First contact cannot be in the future." in messages_of(response)
    assert snapshot()["assignments"] == before["assignments"]


def test_first_contact_in_the_assignments_own_minute_is_accepted(
    signed_in: Client, assignment: Assignment
) -> None:
    # Assigned at 10:00:00 on TUESDAY; the form can only say "10:00".
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=TUESDAY + timedelta(seconds=42))
    response = signed_in.post(
        contact_url(assignment),
        action_data(
            "record_first_contact",
            **{"first_contact-contacted_on": "2026-03-10", "first_contact-contacted_time": "10:00"},
        ),
        follow=True,
    )
    assert "First contact is recorded. The reminders for it stop." in messages_of(response)
    assignment.refresh_from_db()
    assert assignment.first_contact_at == TUESDAY + timedelta(seconds=42)


def test_first_contact_a_minute_before_the_assignment_is_refused(
    signed_in: Client, assignment: Assignment
) -> None:
    response = signed_in.post(
        contact_url(assignment),
        action_data(
            "record_first_contact",
            **{"first_contact-contacted_on": "2026-03-10", "first_contact-contacted_time": "09:59"},
        ),
        follow=True,
    )
    assert "First contact cannot be before the contact was assigned to you." in messages_of(
        response
    )
    assignment.refresh_from_db()
    assert assignment.first_contact_at is None


def test_a_first_contact_form_with_errors_keeps_what_was_typed(
    signed_in: Client, assignment: Assignment
) -> None:
    data = action_data("record_first_contact", **{"first_contact-contacted_on": "2026-03-10"})
    del data["first_contact-means"]
    response = signed_in.post(contact_url(assignment), data)
    page = body(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_first_contact-means_0"' in page
    assert "Choose how you reached the person." in page
    assert 'value="2026-03-10"' in page
    assert 'value="09:15"' in page
    assert Assignment.objects.get(pk=assignment.pk).first_contact_at is None


def test_logging_a_conversation_records_date_minutes_and_modality_only(
    signed_in: Client, assignment: Assignment
) -> None:
    response = signed_in.post(contact_url(assignment), action_data("log_conversation"), follow=True)
    assert "The conversation of 30 minutes is logged." in messages_of(response)
    conversation = Conversation.objects.get()
    assert (
        conversation.assignment_id,
        conversation.held_on.isoformat(),
        conversation.minutes,
        conversation.modality,
        conversation.is_follow_up_planned,
    ) == (assignment.pk, "2026-03-11", 30, "phone", True)
    assert "Conversations logged" in body(response)


def test_the_same_conversation_sent_twice_is_logged_once(
    signed_in: Client, assignment: Assignment
) -> None:
    data = action_data("log_conversation")
    signed_in.post(contact_url(assignment), data)
    response = signed_in.post(contact_url(assignment), data, follow=True)
    assert "This conversation was already logged; nothing was added." in messages_of(response)
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"conversation-minutes": "241"}, "minutes", "Enter at most 240 minutes."),
        ({"conversation-minutes": "4"}, "minutes", "Enter at least 5 minutes."),
        ({"conversation-minutes": "12.5"}, "minutes", "Enter a whole number of minutes"),
        (
            {"conversation-notes_destroyed": ""},
            "notes_destroyed",
            "Destroy any notes from the conversation, then tick this box.",
        ),
        ({"conversation-modality": "carrier pigeon"}, "modality_0", "Select a valid choice."),
    ],
)
def test_a_conversation_form_with_errors_is_shown_again_with_the_errors(
    signed_in: Client, assignment: Assignment, changes: dict[str, str], field: str, error: str
) -> None:
    changes = {"conversation-held_on": "2026-03-10", **changes}
    data = {
        key: value for key, value in action_data("log_conversation", **changes).items() if value
    }
    response = signed_in.post(contact_url(assignment), data)
    page = body(response)
    assert response.status_code == 200
    assert f'href="#id_conversation-{field}"' in page
    assert error in page
    assert data["conversation-submission_key"] in page
    assert 'value="2026-03-10"' in page
    assert Conversation.objects.count() == 0


def test_a_conversation_on_a_future_date_is_refused(
    signed_in: Client, assignment: Assignment
) -> None:
    response = signed_in.post(
        contact_url(assignment),
        action_data("log_conversation", **{"conversation-held_on": "2026-03-12"}),
        follow=True,
    )
    assert "A conversation cannot be logged for a future date." in messages_of(response)
    assert Conversation.objects.count() == 0


def test_a_scratch_note_is_saved_with_its_countdown_and_editing_does_not_extend_it(
    signed_in: Client, supporter: User, assignment: Assignment
) -> None:
    response = signed_in.post(contact_url(assignment), action_data("save_note"), follow=True)
    assert messages_of(response) == [
        "Your note is saved. It will be destroyed automatically at 10 p.m. on March 11, 2026."
    ]
    page = body(response)
    assert "Ask how the week went." in page
    assert "Destroyed automatically in 12 hours." in page
    with time_machine.travel(WEDNESDAY + timedelta(hours=1, minutes=30), tick=False):
        signed_in.force_login(supporter)  # signed out after 30 minutes idle: back again
        signed_in.post(
            contact_url(assignment), action_data("save_note", **{"note-text": "Edited."})
        )
        page = body(signed_in.get(contact_url(assignment)))
        listed = body(signed_in.get(PORTAL))
    assert "Edited." in page
    assert "Destroyed automatically in 11 hours." in page
    assert "Destroyed automatically in 11 hours." in listed
    note = ScratchNote.objects.get()
    assert note.first_written_at == WEDNESDAY
    assert read_note(note) == "Edited."


def test_an_expired_note_not_yet_purged_is_not_shown(
    signed_in: Client, assignment: Assignment
) -> None:
    save_note(assignment=assignment, text="Old thoughts", now=TUESDAY)
    page = body(signed_in.get(contact_url(assignment)))
    assert "Old thoughts" not in page
    assert "Destroyed automatically" not in page


def test_destroy_now_deletes_the_note(signed_in: Client, assignment: Assignment) -> None:
    signed_in.post(contact_url(assignment), action_data("save_note"))
    response = signed_in.post(contact_url(assignment), action_data("destroy_note"), follow=True)
    assert "Your note is destroyed." in messages_of(response)
    assert not ScratchNote.objects.exists()
    assert "Ask how the week went." not in body(response)
    again = signed_in.post(contact_url(assignment), action_data("destroy_note"), follow=True)
    assert "There was no note to destroy." in messages_of(again)


def test_a_note_over_2000_characters_is_refused_and_kept_in_the_form(
    signed_in: Client, assignment: Assignment
) -> None:
    text = "a" * 2001
    response = signed_in.post(
        contact_url(assignment), action_data("save_note", **{"note-text": text})
    )
    page = body(response)
    assert response.status_code == 200
    assert "Keep the note to 2,000 characters or fewer; it has 2,001." in page
    assert 'href="#id_note-text"' in page
    assert f">\n{text}</textarea>" in page
    assert not ScratchNote.objects.exists()


def test_a_line_break_counts_as_one_character_as_in_the_browser(
    signed_in: Client, assignment: Assignment
) -> None:
    text = "a" * 999 + "\r\n" + "b" * 1000
    signed_in.post(contact_url(assignment), action_data("save_note", **{"note-text": text}))
    assert read_note(ScratchNote.objects.get()) == "a" * 999 + "\n" + "b" * 1000


def test_the_note_never_reaches_an_error_report(signed_in: Client, assignment: Assignment) -> None:
    data = action_data("save_note", **{"note-text": "Private words"})
    response = signed_in.post(contact_url(assignment), data)
    reported = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert reported["note-text"] != "Private words"
    assert reported["action"] == "save_note"


def test_a_script_in_the_note_is_shown_as_text(signed_in: Client, assignment: Assignment) -> None:
    script = "<script>alert('x')</script>"
    signed_in.post(contact_url(assignment), action_data("save_note", **{"note-text": script}))
    page = body(signed_in.get(contact_url(assignment)))
    assert script not in page
    assert html.escape(script) in page


def test_handing_back_returns_the_request_to_the_queue_and_destroys_the_note(
    signed_in: Client, supporter: User, assignment: Assignment, administrator: User
) -> None:
    signed_in.post(contact_url(assignment), action_data("save_note"))
    emails_before = OutgoingEmail.objects.count()
    response = signed_in.post(contact_url(assignment), action_data("hand_back"), follow=True)
    assert response.redirect_chain == [(PORTAL, 302)]
    assert (
        f"You handed {assignment.request.case_code} back. The program administrator will "
        "match it with another supporter."
    ) in messages_of(response)
    assignment.refresh_from_db()
    assert (assignment.end_reason, assignment.hand_back_reason, assignment.ended_by) == (
        "handed_back",
        "no_capacity",
        supporter,
    )
    assert SupportRequest.objects.get(pk=assignment.request_id).status == "waiting"
    assert not ScratchNote.objects.exists()
    email = OutgoingEmail.objects.get(kind="handed_back")
    assert email.to_address == administrator.email
    assert OutgoingEmail.objects.count() == emails_before + 1
    assert assignment.request.name not in body(response)
    assert signed_in.get(contact_url(assignment)).status_code == 404


def test_hand_back_needs_a_reason(signed_in: Client, assignment: Assignment) -> None:
    before = snapshot()
    response = signed_in.post(contact_url(assignment), {"action": "hand_back"})
    assert response.status_code == 200
    assert "Choose why you are handing the contact back." in body(response)
    assert snapshot()["assignments"] == before["assignments"]


def test_a_contact_not_reached_yet_is_offered_only_unreachable_or_declined(
    signed_in: Client, assignment: Assignment
) -> None:
    page = body(signed_in.get(contact_url(assignment)))
    assert 'value="unreachable"' in page
    assert 'value="declined"' in page
    assert 'value="completed"' not in page
    assert 'name="close-referred_to"' not in page
    before = snapshot()
    response = signed_in.post(
        contact_url(assignment), action_data("close", **{"close-outcome": "completed"})
    )
    assert response.status_code == 200
    assert "Record first contact before closing with this outcome." in body(response)
    assert snapshot()["requests"] == before["requests"]


def test_closing_as_unreachable_ends_the_contact(signed_in: Client, assignment: Assignment) -> None:
    response = signed_in.post(contact_url(assignment), action_data("close"), follow=True)
    assert response.redirect_chain == [(PORTAL, 302)]
    support_request = SupportRequest.objects.get(pk=assignment.request_id)
    assert (support_request.status, support_request.outcome) == ("closed", "unreachable")
    assert f"{support_request.case_code} is closed: Unreachable after attempts." in " ".join(
        messages_of(response)
    )


def test_referred_on_needs_the_kind_of_resource(signed_in: Client, assignment: Assignment) -> None:
    reached(assignment)
    response = signed_in.post(
        contact_url(assignment), action_data("close", **{"close-outcome": "referred_on"})
    )
    page = body(response)
    assert response.status_code == 200
    assert 'href="#id_close-referred_to"' in page
    assert "Choose the kind of resource you referred the person to." in page
    assert re.search(r'value="referred_on"[^>]*checked', page)
    assert SupportRequest.objects.get(pk=assignment.request_id).status == "in_contact"


def test_closing_as_referred_on_records_the_kind_of_resource_and_destroys_the_note(
    signed_in: Client, assignment: Assignment
) -> None:
    reached(assignment)
    signed_in.post(contact_url(assignment), action_data("save_note"))
    response = signed_in.post(
        contact_url(assignment),
        action_data("close", **{"close-outcome": "referred_on", "close-referred_to": "crisis"}),
        follow=True,
    )
    assert response.redirect_chain == [(PORTAL, 302)]
    support_request = SupportRequest.objects.get(pk=assignment.request_id)
    assert (support_request.status, support_request.outcome, support_request.referred_to) == (
        "closed",
        "referred_on",
        "crisis",
    )
    assert not ScratchNote.objects.exists()
    page = body(response)
    assert "Referred on to another resource (Crisis service)" in page
    assert contact_url(assignment) not in page
    assert signed_in.get(contact_url(assignment)).status_code == 404


def test_flagging_a_safety_concern_tells_administrators_and_shows_the_guidance(
    signed_in: Client, supporter: User, assignment: Assignment, administrator: User
) -> None:
    response = signed_in.post(
        contact_url(assignment), action_data("flag_safety_concern"), follow=True
    )
    assert response.redirect_chain == [(contact_url(assignment) + "#safety-guidance", 302)]
    concern = SafetyConcern.objects.get()
    assert (concern.assignment_id, concern.raised_by, concern.raised_at) == (
        assignment.pk,
        supporter,
        WEDNESDAY,
    )
    email = OutgoingEmail.objects.get(kind="safety_concern")
    assert email.to_address == administrator.email
    assert assignment.request.case_code in email.body_text
    support_request = assignment.request
    for identifier in (support_request.name, support_request.email, support_request.phone):
        assert identifier not in email.subject + email.body_text + email.body_html
    page = body(response)
    assert 'id="safety-guidance"' in page
    assert "Call the program administrator now." in page
    assert "If anyone is in immediate danger, call 911." in page
    assert "If you need help right now" in page  # the crisis resources
    assert 'value="flag_safety_concern"' not in page


def test_flagging_a_safety_concern_twice_tells_nobody_twice(
    signed_in: Client, assignment: Assignment
) -> None:
    signed_in.post(contact_url(assignment), action_data("flag_safety_concern"))
    response = signed_in.post(
        contact_url(assignment), action_data("flag_safety_concern"), follow=True
    )
    assert any("were already told" in message for message in messages_of(response))
    assert SafetyConcern.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind="safety_concern").count() == 1


def test_asking_for_a_debrief_tells_administrators_once(
    signed_in: Client, supporter: User, assignment: Assignment, administrator: User
) -> None:
    response = signed_in.post(contact_url(assignment), action_data("ask_for_debrief"), follow=True)
    assert (
        "The program administrators are told you would like a debrief. "
        "They will get in touch with you."
    ) in messages_of(response)
    assert DebriefRequest.objects.get().supporter == profile(supporter)
    email = OutgoingEmail.objects.get(kind="debrief_requested")
    assert email.to_address == administrator.email
    assert assignment.request.case_code not in email.body_text
    again = signed_in.post(contact_url(assignment), action_data("ask_for_debrief"), follow=True)
    assert any("administrators were already told" in message for message in messages_of(again))
    assert DebriefRequest.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind="debrief_requested").count() == 1


def test_another_supporters_contact_is_not_in_the_portal_or_reachable_after_reassignment(
    client: Client,
    supporter: User,
    other_supporter: User,
    assignment: Assignment,
    administrator: User,
) -> None:
    new = reassign(
        request=assignment.request,
        supporter=profile(other_supporter),
        assigned_by=administrator,
        now=WEDNESDAY,
    )
    client.force_login(supporter)
    assert assignment.request.name not in body(client.get(PORTAL))
    assert client.get(contact_url(assignment)).status_code == 404
    assert client.get(contact_url(new)).status_code == 404
    client.force_login(other_supporter)
    assert client.get(contact_url(new)).status_code == 200


def test_a_debrief_can_be_asked_for_from_the_portal_after_the_contact_closed(
    signed_in: Client, supporter: User, assignment: Assignment, administrator: User
) -> None:
    signed_in.post(contact_url(assignment), action_data("close"))
    assert signed_in.get(contact_url(assignment)).status_code == 404
    page = body(signed_in.get(PORTAL))
    assert 'action="/portal/debrief/"' in page
    response = signed_in.post("/portal/debrief/", follow=True)
    assert response.redirect_chain == [(PORTAL, 302)]
    assert (
        "The program administrators are told you would like a debrief. "
        "They will get in touch with you."
    ) in messages_of(response)
    assert DebriefRequest.objects.get().supporter == profile(supporter)
    again = signed_in.post("/portal/debrief/", follow=True)
    assert any("administrators were already told" in message for message in messages_of(again))
    assert OutgoingEmail.objects.filter(kind="debrief_requested").count() == 1


def test_the_portal_debrief_takes_only_a_post_from_a_supporter(
    client: Client, signed_in: Client, outsider: User
) -> None:
    assert signed_in.get("/portal/debrief/").status_code == 405
    client.force_login(outsider)
    assert client.post("/portal/debrief/").status_code == 403
    assert DebriefRequest.objects.count() == 0
