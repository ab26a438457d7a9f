"""A first visit to the landing page, in headless Chromium."""

from typing import Any

import pytest

from tests.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_landing_shows_crisis_resources_and_a_working_skip_link(page: Any) -> None:
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Peer support")
    crisis = page.get_by_role("region", name="Crisis resources")
    assert "9-8-8" in crisis.inner_text()
    assert "9-1-1" in crisis.inner_text()
    # The first Tab reaches the skip link, and following it moves focus to main.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Bootstrap is served by the app itself: its styles are applied.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert_no_axe_violations(page)
