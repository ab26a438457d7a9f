"""The evaluation dashboard: every figure from known data, small counts hidden with their
complements, the CSV, the periods, the permissions and a fixed number of queries."""

import csv
import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client

from accounts.models import User
from intake.models import ReferralTally, SupportRequest
from matching.models import Assignment, Conversation, DirectContact
from reports import periods
from reports.figures import build_report
from reports.tables import Table, build
from tests.conftest import SignInClient
from tests.factories import SupporterFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
TODAY = datetime(2027, 2, 1, 10, tzinfo=VANCOUVER)
REPORTS = "/reports/"
MASKED = "\N{EN DASH}"  # a count hidden so that a small one cannot be worked out


def at(month: int, day: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, tzinfo=VANCOUVER)


def request(**fields: Any) -> SupportRequest:
    return SupportRequestFactory.create(**fields)


def colleague(month: int) -> SupportRequest:
    return request(
        source="colleague",
        referrer_name="Casey",
        referrer_email="casey@example.org",
        consent_attested_at=at(month),
        submitted_at=at(month),
        confirmed_at=at(month),
    )


@pytest.fixture
def year_2026(administrator: User) -> dict[str, Any]:
    """A known year: 9 self-referrals, 7 colleague referrals, 5 people reached directly."""
    request(submitted_at=at(1, year=2025))  # the program began in 2025
    supporter = SupporterFactory.create()
    matched = []
    for number, days in enumerate([0, 1, 1, 2, 2, 3, 4]):
        item = request(
            submitted_at=at(3, number + 1),
            reasons=["burnout", "conflict"] if number < 3 else ["burnout"],
            first_matched_at=at(3, number + 2),
            business_days_to_match=days,
            status="matched",
        )
        matched.append(item)
    for number, days in enumerate([1, 1, 2, 2, 3]):
        SupportRequest.objects.filter(pk=matched[number].pk).update(
            status="closed",
            first_contact_at=at(3, 20),
            business_days_to_first_contact=days,
            closed_at=at(4, 1),
            outcome="completed" if number < 4 else "referred_on",
            referred_to="" if number < 4 else "eap",
        )
    for number in range(2):
        request(submitted_at=at(7, number + 1), reasons=[])
    colleague(3)
    for _number in range(6):
        colleague(7)
    for number in range(5):
        DirectContact.objects.create(
            supporter=supporter,
            held_on=date(2026, 7, number + 1),
            minutes=30,
            modality="phone",
            is_first_conversation=True,
            is_follow_up_planned=False,
            logged_at=at(7, number + 1),
        )
    for number in range(6):
        Assignment.objects.create(
            request=matched[number],
            supporter=supporter,
            assigned_by=administrator,
            assigned_at=at(3, number + 2),
            contact_due_at=at(3, number + 5),
            remind_at=at(3, number + 5),
            first_contact_at=at(3, number + 3),
            first_contact_means="phone",
            ended_at=at(4, 1) if number < 5 else None,
            end_reason="closed" if number < 5 else "",
        )
    for number in range(6):
        Conversation.objects.create(
            assignment=Assignment.objects.get(request=matched[number]),
            held_on=date(2026, 3, 21),
            minutes=45,
            modality="video",
            is_follow_up_planned=number < 2,
            logged_at=at(3, 21),
        )
    ReferralTally.objects.create(month=date(2026, 5, 1), outcome="declined", count=2)
    ReferralTally.objects.create(month=date(2026, 6, 1), outcome="lapsed", count=6)
    return {"supporter": supporter}


def report_of(period: periods.Period) -> Any:
    with time_machine.travel(TODAY, tick=False):
        return build_report(period)


def table_of(report: Any, key: str) -> Table:
    return next(table for _section, table in report.tables() if table.key == key)


def shown(table: Table) -> dict[str, list[str]]:
    return {row.label: [table.display(cell) for cell in row.cells] for row in table.rows}


def test_the_demand_figures_with_small_counts_and_their_complements_hidden(
    year_2026: dict[str, Any],
) -> None:
    report = report_of(periods.year(2026))
    monthly = table_of(report, "requests-by-month")
    assert shown(monthly)["March 2026"] == [MASKED, "<5", "0"]
    assert shown(monthly)["July 2026"] == ["<5", MASKED, MASKED]
    assert [monthly.display(cell) for cell in monthly.column_totals or []] == ["9", MASKED, MASKED]
    assert monthly.display(monthly.grand_total) == "21"  # type: ignore[arg-type]
    reasons = table_of(report, "reasons")
    # 7 self-referrals and 7 colleague referrals give burnout.
    assert shown(reasons)["Burnout or moral injury"] == ["14", "0"]
    assert shown(reasons)["Interpersonal conflict"] == ["<5", "0"]
    assert reasons.column_totals is None  # several reasons a request: no total
    referrals = table_of(report, "referrals")
    # 2 declined is small; with the total 15 shown, the 6 lapsed would reveal it: hidden too.
    assert shown(referrals) == {
        "Confirmed by the colleague": ["7"],
        "Declined by the colleague": ["<5"],
        "Not confirmed in time": [MASKED],
    }
    assert referrals.display(referrals.column_totals[0]) == "15"  # type: ignore[index]
    assert referrals.rows[0].cells[0].percent == 47
    stages = table_of(report, "career-stages")
    assert shown(stages)["Mid career"] == ["16", "0"]
    assert shown(stages)["Not given"] == ["0", "5"]


def test_responsiveness_medians_percentiles_and_the_deadline_share(
    year_2026: dict[str, Any],
) -> None:
    report = report_of(periods.year(2026))
    section = next(section for section in report.sections if section.key == "responsiveness")
    values = {measure.label: measure.display(report.min_cell) for measure in section.measures}
    assert values["Median time to match"] == "2.0 business days"
    assert values["90th percentile of time to match"] == "3.4 business days"
    assert values["Median time to first contact"] == "2.0 business days"
    assert values["90th percentile of time to first contact"] == "2.6 business days"
    assert values["Share of assignments reached within the deadline"] == "100%"
    assert "Median time to first contact: 2.0 business days." in section.summaries


def test_a_median_over_too_few_values_is_not_shown(year_2026: dict[str, Any]) -> None:
    report = report_of(periods.month(2026, 7))
    section = next(section for section in report.sections if section.key == "responsiveness")
    assert all(not measure.is_shown(report.min_cell) for measure in section.measures[:4])


def test_support_given_counts_assigned_and_direct_conversations(
    year_2026: dict[str, Any],
) -> None:
    report = report_of(periods.year(2026))
    section = next(section for section in report.sections if section.key == "support")
    values = {measure.label: measure.display(report.min_cell) for measure in section.measures}
    assert values["Conversations"] == "11"
    assert (
        values["Volunteer hours (assigned and direct)"] == "7.0"
    )  # 6 conversations of 45 minutes, 5 of 30
    assert values["People supported"] == "11"
    mix = shown(table_of(report, "conversations"))
    assert mix["Video"] == ["6", "0"]
    assert mix["Phone"] == ["0", "5"]
    assert table_of(report, "conversations").rows[2].cells[0].percent == 100
    # 4 completed and 1 referred on: both small, the total of 5 shown.
    outcomes = table_of(report, "outcomes")
    assert shown(outcomes)["Support completed"] == ["<5"]
    assert shown(outcomes)["Referred on to another resource"] == ["<5"]
    assert outcomes.display(outcomes.column_totals[0]) == "5"  # type: ignore[index]
    assert values["Conversations per person supported"] == "1.0"


def test_every_table_hides_what_would_reveal_a_small_count(year_2026: dict[str, Any]) -> None:
    """The audit: in every row and column whose total is shown, no single hidden cell
    (which would equal the total minus the shown cells)."""
    for period in (periods.year(2026), periods.quarter(2026, 3), periods.month(2026, 3)):
        report = report_of(period)
        for _section, table in report.tables():
            assert_no_cell_can_be_worked_out(table)


def assert_no_cell_can_be_worked_out(table: Table) -> None:
    lines = []
    for row in table.rows:
        if row.total is not None:
            lines.append((row.cells, row.total))
    if table.column_totals is not None:
        for index, total in enumerate(table.column_totals):
            lines.append(([row.cells[index] for row in table.rows], total))
        if table.grand_total is not None:
            lines.append((table.column_totals, table.grand_total))
    for cells, total in lines:
        if not total.hidden:
            assert sum(cell.hidden for cell in cells) != 1, (table.key, table.display(total))
    for row in table.rows:
        for cell in row.cells:
            if 0 < cell.count < table.min_cell:
                assert cell.hidden, (table.key, row.label)


@pytest.mark.parametrize(
    "counts",
    [[[1, 9, 9], [9, 9, 9]], [[0, 3, 0], [7, 0, 0]], [[2, 2, 2], [2, 2, 2]], [[12, 0], [0, 4]]],
)
def test_complementary_suppression_leaves_no_single_hidden_cell(counts: list[list[int]]) -> None:
    table = build(
        key="t",
        title="t",
        row_header="r",
        columns=[str(index) for index in range(len(counts[0]))],
        rows=[(str(index), row) for index, row in enumerate(counts)],
        min_cell=5,
    )
    assert_no_cell_can_be_worked_out(table)


def test_the_csv_holds_the_same_tables_suppressed_the_same_way(
    year_2026: dict[str, Any], administrator: User
) -> None:
    client = SignInClient()
    with time_machine.travel(TODAY, tick=False):
        client.force_login(administrator)
        response = client.get("/reports/export.csv?period=2026")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="peer-support-report-2026.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["period", "section", "table", "row", "column", "value"]
    march = {
        row[4]: row[5]
        for row in rows
        if row[2] == "People asking for support, by month and way in" and row[3] == "March 2026"
    }
    assert march == {
        "Self-referral": MASKED,
        "Colleague referral": "<5",
        "Reached a supporter directly": "0",
        "Total": "8",
    }
    assert not any(value in {"1", "2", "3", "4"} for *_rest, value in rows[1:])


def test_the_default_is_the_last_complete_year_and_a_young_program_sees_its_year_so_far(
    client: Client, lead: User, year_2026: dict[str, Any]
) -> None:
    with time_machine.travel(TODAY, tick=False):
        client.force_login(lead)
        page = client.get(REPORTS).content.decode()
    assert 'value="2026" selected' in page
    young = periods.default(today=date(2027, 2, 1), first_day=date(2027, 1, 5))
    assert young == periods.year(2027)


def test_periods_are_fixed_calendar_periods() -> None:
    assert periods.parse("2026-Q3") == periods.Period(
        "quarter", date(2026, 7, 1), date(2026, 9, 30)
    )
    assert periods.parse("2026-02") == periods.Period("month", date(2026, 2, 1), date(2026, 2, 28))
    assert periods.parse("2026-13") is None
    assert periods.parse("last-30-days") is None
    assert periods.previous(periods.parse("2026-Q1")) == periods.quarter(2025, 4)  # type: ignore[arg-type]


def test_a_period_with_no_data_says_so(client: Client, lead: User) -> None:
    with time_machine.travel(TODAY, tick=False):
        client.force_login(lead)
        response = client.get(REPORTS + "?period=2026-05")
    page = response.content.decode()
    assert response.status_code == 200
    assert "No data yet for this period." in page
    assert "<svg" not in page.split("No data yet")[1][:200]


def test_leads_and_administrators_only(
    client: Client, lead: User, administrator: User, supporter: User, outsider: User
) -> None:
    anonymous = Client().get(REPORTS)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for user, status in ((lead, 200), (administrator, 200), (supporter, 403), (outsider, 403)):
        signed_in = SignInClient()
        signed_in.force_login(user)
        assert signed_in.get(REPORTS).status_code == status, user
        assert signed_in.get("/reports/export.csv").status_code == status, user


def test_a_lead_lands_on_the_reports_after_signing_in(client: Client, lead: User) -> None:
    client.force_login(lead)
    assert client.get("/accounts/").headers["Location"] == REPORTS


def seed(count: int, *, start: int = 0) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO intake_supportrequest (
                public_id, case_code, source, status, name, email, phone, best_times,
                preferred_contact, referrer_name, referrer_email, modality, language,
                interface_language, career_stage, specialty_group, reasons,
                confirmation_token_hash, outcome, referred_to, withdrawal_reason,
                submitted_at, confirmed_at, first_matched_at, first_contact_at, closed_at,
                business_days_to_match, business_days_to_first_contact, no_survey
            )
            SELECT gen_random_uuid(), 'PS-' || upper(lpad(to_hex(g), 8, '0')), 'self', 'closed',
                'x', 'x@example.org', '', '', 'email', '', '', 'phone', 'en', 'en', 'mid', '',
                ARRAY['burnout'], '', 'completed', '', '',
                %s + g * interval '1 minute', %s + g * interval '1 minute',
                %s + g * interval '2 minutes', %s + g * interval '3 minutes',
                %s + g * interval '4 minutes', g %% 5, g %% 3, false
            FROM generate_series(%s, %s) AS g
            """,
            [at(1, 2)] * 5 + [start + 1, start + count],
        )


def test_the_dashboard_runs_the_same_number_of_queries_at_100_and_10000_requests(
    client: Client, lead: User
) -> None:
    from django.test.utils import CaptureQueriesContext

    counts = []
    for start, size in ((0, 100), (100, 9_900)):
        seed(size, start=start)
        with time_machine.travel(TODAY, tick=False):
            client.force_login(lead)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(REPORTS + "?period=2026")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] < 45
    assert "10,000" in response.content.decode()


def test_the_groups_held_and_their_polls_answers_are_in_the_feedback(lead: User) -> None:
    from surveys.models import PollKind
    from tests.surveys.conftest import make_session
    from tests.surveys.test_group_selectors import answer

    for day in (5, 12, 19, 26, 29):
        session = make_session(starts_at=at(5, day))
        for _number in range(2):
            answer(session, PollKind.ENTRANCE, hopes="connect")
    for day in (2, 9, 16, 23, 30):
        answer(make_session(starts_at=at(6, day)), PollKind.EXIT, useful="useful", again="yes")
    report = report_of(periods.year(2026))
    held = table_of(report, "group-sessions")
    assert shown(held)["May 2026"] == ["5", "10", "0"]
    assert shown(held)["June 2026"] == ["5", "0", "5"]
    assert held.display(held.grand_total) == "25"  # type: ignore[arg-type]
    hopes = next(
        table for _section, table in report.tables() if table.key == "poll-entrance_poll-hopes"
    )
    assert hopes.column_totals is None  # several hopes may be ticked: no total
    connect = next(row for row in hopes.rows if row.cells[0].count == 10)
    assert hopes.display(connect.cells[0]) == "10"
    again = next(
        table for _section, table in report.tables() if table.key == "poll-exit_poll-again"
    )
    assert [again.display(cell) for cell in again.column_totals or []] == ["5"]
