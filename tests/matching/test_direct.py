"""Direct contacts: logged without identifiers, one's own for 7 days, counted in totals."""

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from matching.models import Assignment, DirectContact
from matching.selectors.direct import direct_contact_for, direct_contact_year, totals_of
from matching.services import (
    DirectContactFacts,
    MatchingRefused,
    correct_direct_contact,
    log_conversation,
    log_direct_contact,
    record_first_contact,
    remove_direct_contact,
)
from supporters.models import Supporter
from tests.matching.conftest import TUESDAY, VANCOUVER

pytestmark = pytest.mark.django_db

DIRECT = "/portal/direct/"
TODAY = TUESDAY.date()


def facts(**changes: Any) -> DirectContactFacts:
    values: dict[str, Any] = {
        "held_on": TODAY,
        "minutes": 30,
        "modality": "phone",
        "is_first_conversation": True,
        "is_follow_up_planned": False,
        "reason": "burnout",
        "career_stage": "early",
        "referred_to": "",
    }
    values.update(changes)
    return DirectContactFacts(**values)


def log(supporter: Supporter, *, now: datetime = TUESDAY, **changes: Any) -> DirectContact:
    return log_direct_contact(supporter=supporter, facts=facts(**changes), now=now)[0]


def form_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "held_on": TODAY.isoformat(),
        "minutes": "40",
        "modality": "video",
        "is_first_conversation": "yes",
        "reason": "complaint",
        "career_stage": "",
        "is_follow_up_planned": "no",
        "referred_to": "eap",
        "notes_destroyed": "on",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def entry_url(entry: DirectContact) -> str:
    return f"{DIRECT}{entry.public_id}/"


@pytest.fixture(autouse=True)
def _on_tuesday() -> Iterator[None]:
    with time_machine.travel(TUESDAY, tick=False):
        yield


@pytest.fixture
def signed_in(client: Client, supporter: User) -> Client:
    client.force_login(supporter)
    return client


# --- Services ------------------------------------------------------------------------------


def test_a_direct_contact_is_logged_with_its_categories(supporter_profile: Supporter) -> None:
    entry = log(supporter_profile, referred_to="physician_health", is_follow_up_planned=True)
    entry.refresh_from_db()
    assert (entry.supporter, entry.held_on, entry.minutes, entry.modality) == (
        supporter_profile,
        TODAY,
        30,
        "phone",
    )
    assert (entry.reason, entry.career_stage, entry.referred_to) == (
        "burnout",
        "early",
        "physician_health",
    )
    assert entry.is_follow_up_planned and entry.is_first_conversation
    assert entry.logged_at == TUESDAY


def test_the_same_form_sent_twice_logs_one_entry(supporter_profile: Supporter) -> None:
    key = uuid.uuid4()
    first, created = log_direct_contact(
        supporter=supporter_profile, facts=facts(), submission_key=key, now=TUESDAY
    )
    again, created_again = log_direct_contact(
        supporter=supporter_profile, facts=facts(minutes=90), submission_key=key, now=TUESDAY
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert DirectContact.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "future date"),
        ({"held_on": TODAY - timedelta(days=366)}, "within the last 365 days"),
        ({"minutes": 4}, "from 5 to 240 minutes"),
        ({"minutes": 241}, "from 5 to 240 minutes"),
        ({"modality": "carrier pigeon"}, "Use only the choices"),
        ({"reason": "Dr. Robin Hale, 604 555 0100"}, "Use only the choices"),
        ({"career_stage": "senior"}, "Use only the choices"),
        ({"referred_to": "Dr. Smith's clinic"}, "Use only the choices"),
    ],
)
def test_the_service_refuses_anything_but_dates_numbers_and_listed_words(
    supporter_profile: Supporter, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(MatchingRefused, match=message):
        log(supporter_profile, **changes)
    assert not DirectContact.objects.exists()


def test_a_date_a_year_back_and_today_late_at_night_are_accepted(
    supporter_profile: Supporter,
) -> None:
    late = datetime(2026, 3, 10, 23, 59, tzinfo=VANCOUVER)  # already Wednesday in UTC
    assert log(supporter_profile, now=late, held_on=date(2026, 3, 10)).held_on == date(2026, 3, 10)
    assert log(supporter_profile, held_on=TODAY - timedelta(days=365)).minutes == 30


def test_a_supporter_corrects_their_entry_within_7_days(supporter_profile: Supporter) -> None:
    entry = log(supporter_profile)
    later = TUESDAY + timedelta(days=6, hours=23)
    corrected = correct_direct_contact(
        entry=entry, supporter=supporter_profile, facts=facts(minutes=55, reason=""), now=later
    )
    corrected.refresh_from_db()
    assert (corrected.minutes, corrected.reason, corrected.logged_at) == (55, "", TUESDAY)


def test_an_entry_cannot_be_corrected_or_removed_after_7_days(
    supporter_profile: Supporter,
) -> None:
    entry = log(supporter_profile)
    week_later = TUESDAY + timedelta(days=7)
    with pytest.raises(MatchingRefused, match="corrected for 7 days"):
        correct_direct_contact(
            entry=entry, supporter=supporter_profile, facts=facts(minutes=55), now=week_later
        )
    with pytest.raises(MatchingRefused, match="corrected for 7 days"):
        remove_direct_contact(entry=entry, supporter=supporter_profile, now=week_later)
    entry.refresh_from_db()
    assert entry.minutes == 30


def test_a_supporter_cannot_correct_another_supporters_entry(
    supporter_profile: Supporter, other_supporter_profile: Supporter
) -> None:
    entry = log(other_supporter_profile)
    with pytest.raises(MatchingRefused):
        correct_direct_contact(
            entry=entry, supporter=supporter_profile, facts=facts(minutes=99), now=TUESDAY
        )
    with pytest.raises(MatchingRefused):
        remove_direct_contact(entry=entry, supporter=supporter_profile, now=TUESDAY)
    assert DirectContact.objects.get().minutes == 30


def test_removing_an_entry_deletes_it(supporter_profile: Supporter) -> None:
    entry = log(supporter_profile)
    remove_direct_contact(entry=entry, supporter=supporter_profile, now=TUESDAY)
    assert not DirectContact.objects.exists()


# --- Totals --------------------------------------------------------------------------------


def test_totals_count_direct_contacts_with_the_assigned_ones(
    assignment: Assignment, supporter_profile: Supporter, other_supporter_profile: Supporter
) -> None:
    record_first_contact(
        assignment=assignment,
        contacted_at=TUESDAY + timedelta(hours=1),
        means="phone",
        now=TUESDAY + timedelta(hours=2),
    )
    log_conversation(
        assignment=assignment,
        held_on=TODAY,
        minutes=45,
        modality="phone",
        is_follow_up_planned=True,
        now=TUESDAY + timedelta(hours=3),
    )
    log(supporter_profile, minutes=30)
    log(supporter_profile, minutes=15, is_first_conversation=False)  # the same person again
    log(supporter_profile, minutes=60, held_on=date(2025, 12, 31))  # last year
    log(other_supporter_profile, minutes=200)  # someone else's
    totals = totals_of(supporter_profile, year=2026, time_zone=VANCOUVER)
    assert (totals.contacts, totals.conversations, totals.minutes) == (2, 3, 90)
    assert totals.hours == Decimal("1.5")


def test_a_first_contact_on_new_years_eve_counts_in_the_program_time_zone(
    assignment: Assignment, supporter_profile: Supporter
) -> None:
    # 23:30 in Vancouver on December 31st is already January 1st in UTC.
    Assignment.objects.filter(pk=assignment.pk).update(
        first_contact_at=datetime(2026, 12, 31, 23, 30, tzinfo=VANCOUVER),
        first_contact_means="phone",
    )
    assert totals_of(supporter_profile, year=2026, time_zone=VANCOUVER).contacts == 1
    assert totals_of(supporter_profile, year=2027, time_zone=VANCOUVER).contacts == 0


def test_the_program_sees_direct_contacts_as_monthly_totals(
    supporter_profile: Supporter, other_supporter_profile: Supporter
) -> None:
    log(supporter_profile, held_on=date(2026, 1, 31), minutes=30, referred_to="eap")
    log(other_supporter_profile, held_on=date(2026, 1, 2), minutes=60, is_follow_up_planned=True)
    log(supporter_profile, held_on=date(2026, 3, 1), minutes=45, is_first_conversation=False)
    log(supporter_profile, held_on=date(2025, 12, 31), minutes=45)
    figures = direct_contact_year(year=2026)
    assert [(row.month, row.conversations, row.minutes) for row in figures.months] == [
        (date(2026, 1, 1), 2, 90),
        (date(2026, 3, 1), 1, 45),
    ]
    january = figures.months[0]
    assert (january.first_conversations, january.follow_ups_planned, january.referred_on) == (
        2,
        1,
        1,
    )
    assert (figures.total.conversations, figures.total.hours, figures.total.referred_on) == (
        3,
        Decimal("2.3"),
        1,
    )


# --- Who may see an entry ------------------------------------------------------------------


def test_direct_contact_for_finds_only_ones_own_entries_of_the_week(
    supporter: User,
    outsider: User,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
) -> None:
    own = log(supporter_profile)
    other = log(other_supporter_profile)
    assert direct_contact_for(supporter, own.public_id, now=TUESDAY) == own
    assert direct_contact_for(supporter, other.public_id, now=TUESDAY) is None
    assert direct_contact_for(outsider, own.public_id, now=TUESDAY) is None
    assert direct_contact_for(supporter, own.public_id, now=TUESDAY + timedelta(days=7)) is None


# --- The pages -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(DIRECT)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/login/?next={DIRECT}"


@pytest.mark.parametrize("persona", ["outsider", "lead", "administrator"])
def test_people_who_are_not_supporters_get_403(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(DIRECT).status_code == 403
    assert client.post(DIRECT, form_post()).status_code == 403
    assert not DirectContact.objects.exists()


def test_a_supporter_logs_a_direct_contact_from_the_page(
    signed_in: Client, supporter_profile: Supporter
) -> None:
    page = signed_in.get(DIRECT)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    body = page.content.decode()
    assert "Log a contact that came to me directly" in body
    assert f'value="{TODAY.isoformat()}"' in body
    response = signed_in.post(DIRECT, form_post())
    assert response.status_code == 302
    assert response.headers["Location"] == DIRECT
    entry = DirectContact.objects.get()
    assert (entry.supporter, entry.minutes, entry.modality, entry.referred_to) == (
        supporter_profile,
        40,
        "video",
        "eap",
    )
    assert (entry.reason, entry.career_stage, entry.is_follow_up_planned) == (
        "complaint",
        "",
        False,
    )
    page = signed_in.get(DIRECT).content.decode()
    assert "The conversation of 40 minutes is logged" in page
    assert entry_url(entry) in page


def test_the_same_form_sent_twice_from_the_page_logs_once(signed_in: Client) -> None:
    data = form_post()
    signed_in.post(DIRECT, data)
    response = signed_in.post(DIRECT, data, follow=True)
    assert "already logged; nothing was added" in response.content.decode()
    assert DirectContact.objects.count() == 1


IDENTIFIER_MESSAGE = "This log keeps no names, contact details or notes"


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Dr. Robin Hale"},  # a field the log does not have: free text
        {"note": "Talked about the complaint"},
        {"email": "robin@example.org"},
        {"minutes": "6045550100"},  # a run of 7+ digits
        {"reason": "robin@example.org"},  # an @
        {"career_stage": "call 604 5550100"},
        {"held_on": "2026-03-10@x"},
        {"extra": "x" * 10_000},
    ],
    ids=[
        "name",
        "note",
        "email",
        "digits",
        "at-in-choice",
        "phone-in-choice",
        "at-in-date",
        "10kb",
    ],
)
def test_identifier_like_input_is_refused_with_a_clear_message_and_nothing_saved(
    signed_in: Client, changes: dict[str, str]
) -> None:
    response = signed_in.post(DIRECT, form_post(**changes))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert IDENTIFIER_MESSAGE in body
    for value in changes.values():
        assert value not in body  # never shown back
    assert 'value="video"' in body and "checked" in body  # the rest is kept
    assert not DirectContact.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "<script>alert(1)</script>"}, "Choose one of the reasons listed."),
        ({"minutes": "thirty"}, "Enter a whole number of minutes"),
        ({"minutes": "300"}, "Enter at most 240 minutes."),
        ({"held_on": "2026-03-11"}, "cannot be logged for a future date"),
        ({"held_on": "2025-03-09"}, "within the last 365 days"),
        ({"held_on": "2026-02-30"}, "Enter a real date."),
        ({"modality": None}, "Choose how you talked."),
        ({"notes_destroyed": None}, "Destroy any notes from the conversation"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_nothing_saved(
    signed_in: Client, changes: dict[str, Any], message: str
) -> None:
    response = signed_in.post(DIRECT, form_post(**changes))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "<script>alert(1)</script>" not in body
    assert not DirectContact.objects.exists()


def test_a_supporter_sees_only_their_own_entries_of_the_last_7_days(
    signed_in: Client, supporter_profile: Supporter, other_supporter_profile: Supporter
) -> None:
    old = log(supporter_profile, now=TUESDAY - timedelta(days=8), held_on=TODAY - timedelta(days=8))
    own = log(supporter_profile, minutes=35)
    other = log(other_supporter_profile, minutes=50)
    body = signed_in.get(DIRECT).content.decode()
    assert entry_url(own) in body
    assert entry_url(other) not in body
    assert entry_url(old) not in body


def test_a_supporter_corrects_their_own_entry_from_its_page(
    signed_in: Client, supporter_profile: Supporter
) -> None:
    entry = log(supporter_profile)
    page = signed_in.get(entry_url(entry))
    assert page.status_code == 200
    assert 'value="30"' in page.content.decode()
    data = form_post(minutes="50", reason="", referred_to="")
    del data["notes_destroyed"], data["submission_key"]
    response = signed_in.post(entry_url(entry), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.minutes, entry.reason, entry.referred_to) == (50, "", "")


def test_a_correction_with_an_identifier_is_refused(
    signed_in: Client, supporter_profile: Supporter
) -> None:
    entry = log(supporter_profile)
    data = form_post(minutes="50", who="robin@example.org")
    del data["notes_destroyed"], data["submission_key"]
    response = signed_in.post(entry_url(entry), data)
    assert IDENTIFIER_MESSAGE in response.content.decode()
    entry.refresh_from_db()
    assert entry.minutes == 30


def test_a_supporter_removes_their_own_entry(
    signed_in: Client, supporter_profile: Supporter
) -> None:
    entry = log(supporter_profile)
    response = signed_in.post(entry_url(entry), {"action": "remove"})
    assert response.status_code == 302
    assert not DirectContact.objects.exists()


def test_a_supporter_gets_404_for_another_supporters_entry(
    signed_in: Client, other_supporter_profile: Supporter
) -> None:
    entry = log(other_supporter_profile)
    assert signed_in.get(entry_url(entry)).status_code == 404
    assert signed_in.post(entry_url(entry), {"action": "remove"}).status_code == 404
    data = form_post(minutes="99")
    assert signed_in.post(entry_url(entry), data).status_code == 404
    entry.refresh_from_db()
    assert entry.minutes == 30


def test_a_supporter_gets_404_for_their_own_entry_after_7_days(
    signed_in: Client, supporter: User, supporter_profile: Supporter
) -> None:
    entry = log(supporter_profile)
    # Sessions are short: the supporter signs in again on each day.
    with time_machine.travel(TUESDAY + timedelta(days=6, hours=23), tick=False):
        signed_in.force_login(supporter)
        assert signed_in.get(entry_url(entry)).status_code == 200
    with time_machine.travel(TUESDAY + timedelta(days=7), tick=False):
        signed_in.force_login(supporter)
        assert signed_in.get(entry_url(entry)).status_code == 404
        assert signed_in.post(entry_url(entry), {"action": "remove"}).status_code == 404
    assert DirectContact.objects.exists()


def test_an_unknown_entry_is_404(signed_in: Client) -> None:
    assert signed_in.get(f"{DIRECT}{uuid.uuid4()}/").status_code == 404


def test_the_portal_thanks_the_supporter_with_totals_that_include_direct_contacts(
    signed_in: Client, supporter_profile: Supporter
) -> None:
    log(supporter_profile, minutes=45)
    log(supporter_profile, minutes=45, is_first_conversation=False)
    body = signed_in.get("/portal/").content.decode()
    totals = body.split('id="totals-heading"', 1)[1].split("</section>", 1)[0]
    assert "Your 2026 so far" in totals
    assert "<dd>1</dd>" in totals  # people
    assert "<dd>2</dd>" in totals  # conversations
    assert "<dd>1.5</dd>" in totals  # hours
    assert f'href="{DIRECT}"' in body


@pytest.mark.parametrize("count", [1, 30])
def test_the_direct_page_runs_a_fixed_number_of_queries(
    signed_in: Client,
    supporter_profile: Supporter,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _number in range(count):
        log(supporter_profile)
    # Session, user, second-factor device, roles, profile, calendar, entries, three totals.
    with django_assert_max_num_queries(10):
        response = signed_in.get(DIRECT)
    assert response.content.decode().count(f"{DIRECT}") >= count


# --- The admin: totals only ----------------------------------------------------------------


def test_administrators_see_totals_and_never_an_entry(
    client: Client, administrator: User, supporter_profile: Supporter
) -> None:
    entry = log(supporter_profile, minutes=45, referred_to="eap")
    client.force_login(administrator)
    page = client.get("/admin/matching/directcontact/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "March 2026" in body
    assert "Dr. Sam Lee" not in body
    assert str(entry.public_id) not in body
    assert f"/admin/matching/directcontact/{entry.pk}/" not in body
    for view in ["change", "history", "delete"]:
        assert client.get(f"/admin/matching/directcontact/{entry.pk}/{view}/").status_code == 403
    assert client.get("/admin/matching/directcontact/add/").status_code == 403
    last_year = client.get("/admin/matching/directcontact/?year=2025").content.decode()
    assert "No direct contacts were logged in 2025." in last_year
    assert client.get("/admin/matching/directcontact/?year=<script>").status_code == 200


def test_supporters_cannot_open_the_admins_totals(client: Client, supporter: User) -> None:
    client.force_login(supporter)
    assert client.get("/admin/matching/directcontact/").status_code == 302
