"""The program's own tables: its regions (and, with the calendar, its closure days)."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A part of the program's territory, used to match in-person support nearby.

    Administrators edit the list; the region question is only asked when regions exist.
    """

    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="region_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class ClosureDay(models.Model):
    """A day the program itself is closed, skipped like a public holiday in deadlines.

    The `holidays` package gives the statutory holidays; these rows add the program's
    own days off, such as Boxing Day in a province where it is not a statutory holiday.
    """

    date = models.DateField(_("date"), unique=True)
    label = models.CharField(_("label"), max_length=100)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.label}"
