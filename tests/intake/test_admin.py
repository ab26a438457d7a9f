"""Requests in the admin: searchable by code only, and every opening logged."""

from typing import Any

import pytest
from django.test import Client

from intake.models import AccessLog, SupportRequest
from intake.services import Preferences, submit_self_referral

pytestmark = pytest.mark.django_db


def make_request(name: str = "Sam") -> SupportRequest:
    return submit_self_referral(
        name=name,
        email="sam@example.org",
        phone="",
        preferences=Preferences(preferred_contact="email", modality="video", language="en"),
        interface_language="en",
    )


def test_opening_a_request_writes_one_access_log_row(client: Client, administrator: Any) -> None:
    request = make_request()
    client.force_login(administrator)
    response = client.get(f"/admin/intake/supportrequest/{request.pk}/change/")
    assert response.status_code == 200
    assert "sam@example.org" in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"]
    log = AccessLog.objects.get()
    assert (log.user, log.request, log.view) == (administrator, request, "admin request")


def test_the_list_writes_no_access_log_and_shows_no_identifiers(
    client: Client, administrator: Any
) -> None:
    make_request(name="Very Unique Name")
    client.force_login(administrator)
    response = client.get("/admin/intake/supportrequest/")
    assert response.status_code == 200
    assert "Very Unique Name" not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_search_finds_by_case_code_or_public_id_but_not_by_name(
    client: Client, administrator: Any
) -> None:
    request = make_request(name="Findable")
    client.force_login(administrator)
    by_code = client.get("/admin/intake/supportrequest/", {"q": request.case_code.lower()})
    assert request.case_code in by_code.content.decode()
    by_id = client.get("/admin/intake/supportrequest/", {"q": str(request.public_id)})
    assert request.case_code in by_id.content.decode()
    by_name = client.get("/admin/intake/supportrequest/", {"q": "Findable"})
    assert request.case_code not in by_name.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(
    client: Client, administrator: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        make_request()
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        assert client.get("/admin/intake/supportrequest/").status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "lead"])
def test_people_without_the_admin_role_cannot_see_requests(
    client: Client, persona: str, request: Any
) -> None:
    support_request = make_request()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/admin/intake/supportrequest/{support_request.pk}/change/")
    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_the_access_log_is_read_only_for_administrators(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    assert client.get("/admin/intake/accesslog/").status_code == 200
    assert client.get("/admin/intake/accesslog/add/").status_code == 403


def test_a_case_code_is_its_string_never_a_name() -> None:
    request = make_request(name="Sam")
    assert str(request) == request.case_code
