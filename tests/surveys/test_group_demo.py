"""The demo's group sessions: a weekly public group with answered polls, one under way,
one cancelled, the supervision group; loaded twice, the same rows."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from surveys.models import GroupSession, Response

pytestmark = pytest.mark.django_db


def test_the_demo_has_groups_of_every_kind_once(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    sessions, answers = GroupSession.objects.count(), Response.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (GroupSession.objects.count(), Response.objects.count()) == (sessions, answers)
    now = timezone.now()
    public = GroupSession.objects.filter(audience="physicians")
    assert public.filter(starts_at__gt=now, is_cancelled=False).exists()
    assert public.filter(starts_at__gt=now, is_cancelled=True).count() == 1
    assert public.filter(starts_at__lte=now, ends_at__gte=now).exists()  # under way
    assert GroupSession.objects.filter(audience="supporters", starts_at__gt=now).exists()
    assert Response.objects.filter(survey__group_session__isnull=False).count() >= 20
    assert public.filter(facilitators__email="lead@demo.peersupport.test").exists()
