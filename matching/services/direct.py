"""Direct contacts: a supporter reached directly logs the conversation, without identifiers.

Someone may call a supporter they found on the public list instead of using the form.
The supporter logs that the conversation happened — date, length, modality and a few
coarse categories — so that it counts in the program's figures like a conversation on an
assigned contact. Nothing here can hold a name, a contact detail or free text: every
value is a date, a number or a word from `programs.vocabulary`. An entry stays the
supporter's to correct or remove for `DIRECT_CONTACT_EDIT_DAYS` days after logging.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.business_days import Calendar, load_calendar
from programs.vocabulary import CareerStage, Modality, Reason, ReferralResource
from supporters.models import Supporter
from supporters.selectors import roster

from ..models import (
    DIRECT_CONTACT_EDIT_DAYS,
    MAX_CONVERSATION_MINUTES,
    MIN_CONVERSATION_MINUTES,
    DirectContact,
)
from .common import MatchingRefused

# How far back a direct contact may be dated: late logging is fine, a mistyped year is not.
OLDEST_DIRECT_CONTACT_DAYS = 365


@dataclass(frozen=True)
class DirectContactFacts:
    """What a supporter records about a direct contact: the whole of it."""

    held_on: date
    minutes: int
    modality: str
    is_first_conversation: bool
    is_follow_up_planned: bool
    reason: str = ""
    career_stage: str = ""
    referred_to: str = ""


def edit_window() -> timedelta:
    """Return how long after logging an entry its supporter may still correct it."""
    return timedelta(days=DIRECT_CONTACT_EDIT_DAYS)


def _check(facts: DirectContactFacts, *, today: date) -> None:
    """Refuse anything that is not a plain date, a number in range or a listed word."""
    if facts.held_on > today:
        raise MatchingRefused(_("A conversation cannot be logged for a future date."))
    if facts.held_on < today - timedelta(days=OLDEST_DIRECT_CONTACT_DAYS):
        raise MatchingRefused(
            _("Choose a date within the last %(days)d days.") % {"days": OLDEST_DIRECT_CONTACT_DAYS}
        )
    if not MIN_CONVERSATION_MINUTES <= facts.minutes <= MAX_CONVERSATION_MINUTES:
        raise MatchingRefused(
            _("Enter a length from %(min)d to %(max)d minutes.")
            % {"min": MIN_CONVERSATION_MINUTES, "max": MAX_CONVERSATION_MINUTES}
        )
    if (
        facts.modality not in Modality.values
        or facts.reason not in ["", *Reason.values]
        or facts.career_stage not in ["", *CareerStage.values]
        or facts.referred_to not in ["", *ReferralResource.values]
    ):
        raise MatchingRefused(_("Use only the choices offered: this log keeps no other detail."))


def _apply(entry: DirectContact, facts: DirectContactFacts) -> None:
    entry.held_on = facts.held_on
    entry.minutes = facts.minutes
    entry.modality = facts.modality
    entry.is_first_conversation = facts.is_first_conversation
    entry.is_follow_up_planned = facts.is_follow_up_planned
    entry.reason = facts.reason
    entry.career_stage = facts.career_stage
    entry.referred_to = facts.referred_to


@transaction.atomic
def log_direct_contact(
    *,
    supporter: Supporter,
    facts: DirectContactFacts,
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
    calendar: Calendar | None = None,
) -> tuple[DirectContact, bool]:
    """Log a conversation with someone who reached `supporter` directly; return it and
    whether it is new.

    The same form sent twice (`submission_key`) logs one entry. The date may be neither
    in the future nor more than a year back. No side effect beyond the row: nobody is
    told, since there is nothing to act on.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    # The supporter's row serialises their own submissions: the same form sent twice at
    # once finds the first one's entry instead of failing on the unique key.
    roster().select_for_update().filter(pk=supporter.pk).exists()
    if submission_key is not None:
        existing = DirectContact.objects.filter(
            submission_key=submission_key, supporter=supporter
        ).first()
        if existing is not None:
            return existing, False
    _check(facts, today=calendar.local_date(now))
    entry = DirectContact(supporter=supporter, logged_at=now, submission_key=submission_key)
    _apply(entry, facts)
    entry.save()
    return entry, True


def _lock_editable(entry: DirectContact, *, supporter: Supporter, now: datetime) -> DirectContact:
    """Lock the supporter's own entry; refuse one past its correction window or gone."""
    locked = (
        DirectContact.objects.select_for_update().filter(pk=entry.pk, supporter=supporter).first()
    )
    if locked is None or locked.logged_at <= now - edit_window():
        raise MatchingRefused(
            ngettext(
                "This entry can no longer be changed: entries can be corrected for %(days)d "
                "day after they are logged.",
                "This entry can no longer be changed: entries can be corrected for %(days)d "
                "days after they are logged.",
                DIRECT_CONTACT_EDIT_DAYS,
            )
            % {"days": DIRECT_CONTACT_EDIT_DAYS}
        )
    return locked


@transaction.atomic
def correct_direct_contact(
    *,
    entry: DirectContact,
    supporter: Supporter,
    facts: DirectContactFacts,
    now: datetime | None = None,
    calendar: Calendar | None = None,
) -> DirectContact:
    """Correct the supporter's own entry, within `DIRECT_CONTACT_EDIT_DAYS` of logging it.

    The same checks as logging apply; `logged_at` is kept, so correcting does not extend
    the window.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    locked = _lock_editable(entry, supporter=supporter, now=now)
    _check(facts, today=calendar.local_date(now))
    _apply(locked, facts)
    locked.save()
    return locked


@transaction.atomic
def remove_direct_contact(
    *, entry: DirectContact, supporter: Supporter, now: datetime | None = None
) -> None:
    """Remove the supporter's own entry logged by mistake, within its correction window."""
    now = now or timezone.now()
    _lock_editable(entry, supporter=supporter, now=now).delete()
