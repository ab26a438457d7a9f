"""Write the roster: invite a supporter, send the invitation again, edit one's own profile,
record training."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import SUPPORTERS
from accounts.services import create_user_in_role, invitation_link, invitation_link_days
from notifications.services import queue_email
from programs.models import Region
from programs.program import current

from .models import Supporter, TrainingRecord
from .selectors import roster

SLUG_FALLBACK = "supporter"


def unique_slug(display_name: str, *, exclude_pk: int | None = None) -> str:
    """Return a slug for `display_name` that no other supporter has (`sam-lee`, `sam-lee-2`)."""
    base = slugify(display_name)[:100].strip("-") or SLUG_FALLBACK
    others = roster().filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def invite_supporter(
    *,
    email: str,
    display_name: str,
    language: str = settings.LANGUAGE_CODE,
    pronouns: str = "",
    specialty_group: str = "",
    career_stage: str = "",
    languages: Sequence[str] = (),
    modalities: Sequence[str] = (),
    region: Region | None = None,
    bio: str = "",
    capacity: int = 3,
    accepts_new: bool = True,
    away_until: date | None = None,
    trained_on: date | None = None,
    agreement_signed_on: date | None = None,
    is_listed: bool = False,
    phone: str = "",
    now: datetime | None = None,
) -> Supporter:
    """Create a supporter's account (no usable password) and profile, and invite them.

    `language` is the account's: the invitation and later emails are written in it.
    Side effect: a `supporter_invitation` outbox row with a single-use link to set a
    password, sent when the transaction commits.
    """
    now = now or timezone.now()
    user = create_user_in_role(
        email=email, role=SUPPORTERS, name=display_name, password=None, language=language
    )
    supporter = roster().create(
        user=user,
        display_name=display_name,
        slug=unique_slug(display_name),
        pronouns=pronouns,
        specialty_group=specialty_group,
        career_stage=career_stage,
        languages=list(languages),
        modalities=list(modalities),
        region=region,
        bio=bio,
        capacity=capacity,
        accepts_new=accepts_new,
        away_until=away_until,
        trained_on=trained_on,
        agreement_signed_on=agreement_signed_on,
        is_listed=is_listed,
        phone=phone,
    )
    send_invitation(supporter=supporter, now=now)
    return supporter


@transaction.atomic
def send_invitation(*, supporter: Supporter, now: datetime | None = None) -> None:
    """Queue an invitation to `supporter` with a fresh link to set their password.

    Earlier links keep working until one of them is used or they expire. Side effect:
    one `supporter_invitation` outbox row, in the supporter's language.
    """
    user = supporter.user
    queue_email(
        kind="supporter_invitation",
        to=user.email,
        template="supporter_invitation",
        context={
            **current().email_context(),
            "display_name": supporter.display_name,
            "email": user.email,
            "link": invitation_link(user),
            "days": invitation_link_days(),
            "login_url": f"{settings.SITE_URL}{reverse('accounts:login')}",
        },
        language=user.language,
        now=now or timezone.now(),
    )


@transaction.atomic
def update_own_profile(
    *,
    supporter: Supporter,
    display_name: str,
    pronouns: str,
    bio: str,
    languages: Sequence[str],
    modalities: Sequence[str],
    accepts_new: bool,
    away_until: date | None,
    published_contact: str = "",
) -> Supporter:
    """Save what a supporter may change about themselves, and nothing else.

    Training, the agreement, capacity and listing are the administrator's to set, so
    they are not parameters here. `published_contact` is the supporter's own choice to be
    reached directly from the public list ("" to withdraw it).
    """
    supporter.display_name = display_name
    supporter.pronouns = pronouns
    supporter.bio = bio
    supporter.languages = list(languages)
    supporter.modalities = list(modalities)
    supporter.accepts_new = accepts_new
    supporter.away_until = away_until
    supporter.published_contact = published_contact.strip()
    supporter.save(
        update_fields=[
            "display_name",
            "pronouns",
            "bio",
            "languages",
            "modalities",
            "accepts_new",
            "away_until",
            "published_contact",
        ]
    )
    return supporter


@transaction.atomic
def record_training(
    *,
    supporter: Supporter,
    kind: str,
    title: str,
    completed_on: date,
    hours: Decimal,
) -> TrainingRecord:
    """Add a course or session the supporter completed.

    Side effect: an initial training updates the supporter's "training completed on"
    (`update_trained_on`).
    """
    record = TrainingRecord.objects.create(
        supporter=supporter, kind=kind, title=title, completed_on=completed_on, hours=hours
    )
    update_trained_on(supporter=supporter)
    return record


@transaction.atomic
def update_trained_on(*, supporter: Supporter) -> Supporter:
    """Set "training completed on" to the earliest initial training on record.

    Call it after any change to a supporter's training records. Without an initial
    training on record the date stays as the administrator set it by hand (supporters
    trained before records were kept). The supporter row is locked, so two
    administrators saving records at once leave the right date.
    """
    locked = roster().select_for_update().get(pk=supporter.pk)
    first = TrainingRecord.objects.filter(
        supporter=locked, kind=TrainingRecord.Kind.INITIAL
    ).aggregate(first=Min("completed_on"))["first"]
    if first is not None and locked.trained_on != first:
        locked.trained_on = first
        locked.save(update_fields=["trained_on"])
    supporter.trained_on = locked.trained_on
    return supporter
