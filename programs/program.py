"""The program this deployment runs: its name, contact, calendar and rules, in one object.

Domain apps read the program's settings through `current()`, never from
`django.conf.settings` directly: when one deployment hosts several local programs,
`current()` is the one place that will choose among them. The object is built from
settings on each call (it is cheap), so a changed setting counts at once.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from core.phones import tel_digits

from .crisis import CrisisResource, crisis_resources


@dataclass(frozen=True)
class Program:
    """One program's name, contact, time zone, holidays and rules."""

    name: str
    contact_email: str
    contact_phone: str
    # Whom a supporter calls now about a safety concern: for signed-in supporters and the
    # administrators' emails only, so it is in neither `email_context` nor `page_context`.
    urgent_phone: str
    time_zone: ZoneInfo
    holidays_country: str
    holidays_subdiv: str | None
    contact_deadline_business_days: int
    note_ttl_hours: int
    identifier_retention_days: int
    referral_confirmation_required: bool
    referral_confirm_days: int
    notify_requester_on_match: bool
    unmatched_withdraw_days: int
    discreet_subject: bool
    safety_reescalate_minutes: int
    survey_delay_days: int
    survey_token_days: int
    report_min_cell: int
    site_url: str = ""

    @classmethod
    def from_settings(cls) -> "Program":
        return cls(
            name=settings.PROGRAM_NAME,
            contact_email=settings.PROGRAM_CONTACT_EMAIL,
            contact_phone=settings.PROGRAM_CONTACT_PHONE,
            urgent_phone=settings.PROGRAM_URGENT_PHONE,
            time_zone=ZoneInfo(settings.PROGRAM_TIME_ZONE),
            holidays_country=settings.HOLIDAYS_COUNTRY,
            holidays_subdiv=settings.HOLIDAYS_SUBDIV,
            contact_deadline_business_days=settings.CONTACT_DEADLINE_BUSINESS_DAYS,
            note_ttl_hours=settings.NOTE_TTL_HOURS,
            identifier_retention_days=settings.IDENTIFIER_RETENTION_DAYS,
            referral_confirmation_required=settings.REFERRAL_CONFIRMATION_REQUIRED,
            referral_confirm_days=settings.REFERRAL_CONFIRM_DAYS,
            notify_requester_on_match=settings.NOTIFY_REQUESTER_ON_MATCH,
            unmatched_withdraw_days=settings.UNMATCHED_WITHDRAW_DAYS,
            discreet_subject=settings.DISCREET_SUBJECT,
            safety_reescalate_minutes=settings.SAFETY_REESCALATE_MINUTES,
            survey_delay_days=settings.SURVEY_DELAY_DAYS,
            survey_token_days=settings.SURVEY_TOKEN_DAYS,
            report_min_cell=settings.REPORT_MIN_CELL,
            site_url=settings.SITE_URL,
        )

    def crisis_resources(self) -> list[CrisisResource]:
        """Return the crisis resources, in the active language."""
        return crisis_resources()

    def today(self, now: datetime | None = None) -> date:
        """Return the program's local date at `now` (default: this moment)."""
        return timezone.localtime(now or timezone.now(), self.time_zone).date()

    def local_time(self, moment: datetime) -> datetime:
        """Return `moment` on the program's clock."""
        return timezone.localtime(moment, self.time_zone)

    @property
    def is_reachable(self) -> bool:
        """Return whether people can write or call the program (an address or a number)."""
        return bool(self.contact_email or self.contact_phone)

    def email_context(self) -> dict[str, Any]:
        """Return what every email of the program says about it: its name and contact.

        `discreet_subject` tells the subjects of emails to requesters and colleagues to
        leave the program's name out.
        """
        return {
            "program_name": self.name,
            "program_contact_email": self.contact_email,
            "program_contact_phone": self.contact_phone,
            "program_contact_tel": tel_digits(self.contact_phone),
            "program_is_reachable": self.is_reachable,
            "discreet_subject": self.discreet_subject,
        }

    def urgent_context(self) -> dict[str, Any]:
        """Return whom to call now about a safety concern: for supporters and administrators."""
        return {"urgent_phone": self.urgent_phone, "urgent_tel": tel_digits(self.urgent_phone)}

    def page_context(self) -> dict[str, Any]:
        """Return what every page says about the program, crisis resources included."""
        return {**self.email_context(), "crisis_resources": self.crisis_resources()}


def current() -> Program:
    """Return the program this deployment runs (later: the request's local program)."""
    return Program.from_settings()
