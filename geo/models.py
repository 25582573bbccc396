"""Norway's counties and municipalities as reference data.

Numbers are reused and renumbered over time (114 municipalities got new numbers on
1 January 2024), so they are attributes with a validity period, never primary keys.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day=None):
        """Rows in force on ``day`` (valid_to is exclusive: the first day no longer valid)."""
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class MunicipalityQuerySet(ValidityQuerySet):
    def for_number(self, number, day=None):
        """The municipality that had ``number`` on ``day`` (today by default).

        Raises ValidationError with a user-facing message for an unknown number."""
        number = (number or "").strip()
        if len(number) != 4 or not number.isdigit():
            raise ValidationError(
                _("A municipality number has 4 digits."), code="municipality_number_format"
            )
        match = self.valid_on(day).filter(number=number).select_related("county").first()
        if match is None:
            raise ValidationError(
                _("%(number)s is not a municipality number in use on %(day)s.")
                % {"number": number, "day": (day or timezone.localdate()).strftime("%d.%m.%Y")},
                code="municipality_number_unknown",
            )
        return match


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
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
        help_text=_("The entry that took over when this number went out of use."),
    )

    objects = MunicipalityQuerySet.as_manager()

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

    @property
    def current(self):
        """Follow renumberings to the entry in use now (self when not replaced)."""
        entry = self
        while entry.replaced_by_id:
            entry = entry.replaced_by
        return entry
