"""Ranking with a known roster: who comes first, why, and who is left out or greyed."""

from datetime import date, datetime
from typing import Any

import pytest

from accounts.models import User
from intake.models import SupportRequest
from matching.ranking import Suggestion, rank
from matching.selectors import candidates
from matching.services import assign_supporter, hand_back
from programs.models import Region
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory
from tests.matching.conftest import TUESDAY, VANCOUVER

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def ranked(request: SupportRequest, **kwargs: Any) -> tuple[list[Suggestion], list[Suggestion]]:
    return rank(request, candidates(today=TODAY), **kwargs)


def names(suggestions: list[Suggestion]) -> list[str]:
    return [suggestion.supporter.display_name for suggestion in suggestions]


def by_name(suggestions: list[Suggestion]) -> dict[str, Suggestion]:
    return {suggestion.supporter.display_name: suggestion for suggestion in suggestions}


@pytest.fixture
def regions(db: None) -> tuple[Region, Region]:
    return Region.objects.create(name="Island"), Region.objects.create(name="Interior")


@pytest.fixture
def roster(regions: tuple[Region, Region]) -> dict[str, Supporter]:
    island, interior = regions

    def supporter(name: str, **fields: Any) -> Supporter:
        return SupporterFactory.create(display_name=name, **fields)

    return {
        "asked": supporter(
            "Asked",
            languages=["en"],
            modalities=["phone"],
            career_stage="retired",
            specialty_group="surgery",
        ),
        "full": supporter(
            "Full",
            languages=["en", "fr"],
            modalities=["in_person", "phone"],
            career_stage="mid",
            specialty_group="emergency",
            region=island,
        ),
        "near": supporter(
            "Near",
            languages=["fr"],
            modalities=["in_person"],
            career_stage="late",
            specialty_group="emergency",
            region=island,
        ),
        "elsewhere": supporter(
            "Elsewhere",
            languages=["fr"],
            modalities=["in_person"],
            career_stage="mid",
            specialty_group="emergency",
            region=interior,
        ),
        "language": supporter(
            "Language",
            languages=["fr"],
            modalities=["video"],
            career_stage="resident",
            specialty_group="family",
        ),
        "nothing": supporter(
            "Nothing",
            languages=["en"],
            modalities=["video"],
            career_stage="resident",
            specialty_group="family",
            region=interior,
        ),
    }


@pytest.fixture
def in_person_request(
    roster: dict[str, Supporter], regions: tuple[Region, Region]
) -> SupportRequest:
    return SupportRequestFactory.create(
        language="fr",
        modality="in_person",
        career_stage="mid",
        specialty_group="emergency",
        region=regions[0],
        preferred_supporter=roster["asked"],
        submitted_at=TUESDAY,
    )


def test_asked_for_by_name_comes_first_then_by_points(in_person_request: SupportRequest) -> None:
    available, unavailable = ranked(in_person_request)

    # Asked 100; Full 40+20+10+10+15 = 95; Near 40+20+5+10+15 = 90; Elsewhere 80; Language 40.
    assert names(available) == ["Asked", "Full", "Near", "Elsewhere", "Language", "Nothing"]
    assert [suggestion.score for suggestion in available] == [100, 95, 90, 80, 40, 0]
    assert unavailable == []
    assert [suggestion.is_requested for suggestion in available] == [True] + [False] * 5


def test_each_rank_explains_itself(in_person_request: SupportRequest) -> None:
    rows = by_name(ranked(in_person_request)[0])

    assert rows["Asked"].reasons == ["Asked for by name", "0 active contacts of 3"]
    assert rows["Asked"].misses == [
        "Does not speak French",
        "Does not offer in person",
        "In another region",
    ]
    assert rows["Full"].reasons == [
        "Speaks French",
        "Offers in person",
        "Same career stage",
        "Same specialty group",
        "Same region, for meeting in person",
        "0 active contacts of 3",
    ]
    assert rows["Full"].misses == []
    assert "Similar career stage" in rows["Near"].reasons
    assert "Same career stage" not in rows["Near"].reasons
    assert rows["Elsewhere"].misses == ["In another region"]
    assert "Same region, for meeting in person" not in rows["Elsewhere"].reasons
    # Resident against mid career is two steps apart: neither same nor similar.
    assert not {"Same career stage", "Similar career stage"} & set(rows["Language"].reasons)
    assert rows["Nothing"].reasons == ["0 active contacts of 3"]
    assert rows["Nothing"].misses == [
        "Does not speak French",
        "Does not offer in person",
        "In another region",
    ]


def test_region_counts_only_when_meeting_in_person(
    roster: dict[str, Supporter], regions: tuple[Region, Region]
) -> None:
    by_phone = SupportRequestFactory.create(
        language="fr",
        modality="in_person",
        career_stage="mid",
        specialty_group="emergency",
        region=regions[0],
    )
    in_person = by_name(ranked(by_phone)[0])
    by_phone.modality = "phone"
    by_phone.save(update_fields=["modality"])

    on_the_phone = by_name(ranked(by_phone)[0])

    assert in_person["Full"].score - in_person["Elsewhere"].score == 15
    # By phone, Full offers phone and Elsewhere does not: the 20 points of modality only.
    assert on_the_phone["Full"].score - on_the_phone["Elsewhere"].score == 20
    for row in on_the_phone.values():
        assert "Same region, for meeting in person" not in row.reasons
        assert "In another region" not in row.misses


def test_a_request_without_a_region_gives_no_region_points(
    roster: dict[str, Supporter],
) -> None:
    request = SupportRequestFactory.create(language="fr", modality="in_person", region=None)

    rows = by_name(ranked(request)[0])

    assert all("In another region" not in row.misses for row in rows.values())
    assert all("Same region, for meeting in person" not in row.reasons for row in rows.values())


def _assign_then_hand_back(supporter: Supporter, moment: datetime, admin: User) -> None:
    assignment = assign_supporter(
        request=SupportRequestFactory.create(submitted_at=moment),
        supporter=supporter,
        assigned_by=admin,
        now=moment,
    )
    hand_back(assignment=assignment, reason="other", handed_back_by=supporter.user, now=moment)


def test_ties_go_to_the_lowest_load_then_the_least_recently_assigned(
    administrator: User,
) -> None:
    # Equal points for everyone: the factories' English, phone, mid career, family.
    busy = SupporterFactory.create(display_name="Abel Busy")
    recent = SupporterFactory.create(display_name="Bea Recent")
    older = SupporterFactory.create(display_name="Cal Older")
    SupporterFactory.create(display_name="Dee Never")
    assign_supporter(
        request=SupportRequestFactory.create(
            submitted_at=datetime(2026, 1, 15, 9, tzinfo=VANCOUVER)
        ),
        supporter=busy,
        assigned_by=administrator,
        now=datetime(2026, 1, 15, 10, tzinfo=VANCOUVER),
    )
    _assign_then_hand_back(recent, datetime(2026, 3, 2, 10, tzinfo=VANCOUVER), administrator)
    _assign_then_hand_back(older, datetime(2026, 2, 2, 10, tzinfo=VANCOUVER), administrator)
    request = SupportRequestFactory.create(submitted_at=TUESDAY)

    available, _unavailable = ranked(request)

    assert len({suggestion.score for suggestion in available}) == 1
    # Never assigned first; then the longest ago; the one holding a contact last, although
    # it was assigned least recently of all.
    assert names(available) == ["Dee Never", "Cal Older", "Bea Recent", "Abel Busy"]
    assert [suggestion.load for suggestion in available] == [0, 0, 0, 1]
    assert available[0].last_assigned_at is None
    assert available[1].last_assigned_at == datetime(2026, 2, 2, 10, tzinfo=VANCOUVER)
    assert available[-1].reasons[-1] == "1 active contact of 3"


def test_points_beat_a_lighter_load(administrator: User) -> None:
    speaks = SupporterFactory.create(display_name="Speaks French", languages=["fr"], capacity=5)
    SupporterFactory.create(display_name="English Only", languages=["en"], capacity=5)
    for _ in range(3):
        assign_supporter(
            request=SupportRequestFactory.create(submitted_at=TUESDAY),
            supporter=speaks,
            assigned_by=administrator,
            now=TUESDAY,
        )

    available, _unavailable = ranked(
        SupportRequestFactory.create(language="fr", submitted_at=TUESDAY)
    )

    assert names(available) == ["Speaks French", "English Only"]
    assert available[0].reasons[-1] == "3 active contacts of 5"


def test_supporters_the_requester_avoids_appear_in_neither_list(
    in_person_request: SupportRequest, roster: dict[str, Supporter]
) -> None:
    away_and_avoided = SupporterFactory.create(
        display_name="Away Avoided", away_until=date(2026, 4, 1)
    )
    avoided = [roster["full"].pk, roster["asked"].pk, away_and_avoided.pk]

    available, unavailable = ranked(in_person_request, avoided_ids=avoided)

    assert names(available) == ["Near", "Elsewhere", "Language", "Nothing"]
    assert unavailable == []


def test_the_current_supporter_is_left_out_on_a_reassignment(
    in_person_request: SupportRequest, roster: dict[str, Supporter]
) -> None:
    available, _unavailable = ranked(in_person_request, exclude_ids=[roster["asked"].pk])

    assert names(available)[0] == "Full"
    assert "Asked" not in names(available)


def test_unavailable_supporters_come_back_greyed_with_their_reason(
    administrator: User,
) -> None:
    SupporterFactory.create(display_name="Ready")
    SupporterFactory.create(display_name="Away", away_until=date(2026, 3, 20))
    full = SupporterFactory.create(display_name="Full", capacity=1)
    SupporterFactory.create(display_name="Untrained", trained_on=None)
    SupporterFactory.create(display_name="Paused", accepts_new=False)
    assign_supporter(
        request=SupportRequestFactory.create(submitted_at=TUESDAY),
        supporter=full,
        assigned_by=administrator,
        now=TUESDAY,
    )

    available, unavailable = ranked(SupportRequestFactory.create(submitted_at=TUESDAY))

    assert names(available) == ["Ready"]
    assert [(row.supporter.display_name, row.availability.staff_label) for row in unavailable] == [
        ("Away", "Away until March 20, 2026"),
        ("Full", "At capacity"),
        ("Paused", "Not taking new requests"),
        ("Untrained", "Not ready: training or agreement not recorded"),
    ]
    # Greyed rows are still scored, so the page can say what they would have offered.
    assert all(row.reasons for row in unavailable)


def test_ranking_runs_no_query_once_the_roster_is_loaded(
    in_person_request: SupportRequest, django_assert_num_queries: Any
) -> None:
    roster = list(candidates(today=TODAY))
    request = SupportRequest.objects.select_related("region").get(pk=in_person_request.pk)

    with django_assert_num_queries(0):
        available, _unavailable = rank(request, roster)

    assert names(available)[0] == "Asked"
