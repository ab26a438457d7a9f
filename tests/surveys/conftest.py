"""Fixtures for surveys: the shipped surveys, links, and valid answers."""

import importlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from surveys.models import Survey, SurveyKind
from surveys.selectors import active_survey

VANCOUVER = ZoneInfo("America/Vancouver")
# A Wednesday: its week's Monday is 9 March 2026.
WEDNESDAY = datetime(2026, 3, 11, 10, 0, tzinfo=VANCOUVER)

DEFAULTS = importlib.import_module("surveys.migrations.0002_add_default_surveys")


def ensure_default_surveys() -> None:
    """Add the surveys the data migration ships, where they are missing.

    A transactional test empties every table when it ends, data migrations' rows
    included; the migration's own function puts them back (it skips kinds present).
    """
    DEFAULTS.add_default_surveys(apps, None)


@pytest.fixture
def post_support(db: None) -> Survey:
    ensure_default_surveys()
    survey = active_survey(SurveyKind.POST_SUPPORT)
    assert survey is not None
    return survey


@pytest.fixture
def awareness(db: None) -> Survey:
    ensure_default_surveys()
    survey = active_survey(SurveyKind.AWARENESS)
    assert survey is not None
    return survey


@pytest.fixture
def feedback_data() -> dict[str, Any]:
    """A complete, valid set of answers to the shipped post-support survey."""
    return {
        "q_useful": "4",
        "q_contacted_in_time": "yes",
        "q_safe_respected": "yes",
        "q_recommend": "maybe",
        "q_use_again": "yes",
        "q_heard_from": ["colleague", "poster"],
        "q_improve": "More evening times, please.",
    }


@pytest.fixture
def awareness_data() -> dict[str, Any]:
    return {"q_heard_of": "no", "q_would_use": "maybe", "q_heard_from": ["not_heard"]}


# --- Group sessions ---------------------------------------------------------------------------


def make_session(
    *,
    starts_at: datetime,
    minutes: int = 60,
    audience: str = "physicians",
    facilitators: tuple[Any, ...] = (),
    now: datetime | None = None,
    **fields: Any,
) -> Any:
    """Create a group session (with its two polls) through the service."""
    from datetime import timedelta

    from surveys.groups.services import create_group_session
    from surveys.models import GroupSession

    defaults: dict[str, Any] = {
        "title_en": "Drop-in group for physicians",
        "description_en": "An hour to connect with colleagues.",
        "join_mode": "link" if audience == "physicians" else "supporters",
        "meeting_url": "https://meet.example.org/group",
    }
    session = GroupSession(
        audience=audience,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **{**defaults, **fields},
    )
    return create_group_session(session=session, facilitators=facilitators, now=now)
