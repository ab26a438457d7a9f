"""The program's own words: the short fixed lists that requests and supporters share.

Kept in one place, translatable, so that a request's "language" and a supporter's
"languages" can never drift apart.
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
