"""Password-link tokens: a reset link lasts an hour, a new supporter's invitation three days.

Both are Django's password-reset tokens (they hash the current password and last sign-in,
so a link works once) under different salts, so neither kind passes for the other.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from .models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A reset token with its own salt and `INVITATION_TIMEOUT` instead of an hour."""

    key_salt = "accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token):
            return False
        timestamp, _sep, _hash = token.partition("-")
        try:
            issued = base36_to_int(timestamp)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - issued > settings.INVITATION_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, issued, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


class PasswordLinkTokenGenerator(PasswordResetTokenGenerator):
    """What the set-password page accepts: a reset token or an invitation token."""

    def check_token(self, user: User | None, token: str | None) -> bool:
        return reset_tokens.check_token(user, token) or invitation_tokens.check_token(user, token)


reset_tokens = PasswordResetTokenGenerator()
invitation_tokens = InvitationTokenGenerator()
password_link_tokens = PasswordLinkTokenGenerator()
