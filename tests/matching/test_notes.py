"""Scratch notes are crypto-shredded: stored sealed, unreadable once their key is gone, and
failing closed (with a plain message) when the notes' Redis is down."""

from datetime import timedelta
from typing import Any

import pytest
import redis
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from matching.checks import notes_redis_keeps_nothing
from matching.models import Assignment, ScratchNote
from matching.services import (
    NotesUnavailable,
    close_request,
    destroy_note,
    read_note,
    record_first_contact,
    save_note,
)
from matching.services.note_keys import note_keys
from tests.helpers import private_redis
from tests.matching.conftest import TUESDAY

pytestmark = pytest.mark.django_db

NOTE = "Ask how the night shift went; mention the debrief."


def test_a_notes_stored_value_is_never_its_plaintext(assignment: Assignment) -> None:
    note = save_note(assignment=assignment, text=NOTE, now=TUESDAY)
    stored = bytes(ScratchNote.objects.values_list("sealed", flat=True).get(pk=note.pk))
    assert NOTE.encode() not in stored
    assert b"night shift" not in stored
    assert read_note(note) == NOTE


def test_once_its_key_is_gone_a_note_cannot_be_read_with_anything(assignment: Assignment) -> None:
    note = save_note(assignment=assignment, text=NOTE, now=TUESDAY)
    note_keys().destroy(note.key_id)
    assert read_note(note) is None
    # Another note's key does not open it either: each note has its own.
    other = save_note(assignment=assignment, text="Another.", now=TUESDAY)
    other_key = note_keys().get(other.key_id)
    assert other_key is not None
    from core.shredding import unseal

    assert unseal(other_key, bytes(note.sealed), bound_to=note.key_id.bytes) is None


def test_a_notes_key_lives_only_for_the_notes_lifetime(
    assignment: Assignment, settings: Any
) -> None:
    note = save_note(assignment=assignment, text=NOTE, now=TUESDAY)
    client = redis.Redis.from_url(settings.NOTES_REDIS_URL)
    ttl = client.ttl(f"peersupport-note-key:{note.key_id.hex}")
    assert 0 < ttl <= settings.NOTE_TTL_HOURS * 3600


def test_destroying_a_note_deletes_its_key(assignment: Assignment) -> None:
    note = save_note(assignment=assignment, text=NOTE, now=TUESDAY)
    assert destroy_note(assignment=assignment)
    assert note_keys().get(note.key_id) is None
    assert not ScratchNote.objects.exists()


def test_ending_the_assignment_deletes_the_notes_key(
    assignment: Assignment, supporter: User
) -> None:
    note = save_note(assignment=assignment, text=NOTE, now=TUESDAY)
    record_first_contact(
        assignment=assignment,
        contacted_at=TUESDAY + timedelta(hours=1),
        means="phone",
        now=TUESDAY + timedelta(hours=1),
    )
    close_request(assignment=assignment, outcome="completed", closed_by=supporter, now=TUESDAY)
    assert note_keys().get(note.key_id) is None


def test_a_note_whose_key_was_lost_is_gone_and_a_new_one_starts(assignment: Assignment) -> None:
    first = save_note(assignment=assignment, text=NOTE, now=TUESDAY)
    note_keys().destroy(first.key_id)  # as if the notes' Redis had restarted
    second = save_note(assignment=assignment, text="Fresh start.", now=TUESDAY + timedelta(hours=1))
    assert second.key_id != first.key_id
    assert second.first_written_at == TUESDAY + timedelta(hours=1)
    assert read_note(second) == "Fresh start."


def test_with_the_notes_redis_down_saving_fails_plainly_and_the_page_still_works(
    client: Client, supporter: User, assignment: Assignment, settings: Any
) -> None:
    client.force_login(supporter)
    url = reverse("matching:contact", args=[assignment.public_id])
    with private_redis() as url_of_notes:
        settings.NOTES_REDIS_URL = url_of_notes
        save_note(assignment=assignment, text="Written while up.", now=TUESDAY)
    # The notes' Redis is stopped now (and, with it, every key it held).
    with pytest.raises(NotesUnavailable):
        save_note(assignment=assignment, text=NOTE, now=TUESDAY)

    with time_machine.travel(TUESDAY + timedelta(hours=1), tick=False):
        response = client.post(url, {"action": "save_note", "note-text": NOTE})
        shown = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Notes are unavailable right now, so your note was not saved." in page
    assert NOTE in page  # nothing typed is lost
    assert "Your note cannot be shown right now" in page
    # The rest of the page works: the contact's details and the other forms are there.
    assert assignment.request.case_code in page
    assert 'value="record_first_contact"' in page
    assert shown.status_code == 200
    assert "Your note cannot be shown right now" in shown.content.decode()


def test_the_deploy_check_refuses_a_notes_redis_that_snapshots_to_disk(
    settings: Any, tmp_path: Any
) -> None:
    with private_redis("--save", "900 1", "--dir", str(tmp_path)) as url:
        settings.NOTES_REDIS_URL = url
        errors = notes_redis_keeps_nothing()
        assert [error.id for error in errors] == ["matching.E001"]
        assert "RDB snapshots are on" in errors[0].msg
        with pytest.raises(SystemCheckError):
            call_command("check", "--deploy", "--fail-level", "ERROR")


def test_the_deploy_check_refuses_an_append_only_notes_redis(settings: Any, tmp_path: Any) -> None:
    with private_redis("--appendonly", "yes", "--dir", str(tmp_path)) as url:
        settings.NOTES_REDIS_URL = url
        assert "append-only file" in notes_redis_keeps_nothing()[0].msg


def test_the_deploy_check_accepts_a_notes_redis_that_keeps_nothing(settings: Any) -> None:
    with private_redis() as url:
        settings.NOTES_REDIS_URL = url
        assert notes_redis_keeps_nothing() == []


def test_the_deploy_check_warns_when_it_cannot_tell(settings: Any) -> None:
    with private_redis() as url:
        pass
    settings.NOTES_REDIS_URL = url  # stopped: unreachable
    assert [warning.id for warning in notes_redis_keeps_nothing()] == ["matching.W002"]
