"""Norway's counties and municipalities as reference data.

Numbers are reused and renumbered over time (114 municipalities got new numbers on
1 January 2024), so they are attributes with a validity period, never primary keys.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class County(models.Model):
    number = models.CharField(_("county number"), max_length=2)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["number", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["number", "valid_from"], name="county_number_period")
        ]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    number = models.CharField(_("municipality number"), max_length=4)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "valid_from"], name="municipality_number_period"
            )
        ]

    def __str__(self):
        return self.name
