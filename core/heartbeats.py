"""Periodic jobs say when they stop: each records its last success; a job silent for twice
its interval is stale (`/healthz/full`, the administrator's Today page).

Every job on the beat schedule is declared with `periodic_task(name)` instead of
`shared_task(name=name)`: the heartbeat is written when the job's body returns, so a job
that raises, hangs or never runs (a stopped beat, a dead worker) stops beating.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from .models import Heartbeat

P = ParamSpec("P")
R = TypeVar("R")


def record_success(task: str, *, now: datetime | None = None) -> None:
    """Write `task`'s heartbeat: it has just succeeded."""
    now = now or timezone.now()
    Heartbeat.objects.update_or_create(
        task=task,
        defaults={"succeeded_at": now},
        create_defaults={"registered_at": now, "succeeded_at": now},
    )


def periodic_task(name: str) -> Callable[[Callable[P, R]], Any]:
    """Declare a Celery task that records a heartbeat each time it succeeds."""

    def decorator(body: Callable[P, R]) -> Any:
        @wraps(body)
        def beating(*args: P.args, **kwargs: P.kwargs) -> R:
            result = body(*args, **kwargs)
            record_success(name)
            return result

        return shared_task(name=name)(beating)

    return decorator


def expected_intervals() -> dict[str, timedelta]:
    """Return each scheduled job's interval, from `CELERY_BEAT_SCHEDULE`."""
    intervals = {}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        when = entry["schedule"]
        if isinstance(when, timedelta):
            intervals[entry["task"]] = when
        elif isinstance(when, crontab):
            # The schedule's crontabs fire once a day (the nightly jobs).
            intervals[entry["task"]] = timedelta(days=1)
        else:
            raise TypeError(f"{entry['task']}: schedule it with a timedelta or a daily crontab")
    return intervals


def register_scheduled_jobs(sender: Any = None, **kwargs: Any) -> None:
    """Create the missing heartbeat rows of the scheduled jobs (idempotent)."""
    apps = kwargs.get("apps")
    model = apps.get_model("core", "Heartbeat") if apps is not None else Heartbeat
    now = timezone.now()
    model.objects.bulk_create(
        [model(task=task, registered_at=now) for task in expected_intervals()],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class JobState:
    task: str
    interval: timedelta
    last_success: datetime | None
    is_stale: bool


def job_states(*, now: datetime | None = None) -> list[JobState]:
    """Return every scheduled job's state, in one query; stale after twice its interval."""
    now = now or timezone.now()
    beats = {beat.task: beat for beat in Heartbeat.objects.all()}
    states = []
    for task, interval in sorted(expected_intervals().items()):
        beat = beats.get(task)
        since = (beat.succeeded_at or beat.registered_at) if beat is not None else None
        states.append(
            JobState(
                task=task,
                interval=interval,
                last_success=beat.succeeded_at if beat is not None else None,
                is_stale=since is None or now - since > 2 * interval,
            )
        )
    return states


def stale_jobs(*, now: datetime | None = None) -> list[str]:
    return [state.task for state in job_states(now=now) if state.is_stale]
