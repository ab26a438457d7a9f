"""The program lead in Chromium: the dashboard, another period, a chart's table, the CSV; on a
phone and on a desktop, with axe-core."""

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import LEADS
from matching.models import DirectContact
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import sign_in
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VANCOUVER = ZoneInfo("America/Vancouver")
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=VANCOUVER)


@pytest.fixture
def history() -> None:
    SupportRequestFactory.create(submitted_at=at(2025, 6, 1))
    for day in range(1, 13):
        SupportRequestFactory.create(submitted_at=at(2026, 3, day), reasons=["burnout"])
    supporter = SupporterFactory.create()
    for day in range(1, 7):
        DirectContact.objects.create(
            supporter=supporter,
            held_on=date(2026, 4, day),
            minutes=30,
            modality="video",
            is_first_conversation=True,
            is_follow_up_planned=False,
            logged_at=at(2026, 4, day),
        )


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_lead_reads_the_dashboard_changes_period_opens_a_table_and_downloads_the_csv(
    browser: Any, live_server: Any, history: None, size: str, tmp_path: Path
) -> None:
    UserFactory.create(email="lee@example.org", name="Lee Lead", role=LEADS)
    context = browser.new_context(
        base_url=live_server.url, viewport=SIZES[size], accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, "lee@example.org")
    page.wait_for_url("**/reports/")
    assert page.get_by_role("heading", level=1).inner_text() == "How the program is doing"
    # The default is the last complete calendar year: 2025, with its one request.
    assert_no_axe_violations(page)

    page.get_by_label("Period (a calendar year, quarter or month)").select_option("2026")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/reports/?period=2026")
    monthly = page.get_by_role("figure", name="People asking for support, by month and way in")
    assert "March 2026" in monthly.inner_text()
    assert "12" in monthly.inner_text()
    monthly.get_by_text("Show the table").click()
    table = monthly.get_by_role("table")
    assert table.is_visible()
    assert "Self-referral" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "peer-support-report-2026.csv"
    saved = tmp_path / "report.csv"
    download.save_as(saved)
    text = saved.read_text()
    assert text.startswith("period,section,table,row,column,value")
    assert '2026,Demand,"People asking for support, by month and way in",March 2026' in text
    context.close()
