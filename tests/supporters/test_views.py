"""My profile (the supporter's own, nothing else) and the public list of supporters."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import ADMINISTRATORS, SUPPORTERS
from matching.services import assign_supporter
from supporters.forms import SupporterAdminForm
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.supporters.roster import make_roster

pytestmark = pytest.mark.django_db

PROFILE = "/portal/profile/"
LIST = "/supporters/"


def profile_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Dr. Sam Lee",
        "pronouns": "he/him",
        "bio": "Emergency physician.",
        "languages": ["en", "fr"],
        "modalities": ["phone"],
        "accepts_new": "on",
        "away_until": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- My profile ---------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/login/?next={PROFILE}"


@pytest.mark.parametrize("persona", ["outsider", "lead", "administrator"])
def test_people_who_are_not_supporters_get_403(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(PROFILE)
    assert response.status_code == 403
    assert "9-8-8" in response.content.decode()


def test_a_supporter_account_without_a_profile_gets_403(client: Client) -> None:
    client.force_login(UserFactory(role=SUPPORTERS))
    assert client.get(PROFILE).status_code == 403


def test_home_sends_a_supporter_to_their_portal(client: Client, supporter: Any) -> None:
    client.force_login(supporter)
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"


def test_a_supporter_sees_their_own_profile_and_availability(
    client: Client, supporter: Any, other_supporter: Any
) -> None:
    client.force_login(supporter)
    response = client.get(PROFILE)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Dr. Sam Lee"' in body
    assert "Dr. Sky Park" not in body
    assert "Taking new requests" in body
    assert "Jan. 15, 2025" in body  # training date, shown, not editable


def test_a_supporter_edits_their_profile_and_marks_themselves_away(
    client: Client, supporter: Any
) -> None:
    client.force_login(supporter)
    away = timezone.localdate() + timedelta(days=10)
    response = client.post(
        PROFILE, profile_post(bio="New bio.", away_until=away.isoformat(), accepts_new=None)
    )
    assert response.status_code == 302
    assert response.headers["Location"] == PROFILE
    profile = Supporter.objects.get(user=supporter)
    assert (profile.bio, profile.away_until, profile.accepts_new) == ("New bio.", away, False)
    assert profile.languages == ["en", "fr"]
    page = client.get(PROFILE).content.decode()
    assert "Your profile is saved." in page
    assert "Away until" in page


def test_a_supporter_cannot_change_their_dates_capacity_or_listing(
    client: Client, supporter: Any
) -> None:
    before = Supporter.objects.get(user=supporter)
    client.force_login(supporter)
    response = client.post(
        PROFILE,
        profile_post(
            trained_on="2020-01-01",
            agreement_signed_on="2020-01-01",
            capacity="20",
            is_listed="",
            slug="hijacked",
            user="1",
        ),
    )
    assert response.status_code == 302
    after = Supporter.objects.get(user=supporter)
    assert (after.trained_on, after.agreement_signed_on, after.capacity) == (
        before.trained_on,
        before.agreement_signed_on,
        before.capacity,
    )
    assert (after.is_listed, after.slug, after.user_id) == (True, before.slug, supporter.pk)


def test_posting_changes_only_the_signed_in_supporters_profile(
    client: Client, supporter: Any, other_supporter: Any
) -> None:
    client.force_login(supporter)
    client.post(PROFILE, profile_post(display_name="Changed"))
    assert Supporter.objects.get(user=other_supporter).display_name == "Dr. Sky Park"
    assert Supporter.objects.get(user=supporter).display_name == "Changed"


def test_bad_input_is_summarised_and_nothing_is_lost(client: Client, supporter: Any) -> None:
    client.force_login(supporter)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        PROFILE,
        profile_post(
            bio="Kept text", languages=None, away_until=yesterday.isoformat(), display_name=""
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Choose at least one language." in body
    assert "Choose today or a later date" in body
    assert "Kept text" in body
    assert Supporter.objects.get(user=supporter).bio == "Family physician. I listen."


def test_a_supporter_cannot_open_the_admin(client: Client, supporter: Any) -> None:
    client.force_login(supporter)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
    assert client.get("/admin/supporters/supporter/").status_code == 302


# --- The public list ----------------------------------------------------------------------


def test_the_list_shows_each_supporters_availability_and_links_only_the_available(
    client: Client,
) -> None:
    today = timezone.localdate()
    SupporterFactory(
        display_name="Dr. Ready",
        slug="dr-ready",
        pronouns="she/her",
        languages=["en", "pa"],
        modalities=["in_person"],
        specialty_group="emergency",
        bio="I work nights.",
    )
    SupporterFactory(display_name="Dr. Away", slug="dr-away", away_until=date(2099, 1, 31))
    SupporterFactory(display_name="Dr. Paused", slug="dr-paused", accepts_new=False)
    SupporterFactory(display_name="Dr. Hidden", slug="dr-hidden", is_listed=False)
    SupporterFactory(display_name="Dr. Untrained", slug="dr-untrained", trained_on=None)
    SupporterFactory(display_name="Dr. Back", slug="dr-back", away_until=today - timedelta(days=1))
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dr. Ready" in body and "(she/her)" in body
    assert "English, Punjabi" in body and "In person" in body
    assert "Emergency medicine" in body and "I work nights." in body
    assert "Taking new requests" in body
    assert "Away until Jan. 31, 2099" in body
    assert "Not taking new requests" in body
    assert "Dr. Hidden" not in body and "Dr. Untrained" not in body
    assert 'href="/request/?supporter=dr-ready"' in body
    assert 'href="/request/?supporter=dr-back"' in body
    assert "?supporter=dr-away" not in body and "?supporter=dr-paused" not in body
    assert "9-8-8" in body


def test_an_empty_list_still_says_how_to_ask(client: Client) -> None:
    body = client.get(LIST).content.decode()
    assert "No supporters are listed at the moment." in body
    assert 'href="/request/"' in body


def test_a_script_in_a_bio_is_shown_as_text(client: Client) -> None:
    SupporterFactory(bio='<script>alert("x")</script>', display_name="<b>Bold</b>")
    body = client.get(LIST).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body


@pytest.mark.parametrize("count", [5, 300])
def test_the_list_costs_the_same_queries_for_5_or_300_supporters(
    client: Client, count: int, django_assert_max_num_queries: Any
) -> None:
    make_roster(count)
    with django_assert_max_num_queries(1):
        response = client.get(LIST)
    assert response.content.decode().count("Taking new requests") == count


def test_the_profile_page_runs_a_fixed_number_of_queries(
    client: Client, supporter: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(supporter)
    with django_assert_max_num_queries(8):
        assert client.get(PROFILE).status_code == 200


# --- Being reached directly ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "saved"),
    [("  sam.lee@example.org ", "sam.lee@example.org"), ("+1 (604) 555-0123", "+1 (604) 555-0123")],
)
def test_a_supporter_publishes_an_email_or_a_phone_on_my_profile(
    client: Client, supporter: Any, typed: str, saved: str
) -> None:
    client.force_login(supporter)
    response = client.post(PROFILE, profile_post(published_contact=typed))
    assert response.status_code == 302
    assert Supporter.objects.get(user=supporter).published_contact == saved


def test_no_direct_contact_is_published_by_default(client: Client) -> None:
    profile = SupporterFactory(display_name="Dr. Quiet", slug="dr-quiet")
    assert profile.published_contact == ""
    body = client.get(LIST).content.decode()
    assert "Reach them directly" not in body
    assert "mailto:" not in body.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(
    "typed",
    [
        "call me maybe",
        "12345",
        "sam@",
        "<script>alert(1)</script>",
        "604 555 0123 or after 5 call 604 555 9999",
        "x" * 10_000,
    ],
)
def test_a_published_contact_that_is_neither_email_nor_phone_is_refused(
    client: Client, supporter: Any, typed: str
) -> None:
    client.force_login(supporter)
    response = client.post(PROFILE, profile_post(published_contact=typed, bio="Kept text"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter an email address" in body or "Ensure this value has at most" in body
    assert "Kept text" in body
    assert "<script>alert(1)</script>" not in body
    assert Supporter.objects.get(user=supporter).published_contact == ""


def test_clearing_the_field_withdraws_the_direct_contact(client: Client, supporter: Any) -> None:
    Supporter.objects.filter(user=supporter).update(published_contact="sam@example.org")
    client.force_login(supporter)
    client.post(PROFILE, profile_post(published_contact=""))
    assert Supporter.objects.get(user=supporter).published_contact == ""
    assert "sam@example.org" not in client.get(LIST).content.decode()


def test_the_list_shows_a_direct_contact_only_while_its_supporter_is_available(
    client: Client, settings: Any
) -> None:
    settings.PROGRAM_CONTACT_EMAIL = ""
    SupporterFactory(display_name="Dr. Ready", slug="r", published_contact="ready@example.org")
    SupporterFactory(display_name="Dr. Phone", slug="p", published_contact="+1 604-555-0199")
    SupporterFactory(
        display_name="Dr. Away",
        slug="a",
        away_until=date(2099, 1, 31),
        published_contact="away@example.org",
    )
    SupporterFactory(
        display_name="Dr. Paused", slug="s", accepts_new=False, published_contact="604 555 0111"
    )
    full = SupporterFactory(
        display_name="Dr. Full", slug="f", capacity=1, published_contact="full@example.org"
    )
    SupporterFactory(
        display_name="Dr. Hidden", slug="h", is_listed=False, published_contact="hide@example.org"
    )
    assign_supporter(
        request=SupportRequestFactory(),
        supporter=full,
        assigned_by=UserFactory(role=ADMINISTRATORS),
        now=timezone.now(),
    )
    body = client.get(LIST).content.decode()
    assert 'href="mailto:ready@example.org">ready@example.org</a>' in body
    assert 'href="tel:+16045550199">+1 604-555-0199</a>' in body
    assert body.count("Reach them directly") == 2
    for hidden in ["away@example.org", "604 555 0111", "full@example.org", "hide@example.org"]:
        assert hidden not in body
    assert "just as confidential as using the form" in body


def test_the_admin_form_refuses_a_note_as_a_published_contact() -> None:
    profile = SupporterFactory(published_contact="sam@example.org")
    form = SupporterAdminForm(
        instance=profile,
        data={
            "slug": profile.slug,
            "display_name": profile.display_name,
            "languages": ["en"],
            "modalities": ["phone"],
            "capacity": "3",
            "published_contact": "ring after lunch",
        },
    )
    assert not form.is_valid()
    assert "published_contact" in form.errors
