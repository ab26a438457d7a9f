"""Choosing a listed supporter, and naming supporters to avoid, on the intake forms."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from intake.models import SupportRequest
from tests.factories import SupporterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "available": SupporterFactory(slug="dr-available", display_name="Dr. Available"),
        "away": SupporterFactory(
            slug="dr-away", display_name="Dr. Away", away_until=today + timedelta(days=3)
        ),
        "busy": SupporterFactory(slug="dr-busy", display_name="Dr. Busy", accepts_new=False),
        "unlisted": SupporterFactory(
            slug="dr-unlisted", display_name="Dr. Unlisted", is_listed=False
        ),
    }


def test_only_available_listed_supporters_can_be_chosen(
    client: Client, roster: dict[str, Any]
) -> None:
    form = client.get("/request/").context["form"]
    choices = [slug for slug, _label in form.fields["preferred_supporter"].choices if slug]
    assert [str(slug) for slug in choices] == ["dr-available"]
    avoidable = {str(slug) for slug, _label in form.fields["avoid_supporters"].choices}
    assert avoidable == {"dr-available", "dr-away", "dr-busy"}


def test_an_available_slug_is_preselected(client: Client, roster: dict[str, Any]) -> None:
    form = client.get("/request/?supporter=dr-available").context["form"]
    assert form.initial["preferred_supporter"] == "dr-available"
    assert (
        'value="dr-available" selected'
        in client.get("/request/?supporter=dr-available").content.decode()
    )


@pytest.mark.parametrize("slug", ["dr-unlisted", "nobody", "<script>"])
def test_an_unknown_or_unlisted_slug_preselects_nothing_and_says_nothing(
    client: Client, roster: dict[str, Any], slug: str
) -> None:
    response = client.get("/request/", {"supporter": slug})
    assert response.status_code == 200
    form = response.context["form"]
    assert "preferred_supporter" not in form.initial
    assert not form.errors
    page = response.content.decode().split("<main")[1]
    assert "<script>" not in page
    assert "cannot be chosen for now" not in page
    assert "Dr. Unlisted" not in page


@pytest.mark.parametrize(
    ("slug", "why"),
    [
        ("dr-away", "Dr. Away cannot be chosen for now: away until"),
        ("dr-busy", "Dr. Busy cannot be chosen for now: not taking new requests."),
    ],
)
def test_an_unavailable_listed_supporter_is_named_and_the_others_offered(
    client: Client, roster: dict[str, Any], slug: str, why: str
) -> None:
    response = client.get("/request/", {"supporter": slug})
    page = response.content.decode()
    form = response.context["form"]
    assert "preferred_supporter" not in form.initial
    assert not form.errors
    notice = page[page.index("supporter-unavailable") :]
    notice = notice[: notice.index("</div>")]
    assert why in notice
    assert "You can choose another peer supporter in the form below" in notice
    assert 'href="/supporters/"' in notice
    assert 'value="dr-available"' in page


def test_when_nobody_else_is_available_the_notice_says_the_program_will_match(
    client: Client, roster: dict[str, Any]
) -> None:
    roster["available"].accepts_new = False
    roster["available"].save()
    page = client.get("/request/", {"supporter": "dr-away"}).content.decode()
    assert "Nobody else on the list is taking new requests right now" in page


def test_the_landing_page_and_both_forms_link_to_the_supporters(client: Client) -> None:
    for path in ("/", "/request/", "/refer/"):
        assert 'href="/supporters/"' in client.get(path).content.decode(), path


def test_the_choice_and_the_avoid_list_are_saved(
    client: Client, roster: dict[str, Any], self_referral_data: dict[str, Any]
) -> None:
    response = client.post(
        "/request/",
        {
            **self_referral_data,
            "preferred_supporter": "dr-available",
            "avoid_supporters": ["dr-away", "dr-busy"],
        },
    )
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert request.preferred_supporter == roster["available"]
    assert set(request.avoid_supporters.all()) == {roster["away"], roster["busy"]}


def test_an_unavailable_supporter_cannot_be_chosen_by_a_crafted_post(
    client: Client, roster: dict[str, Any], self_referral_data: dict[str, Any]
) -> None:
    response = client.post("/request/", {**self_referral_data, "preferred_supporter": "dr-away"})
    assert response.status_code == 200
    assert "preferred_supporter" in response.context["form"].errors
    assert not SupportRequest.objects.exists()


def test_without_listed_supporters_the_questions_are_not_asked(client: Client) -> None:
    body = client.get("/request/").content.decode()
    assert 'name="preferred_supporter"' not in body
    assert 'name="avoid_supporters"' not in body


def test_the_form_page_queries_stay_fixed_with_a_large_roster(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    SupporterFactory.create_batch(40)
    with django_assert_max_num_queries(5):
        client.get("/request/")
