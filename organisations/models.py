"""Employers and who may act for them.

An Organisation is an employer (grant recipient, NAV office, municipal service, health trust),
a resource centre or a national body. A Membership says a person works there; coordinators are
members who may act for the organisation. Memberships are never deleted when someone changes
employer: the old one gets an end date, so history (and registrations made under it) stays true.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import normalise_org_number, validate_org_number


class OrganisationKind(models.TextChoices):
    GRANT_RECIPIENT = "grant_recipient", _("Grant recipient")
    NAV_OFFICE = "nav_office", _("NAV office")
    MUNICIPAL_SERVICE = "municipal_service", _("Municipal service")
    HEALTH_TRUST = "health_trust", _("Health trust")
    RESOURCE_CENTRE = "resource_centre", _("IPS resource centre")
    NATIONAL_BODY = "national_body", _("National body")
    OTHER = "other", _("Other")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PENDING = "pending", _("Pending approval")
    MERGED = "merged", _("Merged into another")


# Organisations that run the platform's training rather than send staff to it: they need no
# data processing agreement.
PROVIDER_KINDS = ("resource_centre", "national_body")


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=OrganisationStatus.ACTIVE)

    def with_agreement(self, day=None):
        """Annotate ``agreement_signed_on``: the signing date of the data processing agreement
        in force on ``day`` (today by default), or None."""
        day = day or timezone.localdate()
        in_force = (
            ProcessingAgreement.objects.filter(organisation=OuterRef("pk"), signed_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .order_by("-signed_on")
            .values("signed_on")[:1]
        )
        return self.annotate(agreement_signed_on=Subquery(in_force))

    def lacking_agreement(self, day=None):
        """Active customer organisations with current members and no data processing agreement
        in force on ``day``: the personal data of their staff is processed without one."""
        day = day or timezone.localdate()
        members = Membership.objects.filter(organisation=OuterRef("pk")).current()
        return (
            self.active()
            .exclude(kind__in=PROVIDER_KINDS)
            .filter(Exists(members))
            .with_agreement(day)
            .filter(agreement_signed_on__isnull=True)
        )

    def selectable(self):
        """Organisations a person may choose as employer."""
        return self.active().select_related("municipality", "county")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        validators=[validate_org_number],
        help_text=_("9 digits (organisasjonsnummer)."),
    )
    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    county = models.ForeignKey(
        "geo.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("county"),
        help_text=_("Filled from the municipality when empty."),
    )
    provider_page = models.OneToOneField(
        "cms.ResourceCentrePage",
        on_delete=models.SET_NULL,
        # Originals only: an English version of a provider page is not another provider.
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("course provider page"),
        help_text=_("For resource centres and NAPHA: their page in the CMS."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~Q(org_number="") & ~Q(status="merged"),
                name="unique_org_number_when_given",
                violation_error_message=_("Another organisation has this organisation number."),
            )
        ]
        permissions = [("view_national_reports", _("Can see national training reports"))]

    def __str__(self):
        place = f", {self.municipality.name}" if self.municipality_id else ""
        return f"{self.name}{place}"

    def clean_fields(self, exclude=None):
        # Before the field checks, so that '974 760 673' is not rejected as too long.
        self.org_number = normalise_org_number(self.org_number)
        super().clean_fields(exclude=exclude)

    def clean(self):
        self.org_number = normalise_org_number(self.org_number)
        if self.municipality_id and not self.county_id:
            self.county_id = self.municipality.county_id
        if (
            self.municipality_id
            and self.county_id
            and self.municipality.county_id != self.county_id
        ):
            raise ValidationError(
                {
                    "county": _("The municipality %(m)s is not in this county.")
                    % {"m": self.municipality.name}
                }
            )


class Programme(models.TextChoices):
    IPS = "ips", "IPS"
    JMO = "jmo", "JMO"
    IPS_YOUNG = "ips_ung", _("IPS ung")


class Grant(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("organisation"),
    )
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="grant_end_after_start",
            )
        ]

    def __str__(self):
        end = self.end_year or ""
        return f"{self.get_programme_display()} {self.start_year}–{end}"

    def clean(self):
        if self.end_year and self.start_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The grant cannot end before it starts.")})


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")
    STAFF = "staff", _("Resource centre staff")


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """A person's employment at an organisation; current while ``ended_at`` is empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # A coordinator's opt-in email about colleagues' registrations (reports.digests); the
    # watermark is the end of the last period reported, so nothing is reported twice.
    digest = models.CharField(
        _("email about colleagues"),
        max_length=10,
        blank=True,
        choices=[("", _("Never")), ("daily", _("Daily")), ("weekly", _("Weekly"))],
        default="",
    )
    digest_watermark = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="one_current_employer_per_person",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation.name}"

    @property
    def is_coordinator(self):
        return self.role == MembershipRole.COORDINATOR


def _invitation_token():
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """A coordinator's invitation to a colleague: a pending membership until accepted."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation.name}"

    @property
    def is_open(self):
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ProcessingAgreement(models.Model):
    """A data processing agreement (*databehandleravtale*) with a customer organisation, as GDPR
    art. 28 requires: which version, when and by whom it was signed, and when it ended. Kept
    after it ends, so the history of agreements stays visible."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="processing_agreements",
        verbose_name=_("organisation"),
    )
    version = models.CharField(
        _("agreement version"), max_length=40, help_text=_("For example 2026-1.")
    )
    signed_on = models.DateField(_("signed on"))
    signed_by = models.CharField(
        _("signed by"), max_length=200, help_text=_("Name and role of who signed for them.")
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed document"),
        help_text=_("Keep it in a collection only NAPHA can see."),
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("Empty while it is in force.")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("data processing agreement")
        verbose_name_plural = _("data processing agreements")
        ordering = ["-signed_on", "organisation__name"]

    def __str__(self):
        return f"{self.organisation.name} ({self.version}, {self.signed_on:%d.%m.%Y})"

    def clean(self):
        if self.ended_on and self.signed_on and self.ended_on <= self.signed_on:
            raise ValidationError({"ended_on": _("An agreement ends after it was signed.")})
