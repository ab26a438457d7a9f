"""/healthz for load balancers (503 only without a database) and /healthz/full for
monitoring (503 naming the part: the database, Redis or a stale periodic job)."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from core.heartbeats import expected_intervals, job_states, periodic_task, record_success
from core.models import Heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_jobs_fresh() -> None:
    for task in expected_intervals():
        record_success(task)


def test_it_answers_200_when_everything_is_up(client: Client, all_jobs_fresh: None) -> None:
    for url in ("/healthz", "/healthz/full"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "redis": "ok", "jobs": {"stale": []}}


def test_redis_down_keeps_the_web_in_rotation_and_alerts_monitoring(
    client: Client, settings: Any, all_jobs_fresh: None
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    balancer = client.get("/healthz")
    assert balancer.status_code == 200
    assert balancer.json()["redis"] == "down"
    monitoring = client.get("/healthz/full")
    assert monitoring.status_code == 503
    assert monitoring.json()["redis"] == "down"


def test_the_database_down_takes_this_process_out_of_rotation(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    def broken_cursor(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    for url in ("/healthz", "/healthz/full"):
        response = client.get(url)
        assert response.status_code == 503
        assert response.json() == {
            "database": "down",
            "redis": "ok",
            "jobs": {"stale": "unknown"},
        }


def test_a_job_silent_for_twice_its_interval_turns_full_health_red_and_back(
    client: Client, all_jobs_fresh: None
) -> None:
    interval = expected_intervals()["matching.tasks.escalate_overdue"]
    later = timezone.now() + 2 * interval + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        for task in expected_intervals():
            if task != "matching.tasks.escalate_overdue":
                record_success(task)
        stale = client.get("/healthz/full")
        assert stale.status_code == 503
        assert stale.json()["jobs"]["stale"] == ["matching.tasks.escalate_overdue"]
        assert client.get("/healthz").status_code == 200

        record_success("matching.tasks.escalate_overdue")
        assert client.get("/healthz/full").status_code == 200


def test_every_scheduled_job_has_a_heartbeat_from_the_first_migrate() -> None:
    assert set(Heartbeat.objects.values_list("task", flat=True)) >= set(expected_intervals())
    assert {state.task for state in job_states()} == set(expected_intervals())


def test_a_job_beats_when_it_succeeds_and_not_when_it_fails() -> None:
    from matching.tasks import purge_expired_notes

    before = timezone.now()
    purge_expired_notes()
    beat = Heartbeat.objects.get(task="matching.tasks.purge_expired_notes")
    assert beat.succeeded_at is not None and beat.succeeded_at >= before

    @periodic_task("tests.always_fails")
    def always_fails() -> None:
        raise RuntimeError("the job broke")

    with pytest.raises(RuntimeError):
        always_fails()
    assert not Heartbeat.objects.filter(task="tests.always_fails").exists()


def test_the_nightly_job_is_expected_once_a_day() -> None:
    assert expected_intervals()["intake.tasks.compact_touched_tables"] == timedelta(days=1)
    assert expected_intervals()["notifications.tasks.send_pending_emails"] == timedelta(minutes=1)


def test_health_makes_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        client.get("/healthz")
