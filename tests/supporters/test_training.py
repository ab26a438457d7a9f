"""Supporting the supporters: training records, "training completed on", and CE hours."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError
from django.test import Client

from supporters.models import Supporter, TrainingRecord
from supporters.selectors import available_supporters, training_of
from supporters.services import record_training, update_trained_on
from tests.factories import SupporterFactory

pytestmark = pytest.mark.django_db

INITIAL = TrainingRecord.Kind.INITIAL
CONTINUING = TrainingRecord.Kind.CONTINUING


def change_url(supporter: Supporter) -> str:
    return f"/admin/supporters/supporter/{supporter.pk}/change/"


def change_form(supporter: Supporter, rows: list[dict[str, str]], **changes: str) -> dict[str, Any]:
    """The admin's change form as a browser sends it, with training rows in the inline."""
    data: dict[str, Any] = {
        "display_name": supporter.display_name,
        "slug": supporter.slug,
        "pronouns": supporter.pronouns,
        "bio": supporter.bio,
        "specialty_group": supporter.specialty_group,
        "career_stage": supporter.career_stage,
        "languages": supporter.languages,
        "modalities": supporter.modalities,
        "region": "",
        "published_contact": "",
        "capacity": str(supporter.capacity),
        "accepts_new": "on",
        "away_until": "",
        "trained_on": supporter.trained_on.isoformat() if supporter.trained_on else "",
        "agreement_signed_on": supporter.agreement_signed_on.isoformat()
        if supporter.agreement_signed_on
        else "",
        "is_listed": "on",
        "training_records-TOTAL_FORMS": str(len(rows)),
        "training_records-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "training_records-MIN_NUM_FORMS": "0",
        "training_records-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"training_records-{number}-{key}"] = value
        data[f"training_records-{number}-supporter"] = str(supporter.pk)
    data.update(changes)
    return data


def test_an_initial_training_sets_training_completed_on() -> None:
    supporter = SupporterFactory(trained_on=None)
    assert not available_supporters(today=date(2026, 3, 10)).filter(pk=supporter.pk).exists()
    record_training(
        supporter=supporter,
        kind=INITIAL,
        title="Peer supporter training",
        completed_on=date(2026, 2, 20),
        hours=Decimal("12"),
    )
    supporter.refresh_from_db()
    assert supporter.trained_on == date(2026, 2, 20)
    assert available_supporters(today=date(2026, 3, 10)).filter(pk=supporter.pk).exists()


def test_the_earliest_initial_training_counts_and_continuing_education_does_not() -> None:
    supporter = SupporterFactory(trained_on=None)
    record_training(
        supporter=supporter,
        kind=INITIAL,
        title="Refresher of the initial course",
        completed_on=date(2026, 5, 1),
        hours=Decimal("6"),
    )
    record_training(
        supporter=supporter,
        kind=INITIAL,
        title="Peer supporter training",
        completed_on=date(2026, 1, 5),
        hours=Decimal("12"),
    )
    record_training(
        supporter=supporter,
        kind=CONTINUING,
        title="Grief workshop",
        completed_on=date(2025, 6, 1),
        hours=Decimal("1.5"),
    )
    supporter.refresh_from_db()
    assert supporter.trained_on == date(2026, 1, 5)


def test_continuing_education_alone_leaves_a_hand_set_date_alone() -> None:
    supporter = SupporterFactory(trained_on=date(2024, 9, 1))
    record_training(
        supporter=supporter,
        kind=CONTINUING,
        title="Moral injury seminar",
        completed_on=date(2026, 2, 1),
        hours=Decimal("2"),
    )
    assert update_trained_on(supporter=supporter).trained_on == date(2024, 9, 1)
    supporter.refresh_from_db()
    assert supporter.trained_on == date(2024, 9, 1)


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1"), Decimal("600")])
def test_the_database_refuses_hours_out_of_range(hours: Decimal) -> None:
    with pytest.raises(IntegrityError):
        TrainingRecord.objects.create(
            supporter=SupporterFactory(),
            kind=CONTINUING,
            title="Workshop",
            completed_on=date(2026, 1, 1),
            hours=hours,
        )


def test_the_admin_records_an_initial_training_inline_and_sets_the_date(
    client: Client, administrator: Any
) -> None:
    supporter = SupporterFactory(trained_on=None)
    client.force_login(administrator)
    page = client.get(change_url(supporter)).content.decode()
    assert "training_records-0-title" in page
    rows = [
        {"kind": "initial", "title": "Peer supporter training", "completed_on": "2026-02-03"}
        | {"hours": "12.5"},
        {"kind": "continuing", "title": "Grief workshop", "completed_on": "2026-03-01"}
        | {"hours": "1.5"},
    ]
    response = client.post(change_url(supporter), change_form(supporter, rows))
    assert response.status_code == 302, response.content.decode()
    supporter.refresh_from_db()
    assert supporter.trained_on == date(2026, 2, 3)
    assert TrainingRecord.objects.filter(supporter=supporter).count() == 2


def test_the_admin_refuses_bad_training_rows_and_saves_nothing(
    client: Client, administrator: Any
) -> None:
    supporter = SupporterFactory(trained_on=None)
    client.force_login(administrator)
    rows = [{"kind": "initial", "title": "", "completed_on": "2026-02-30", "hours": "0"}]
    response = client.post(change_url(supporter), change_form(supporter, rows))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert "Enter a valid date." in body
    assert not TrainingRecord.objects.exists()
    supporter.refresh_from_db()
    assert supporter.trained_on is None


def test_the_add_form_has_no_training_inline(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    assert (
        "training_records-" not in client.get("/admin/supporters/supporter/add/").content.decode()
    )


def test_continuing_education_hours_are_summed_by_year() -> None:
    supporter = SupporterFactory()
    for completed_on, hours, kind in [
        (date(2025, 12, 31), "2", CONTINUING),
        (date(2026, 1, 1), "1.5", CONTINUING),
        (date(2026, 6, 1), "3", CONTINUING),
        (date(2026, 1, 2), "12", INITIAL),
    ]:
        record_training(
            supporter=supporter,
            kind=kind,
            title="Session",
            completed_on=completed_on,
            hours=Decimal(hours),
        )
    summary = training_of(supporter, today=date(2026, 7, 1))
    assert summary.continuing_hours_this_year == Decimal("4.5")
    assert summary.continuing_hours_in_all == Decimal("6.5")
    assert [record.completed_on for record in summary.records] == [
        date(2026, 6, 1),
        date(2026, 1, 2),
        date(2026, 1, 1),
        date(2025, 12, 31),
    ]


@time_machine.travel("2026-07-01 12:00-07:00", tick=False)
def test_my_profile_shows_the_supporters_own_training_and_hours(
    client: Client, supporter: Any, other_supporter: Any
) -> None:
    own = Supporter.objects.get(user=supporter)
    other = Supporter.objects.get(user=other_supporter)
    record_training(
        supporter=own,
        kind=CONTINUING,
        title="Grief workshop",
        completed_on=date(2026, 3, 1),
        hours=Decimal("1.5"),
    )
    record_training(
        supporter=own,
        kind=CONTINUING,
        title="Listening skills",
        completed_on=date(2025, 3, 1),
        hours=Decimal("2"),
    )
    record_training(
        supporter=other,
        kind=CONTINUING,
        title="Someone else's course",
        completed_on=date(2026, 3, 1),
        hours=Decimal("9"),
    )
    client.force_login(supporter)
    body = client.get("/portal/profile/").content.decode()
    assert "Grief workshop" in body and "Listening skills" in body
    assert "Someone else" not in body
    training = body.split('id="training-heading"', 1)[1].split("</section>", 1)[0]
    assert "1.5 hours" in training  # this year
    assert "3.5 hours" in training  # in all
    assert "Thank you for keeping your skills fresh." in training


def test_my_profile_without_training_says_none_is_recorded(client: Client, supporter: Any) -> None:
    client.force_login(supporter)
    body = client.get("/portal/profile/").content.decode()
    assert "No courses or sessions are recorded yet." in body
    assert "0 hours" in body
