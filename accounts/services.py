"""Write accounts: create staff in a role, keep `is_staff` for administrators only, end a
user's sessions, send password links (reset, or a new supporter's first password) and
the administrators' emails through the outbox."""

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.phones import tel_digits
from notifications.services import Email, queue_email, queue_emails

from .lockout import unlock_sign_in
from .models import PasswordResetRequest, Session, User
from .roles import ADMINISTRATORS, ROLES
from .selectors import active_administrators
from .tokens import invitation_tokens, reset_tokens

logger = logging.getLogger(__name__)

RESET_BATCH_SIZE = 50


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


def _set_password_link(user: User, token: str) -> str:
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
    )
    return f"{settings.SITE_URL}{path}"


def password_link(user: User) -> str:
    """Return an absolute, single-use link for `user` to choose a new password.

    Django's reset token hashes the current password, so the link stops working once a
    password is set, and after `PASSWORD_RESET_TIMEOUT` (an hour).
    """
    return _set_password_link(user, reset_tokens.make_token(user))


def invitation_link(user: User) -> str:
    """Return an absolute, single-use link for a new supporter to choose a first password.

    The same page as a reset, with a token of its own kind that lasts
    `INVITATION_TIMEOUT` (three days): an invitation may wait in an inbox over a weekend.
    """
    return _set_password_link(user, invitation_tokens.make_token(user))


def password_link_hours() -> int:
    """Return how many hours a reset link works, for the emails and pages to say."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (60 * 60))


def invitation_link_days() -> int:
    """Return how many days an invitation link works, for the email to say."""
    return max(1, settings.INVITATION_TIMEOUT // (60 * 60 * 24))


def end_sessions(*, user: User, keep: str | None = None) -> int:
    """Delete every session of `user` (but the one keyed `keep`); return how many.

    Called on a password change, a second-factor reset and a deactivation, so that a
    stolen session dies with the credential it was opened with.
    """
    sessions = Session.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    return sessions.delete()[0]


@transaction.atomic
def set_password(*, user: User, password: str, keep_session: str | None = None) -> None:
    """Give `user` a new password and end their other sessions.

    Side effects: every session of `user` but `keep_session` is deleted; sign-in
    lockouts of their address are lifted.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    end_sessions(user=user, keep=keep_session)
    # Whoever set it proved they hold the address: a lockout from earlier tries is lifted.
    unlock_sign_in(user=user)


@transaction.atomic
def deactivate_user(*, user: User) -> None:
    """Stop `user` from signing in; delete every session they have open.

    Side effect: all of `user`'s sessions are deleted at once, not at their next request.
    """
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user=user)


@transaction.atomic
def request_password_reset(*, email: str, now: datetime | None = None) -> None:
    """Note that someone asked for a reset link to `email`, and wake a worker.

    The same steps for every address, with or without an account: the worker decides
    (`send_password_resets`). Side effects: one `PasswordResetRequest` row; on commit,
    the `send_password_resets` task is queued, without arguments.
    """
    PasswordResetRequest.objects.create(email=email.strip(), requested_at=now or timezone.now())
    transaction.on_commit(wake_reset_sender)


def wake_reset_sender() -> None:
    """Ask a worker to send reset links now; if the broker is down, the minute sweep will."""
    from .tasks import send_password_resets

    try:
        send_password_resets.delay()
    except Exception:
        logger.warning("password reset: could not reach the broker; the periodic sweep will send")


def send_password_resets(*, now: datetime | None = None) -> int:
    """Handle every waiting reset request; return how many links were queued.

    Each request is locked (`SKIP LOCKED`, so two workers never take the same), and
    deleted in the transaction that queues its email: a link to an active account with
    that address, in the account's language, or nothing when there is none.
    """
    now = now or timezone.now()
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                PasswordResetRequest.objects.select_for_update(skip_locked=True).order_by("pk")[
                    :RESET_BATCH_SIZE
                ]
            )
            if not batch:
                return queued
            for reset in batch:
                queued += _queue_reset_email(email=reset.email, now=now)
            PasswordResetRequest.objects.filter(pk__in=[reset.pk for reset in batch]).delete()


def _queue_reset_email(*, email: str, now: datetime) -> int:
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return 0
    queue_email(
        kind="password_reset",
        to=user.email,
        template="password_reset",
        context={
            "link": password_link(user),
            "hours": password_link_hours(),
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
    return 1


def email_administrators(
    *,
    kind: str,
    template: str,
    context: Mapping[str, Any],
    request_public_id: uuid.UUID | None = None,
    urgent: bool = False,
    now: datetime | None = None,
) -> int:
    """Queue one email to each active administrator, in their own language, with one INSERT;
    return how many.

    Staff emails carry case codes and links, never a name, an address or a reason
    (DESIGN.md "Tell less by email"): `context` is the caller's to keep that way. `urgent`
    emails leave the outbox before the others.
    """
    queued = queue_emails(
        [
            Email(
                kind=kind,
                to=administrator.email,
                template=template,
                context=context,
                language=administrator.language,
                request_public_id=request_public_id,
                urgent=urgent,
            )
            for administrator in active_administrators()
        ],
        now=now,
    )
    return len(queued)


def clear_expired_sessions(*, now: datetime | None = None) -> int:
    """Delete the sessions that have expired (Django's `clearsessions`, counted)."""
    now = now or timezone.now()
    deleted, _rows = Session.objects.filter(expire_date__lt=now).delete()
    return deleted
