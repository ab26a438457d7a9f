"""Every page carries a strict CSP; templates hold no inline script, style or handler."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    for path in folder.rglob("*.html")
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/"])
def test_every_page_has_a_strict_csp(client: Client, path: str) -> None:
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_templates_exist_to_check() -> None:
    assert len(TEMPLATES) > 5


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_inline_script_style_or_handler(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "inline <style>"
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "event handler attribute"
    assert not re.search(r"(src|href)=\"https?://", text), "asset from another host"


def test_unknown_page_is_a_friendly_404_with_crisis_resources(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that page" in body
    assert "9-8-8" in body


def test_server_error_page_shows_crisis_resources(rf: Any) -> None:
    from peersupport.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "9-8-8" in response.content.decode()


def test_oversized_body_gets_the_friendly_400_page(client: Client) -> None:
    response = client.post(
        "/accounts/login/",
        data={"username": "x" * (1024 * 1024), "password": "y"},
    )
    assert response.status_code == 400
    assert "too long" in response.content.decode()


def test_landing_page_says_what_peer_support_is_and_is_not(client: Client, settings: Any) -> None:
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "What peer support is not" in body
    assert "Not an emergency or crisis service." in body
    assert "Confidentiality and its limits" in body
    assert "9-8-8" in body and "9-1-1" in body
    assert "program@example.org" in body
    assert settings.PROGRAM_NAME in body


def test_configured_crisis_resources_replace_the_defaults(client: Client, settings: Any) -> None:
    settings.CRISIS_RESOURCES = [{"label": "Local line <b>", "contact": "1-800-555-0100"}]
    body = client.get("/").content.decode()
    assert "Local line &lt;b&gt;" in body
    assert 'href="tel:18005550100"' in body
    assert "9-8-8" not in body


def test_admin_login_redirects_to_the_one_sign_in_page(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/admin/"


def test_sign_in_with_email_sends_an_administrator_to_the_admin(
    client: Client, administrator: Any
) -> None:
    from django.utils import timezone

    from accounts.second_factor import code_at
    from tests.factories import TEST_TOTP_KEY, second_factor_device

    second_factor_device(administrator)
    response = client.post(
        "/accounts/login/",
        {"username": "ALICE@example.org", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/two-step/?next=%2Faccounts%2F"
    response = client.post(
        response.headers["Location"], {"code": code_at(TEST_TOTP_KEY, timezone.now())}
    )
    assert response.headers["Location"] == "/accounts/"
    response = client.get(response.headers["Location"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_password_is_an_error_next_to_the_form(client: Client, administrator: Any) -> None:
    response = client.post(
        "/accounts/login/", {"username": "alice@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_outsider_cannot_use_the_admin(client: Client, outsider: Any) -> None:
    client.force_login(outsider)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/accounts/").status_code == 200
