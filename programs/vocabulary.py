"""The program's own words: the short fixed lists that requests, supporters, closures
and reports share.

Kept in one place, translatable, so that a request's "language" and a supporter's
"languages" can never drift apart, and a reason or an outcome means the same in intake,
in the portal and in the reports. A field's `choices` may move here without a migration.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    PUNJABI = "pa", _("Punjabi")
    MANDARIN = "zh", _("Mandarin")
    CANTONESE = "yue", _("Cantonese")
    SPANISH = "es", _("Spanish")
    HINDI = "hi", _("Hindi")
    TAGALOG = "tl", _("Tagalog")
    FARSI = "fa", _("Farsi")
    ARABIC = "ar", _("Arabic")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")


class CareerStage(models.TextChoices):
    RESIDENT = "resident", _("Resident or fellow")
    EARLY = "early", _("Early career (first 5 years of practice)")
    MID = "mid", _("Mid career")
    LATE = "late", _("Late career")
    RETIRED = "retired", _("Retired or leaving practice")


class SpecialtyGroup(models.TextChoices):
    FAMILY = "family", _("Family medicine")
    MEDICINE = "medicine", _("Internal medicine and its subspecialties")
    SURGERY = "surgery", _("Surgery and surgical specialties")
    EMERGENCY = "emergency", _("Emergency medicine")
    ANESTHESIA = "anesthesia", _("Anesthesiology")
    PEDIATRICS = "pediatrics", _("Pediatrics")
    OBSTETRICS = "obstetrics", _("Obstetrics and gynecology")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    DIAGNOSTIC = "diagnostic", _("Radiology, pathology and laboratory medicine")
    OTHER = "other", _("Another specialty")


# What a request is about, and how it ends: fixed categories, never free text.


class Reason(models.TextChoices):
    ADVERSE_EVENT = "adverse_event", _("An adverse clinical event")
    COMPLAINT = "complaint", _("A patient or college complaint")
    CONFLICT = "conflict", _("Interpersonal conflict")
    LIFE_STRESSOR = "life_stressor", _("An acute stress in life")
    BURNOUT = "burnout", _("Burnout or moral injury")
    WORK_CHANGE = "work_change", _("A change at work")
    DISCRIMINATION = "discrimination", _("Discrimination or feeling alienated")
    OTHER = "other", _("Something else")


class Outcome(models.TextChoices):
    """How a supporter closed a contact (DESIGN.md, supporter portal)."""

    COMPLETED = "completed", _("Support completed")
    REFERRED_ON = "referred_on", _("Referred on to another resource")
    DECLINED = "declined", _("Declined support")
    UNREACHABLE = "unreachable", _("Unreachable after attempts")


class ReferralResource(models.TextChoices):
    """The kind of resource a person was referred on to; never which one by name."""

    EAP = "eap", _("EAP/EFAP")
    PHYSICIAN_HEALTH = "physician_health", _("Physician health program")
    FAMILY_PHYSICIAN = "family_physician", _("Family physician")
    CRISIS = "crisis", _("Crisis service")
    MENTAL_HEALTH = "mental_health", _("Mental-health professional")
    OTHER = "other", _("Other")


class WithdrawalReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate of another request")
    SPAM = "spam", _("Spam or not a real request")
    REQUESTER_ASKED = "requester_asked", _("The requester asked to withdraw")
    NO_LONGER_WAITING = "no_longer_waiting", _("No longer waiting")
    OTHER = "other", _("Other")
