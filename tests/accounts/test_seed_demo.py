"""seed_demo is idempotent and refuses to run on a production site."""

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

COUNTED = [
    "accounts.User",
    "auth.Group",
    "supporters.Supporter",
    "intake.SupportRequest",
    "matching.Assignment",
    "notifications.OutgoingEmail",
]


def counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def test_running_it_twice_gives_the_same_rows(settings: Any) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert first["accounts.User"] >= 2
    assert "admin@demo.peersupport.test" in out.getvalue()


def test_it_refuses_when_debug_is_off_unless_forced(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())
    assert counts()["accounts.User"] >= 2


def test_the_demo_holds_assignments_in_every_state_and_a_supporter_at_capacity(
    settings: Any,
) -> None:
    from django.utils import timezone

    from intake.models import SupportRequest
    from matching.models import Assignment
    from programs.business_days import load_calendar
    from supporters.models import Supporter
    from supporters.selectors import with_availability

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()
    calendar = load_calendar()
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert {"waiting", "matched", "in_contact", "closed", "withdrawn"} <= statuses
    ends = set(Assignment.objects.values_list("end_reason", flat=True))
    assert {"", "handed_back", "closed", "withdrawn"} <= ends
    active = Assignment.objects.filter(ended_at__isnull=True, first_contact_at__isnull=True)
    due_days = {calendar.local_date(row.contact_due_at) for row in active}
    assert any(day < calendar.local_date(now) for day in due_days), "one overdue"
    roster = with_availability(Supporter.objects.all(), today=calendar.local_date(now))
    assert "at_capacity" in {row.availability_status for row in roster}


def test_the_demo_answers_both_surveys_once(settings: Any) -> None:
    from surveys.models import Response
    from surveys.selectors import survey_results
    from tests.surveys.conftest import ensure_default_surveys

    settings.DEBUG = True
    ensure_default_surveys()
    call_command("seed_demo", stdout=StringIO())
    first = Response.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Response.objects.count() == first >= 10
    post_support = Response.objects.filter(survey__kind="post_support").first()
    assert post_support is not None
    useful = next(
        r for r in survey_results(post_support.survey).questions if r.question.code == "useful"
    )
    assert useful.columns["open_link"].is_shown
