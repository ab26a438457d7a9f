"""Email backends that fail on purpose, for the outbox's retry tests."""

from collections.abc import Sequence
from typing import Any, ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend


class FailOnceBackend(EmailBackend):
    """Raise on the first send after `reset()`, then deliver to locmem."""

    failures_left: ClassVar[int] = 1

    @classmethod
    def reset(cls, failures: int = 1) -> None:
        cls.failures_left = failures

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if FailOnceBackend.failures_left > 0:
            FailOnceBackend.failures_left -= 1
            raise ConnectionRefusedError("SMTP server said no to someone@example.org")
        return super().send_messages(messages)


class AlwaysFailBackend(EmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> Any:
        raise ConnectionRefusedError("SMTP server is down")
