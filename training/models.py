"""Training packages (opplæringspakker), their versions and steps, package certificates, and
the resource centres' regions.

A ``TrainingPackage`` belongs to one programme (IPS, IPS ung, JMO). What it requires lives in
its ``PackageVersion`` rows: NAPHA changes a package by adding a version that comes into force on
a date, so people who started under an earlier version keep being judged against it, unless
the new version is marked as applying to everyone. A version has ordered ``PackageStep`` rows;
a step is one course module, or "one of" several (any one of them will do), for the professions
it names, and is either required or only recommended.

A ``PackageCompletion`` records that a person finished every required step of a package; its
certificate is an ordinary ``attendance.Certificate`` (stored once, verifiable, revocable).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from organisations.models import OrganisationKind, Programme


class TrainingPackage(models.Model):
    """The training package a programme's grant recipients are offered."""

    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, unique=True
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("E.g. 'Training package for IPS'.")
    )
    description = models.TextField(_("description"), blank=True)
    issuer = models.ForeignKey(
        "cms.ResourceCentrePage",
        on_delete=models.SET_NULL,
        # Originals only: an English version of a provider page is not another provider.
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate issued by"),
        help_text=_("Its certificate template is used. Empty: the national competence service."),
    )

    panels = [
        FieldPanel("programme"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("issuer"),
    ]

    class Meta:
        verbose_name = _("training package")
        verbose_name_plural = _("training packages")
        ordering = ["programme"]

    def __str__(self):
        return self.title


class PackageVersion(ClusterableModel):
    """What a package requires from ``valid_from`` on."""

    package = models.ForeignKey(
        TrainingPackage,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("training package"),
    )
    number = models.PositiveSmallIntegerField(_("version"), editable=False)
    valid_from = models.DateField(
        _("in force from"),
        help_text=_("People who start the package from this day are judged against this version."),
    )
    applies_to_everyone = models.BooleanField(
        _("applies to everyone"),
        default=False,
        help_text=_(
            "Tick when the change also applies to people who started under an earlier version. "
            "Otherwise they keep the version that was in force when they started."
        ),
    )
    change_note = models.TextField(
        _("what changed"), blank=True, help_text=_("Shown to coordinators with the version.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [
        FieldPanel("package"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("applies_to_everyone")]),
        FieldPanel("change_note"),
        InlinePanel(
            "steps",
            heading=_("Steps"),
            label=_("Step"),
            min_num=1,
            help_text=_(
                "In the order people should take them. Several course modules in one step: "
                "any one of them will do."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("package version")
        verbose_name_plural = _("package versions")
        ordering = ["package", "valid_from", "number"]
        constraints = [
            models.UniqueConstraint(fields=["package", "number"], name="one_number_per_version"),
            models.UniqueConstraint(
                fields=["package", "valid_from"],
                name="one_version_per_day",
                violation_error_message=_("This package already has a version from that day."),
            ),
        ]

    def __str__(self):
        return _("%(package)s, version %(number)s (from %(day)s)") % {
            "package": self.package,
            "number": self.number or "–",
            "day": self.valid_from.strftime("%d.%m.%Y") if self.valid_from else "–",
        }

    def save(self, *args, **kwargs):
        if not self.number:
            latest = PackageVersion.objects.filter(package_id=self.package_id).aggregate(
                n=Max("number")
            )["n"]
            self.number = (latest or 0) + 1
        super().save(*args, **kwargs)


class PackageStep(ClusterableModel, Orderable):
    """One step of a package version: one course module, or any one of several."""

    version = ParentalKey(PackageVersion, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_(
            "E.g. 'Basic course in IPS'. Keep the title when making a new version: steps of "
            "different versions are matched by their title."
        ),
    )
    courses = ParentalManyToManyField(
        "courses.CoursePage",
        # Originals only: runs, registrations and completions belong to them.
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
        related_name="package_steps",
        verbose_name=_("course modules"),
        help_text=_("One course module, or several when any one of them will do."),
    )
    professions = ParentalManyToManyField(
        "people.ProfessionOption",
        blank=True,
        related_name="+",
        verbose_name=_("for professions"),
        help_text=_("The professions this step is for. Empty: everyone."),
    )
    recommended = models.BooleanField(
        _("recommended only"),
        default=False,
        help_text=_("Recommended, not required: the package can be completed without it."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("courses", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("professions", widget=forms.CheckboxSelectMultiple),
                FieldPanel("recommended"),
            ],
            heading=_("Who"),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("package step")
        verbose_name_plural = _("package steps")

    def __str__(self):
        return self.title


class PackageCompletion(models.Model):
    """A person finished every required step of a package (judged against ``version``)."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="package_completions",
        verbose_name=_("participant"),
    )
    package = models.ForeignKey(
        TrainingPackage,
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("training package"),
    )
    version = models.ForeignKey(
        PackageVersion,
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("package version"),
    )
    completed_at = models.DateTimeField(_("completed"))
    certificate = models.OneToOneField(
        "attendance.Certificate",
        on_delete=models.PROTECT,
        related_name="package_completion",
        verbose_name=_("certificate"),
    )

    class Meta:
        verbose_name = _("package certificate")
        verbose_name_plural = _("package certificates")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package"], name="one_completion_per_person_and_package"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.package}"


class ResourceCentreRegion(ClusterableModel):
    """The counties whose grant recipients a resource centre follows up.

    A resource centre's staff (members with the role "resource centre staff") see the
    readiness of the grant recipients whose county is in their centre's region."""

    resource_centre = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="region",
        limit_choices_to=Q(kind=OrganisationKind.RESOURCE_CENTRE),
        verbose_name=_("resource centre"),
    )
    counties = ParentalManyToManyField(
        "geo.County",
        related_name="+",
        limit_choices_to={"valid_to__isnull": True},
        verbose_name=_("counties"),
    )

    panels = [
        FieldPanel("resource_centre"),
        FieldPanel("counties", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        verbose_name = _("resource centre region")
        verbose_name_plural = _("resource centre regions")

    def __str__(self):
        return str(self.resource_centre.name)

    def clean(self):
        if (
            self.resource_centre_id
            and self.resource_centre.kind != OrganisationKind.RESOURCE_CENTRE
        ):
            raise ValidationError({"resource_centre": _("Choose an IPS resource centre.")})
