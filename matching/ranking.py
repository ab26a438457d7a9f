"""Rank supporters for one request, and say why: the match page's suggestions.

A pure function of the request and the annotated roster (`selectors.candidates`), so it
costs no query and can be tested with a known roster. Points express what matters
most; ties go to the supporter with the lowest current load, then the one assigned
least recently, so work spreads across the roster.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.models import SupportRequest
from programs.vocabulary import CareerStage, Modality
from supporters.models import Availability

from .selectors import Candidate

ASKED_FOR_BY_NAME = 100
SPEAKS_LANGUAGE = 40
OFFERS_MODALITY = 20
SAME_REGION_IN_PERSON = 15
SAME_CAREER_STAGE = 10
NEAR_CAREER_STAGE = 5
SAME_SPECIALTY_GROUP = 10

CAREER_ORDER = [stage.value for stage in CareerStage]


@dataclass
class Suggestion:
    """One supporter on the match page: score, the reasons for it, and availability."""

    supporter: Candidate
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    is_requested: bool = False

    @property
    def availability(self) -> Availability:
        return self.supporter.availability

    @property
    def load(self) -> int:
        return self.supporter.active_load

    @property
    def last_assigned_at(self) -> datetime | None:
        return self.supporter.last_assigned_at

    @property
    def recent_time_to_contact(self) -> str:
        """Return the supporter's average time to first contact lately, in words, or ""."""
        average = self.supporter.recent_time_to_contact
        if average is None:
            return ""
        hours = max(1, round(average.total_seconds() / 3600))
        if hours < 48:
            return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
        days = round(hours / 24)
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _career_distance(first: str, second: str) -> int | None:
    if first not in CAREER_ORDER or second not in CAREER_ORDER:
        return None
    return abs(CAREER_ORDER.index(first) - CAREER_ORDER.index(second))


def score(request: SupportRequest, supporter: Candidate) -> Suggestion:
    """Score one supporter for one request, with a sentence for each point given or missed."""
    suggestion = Suggestion(supporter=supporter)
    if request.preferred_supporter_id == supporter.pk:
        suggestion.is_requested = True
        suggestion.score += ASKED_FOR_BY_NAME
        suggestion.reasons.append(_("Asked for by name"))
    language = request.get_language_display()
    if request.language in supporter.languages:
        suggestion.score += SPEAKS_LANGUAGE
        suggestion.reasons.append(_("Speaks %(language)s") % {"language": language})
    else:
        suggestion.misses.append(_("Does not speak %(language)s") % {"language": language})
    modality = request.get_modality_display().lower()
    if request.modality in supporter.modalities:
        suggestion.score += OFFERS_MODALITY
        suggestion.reasons.append(_("Offers %(modality)s") % {"modality": modality})
    else:
        suggestion.misses.append(_("Does not offer %(modality)s") % {"modality": modality})
    distance = _career_distance(request.career_stage, supporter.career_stage)
    if distance == 0:
        suggestion.score += SAME_CAREER_STAGE
        suggestion.reasons.append(_("Same career stage"))
    elif distance == 1:
        suggestion.score += NEAR_CAREER_STAGE
        suggestion.reasons.append(_("Similar career stage"))
    if request.specialty_group and request.specialty_group == supporter.specialty_group:
        suggestion.score += SAME_SPECIALTY_GROUP
        suggestion.reasons.append(_("Same specialty group"))
    if request.modality == Modality.IN_PERSON and request.region_id is not None:
        if request.region_id == supporter.region_id:
            suggestion.score += SAME_REGION_IN_PERSON
            suggestion.reasons.append(_("Same region, for meeting in person"))
        else:
            suggestion.misses.append(_("In another region"))
    suggestion.reasons.append(
        ngettext(
            "%(load)d active contact of %(capacity)d",
            "%(load)d active contacts of %(capacity)d",
            suggestion.load,
        )
        % {"load": suggestion.load, "capacity": supporter.capacity}
    )
    return suggestion


def _sort_key(suggestion: Suggestion) -> tuple[int, int, float, str, int]:
    last = suggestion.last_assigned_at
    # Never assigned sorts before anyone assigned, then the longest ago first.
    last_key = float("-inf") if last is None else last.timestamp()
    return (
        -suggestion.score,
        suggestion.load,
        last_key,
        suggestion.supporter.display_name,
        suggestion.supporter.pk,
    )


def rank(
    request: SupportRequest,
    supporters: Iterable[Candidate],
    *,
    avoided_ids: Iterable[int] = (),
    exclude_ids: Iterable[int] = (),
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Return (available suggestions best first, unavailable supporters greyed).

    Supporters the requester asked to avoid appear in neither list; `exclude_ids` (the
    current supporter, on a reassignment) are left out of the suggestions too.
    """
    avoided = set(avoided_ids)
    excluded = set(exclude_ids)
    available: list[Suggestion] = []
    unavailable: list[Suggestion] = []
    for supporter in supporters:
        if supporter.pk in avoided or supporter.pk in excluded:
            continue
        suggestion = score(request, supporter)
        if supporter.availability.is_available:
            available.append(suggestion)
        else:
            unavailable.append(suggestion)
    available.sort(key=_sort_key)
    unavailable.sort(key=lambda item: (item.supporter.display_name, item.supporter.pk))
    return available, unavailable
