"""The pages for the people around a physician: colleagues, leaders, confidentiality."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/colleagues/", "/leaders/", "/confidentiality/"]


@pytest.mark.parametrize("path", PAGES)
def test_each_page_answers_with_the_crisis_resources_to_anyone(client: Client, path: str) -> None:
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert "9-8-8" in body and "9-1-1" in body
    assert "If you need help right now" in body


@pytest.mark.parametrize("path", PAGES)
def test_each_page_is_linked_from_the_landing_page_and_every_footer(
    client: Client, path: str
) -> None:
    landing = client.get("/").content.decode()
    assert landing.count(f'href="{path}"') >= 2  # the landing page's section and the footer
    list_page = client.get("/supporters/").content.decode()
    assert f'href="{path}"' in list_page


@pytest.mark.parametrize("path", PAGES)
def test_each_page_refuses_a_post(client: Client, path: str) -> None:
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("path", PAGES)
def test_each_page_is_the_same_for_a_signed_in_supporter(
    client: Client, supporter: Any, path: str
) -> None:
    client.force_login(supporter)
    assert client.get(path).status_code == 200


def test_the_landing_page_links_the_list_of_supporters(client: Client) -> None:
    assert 'href="/supporters/"' in client.get("/").content.decode()


def test_the_colleagues_page_covers_consent_words_and_the_three_ways_in(client: Client) -> None:
    body = client.get("/colleagues/").content.decode()
    assert "Ask before you refer" in body
    assert "Things that help" in body and "Things to avoid" in body
    assert 'href="/request/"' in body and 'href="/refer/"' in body
    assert 'href="/supporters/"' in body
    assert "we will not tell you" in body
    assert "within 7 days is deleted" in body
    assert "within 3 business days of being" in body


def test_the_colleagues_page_follows_the_referral_settings(client: Client, settings: Any) -> None:
    settings.REFERRAL_CONFIRM_DAYS = 1
    assert "within 1 day is deleted" in client.get("/colleagues/").content.decode()
    settings.REFERRAL_CONFIRMATION_REQUIRED = False
    body = client.get("/colleagues/").content.decode()
    assert "link to confirm" not in body
    assert "matches your colleague with a peer supporter" in body


def test_the_leaders_page_has_warning_signs_trust_dos_and_donts_efap_and_promotion(
    client: Client,
) -> None:
    body = client.get("/leaders/").content.decode()
    assert "Warning signs of critical incident stress" in body
    for right in [
        "Treatment that is just",
        "Respect",
        "Understanding and compassion",
        "Supportive care",
        "Transparency",
    ]:
        assert right in body
    assert "Do's and don'ts" in body
    assert "Condemn or second-guess how they performed." in body
    assert "EFAP" in body
    assert "orientation of every new physician" in body
    assert "testimonials" in body


def test_the_elevator_speech_names_the_program_and_its_address(
    client: Client, settings: Any
) -> None:
    settings.PROGRAM_NAME = "Island Physicians' Peer Support"
    settings.SITE_URL = "https://peers.example.org"
    body = client.get("/leaders/").content.decode()
    speech = body.split('id="elevator-speech"', 1)[1].split("</blockquote>", 1)[0]
    assert "Island Physicians&#x27; Peer Support offers any physician" in speech
    assert "https://peers.example.org" in speech
    # The copy button is a script of the app's own, never inline.
    assert 'src="/static/js/copy_text.js"' in body


def test_the_confidentiality_page_shows_the_deployments_own_figures(
    client: Client, settings: Any
) -> None:
    settings.IDENTIFIER_RETENTION_DAYS = 45
    settings.NOTE_TTL_HOURS = 6
    settings.REFERRAL_CONFIRM_DAYS = 10
    body = client.get("/confidentiality/").content.decode()
    assert "deleted 45 days after your support ends" in body
    assert "destroyed automatically 6 hours after" in body
    assert "deleted after 10 days" in body


def test_the_confidentiality_page_says_singular_figures_in_the_singular(
    client: Client, settings: Any
) -> None:
    settings.IDENTIFIER_RETENTION_DAYS = 1
    settings.NOTE_TTL_HOURS = 1
    body = client.get("/confidentiality/").content.decode()
    assert "deleted 1 day after your support ends" in body
    assert "destroyed automatically 1 hour after" in body


def test_the_confidentiality_page_covers_notes_discovery_limits_and_surveys(
    client: Client,
) -> None:
    body = client.get("/confidentiality/").content.decode()
    assert "Who sees what" in body
    assert "legally discoverable" in body
    assert "write nothing down while you talk" in body
    assert "must be broken" in body
    assert "How the surveys stay anonymous" in body
    assert "The link works once." in body
    assert "program@example.org" in body


def test_the_confidentiality_page_hides_the_referral_line_without_confirmation(
    client: Client, settings: Any
) -> None:
    settings.REFERRAL_CONFIRMATION_REQUIRED = False
    body = client.get("/confidentiality/").content.decode()
    assert "referral you have not confirmed" not in body


@pytest.mark.parametrize("path", PAGES)
def test_each_page_costs_no_query_for_a_visitor(
    client: Client, path: str, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(0):
        assert client.get(path).status_code == 200
