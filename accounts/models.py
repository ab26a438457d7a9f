"""The user (signs in with an email address, keeps the language they read), their
sessions, their second factor, and the traces sign-in leaves."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_otp.oath import TOTP

from .encryption import decrypt, keyed_hash


def interface_languages() -> list[tuple[str, str]]:
    """Return the languages the site and its emails are written in (`LANGUAGES`)."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # Sign-in ignores case: people type their address as they remember it.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member or supporter. Requesters have no account."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=12,
        # The interface languages (not the program's languages of support), read when
        # used, so that adding one to LANGUAGES needs no migration.
        choices=interface_languages,
        default=settings.LANGUAGE_CODE,
        help_text=_("Emails to this person are written in this language."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Only program administrators use the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Session(AbstractBaseSession):
    """A signed-in (or anonymous) session, stored with the user it belongs to.

    Django's own session table cannot say whose a session is without decoding every
    row; this one can, so a password change, a second-factor reset or a deactivation
    deletes all of a user's sessions at once.
    """

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from .sessions import SessionStore

        return SessionStore


class TOTPDevice(ThrottlingMixin, Device):
    """A confirmed authenticator app: its secret is encrypted (accounts.encryption).

    django-otp's own TOTP device keeps the secret in plain text; this one keeps only
    ciphertext bound to the user, and remembers the last time step used, so a code
    works once.
    """

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1  # one step either way, for a phone's clock that is a little off

    encrypted_key = models.TextField(_("encrypted secret"))
    last_t = models.BigIntegerField(_("last time step used"), default=-1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
        constraints = [models.UniqueConstraint(fields=["user"], name="totp_device_one_per_user")]

    def __str__(self) -> str:
        return f"TOTP #{self.pk}"

    @staticmethod
    def key_context(user_id: int) -> str:
        return f"totp-key:{user_id}"

    @property
    def bin_key(self) -> bytes:
        return decrypt(self.encrypted_key, context=self.key_context(self.user_id))

    def totp(self) -> TOTP:
        return TOTP(self.bin_key, step=self.STEP, digits=self.DIGITS)

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: object) -> bool:
        """Accept a current code once; each failure doubles the wait before the next try."""
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        code = normalize_code(str(token))
        totp = self.totp()
        verified = (
            code.isdigit()
            and len(code) == self.DIGITS
            and totp.verify(int(code), tolerance=self.TOLERANCE, min_t=self.last_t + 1)
        )
        if verified:
            self.last_t = totp.t()
            self.throttle_reset(commit=False)
            self.save(
                update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"]
            )
        else:
            self.throttle_increment(commit=True)
        return bool(verified)


class BackupCodeDevice(ThrottlingMixin, Device):
    """The ten single-use backup codes of a user, kept only as keyed hashes."""

    class Meta:
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="backup_code_device_one_per_user")
        ]

    def __str__(self) -> str:
        return f"Backup codes #{self.pk}"

    @staticmethod
    def code_hash(user_id: int, code: str) -> str:
        return keyed_hash(normalize_code(code), context=f"backup-code:{user_id}")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: object) -> bool:
        """Accept each code once: it is deleted in the same statement that finds it."""
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        deleted, _rows = BackupCode.objects.filter(
            device=self, code_hash=self.code_hash(self.user_id, str(token))
        ).delete()
        if deleted:
            self.throttle_reset(commit=True)
        else:
            self.throttle_increment(commit=True)
        return bool(deleted)


class BackupCode(models.Model):
    """One unused backup code: a keyed hash (accounts.encryption), never the code."""

    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(_("code hash"), max_length=64)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")
        constraints = [
            models.UniqueConstraint(fields=["device", "code_hash"], name="backup_code_unique")
        ]

    def __str__(self) -> str:
        return f"Backup code #{self.pk}"


def normalize_code(code: str) -> str:
    """Return a typed code without spaces or dashes, in lower case (as it was issued)."""
    return "".join(code.split()).replace("-", "").lower()


class SecondFactorReset(models.Model):
    """An administrator reset someone's second factor: who, whom and when (no more)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="second_factor_resets", verbose_name=_("user")
    )
    reset_by = models.ForeignKey(
        User,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reset by"),
    )
    reset_at = models.DateTimeField(_("reset at"))

    class Meta:
        verbose_name = _("second-factor reset")
        verbose_name_plural = _("second-factor resets")
        ordering = ["-reset_at"]

    def __str__(self) -> str:
        return f"Second-factor reset #{self.pk}"


class PasswordResetRequest(models.Model):
    """An address someone asked a reset link for, until a worker has handled it.

    The page writes this row whatever the address, and the worker looks the account up
    and queues the email (or nothing), so the page takes one code path for known and
    unknown addresses and the address never travels in a task's arguments. The row is
    deleted as it is handled.
    """

    email = models.EmailField(_("email address"), max_length=254)
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return f"Password reset request #{self.pk}"
