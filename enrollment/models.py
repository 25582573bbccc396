"""Registrations for course runs, their waitlist offers and an audit trail of every change.

A Registration is *active* while confirmed, waitlisted or offered; a person has at most one
active registration per run (a partial unique constraint). Seats are never counted in a stored
field: availability is computed from these rows (``enrollment.services.availability``).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.professions import Profession


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Offered a seat")
    # A person's own cancellation ("Avmeldt"), not a run called off ("Avlyst").
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
    DECLINED = "declined", _("Offer declined")
    EXPIRED = "expired", _("Offer expired")


ACTIVE_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.OFFERED,
)
SEAT_HOLDING_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)

# The only moves a registration may make ("" is a new registration). Cancelled, declined and
# expired are final. A move to the same status records a change that keeps it (completion,
# priority).
ALLOWED_TRANSITIONS = {
    "": {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED},
    RegistrationStatus.WAITLISTED: {
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.OFFERED,
        RegistrationStatus.CANCELLED,
    },
    RegistrationStatus.OFFERED: {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.DECLINED,
        RegistrationStatus.EXPIRED,
        RegistrationStatus.CANCELLED,
    },
    RegistrationStatus.CONFIRMED: {RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED},
    RegistrationStatus.CANCELLED: set(),
    RegistrationStatus.DECLINED: set(),
    RegistrationStatus.EXPIRED: set(),
}


def new_offer_nonce():
    return secrets.token_urlsafe(16)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def waitlist_order(self):
        """First come, first served, unless an organiser raised someone's priority."""
        return self.order_by("-priority", "waitlisted_at", "pk")


class Registration(models.Model):
    # Operational rows: Wagtail's reference index would only slow every save down.
    wagtail_reference_index_ignore = True
    run = models.ForeignKey(
        "courses.CourseRun",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("course run"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    # What the person was when they registered, kept for statistics even if they move on.
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices)
    employer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("employer"),
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    needs = models.TextField(
        _("dietary or accessibility needs"),
        blank=True,
        help_text=_("Shown only to the organisers; deleted 30 days after the course."),
    )
    needs_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    priority = models.SmallIntegerField(_("waitlist priority"), default=0)
    priority_reason = models.CharField(_("reason for priority"), max_length=300, blank=True)
    waitlisted_at = models.DateTimeField(_("joined the waitlist"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    offer_nonce = models.CharField(max_length=32, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    prerequisite_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prerequisite waived by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "user"],
                condition=Q(status__in=["confirmed", "waitlisted", "offered"]),
                name="one_active_registration_per_person_and_run",
                violation_error_message=_("You are already registered for this course."),
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="offer_has_deadline",
            ),
        ]
        indexes = [models.Index(fields=["run", "status"], name="registration_run_status")]

    def __str__(self):
        return f"{self.user} – {self.run} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class RegistrationEvent(models.Model):
    """One state change of a registration: who, when, from, to and why."""

    # Operational rows: Wagtail's reference index would only slow every save down.
    wagtail_reference_index_ignore = True

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    run = models.ForeignKey(
        "courses.CourseRun", on_delete=models.CASCADE, related_name="registration_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))
    from_status = models.CharField(
        _("from"), max_length=20, choices=RegistrationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=RegistrationStatus.choices)
    reason = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.registration_id}: {self.from_status or '–'} → {self.to_status}"
