"""seed_demo is idempotent and refuses to run on a production site."""

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

COUNTED = ["accounts.User", "auth.Group", "supporters.Supporter"]


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
