"""Write accounts: create staff in a role, keep `is_staff` for administrators only, send
password links (reset, or a new supporter's first password) and the administrators'
emails through the outbox."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.phones import tel_digits
from notifications.services import queue_email

from .models import User
from .roles import ADMINISTRATORS, ROLES
from .selectors import active_administrators


@transaction.atomic
def create_user_in_role(
    *, email: str, role: str, name: str = "", password: str | None = None, language: str = "en"
) -> User:
    """Create an active user in `role`; only administrators get `is_staff`.

    A user created without a password cannot sign in until they set one.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User.objects.create_user(
        email=email,
        password=password,
        name=name,
        language=language,
        is_staff=role == ADMINISTRATORS,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def password_link(user: User) -> str:
    """Return an absolute, single-use link for `user` to set a password.

    Django's reset token hashes the current password, so the link stops working once a
    password is set, and after `PASSWORD_RESET_TIMEOUT`.
    """
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def password_link_days() -> int:
    """Return how many days a password link works, for the emails to say."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (60 * 60 * 24))


@transaction.atomic
def request_password_reset(*, email: str, now: datetime | None = None) -> bool:
    """Queue a password link to the active account with this address; return whether one was.

    The caller must answer the same either way, so that nobody learns which addresses
    have accounts. Side effect: one `password_reset` outbox row, in the user's language.
    """
    now = now or timezone.now()
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return False
    queue_email(
        kind="password_reset",
        to=user.email,
        template="password_reset",
        context={
            "link": password_link(user),
            "days": password_link_days(),
            # accounts sits below programs: its own emails read the program from settings.
            "program_name": settings.PROGRAM_NAME,
            "program_contact_email": settings.PROGRAM_CONTACT_EMAIL,
            "program_contact_phone": settings.PROGRAM_CONTACT_PHONE,
            "program_contact_tel": tel_digits(settings.PROGRAM_CONTACT_PHONE),
            "program_is_reachable": bool(
                settings.PROGRAM_CONTACT_EMAIL or settings.PROGRAM_CONTACT_PHONE
            ),
        },
        language=user.language,
        now=now,
    )
    return True


def email_administrators(
    *,
    kind: str,
    template: str,
    context: Mapping[str, Any],
    request_public_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> int:
    """Queue one email to each active administrator, in their own language; return how many.

    Staff emails carry case codes and links, never a name, an address or a reason
    (DESIGN.md "Tell less by email"): `context` is the caller's to keep that way.
    """
    now = now or timezone.now()
    administrators = list(active_administrators())
    for administrator in administrators:
        queue_email(
            kind=kind,
            to=administrator.email,
            template=template,
            context=context,
            language=administrator.language,
            request_public_id=request_public_id,
            now=now,
        )
    return len(administrators)


def end_sessions(*, user: User, now: datetime | None = None) -> int:
    """Delete every live session of `user`, signing them out everywhere; return how many.

    Sessions are not indexed by user, so each live one is decoded: a program's few
    hundred at most. (An inactive user's session is refused by the authentication
    backend anyway; deleting it leaves nothing to be refused.)
    """
    now = now or timezone.now()
    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=now).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()
    return len(theirs)
